"""Wagtail's database search backend with Chinese query segmentation.

Use it as ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND":
"kexie_pages.search_backend"}}``. It picks the same vendor backend as
``wagtail.search.backends.database`` (SQLite FTS5, PostgreSQL, MySQL) and
rewrites every plain-text query with :func:`kexie_pages.search.segment_query`
before it is compiled; the indexing side is ``ChineseSearchField``.
"""

from functools import cache

from modelsearch.backends.base import BaseSearchBackend
from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend

from .search import segment_query


class ChineseQueryCompilerMixin:
    """Segments the query once, before the vendor compiler builds its SQL."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.query = segment_query(self.query)


@cache
def _with_segmentation(compiler_class: type) -> type:
    return type(
        f"Chinese{compiler_class.__name__}",
        (ChineseQueryCompilerMixin, compiler_class),
        {},
    )


def SearchBackend(params: dict) -> BaseSearchBackend:  # noqa: N802 (Wagtail's factory name)
    """Return the database backend for the current vendor, segmenting queries."""
    backend = DatabaseSearchBackend(params)
    backend.query_compiler_class = _with_segmentation(backend.query_compiler_class)
    backend.autocomplete_query_compiler_class = _with_segmentation(
        backend.autocomplete_query_compiler_class
    )
    return backend
