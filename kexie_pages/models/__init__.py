from .booklets import (
    BookletDownloadCount,
    BookletIndexPage,
    BookletPage,
    BookletRelatedPage,
)
from .pages import HomePage, NewsIndexPage, NewsPage, OrganisationSettings
from .taxonomy import County, IndustryCategory

__all__ = [
    "BookletDownloadCount",
    "BookletIndexPage",
    "BookletPage",
    "BookletRelatedPage",
    "County",
    "HomePage",
    "IndustryCategory",
    "NewsIndexPage",
    "NewsPage",
    "OrganisationSettings",
]
