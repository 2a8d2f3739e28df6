from .pages import HomePage, NewsIndexPage, NewsPage, OrganisationSettings
from .taxonomy import County, IndustryCategory

__all__ = [
    "County",
    "HomePage",
    "IndustryCategory",
    "NewsIndexPage",
    "NewsPage",
    "OrganisationSettings",
]
