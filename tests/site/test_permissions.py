"""The county-scoping permission matrix.

Every admin URL of every county-scoped model × role (superuser; city staff, a
group with the permissions and no county binding; county staff, the same group
bound to 扶沟县; anonymous) × a record of 扶沟县 ("own") and of 西华县 ("other").
The URLs are read from Django's URL resolver: every URL of a scoped model's
viewsets (snippets, their choosers, model viewsets) and of its modeladmin, so a
new view or viewset is in the matrix without editing this file. The few URLs
outside a viewset (bulk delete, promotion, attachments, Wagtail's own form
submissions, the dashboard) are listed here. ``test_every_scoped_url_is_in_the_matrix``
fails when a scoped model or one of its URLs cannot be put in the matrix.

What the cases assert: anonymous visitors are sent to the login page; county
staff get 404 for the other county's record (not 403: its existence is not
confirmed) and, for their own, what city staff get; city staff get the same
for both counties; the main views answer 200; a list, export, search or
chooser shows county staff nothing of the other county; and no response a
county user receives (page, JSON, CSV, XLSX) holds a phone number or e-mail
address planted on the other county's records. POSTs to the other county's
records are 404s that change nothing.
"""

import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from django.contrib.admin.utils import quote
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.viewsets import viewsets
from wagtail.coreutils import resolve_model_string
from wagtail.snippets.models import get_snippet_models

from kexie_forms.models import FormSubmission
from kexie_pages.base.scoping import COUNTY_SCOPES
from kexie_pages.models import (
    Achievement,
    Agreement,
    AgreementScan,
    Association,
    BrandActivity,
    CourseRegistration,
    CourseTechniques,
    DemonstrationBase,
    Enquiry,
    Expert,
    KeyTownship,
    LiaisonAssignment,
    LiaisonVisit,
    Need,
    TechLeader,
    Trainee,
    TrainingTarget,
)

pytestmark = pytest.mark.django_db

#: The models whose records belong to a county and carry personal data: the
#: decision this matrix holds the admin to.
SCOPED_MODELS = {
    Need,
    Enquiry,
    CourseRegistration,
    FormSubmission,
    Expert,
    Achievement,
    Association,
    DemonstrationBase,
    TechLeader,
    Agreement,
    AgreementScan,
    KeyTownship,
    BrandActivity,
    LiaisonAssignment,
    LiaisonVisit,
    Trainee,
    TrainingTarget,
    CourseTechniques,
}

ROLES = ("superuser", "city", "county", "anonymous")
SIDES = ("own", "other")


@dataclass(frozen=True)
class AdminURL:
    """One admin URL of a scoped model, as the matrix requests it."""

    name: str
    model: type
    kwargs: tuple[str, ...] = ()
    query: str = ""
    #: False for Wagtail's reports, which name every county's records (titles,
    #: no contact data): only their phones and e-mails are checked.
    hides_other_records: bool = True

    @property
    def short_name(self) -> str:
        return self.name.rpartition(":")[2]

    @property
    def names_record(self) -> bool:
        """Whether the URL names one record (by its path or by ``?id=``)."""
        return bool({"pk", "instance_pk", "key"} & set(self.kwargs)) or (
            "{pk}" in self.query
        )

    @property
    def is_listing(self) -> bool:
        """A list, search, export or chooser: what it shows depends on the user."""
        return not self.names_record or self.short_name == "chosen_multiple"

    def __str__(self) -> str:
        return f"{self.name}{self.query}"


