"""The app's models, re-exported: the one door for Django and for outside code.

Each section keeps its models in ``<section>/models.py``; code inside the app
imports them from there. kexie_forms, tests and other projects import from here.
"""

from .base.models import (
    County,
    HomePage,
    IndustryCategory,
    NewsIndexPage,
    NewsPage,
    OrganisationSettings,
)
from .booklets.models import (
    BookletDownloadCount,
    BookletIndexPage,
    BookletPage,
    BookletRelatedPage,
)
from .courses.models import (
    CourseLecturer,
    CoursePage,
    CoursePhoto,
    CourseRegistration,
    CourseRelatedPage,
    CourseSeatLock,
    CourseSession,
    CourseStatus,
    LectureHallPage,
    RegistrationStatus,
)
from .directories.models import (
    DIRECTORIES,
    Achievement,
    Association,
    DemonstrationBase,
    DirectoryEntry,
    DirectoryImportJob,
    Expert,
    ImportJobPhase,
    ImportJobStatus,
    TechLeader,
    ThinkTankPage,
)
from .needs.models import (
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

__all__ = [
    "Achievement",
    "Association",
    "BookletDownloadCount",
    "BookletIndexPage",
    "BookletPage",
    "BookletRelatedPage",
    "County",
    "CourseLecturer",
    "CoursePage",
    "CoursePhoto",
    "CourseRegistration",
    "CourseRelatedPage",
    "CourseSeatLock",
    "CourseSession",
    "CourseStatus",
    "DIRECTORIES",
    "DemonstrationBase",
    "DirectoryEntry",
    "DirectoryImportJob",
    "Enquiry",
    "EnquiryKind",
    "EnquiryStatus",
    "Expert",
    "HomePage",
    "ImportJobPhase",
    "ImportJobStatus",
    "IndustryCategory",
    "LectureHallPage",
    "Need",
    "NeedMatch",
    "NeedStatus",
    "NeedStatusChange",
    "NeedUrgency",
    "NeedsLibraryPage",
    "NewsIndexPage",
    "NewsPage",
    "OrganisationSettings",
    "RegistrationStatus",
    "TechLeader",
    "ThinkTankPage",
]
