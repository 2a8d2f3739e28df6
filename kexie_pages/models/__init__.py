from .booklets import (
    BookletDownloadCount,
    BookletIndexPage,
    BookletPage,
    BookletRelatedPage,
)
from .courses import (
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
from .pages import HomePage, NewsIndexPage, NewsPage, OrganisationSettings
from .taxonomy import County, IndustryCategory

__all__ = [
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
    "HomePage",
    "IndustryCategory",
    "LectureHallPage",
    "NewsIndexPage",
    "NewsPage",
    "OrganisationSettings",
    "RegistrationStatus",
]
