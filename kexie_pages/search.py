"""Chinese full-text search on top of Wagtail's search framework.

SQLite FTS5's default tokenizer keeps a run of Chinese characters as one
token, and PostgreSQL's parser does the same, so "小麦" never matches a record
that says "小麦赤霉病防治". Both sides are therefore segmented here before the
database sees them:

* indexed text becomes every CJK character, every CJK character pair
  (bigram) and jieba's search-mode words of three or more characters, space
  separated: a one- or two-character query matches exactly the records that
  contain it (what ``icontains`` would return), and longer words keep a token
  of their own for ranking;
* the query is cut into words with jieba; a word of one or two characters is
  looked up directly, a longer word as "the word itself, or all of its
  bigrams", so a record containing the word is always found even where jieba
  cut the record's sentence differently.

Words are cut by rjieba, jieba's Rust port (the same dictionary and HMM;
index text built in about a fifth of the time, bench/README.md "segment"),
through :func:`cut` and :func:`cut_for_search`, which give jieba's
words exactly (``tests/site/test_segmenter.py``). ``jieba`` itself is still
used for the needs matching's TF-IDF keywords (``jieba.analyse``, which rjieba
lacks) and for page slugs.

``ChineseSearchField`` does the indexing side and the backend in
``kexie_pages.search_backend`` the query side. With OpenSearch/Elasticsearch
and the IK analyzer, set ``KEXIE_SEARCH_SEGMENT = False`` and let the engine
segment (see README).
"""

import functools
import re
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.db.models import Model
from django.utils.encoding import force_str
from modelsearch import index
from modelsearch.query import (
    And,
    Boost,
    Fuzzy,
    MatchAll,
    Not,
    Or,
    Phrase,
    PlainText,
    SearchQuery,
)

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>[^\W_{CJK}]+)")

#: What jieba segments as one block (its ``re_han_default`` less the punctuation
#: ``+#&._%-``, which never reaches :func:`cut` from the search or the needs
#: filter); jieba makes every other character a word of its own. rjieba also
#: joins CJK Extension A, U+9FD6–U+9FFF and compatibility ideographs (rare
#: characters of names) into words, so they are split off here first.
_BLOCK = "[\u4e00-\u9fd5a-zA-Z0-9]+"
_BLOCK_RE = re.compile(rf"(?P<block>{_BLOCK})|(?P<single>\S)")
_ONE_BLOCK_RE = re.compile(_BLOCK)


@functools.cache
def _rjieba():
    """rjieba, imported on first use: it builds its dictionary on import
    (0.2 s, 30 MB), which a process that never cuts text need not pay."""
    import rjieba

    return rjieba


def _cut_blocks(text: str, cut: Callable[[str], list[str]]) -> list[str]:
    if _ONE_BLOCK_RE.fullmatch(text):  # nearly every run of Chinese
        return cut(text)
    words: list[str] = []
    for match in _BLOCK_RE.finditer(text):
        block = match.group("block")
        if block is None:
            words.append(match.group("single"))
        else:
            words += cut(block)
    return words


def cut(text: str) -> list[str]:
    """The words ``jieba.cut(text)`` gives (HMM on, its default), without
    whitespace, for text of letters, digits and CJK characters."""
    return _cut_blocks(text, _rjieba().cut)


def cut_for_search(text: str) -> list[str]:
    """The words ``jieba.cut_for_search(text)`` gives, as :func:`cut` does."""
    return _cut_blocks(text, _rjieba().cut_for_search)


def segmentation_enabled() -> bool:
    """Whether text is segmented here (False when the engine has a Chinese analyzer)."""
    return getattr(settings, "KEXIE_SEARCH_SEGMENT", True)


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> Iterator[str]:
    """Yield the tokens stored in the search index for ``text``."""
    for match in _TOKEN_RE.finditer(text):
        run = match.group("cjk")
        if run is None:
            yield match.group("word").lower()
            continue
        yield from run
        yield from _bigrams(run)
        yield from (w for w in cut_for_search(run) if len(w) > 2)


