"""The needs library's public form: an offer of help (对接洽谈)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..base.validators import is_phone, phone_normalise
from .models import Enquiry


class EnquiryForm(forms.ModelForm):
    """An offer of help for one need (对接洽谈); short enough for a phone."""

    # Left empty by people; bots fill every field. Hidden with CSS, not JS.
    website = forms.CharField(required=False, label=_("Leave this empty"))

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

    def clean_phone(self) -> str:
        phone = phone_normalise(self.cleaned_data["phone"])
        if not is_phone(phone):
            raise forms.ValidationError(
                _("Enter an 11-digit mobile number or a landline such as 0394-8888888.")
            )
        return phone

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this empty"))
        return ""
