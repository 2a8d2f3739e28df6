"""The needs library's public form: an offer of help (对接洽谈)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..base.guards import GuardedFormMixin
from ..base.validators import is_phone, phone_normalise
from .models import Enquiry


class EnquiryForm(GuardedFormMixin, forms.ModelForm):
    """An offer of help for one need (对接洽谈); short enough for a phone.

    With the county forms' defences (:class:`~kexie_pages.base.guards.GuardedFormMixin`):
    a one-time token bound to the need, and a honeypot hidden with CSS, not JS.
    """

    token_salt = "kexie_pages.needs.enquiry"  # noqa: S105 - a signing salt

    class Meta:
        model = Enquiry
        fields = ["kind", "organisation", "name", "phone", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "organisation": {
                "required": _("Please enter your society, company or unit.")
            },
            "name": {"required": _("Please enter a contact person.")},
            "phone": {"required": _("Please enter a phone number staff can call.")},
            "message": {"required": _("Please say briefly what you can offer.")},
        }

    def __init__(self, *args, need_id: int = 0, **kwargs) -> None:
        self.need_id = need_id
        super().__init__(*args, **kwargs)

    def token_scope(self) -> int:
        return self.need_id

    def clean_phone(self) -> str:
        phone = phone_normalise(self.cleaned_data["phone"])
        if not is_phone(phone):
            raise forms.ValidationError(
                _("Enter an 11-digit mobile number or a landline such as 0394-8888888.")
            )
        return phone
