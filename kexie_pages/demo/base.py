"""Helpers the section loaders share."""

from wagtail.models import Page


def child_page(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """Create or update the child page of ``parent`` with ``slug``, and publish it."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision().publish()
    return page
