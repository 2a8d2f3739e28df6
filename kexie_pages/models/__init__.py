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
from .pages import HomePage, NewsIndexPage, NewsPage, OrganisationSettings
from .taxonomy import County, IndustryCategory

__all__ = [
    "DIRECTORIES",
    "Achievement",
    "Association",
    "County",
    "DemonstrationBase",
    "DirectoryEntry",
    "Expert",
    "HomePage",
    "IndustryCategory",
    "NewsIndexPage",
    "NewsPage",
    "OrganisationSettings",
    "TechLeader",
    "ThinkTankPage",
]
