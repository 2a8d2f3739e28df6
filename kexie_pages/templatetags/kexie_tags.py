from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[Page]:
    """The live, public pages directly under the site's root that are shown in menus."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    return list(site.root_page.get_children().live().public().in_menu())


@register.filter
def is_active_section(page: Page, current: Page | None) -> bool:
    """True when ``current`` is ``page`` or lies below it."""
    if current is None or not hasattr(current, "path"):
        return False
    return current.path.startswith(page.path)
