from .directories import (
    DIRECTORIES,
    Achievement,
    Association,
    DemonstrationBase,
    DirectoryEntry,
    Expert,
    TechLeader,
    ThinkTankPage,
)
from .needs import (
    Enquiry,
    EnquiryKind,
    EnquiryStatus,
    Need,
    NeedMatch,
    NeedsLibraryPage,
    NeedStatus,
    NeedStatusChange,
    NeedUrgency,
)
from .pages import HomePage, NewsIndexPage, NewsPage, OrganisationSettings
from .taxonomy import County, IndustryCategory

__all__ = [
    "DIRECTORIES",
    "Achievement",
    "Association",
    "County",
    "DemonstrationBase",
    "DirectoryEntry",
    "Enquiry",
    "EnquiryKind",
    "EnquiryStatus",
    "Expert",
    "HomePage",
    "IndustryCategory",
    "Need",
    "NeedMatch",
    "NeedStatus",
    "NeedStatusChange",
    "NeedUrgency",
    "NeedsLibraryPage",
    "NewsIndexPage",
    "NewsPage",
    "OrganisationSettings",
    "TechLeader",
    "ThinkTankPage",
]