@functools.lru_cache(maxsize=4096)
def index_text(text: str) -> str:
    """Return ``text`` as the space-separated tokens the index stores.

    Cached: the SQLite backend asks for each field's value several times per
    object (title, body, autocomplete), and bulk imports repeat the same units,
    titles and specialities on thousands of rows; segmentation dominated them.
    """
    return " ".join(index_tokens(text))


class Term(PlainText):
    """One already-segmented token; the backend passes it through untouched."""

    def __init__(self, token: str) -> None:
        super().__init__(token, operator="and")


def _word_query(word: str) -> SearchQuery:
    if len(word) <= 2:
        return Term(word)
    # Every record containing the word contains all its bigrams; the word's
    # own token (present where jieba cut the record the same way) ranks first.
    return Or([Term(word), And([Term(b) for b in _bigrams(word)])])


def _combine(queries: list[SearchQuery], operator: str) -> SearchQuery | None:
    if not queries:
        return None
    if len(queries) == 1:
        return queries[0]
    return And(queries) if operator == "and" else Or(queries)


#: The most words a query is cut into; the rest is dropped. A 5,000-word
#: query would otherwise become an FTS expression SQLite refuses
#: ("expression tree is too large").
MAX_QUERY_WORDS = 20


def query_for_text(text: str, operator: str = "and") -> SearchQuery | None:
    """Turn a user's query string into a segmented search query.

    Words typed together without a space must all match; space-separated
    parts are combined with ``operator``. Returns None when the text holds no
    searchable word (only punctuation, say).

    This is the one sanitiser of search input, on every backend: only words
    (letters, digits, CJK) reach the database, each as a :class:`Term` the
    backend quotes, so FTS syntax (``"``, ``*``, ``^``, ``NEAR(``, ``AND``,
    brackets, ``-``) and NUL characters are never parsed by SQLite FTS5 or
    PostgreSQL's ``to_tsquery``.
    """
    parts = []
    budget = MAX_QUERY_WORDS
    for chunk in text.split():
        words: list[SearchQuery] = []
        for match in _TOKEN_RE.finditer(chunk):
            run = match.group("cjk")
            if run is None:
                words.append(Term(match.group("word").lower()))
            else:
                words.extend(_word_query(w) for w in cut(run))
        words = words[:budget]
        budget -= len(words)
        if query := _combine(words, "and"):
            parts.append(query)
        if budget <= 0:
            break
    return _combine(parts, (operator or "and").lower())


def segment_query(query: SearchQuery) -> SearchQuery | None:
    """Rewrite every text leaf of ``query`` into segmented terms.

    None means "matches nothing": the text held no searchable word. A phrase
    or fuzzy leaf becomes its words, all required (the index stores
    characters and bigrams, not word positions, so a phrase cannot be
    matched as such anyway).
    """
    if isinstance(query, Term) or not segmentation_enabled():
        return query
    if isinstance(query, PlainText):
        return query_for_text(query.query_string, query.operator)
    if isinstance(query, (Phrase, Fuzzy)):
        return query_for_text(query.query_string, "and")
    if isinstance(query, And):
        subqueries = [segment_query(q) for q in query.subqueries]
        if any(q is None for q in subqueries):
            return None
        return _combine([q for q in subqueries if q is not None], "and")
    if isinstance(query, Or):
        kept = [q for q in map(segment_query, query.subqueries) if q is not None]
        return _combine(kept, "or")
    if isinstance(query, Not):
        inner = segment_query(query.subquery)
        return MatchAll() if inner is None else Not(inner)
    if isinstance(query, Boost):
        inner = segment_query(query.subquery)
        return None if inner is None else Boost(inner, query.boost)
    return query


def _flatten(value: object) -> Iterable[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _flatten(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _flatten(v)]
    return [force_str(value)]


class ChineseSearchField(index.SearchField):
    """A ``SearchField`` whose text is segmented for Chinese before indexing."""

    def get_value(self, obj: Model) -> str | None:
        value = super().get_value(obj)
        text = " ".join(_flatten(value))
        return index_text(text) if segmentation_enabled() else text
