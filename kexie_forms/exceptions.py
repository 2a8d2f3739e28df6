"""The one base exception of this app, and the reasons a submission is refused."""


class KexieFormsError(Exception):
    """Base class of every error this app raises on purpose."""


class SubmissionRefused(KexieFormsError):
    """The form took no submission: it is closed, full or not yet open."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PromotionUnavailable(KexieFormsError):
    """A submission cannot become a need: wrong form, status, or no handler."""
