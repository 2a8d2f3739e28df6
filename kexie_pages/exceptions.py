"""The one base exception of this app; each section's errors subclass it."""


class KexiePagesError(Exception):
    """Base class of every error this app raises on purpose."""
