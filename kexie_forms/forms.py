"""The form builder: Wagtail's field types plus county, industry, mobile and file."""

from typing import Any

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

from kexie_pages.base import guards
from kexie_pages.base.guards import GuardedFormMixin
from kexie_pages.base.validators import is_mobile, phone_normalise
from kexie_pages.models import (
    Association,
    County,
    DemonstrationBase,
    IndustryCategory,
    TechLeader,
)

TOKEN_SALT = "kexie_forms.token"  # noqa: S105
DEFAULT_MULTILINE_MAX = 5000
DEFAULT_SINGLELINE_MAX = 255

#: MIME types ``filetype`` reports for the kinds :data:`FILE_KIND_CHOICES` offers.
KIND_MIME = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}
#: File name extensions accepted for each kind.
KIND_EXTENSIONS = {
    "pdf": {"pdf"},
    "jpg": {"jpg", "jpeg"},
    "png": {"png"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "doc": {"doc"},
    "xls": {"xls"},
}


def form_token_new(page_id: int) -> str:
    """Return a signed one-time token for a fresh copy of a form."""
    return guards.form_token_new(page_id, salt=TOKEN_SALT)


def form_token_valid(token: str, page_id: int) -> bool:
    """Whether ``token`` was issued by this site for this form and is not too old."""
    return guards.form_token_valid(token, page_id, salt=TOKEN_SALT)


class MobileNumberField(forms.CharField):
    """A mainland Chinese mobile number; spaces, dashes and +86 are stripped."""

    default_error_messages = {
        "invalid": _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="tel", autocomplete="tel")

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        number = phone_normalise(value)
        if not is_mobile(number):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class NamedModelChoiceField(forms.ModelChoiceField):
    """A model choice field whose stored value is the chosen object's name."""

    default_error_messages = {
        "invalid_choice": _("Choose one of the listed options."),
    }


#: The directories a "think-tank entry" field offers, keyed by their DESIGN.md
#: §5 names (the stored value is ``<directory>:<id>``).
NOMINEE_DIRECTORIES = {
    "associations": (Association, _("Rural technical associations")),
    "demo-bases": (DemonstrationBase, _("Demonstration bases")),
    "leaders": (TechLeader, _("Tech-leaders")),
}


def nominee_choices() -> list:
    """The public entries a nomination may name, grouped by directory."""
    groups: list = [("", _("Choose an entry"))]
    for directory, (model, label) in NOMINEE_DIRECTORIES.items():
        entries = (
            model.objects.public()
            .select_related("county")
            .order_by("county__sort_order", "name")
        )
        groups.append(
            (
                label,
                [
                    (
                        f"{directory}:{entry.pk}",
                        f"{entry.name}（{entry.county.name}）"
                        if entry.county
                        else entry.name,
                    )
                    for entry in entries
                ],
            )
        )
    return groups


def nominee_resolve(value: str):
    """The public directory entry a stored ``<directory>:<id>`` names, or ``None``."""
    directory, _sep, pk = str(value).partition(":")
    if directory not in NOMINEE_DIRECTORIES or not pk.isdigit():
        return None
    model = NOMINEE_DIRECTORIES[directory][0]
    return model.objects.public().filter(pk=int(pk)).first()


class AttachmentField(forms.FileField):
    """An uploaded file whose real type, found from its bytes, must be allowed."""

    default_error_messages = {
        "too_large": _("The file is %(size)s; this field accepts at most %(limit)s."),
        "bad_type": _(
            "This file is not an accepted type (%(allowed)s). "
            "Its content was checked, not only its name."
        ),
        "name_mismatch": _(
            "The file's name does not match its content: it is a %(kind)s file."
        ),
    }

    def __init__(self, *, allowed_kinds: list[str], max_size: int, **kwargs):
        self.allowed_kinds = allowed_kinds
        self.max_size = max_size
        super().__init__(**kwargs)
        accept = ",".join(
            f".{ext}" for kind in allowed_kinds for ext in sorted(KIND_EXTENSIONS[kind])
        )
        self.widget.attrs["accept"] = accept

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if upload.size > self.max_size:
            raise ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(self.max_size),
                },
            )
        head = upload.read(8192)
        upload.seek(0)
        guessed = filetype.guess(head)
        allowed = ", ".join(self.allowed_kinds)
        kind = guessed.extension if guessed else None
        if kind == "jpeg":
            kind = "jpg"
        if kind not in self.allowed_kinds:
            raise ValidationError(
                self.error_messages["bad_type"],
                code="bad_type",
                params={"allowed": allowed},
            )
        ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if ext not in KIND_EXTENSIONS[kind]:
            raise ValidationError(
                self.error_messages["name_mismatch"],
                code="name_mismatch",
                params={"kind": kind.upper()},
            )
        upload.kexie_kind = kind
        upload.content_type = KIND_MIME[kind]
        return upload


class KexieBaseForm(GuardedFormMixin, BaseForm):
    """The base of every public form: a one-time token and a honeypot.

    The token is signed and bound to the form page; with a digest of the
    answers it is the idempotency key, so an identical replayed POST finds
    the submission it already made while changed answers are stored anew.
    """

    token_salt = TOKEN_SALT
    # Django's Form.data (a QueryDict when bound to a request), declared
    # because Wagtail's BaseForm has no types and refresh_token() replaces it.
    data: dict[str, Any]

    def token_scope(self) -> int:
        return self.page.pk if self.page else 0


class KexieFormBuilder(FormBuilder):
    """Wagtail's builder with caps on text length and four field types of our own."""

    def get_form_class(self):
        return type("KexieForm", (KexieBaseForm,), self.formfields)

    def get_field_options(self, field):
        options = super().get_field_options(field)
        options["error_messages"] = {
            "required": _("Please fill in this field."),
            "max_length": _(
                "At most %(limit_value)d characters (you entered %(show_value)d)."
            ),
        }
        return options

    def create_singleline_field(self, field, options):
        # Wagtail fixes 255; a field may ask for fewer characters, never more.
        limit = min(field.max_length or DEFAULT_SINGLELINE_MAX, DEFAULT_SINGLELINE_MAX)
        return forms.CharField(max_length=limit, **options)

    def create_multiline_field(self, field, options):
        options["max_length"] = field.max_length or DEFAULT_MULTILINE_MAX
        return super().create_multiline_field(field, options)

    def create_county_field(self, field, options):
        options.pop("initial", None)
        return NamedModelChoiceField(
            queryset=County.objects.all(),
            to_field_name="code",
            empty_label=_("Choose a county"),
            **options,
        )

    def create_industry_field(self, field, options):
        options.pop("initial", None)
        return NamedModelChoiceField(
            queryset=IndustryCategory.objects.all(),
            to_field_name="slug",
            empty_label=_("Choose an industry"),
            **options,
        )

    def create_mobile_field(self, field, options):
        return MobileNumberField(**options)

    def create_nominee_field(self, field, options):
        options.pop("initial", None)
        options["error_messages"]["invalid_choice"] = _(
            "Choose one of the listed entries."
        )
        return forms.ChoiceField(choices=nominee_choices, **options)

    def create_file_field(self, field, options):
        options.pop("initial", None)
        return AttachmentField(
            allowed_kinds=field.allowed_kinds(),
            max_size=field.max_file_size_mb * 1024 * 1024,
            **options,
        )
