"""The site's template tags: the main menu, and what every page's ``<head>``
prints about sharing (Open Graph, Twitter card) and the news feeds."""

from django import template
from django.template.base import Token
from django.utils.translation import get_language
from wagtail.images.templatetags.wagtailimages_tags import PictureNode
from wagtail.images.templatetags.wagtailimages_tags import image as image_tag
from wagtail.models import Page, Site

from ..base import cache as page_cache
from ..base.models import OrganisationSettings
from ..base.selectors import MenuItem, menu_items, public_pages
from ..base.sharing import share_meta as share_meta_for
from ..news.models import NewsIndexPage
from ..news.selectors import news_about as news_about_list
from ..news.views import FeedLink, news_feed_links

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[MenuItem]:
    """The sections in the site's main menu (cached; see ``selectors.menu_items``)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    return menu_items(site=site)


class ParsedOncePictureNode(PictureNode):
    """Wagtail's ``{% picture %}``, its filters built once per compiled template.

    Wagtail builds new ``Filter`` objects on every render, and each parses its
    spec again (``inspect.getcallargs`` per operation): on the booklet list,
    12 covers of four renditions each, that was a fifth of the render. A
    ``Filter`` holds nothing about the image it is used on.
    """

    def get_filters(self):
        filters = self.__dict__.get("_filters")
        if filters is None:
            filters = self.__dict__["_filters"] = super().get_filters()
        return filters


@register.tag
def listing_picture(parser, token: Token) -> ParsedOncePictureNode:
    """``{% listing_picture %}``: Wagtail's ``{% picture %}`` (same arguments,
    same HTML) for pictures repeated down a listing (see the node's doc)."""
    rest = token.contents.split(None, 1)[1] if " " in token.contents else ""
    node = image_tag(
        parser, Token(token.token_type, f"picture {rest}", token.position, token.lineno)
    )
    return ParsedOncePictureNode(
        node.image_expr,
        node.filter_specs,
        output_var_name=node.output_var_name,
        attrs=node.attrs,
    )


@register.filter
def is_active_section(page: MenuItem, current: Page | None) -> bool:
    """True when ``current`` is ``page`` or lies below it."""
    if current is None or not hasattr(current, "path"):
        return False
    return current.path.startswith(page.path)


@register.inclusion_tag("kexie_pages/includes/share_meta.html", takes_context=True)
def share_meta(
    context,
    title: str = "",
    description: str = "",
    card_kind: str = "",
    card_id: int | None = None,
    og_type: str = "",
) -> dict:
    """Open Graph and Twitter-card ``<meta>`` tags for the page being shown.

    ``kexie_pages/base.html`` prints them for every page from its ``page``;
    a view below a page (a need of the library) passes its own ``title``,
    ``description`` and card (``card_kind``/``card_id``, see ``base.sharing``).
    """
    request = context.get("request")
    if request is None:
        return {"meta": None}
    page = context.get("page")
    site = Site.find_for_request(request)
    organisation = (
        OrganisationSettings.for_site(site).organisation if site is not None else ""
    )
    return {
        "meta": share_meta_for(
            request,
            page=page if isinstance(page, Page) else None,
            organisation=organisation,
            title=str(title),
            description=str(description),
            card=(card_kind, int(card_id)) if card_kind and card_id else None,
            og_type=og_type,
        )
    }


@register.simple_tag(takes_context=True)
def feed_links(context) -> list[FeedLink]:
    """The news feeds a page advertises: what its view chose (the news pages),
    else, on the home page, the site's news section's feeds."""
    chosen = context.get("feed_links")
    if chosen is not None:
        return chosen
    page = context.get("page")
    if not isinstance(page, Page) or page.depth != 2:
        return []

    def home_feeds() -> list[FeedLink]:
        index = public_pages(NewsIndexPage.objects.child_of(page).live()).first()
        return news_feed_links(index) if index is not None else []

    # Kept per process: publishing, moving or restricting the news section (a
    # child of the home page) purges the whole site, which drops it.
    return page_cache.memo(("home-feeds", page.pk, get_language()), home_feeds)


@register.inclusion_tag("kexie_pages/includes/news_about.html", takes_context=True)
def news_about(context, target) -> dict:
    """The published articles about ``target`` (a need, a course, a think-tank
    entry, an agreement), as a section with a heading; nothing when there are none."""
    return {
        "articles": news_about_list(target=target),
        "request": context.get("request"),
    }
