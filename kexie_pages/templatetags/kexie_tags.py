from django import template
from wagtail.models import Page, Site

from ..base.selectors import MenuItem, menu_items

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[MenuItem]:
    """The sections in the site's main menu (cached; see ``selectors.menu_items``)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    return menu_items(site=site)


@register.filter
def is_active_section(page: MenuItem, current: Page | None) -> bool:
    """True when ``current`` is ``page`` or lies below it."""
    if current is None or not hasattr(current, "path"):
        return False
    return current.path.startswith(page.path)
