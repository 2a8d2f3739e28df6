"""SQLite FTS5 search planned FTS-first.

The stock modelsearch compiler filters
the model's rows with ``pk IN (FTS subquery)`` and ranks them with a
correlated subquery that runs the FTS ``MATCH`` once per row; SQLite then
drives the join from the content-type index and the query costs ~40× a
``LIKE`` scan over a few thousand pages. Here the FTS table answers first
(one ``MATCH``, ranked by bm25), and the model's queryset is asked only for
the matching primary keys.
"""

from typing import TYPE_CHECKING

from django.db.models import Case, F, FloatField, Value, When
from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteFTSIndexEntry,
    SQLiteSearchResults,
)
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

# SQLite accepts 32,766 parameters per statement; above this many hits the
# stock plan (a subquery, no parameter list) is used.
MAX_RANKED_IDS = 30_000

if TYPE_CHECKING:
    # Mixed in front of the SQLite compiler; as its base, mypy takes the
    # compiler's attributes from there (modelsearch has no types).
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteSearchQueryCompiler as _Compiler,
    )
else:
    _Compiler = object


class FTSFirstCompilerMixin(_Compiler):
    """SQLite: run the FTS match first, then fetch only the matching rows."""

    _ranked_hits: list[tuple[object, float]] | None

    def ranked_hits(self, config) -> list[tuple[object, float]] | None:
        """(pk, bm25 score) of every match the queryset allows, best first.

        None when the query is not a plain positive match or has too many
        hits; the caller then falls back to the stock plan.
        """
        if hasattr(self, "_ranked_hits"):
            return self._ranked_hits
        self._ranked_hits = None
        query = normalize(self.query)
        if isinstance(query, (MatchAll, Not)):
            return None
        match = MatchExpression(
            self.fields or self.FTS_TABLE_FIELDS,
            self.build_search_query(query, config=config),
        )
        content_types = get_descendants_content_types_pks(self.queryset.model)
        hits = list(
            SQLiteFTSIndexEntry.objects.filter(match)
            # "+ 0" keeps SQLite from driving the join off the content-type
            # index and re-running MATCH for every row.
            .alias(content_type=F("index_entry__content_type_id") + 0)
            .filter(content_type__in=content_types)
            .annotate(
                score=self._build_rank_expression(self.get_search_vectors(), config)
            )
            .order_by("score")
            .values_list("index_entry__object_id", "score")[: MAX_RANKED_IDS + 1]
        )
        if len(hits) > MAX_RANKED_IDS:
            return None
        to_pk = self.queryset.model._meta.pk.to_python
        scores = {to_pk(object_id): score for object_id, score in hits}
        allowed = set(
            self.queryset.filter(pk__in=scores).order_by().values_list("pk", flat=True)
        )
        self._ranked_hits = sorted(
            ((pk, score) for pk, score in scores.items() if pk in allowed),
            key=lambda hit: (hit[1], _descending(hit[0])),
        )
        return self._ranked_hits

    def search(self, config, start, stop, score_field=None):
        hits = self.ranked_hits(config)
        if hits is None:
            return super().search(config, start, stop, score_field=score_field)
        if not self.order_by_relevance:
            queryset = self.queryset.filter(pk__in=[pk for pk, _ in hits])
            if not queryset.query.order_by:
                queryset = queryset.order_by("-pk")
            return queryset[start:stop]
        page = hits[start:stop]
        score = Case(
            *(When(pk=pk, then=Value(value)) for pk, value in page),
            output_field=FloatField(),
        )
        return (
            self.queryset.filter(pk__in=[pk for pk, _ in page])
            .annotate(**{score_field or "_score": score})
            .order_by(score_field or "_score", "-pk")
        )


def _descending(pk: object) -> object:
    return -pk if isinstance(pk, int) else pk


class FTSFirstSearchResults(SQLiteSearchResults):
    def _do_count(self):
        hits = self.query_compiler.ranked_hits(
            self.query_compiler.get_config(self.backend)
        )
        return super()._do_count() if hits is None else len(hits)
