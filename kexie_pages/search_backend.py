"""Wagtail's database search backend with Chinese query segmentation.

Use it as ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND":
"kexie_pages.search_backend"}}``. It picks the same vendor backend as
``wagtail.search.backends.database`` (SQLite FTS5, PostgreSQL, MySQL) and
rewrites every plain-text query with :func:`kexie_pages.search.segment_query`
before it is compiled; the indexing side is ``ChineseSearchField``.
On SQLite the query is also planned differently: see
``kexie_pages.search_backend_sqlite``.
"""

from functools import cache
from typing import TYPE_CHECKING

from django.db import connection
from modelsearch.backends.base import BaseSearchBackend, EmptySearchResults
from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend
from modelsearch.query import MATCH_ALL, PlainText, SearchQuery

from .search import segment_query, segmentation_enabled

if TYPE_CHECKING:
    # Mixed in front of each vendor's compiler; as its base, mypy takes the
    # compiler's attributes from there (modelsearch has no types).
    from modelsearch.backends.base import BaseSearchBackend as _Backend
    from modelsearch.backends.base import BaseSearchQueryCompiler as _Compiler
else:
    _Compiler = _Backend = object


class ChineseQueryCompilerMixin(_Compiler):
    """Segments the query once, before the vendor compiler builds its SQL."""

    query: SearchQuery

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The backend answered a query without words before compiling it.
        self.query = segment_query(self.query) or self.query


class NoWordsNoSearchMixin(_Backend):
    """A query holding no searchable word (``"``, ``*``, a NUL, only
    punctuation) finds nothing, without asking the database.

    Passed on as typed, such text reached SQLite FTS5's query parser
    ("unterminated string", "fts5: syntax error") or PostgreSQL's
    ("A string literal cannot contain NUL"): a 500 on every search box.
    """

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if segmentation_enabled() and query is not MATCH_ALL:
            text = (
                PlainText(query, operator=kwargs.get("operator") or "and")
                if isinstance(query, str)
                else query
            )
            if isinstance(text, SearchQuery) and segment_query(text) is None:
                return EmptySearchResults()
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


@cache
def _subclass(base: type, *mixins: type) -> type:
    return type(f"Chinese{base.__name__}", (*mixins, base), {})


def SearchBackend(params: dict) -> BaseSearchBackend:
    """Return the database backend for the current vendor, segmenting queries."""
    vendor_backend = DatabaseSearchBackend(params)
    vendor_class: type = vendor_backend.__class__
    backend = _subclass(vendor_class, NoWordsNoSearchMixin)(params)
    mixins: list[type] = [ChineseQueryCompilerMixin]
    if connection.vendor == "sqlite" and vendor_class.__name__ == "SQLiteSearchBackend":
        # Imported here: the FTS models exist only on SQLite databases.
        from .search_backend_sqlite import FTSFirstCompilerMixin, FTSFirstSearchResults

        mixins.append(FTSFirstCompilerMixin)
        backend.results_class = FTSFirstSearchResults
    backend.query_compiler_class = _subclass(backend.query_compiler_class, *mixins)
    backend.autocomplete_query_compiler_class = _subclass(
        backend.autocomplete_query_compiler_class, *mixins
    )
    return backend
