"""The home page, the default site and the organisation's details."""

from wagtail.models import Page, Site

from ..base.models import HomePage, OrganisationSettings


def load() -> HomePage:
    """Make a HomePage the default site's root, replacing Wagtail's welcome page."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="科技助力精准扶贫",
            slug="kexie-home",
            intro="动员全市科技工作者，把技术送到贫困村：科技需求库、农村科普大讲堂、免费科普图书资料和智库专家，都在这里。",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, is_default_site=True, root_page=home
        )
    if site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "周口市科协"
        site.save()
        if type(old_root.specific) is Page and old_root.depth == 2:
            old_root.delete()
    org = OrganisationSettings.for_site(site)
    org.organisation = "周口市科学技术协会"
    org.address = "河南省周口市川汇区七一路"
    org.hotline = "0394-8123456"
    org.save()
    return home
