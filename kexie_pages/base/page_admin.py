"""The page editor, for the plugin's page types: a new page's empty slug is
filled from its title, and a create form posted twice edits the page its
first post made.

**Empty slug.** Wagtail's editor requires a slug even for a draft and relies on
its JavaScript to copy the title into it. Without JavaScript the field stays
empty; the create view then gets the pinyin slug of the title (unique among the
new page's siblings) before it validates the form. A slug the editor typed is
left to ``slugs.PinyinSlugMixin``.

**Autosave, then Publish.** Wagtail 8 autosaves the page editor. On a new page
the first autosave posts the create form in the background (``Accept:
application/json``); the create view makes the page and answers with the edit
view's address, which the browser posts to from then on. Until that answer
arrives the form still points at the create view, so a click on Publish in that
moment (measured: the whole second after the first autosave on a 400 ms
network) posts the same form to the create view again. That second post used to
fail with "the slug is already in use" (the autosaved draft has it) and leave
the article unpublished; with pinyin slugs it would have quietly made a second
page ``…-2``.

Both posts carry the same CSRF form token: Django masks the token afresh each
time it renders a form, so an equal token means the same rendering of the same
create form. The first post of a form claims it in the cache (an atomic
``add``) and, once it has made the page, leaves the page's id there; a later
post of that form, or one arriving while the first is still at work (a few
hundred milliseconds: two workers take them side by side), waits for the id and
is handed to Wagtail's own edit view for that page, which saves or publishes it
exactly as if the browser had already switched. An autosave that arrives after
the Publish it raced (so, with older content) saves nothing. A first post that
made no page (its form was refused) gives its claim back when its response is
done. Without a shared cache (several processes on the local-memory cache) the
guard holds within each process only.
"""

import hashlib
import json
import time
import uuid
from contextvars import ContextVar

from django.core.cache import cache
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.utils import set_query_params
from wagtail.admin.views.pages.edit import EditView
from wagtail.models import Page

from .slugs import FALLBACK_SLUG, PinyinSlugMixin, pinyin_slug, unique_child_slug

#: How long the create form's page is remembered: an editing session.
CREATED_PAGE_SECONDS = 6 * 3600
#: How long a post may hold its form's claim while it makes the page. A second
#: post of the form waits as long for that page: two posts of one form never
#: make pages side by side, and a claim whose request died runs out.
CLAIM_SECONDS = 30
WAIT_STEP_SECONDS = 0.1

#: The claim (cache key, claim value) the current request holds, if any.
_claim: ContextVar[tuple[str, str] | None] = ContextVar(
    "kexie_page_create_claim", default=None
)


def _is_plugin_page(page_class: type[Page]) -> bool:
    return issubclass(page_class, PinyinSlugMixin)


def _expects_json(request: HttpRequest) -> bool:
    # As Wagtail's JsonPostResponseMixin decides it for the autosave.
    return not request.accepts("text/html")


def create_form_key(
    *, user_id: object, parent_id: int, page_class: type[Page], token: str
) -> str:
    """The cache key of one rendering of a create form."""
    identity = f"{user_id}:{parent_id}:{page_class._meta.label}:{token}"
    return "kexie:page-create:" + hashlib.sha256(identity.encode()).hexdigest()


def _form_key(
    request: HttpRequest, parent_page: Page, page_class: type[Page]
) -> str | None:
    token = request.POST.get("csrfmiddlewaretoken", "")
    if not token:
        return None
    return create_form_key(
        user_id=request.user.pk,
        parent_id=parent_page.pk,
        page_class=page_class,
        token=token,
    )


def _page_of_form(key: str) -> Page | None:
    """The page an earlier post of this form made, waiting while one is making
    it; None once this request holds the claim to make it (or the cache
    cannot tell)."""
    deadline = time.monotonic() + CLAIM_SECONDS + 1
    while True:
        mine = f"claimed:{uuid.uuid4().hex}"
        if cache.add(key, mine, CLAIM_SECONDS):
            _claim.set((key, mine))
            return None
        value = cache.get(key)
        if isinstance(value, int):
            page = Page.objects.filter(pk=value).first()
            if page is not None:
                return page
            cache.delete(key)  # the page was deleted since: make a new one
            continue
        if time.monotonic() > deadline:
            return None
        time.sleep(WAIT_STEP_SECONDS)


def _fill_empty_slug(request: HttpRequest, parent_page: Page) -> None:
    """Give a posted create form without a slug the pinyin slug of its title."""
    title = request.POST.get("title", "").strip()
    if request.POST.get("slug", "").strip() or not title:
        return
    data = request.POST.copy()
    data["slug"] = unique_child_slug(parent_page, pinyin_slug(title) or FALLBACK_SLUG)
    request.POST = data  # type: ignore[assignment]  # a settable property


def _edit_created_page(request: HttpRequest, page: Page) -> HttpResponse:
    """Answer a repeated post of a create form as the edit view of its page."""
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    hydrate_url = set_query_params(edit_url, {"_w_hydrate_create_view": "1"})
    if _expects_json(request) and page.live:
        # The autosave lost the race to Publish: what it carries is not newer
        # than what was published. Point the editor at the page, save nothing.
        return JsonResponse(
            {
                "success": True,
                "pk": page.pk,
                "url": edit_url,
                "hydrate_url": hydrate_url,
            }
        )
    response = EditView.as_view()(request, page_id=page.pk)
    if _expects_json(request) and isinstance(response, JsonResponse):
        # The create view's answer also moves the editor to the edit view.
        data = json.loads(response.content)
        if data.get("success"):
            data.setdefault("url", edit_url)
            data.setdefault("hydrate_url", hydrate_url)
            return JsonResponse(data, status=response.status_code)
    return response


@hooks.register("before_create_page")
def create_each_page_once(
    request: HttpRequest, parent_page: Page, page_class: type[Page]
) -> HttpResponse | None:
    """Send a create form posted again to its page's edit view; fill an empty slug."""
    if request.method != "POST" or not _is_plugin_page(page_class):
        return None
    key = _form_key(request, parent_page, page_class)
    page = _page_of_form(key) if key else None
    if page is not None:
        return _edit_created_page(request, page)
    _fill_empty_slug(request, parent_page)
    return None


@hooks.register("after_create_page")
def remember_created_page(request: HttpRequest, page: Page) -> None:
    """Leave the page's id under its form's key, for later posts of the form."""
    claim = _claim.get()
    if claim is not None:
        _claim.set(None)
        cache.set(claim[0], page.pk, CREATED_PAGE_SECONDS)


def give_back_claim(**kwargs) -> None:
    """At the end of a request whose form made no page, give its claim back."""
    claim = _claim.get()
    if claim is None:
        return
    _claim.set(None)
    key, mine = claim
    if cache.get(key) == mine:
        cache.delete(key)


request_finished.connect(give_back_claim, dispatch_uid="kexie-page-create-claim")