def _walk(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, tuple(pattern.pattern.regex.groupindex)


def viewset_urls() -> list[AdminURL]:
    """Every URL of the viewsets and modeladmins of the scoped models."""
    patterns = get_resolver().url_patterns  # loads the admin, registering viewsets
    namespaces = {}
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if model is not None and resolve_model_string(model) in SCOPED_MODELS:
            namespaces[viewset.url_namespace] = resolve_model_string(model)
    modeladmin = {
        f"{m._meta.app_label}_{m._meta.model_name}_modeladmin_": m
        for m in SCOPED_MODELS
    }
    urls = []
    for name, kwargs in _walk(patterns):
        namespace, _sep, short = name.rpartition(":")
        model = namespaces.get(namespace) or next(
            (m for prefix, m in modeladmin.items() if short.startswith(prefix)), None
        )
        if model is not None:
            urls.append(AdminURL(name, model, kwargs))
    return urls


#: URLs about scoped records outside their viewsets.
OTHER_URLS = [
    *(
        AdminURL("wagtail_bulk_action", m, ("app_label", "model_name", "action"), q)
        for m in get_snippet_models()
        if m in SCOPED_MODELS
        for q in ("?id={pk}", "?id=all")
    ),
    AdminURL("kexie_forms_promote", FormSubmission, ("pk",)),
    AdminURL("kexie_forms_attachment", FormSubmission, ("key",)),
    AdminURL("wagtailforms:list_submissions", FormSubmission, ("page_id",)),
    AdminURL("wagtailforms:list_submissions_results", FormSubmission, ("page_id",)),
    AdminURL(
        "wagtailforms:delete_submissions",
        FormSubmission,
        ("page_id",),
        "?selected-submissions={pk}",
    ),
    AdminURL("wagtailadmin_home", Need),
    *(
        AdminURL(f"wagtailadmin_reports:{name}", Need, hides_other_records=False)
        for name in ("site_history", "workflow", "workflow_tasks")
    ),
]

LIST_VARIANTS = ("", "?export=csv", "?export=xlsx", "?q={county}")
#: Query strings each kind of URL is requested with.
VARIANTS = {
    "list": LIST_VARIANTS,
    "index": LIST_VARIANTS,
    "modeladmin_index": (*LIST_VARIANTS, "?export=json"),
    "list_submissions": ("", "?export=csv", "?export=xlsx"),
    "choose": ("", "?q={county}"),
    "choose_results": ("", "?q={county}"),
    "chosen_multiple": ("?id={pk}",),
}

#: Views county staff may not use at all: importing writes across counties.
COUNTY_REFUSED = (
    "_modeladmin_import",
    "_modeladmin_confirm",
    "_modeladmin_failed",
    "_modeladmin_retry",
)
COUNTY_REFUSED_EXACT = ("_modeladmin_job",)
#: Wagtail's own form submissions area shows county staff no forms.
COUNTY_REFUSED_NAMES = {
    "wagtailforms:list_submissions",
    "wagtailforms:list_submissions_results",
    "wagtailforms:delete_submissions",
}
#: Views that must answer 200 to staff with the permissions.
MUST_WORK = {
    "list",
    "list_results",
    "index",
    "index_results",
    "edit",
    "delete",
    "inspect",
    "history",
    "usage",
    "choose",
    "choose_results",
    "chosen",
    "matching",
    "manage",
    "download",
    "log",
    "wagtail_bulk_action",
    "kexie_forms_promote",
    "kexie_forms_attachment",
    "wagtailadmin_home",
}


def _variants(url: AdminURL) -> list[AdminURL]:
    key = url.short_name
    if key.endswith("_modeladmin_index"):
        key = "modeladmin_index"
    queries = VARIANTS.get(key, (url.query,))
    return [
        AdminURL(url.name, url.model, url.kwargs, query, url.hides_other_records)
        for query in queries
    ]


VIEWSET_URLS = viewset_urls()
MATRIX_URLS = [v for url in [*VIEWSET_URLS, *OTHER_URLS] for v in _variants(url)]
CASES = [
    pytest.param(role, url, side, id=f"{role}-{side}-{url}")
    for url in MATRIX_URLS
    for role in ROLES
    for side in (SIDES if url.names_record else ("own",))
]
RECORD_URLS = [url for url in MATRIX_URLS if url.names_record and not url.is_listing]


def _fillers(world, model, side: str) -> dict:
    return {
        "pk": lambda: quote(world.objects[model][side].pk),
        "instance_pk": lambda: quote(world.objects[model][side].pk),
        "key": lambda: world.attachments[side],
        "revision_id": lambda: world.revisions[side],
        "revision_id_a": lambda: "earliest",
        "revision_id_b": lambda: "latest",
        "action_name": lambda: "approve",
        "task_state_id": lambda: world.task_states[side],
        "workflow_state_id": lambda: world.workflow_states[side],
        "task_id": lambda: world.task_id,
        "job_id": lambda: world.job_id,
        "app_label": lambda: model._meta.app_label,
        "model_name": lambda: model._meta.model_name,
        "action": lambda: "delete",
        "page_id": lambda: world.form_page.pk,
    }


def _address(world, url: AdminURL, side: str) -> str:
    fillers = _fillers(world, url.model, side)
    kwargs = {kwarg: fillers[kwarg]() for kwarg in url.kwargs}
    query = url.query.format(
        pk=quote(world.objects[url.model][side].pk),
        county=world.county_names["other"],
    )
    return reverse(url.name, kwargs=kwargs) + query


def _body(response) -> str:
    """What the user receives, as text: a page, JSON, a CSV, or an XLSX's XML."""
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            return " ".join(
                workbook.read(name).decode("utf-8", "replace")
                for name in workbook.namelist()
                if name.endswith(".xml")
            )
    text = content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        # Choosers answer JSON with escaped Chinese (\uXXXX): read it as it shows.
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def _refused_to_county(url: AdminURL) -> bool:
    return (
        url.name in COUNTY_REFUSED_NAMES
        or url.short_name.endswith(COUNTY_REFUSED)
        or url.short_name.endswith(COUNTY_REFUSED_EXACT)
    )


def _city_status(world, url: AdminURL) -> int:
    """What city staff get for ``url`` on their own county's record (asked once)."""
    address = _address(world, url, "own")
    if address not in world.answers:
        world.answers[address] = world.clients["city"].get(address).status_code
    return world.answers[address]


def _shows_records(url: AdminURL) -> bool:
    """A list page naming its records (each one's marker is its title)."""
    return url.short_name in ("list", "index", "choose") or url.short_name.endswith(
        "_modeladmin_index"
    )


def _is_refusal(response) -> bool:
    """Wagtail answers a permission refusal with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302
        and response["Location"] == reverse("wagtailadmin_home")
    )


@pytest.mark.parametrize(("role", "url", "side"), CASES)
def test_matrix(county_world, role, url, side):
    clients = county_world.clients
    address = _address(county_world, url, side)
    response = clients[role].get(address)
    status = response.status_code
    body = _body(response)
    assert status < 500, body[:2000]

    if role == "anonymous":
        assert status == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
        return

    if role == "county":
        leaked = [s for s in county_world.secrets["other"] if s in body]
        assert not leaked, f"{address} shows the other county's {leaked}"
        if url.is_listing and url.hides_other_records:
            other = county_world.markers[url.model]["other"]
            assert other not in body, f"{address} lists the other county's {other}"
        if _refused_to_county(url):
            assert _is_refusal(response)
            return
        if side == "other" and not url.is_listing:
            assert status == 404
            return
        if url.query == "" and _shows_records(url):
            own = county_world.markers[url.model]["own"]
            assert own in body, f"{address} hides the user's own {own}"

    # Staff with the same permissions get the same answer whatever the county:
    # county staff on their own records as city staff on any.
    if role in ("county", "city"):
        assert status == _city_status(county_world, url)
    if url.short_name in MUST_WORK or url.short_name.endswith(
        ("_modeladmin_index", "_modeladmin_inspect", "_modeladmin_edit")
    ):
        assert status == 200


@pytest.mark.parametrize("url", RECORD_URLS, ids=str)
def test_county_staff_cannot_post_to_another_countys_record(county_world, url):
    other = county_world.objects[url.model]["other"]
    before = model_to_dict(other)
    response = county_world.clients["county"].post(
        _address(county_world, url, "other"),
        {"status": "accepted", "notes": "hijack", "name": "hijack", "action": "status"},
    )
    if _refused_to_county(url):
        assert _is_refusal(response)
    else:
        assert response.status_code == 404
    after = url.model._default_manager.filter(pk=other.pk).first()
    assert after is not None and model_to_dict(after) == before


def test_every_scoped_url_is_in_the_matrix(county_world):
    """A new scoped model, or a URL the matrix cannot build, fails here."""
    assert set(COUNTY_SCOPES) == SCOPED_MODELS
    assert set(county_world.objects) == SCOPED_MODELS
    for model in SCOPED_MODELS:
        urls = [u for u in VIEWSET_URLS if u.model is model]
        assert any(not u.names_record for u in urls), f"no list of {model.__name__}"
        assert any(u.names_record for u in urls), f"no record URL of {model.__name__}"
    known = set(_fillers(county_world, Need, "own"))
    unknown = [str(u) for u in VIEWSET_URLS if set(u.kwargs) - known]
    assert not unknown, f"teach the matrix these URLs' arguments: {unknown}"
