"""Helpers the kexie_forms tests share: a form page, valid answers, files.

Plain functions and constants rather than fixtures: the file contents are
parametrize arguments, and make_form_page and valid_data are also called
where no fixture reaches (the Hypothesis TestCase's setUpTestData and
test_api.py's module-level ``answers``). conftest.py builds its fixtures on
them.
"""

from urllib.parse import parse_qs, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile

from kexie_forms.forms import form_token_new
from kexie_forms.models import FormField, FormPage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
    b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

#: The two counties of the scoping tests: 扶沟县 and 西华县.
FUGOU, XIHUA = "411621", "411622"


def make_form_page(home, slug: str = "needs", **extra) -> FormPage:
    """A needs form: county, village, description, mobile, optional PDF/PNG."""
    page = FormPage(
        title="需求征集",
        slug=slug,
        receipt_prefix=extra.pop("receipt_prefix", "XQ"),
        thank_you_text="<p>感谢填报</p>",
        **extra,
    )
    page.form_fields = [
        FormField(label="county", field_type="county", sort_order=0),
        FormField(
            label="village", field_type="singleline", max_length=20, sort_order=1
        ),
        FormField(label="need", field_type="multiline", max_length=500, sort_order=2),
        FormField(label="mobile", field_type="mobile", sort_order=3),
        FormField(
            label="attachment",
            field_type="file",
            required=False,
            allowed_file_types="pdf,png",
            max_file_size_mb=1,
            sort_order=4,
        ),
    ]
    home.add_child(instance=page)
    return page


def valid_data(page: FormPage, **overrides) -> dict:
    """Answers that pass validation, with a fresh one-time token."""
    data = {
        "county": "411621",
        "village": "前进村",
        "need": "小麦赤霉病防治技术",
        "mobile": "138 0394 0001",
        "form_token": form_token_new(page.pk),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def receipt_code_of(response) -> str:
    """The receipt code in the address a successful POST redirects to."""
    query = parse_qs(urlsplit(response["Location"]).query)
    return query["code"][0]
