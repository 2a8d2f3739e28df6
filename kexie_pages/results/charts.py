"""Server-side SVG charts: horizontal bars and stacked bars, no JavaScript.

Each chart is a small ``<svg>`` with a ``viewBox`` (it scales to the width of
a 360 px phone), a ``<title>`` naming it for screen readers, and ``<title>``
tooltips per bar; the numbers are in the accessible table the templates put
beside every chart, so the chart itself is ``aria-hidden`` decoration plus its
title. Colours pass WCAG's 3:1 contrast for graphics against white.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from .figures import Figures, Table

#: Series colours (green, amber, blue, brown, red, purple), ≥ 3:1 against white.
PALETTE = ["#2e7d32", "#b26a00", "#1565c0", "#6d4c41", "#c62828", "#6a1b9a"]
WIDTH = 340
LABEL_WIDTH = 84
VALUE_WIDTH = 44
ROW_HEIGHT = 24
BAR_HEIGHT = 16
LEGEND_ROW = 18


@dataclass(frozen=True)
class Series:
    """One series of a stacked bar chart: its name and colour."""

    name: str
    colour: str


@dataclass(frozen=True)
class Chart:
    """A chart with its visible title (the SVG's own title is for screen readers)."""

    title: str
    svg: SafeString


def _scale(maximum: float) -> float:
    """Pixels per unit, so the longest bar fills the bar area."""
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    return area / maximum if maximum > 0 else 0.0


def _svg(title: str, height: int, body: SafeString, *, chart_id: str) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg" font-size="13" font-family="sans-serif">'
        '<title id="{id}-title">{title}</title>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        body=body,
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, int]],
    targets: Sequence[int | None] | None = None,
    colour: str = PALETTE[0],
) -> Chart:
    """Horizontal bars, one per ``(label, value)``; a dark tick marks each target."""
    maximum = max([v for _l, v in items] + [t or 0 for t in (targets or [])] + [0])
    scale = _scale(maximum)
    parts = []
    for index, (label, value) in enumerate(items):
        y = index * ROW_HEIGHT
        width = value * scale
        parts.append(
            format_html(
                '<text x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}">'
                "<title>{label}: {value}</title></rect>"
                '<text x="{vx}" y="{ty}">{value}</text>',
                lx=LABEL_WIDTH - 6,
                ty=y + BAR_HEIGHT - 2,
                label=label,
                x=LABEL_WIDTH,
                y=y + 2,
                w=f"{width:.1f}",
                h=BAR_HEIGHT,
                c=colour,
                value=value,
                vx=f"{LABEL_WIDTH + width + 4:.1f}",
            )
        )
        target = targets[index] if targets else None
        if target:
            tx = LABEL_WIDTH + target * scale
            parts.append(
                format_html(
                    '<line x1="{x}" x2="{x}" y1="{y1}" y2="{y2}" '
                    'stroke="#212121" stroke-width="2"><title>{label}: {t}</title></line>',
                    x=f"{tx:.1f}",
                    y1=y,
                    y2=y + ROW_HEIGHT - 2,
                    label=label,
                    t=target,
                )
            )
    height = max(len(items), 1) * ROW_HEIGHT + 4
    return Chart(
        title,
        _svg(
            title,
            height,
            format_html_join("", "{}", ((p,) for p in parts)),
            chart_id=chart_id,
        ),
    )


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    values: Sequence[Sequence[int]],
) -> Chart:
    """Horizontal stacked bars: ``values[row][series]``; a legend on top."""
    totals = [sum(row) for row in values]
    scale = _scale(max(totals + [0]))
    legend_rows = (len(series) + 2) // 3
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"></rect>'
        '<text x="{}" y="{}">{}</text>',
        (
            (
                (i % 3) * 120,
                (i // 3) * LEGEND_ROW,
                s.colour,
                (i % 3) * 120 + 14,
                (i // 3) * LEGEND_ROW + 10,
                s.name,
            )
            for i, s in enumerate(series)
        ),
    )
    top = legend_rows * LEGEND_ROW + 6
    parts = [legend]
    for index, label in enumerate(labels):
        y = top + index * ROW_HEIGHT
        x = float(LABEL_WIDTH)
        parts.append(
            format_html(
                '<text x="{lx}" y="{ty}" text-anchor="end">{label}</text>',
                lx=LABEL_WIDTH - 6,
                ty=y + BAR_HEIGHT,
                label=label,
            )
        )
        for s, value in zip(series, values[index], strict=True):
            if not value:
                continue
            width = value * scale
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}">'
                    "<title>{label} · {name}: {value}</title></rect>",
                    x=f"{x:.1f}",
                    y=y + 2,
                    w=f"{width:.1f}",
                    h=BAR_HEIGHT,
                    c=s.colour,
                    label=label,
                    name=s.name,
                    value=value,
                )
            )
            x += width
        parts.append(
            format_html(
                '<text x="{x}" y="{ty}">{total}</text>',
                x=f"{x + 4:.1f}",
                ty=y + BAR_HEIGHT,
                total=totals[index],
            )
        )
    height = top + max(len(labels), 1) * ROW_HEIGHT + 4
    return Chart(
        title,
        _svg(
            title,
            height,
            format_html_join("", "{}", ((p,) for p in parts)),
            chart_id=chart_id,
        ),
    )


def series_of(names: Sequence[str]) -> list[Series]:
    """Series named ``names`` in the palette's colours."""
    return [Series(name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(names)]


@dataclass(frozen=True)
class Panel:
    """One figure as the dashboard and the results page show it: charts and the table."""

    table: "Table"
    charts: list[Chart]


def figure_panels(figures: "Figures") -> list[Panel]:
    """Every figure of ``figures`` with its chart(s), in the order of ``figures.tables()``."""
    from django.utils.translation import gettext as _

    needs, agreements, courses = figures.needs, figures.agreements, figures.courses
    trainees = figures.trainees.rows
    tables = {table.key: table for table in figures.tables()}
    month_labels = [_("%(month)d月") % {"month": m.month.month} for m in courses.months]

    def numbers(key: str, rows) -> Chart:
        return bar_chart(
            chart_id=f"chart-{key}",
            title=tables[key].title,
            items=[(r.county.name if r.county else _("Other"), r.number) for r in rows],
        )

    return [
        Panel(
            tables["needs"],
            [
                stacked_bar_chart(
                    chart_id="chart-needs",
                    title=tables["needs"].title,
                    labels=[row.county.name for row in needs.rows],
                    series=series_of([label for _v, label in needs.statuses]),
                    values=[
                        [row.counts[v] for v, _l in needs.statuses]
                        for row in needs.rows
                    ],
                )
            ],
        ),
        Panel(
            tables["agreements"],
            [
                stacked_bar_chart(
                    chart_id="chart-agreements",
                    title=tables["agreements"].title,
                    labels=[label for _v, label in agreements.kinds],
                    series=series_of([label for _v, label in agreements.statuses]),
                    values=[
                        [agreements.cells[k][s] for s, _l in agreements.statuses]
                        for k, _label in agreements.kinds
                    ],
                )
            ],
        ),
        Panel(
            tables["courses"],
            [
                bar_chart(
                    chart_id="chart-courses",
                    title=_("Courses held by month"),
                    items=list(
                        zip(
                            month_labels,
                            [m.courses for m in courses.months],
                            strict=True,
                        )
                    ),
                ),
                bar_chart(
                    chart_id="chart-checkins",
                    title=_("Check-ins by month"),
                    items=list(
                        zip(
                            month_labels,
                            [m.checkins for m in courses.months],
                            strict=True,
                        )
                    ),
                    colour=PALETTE[2],
                ),
            ],
        ),
        Panel(
            tables["trainees"],
            [
                bar_chart(
                    chart_id="chart-trainees-one",
                    title=_("Farmers with at least one technique (tick: target)"),
                    items=[(r.county.name, r.one_technique) for r in trainees],
                    targets=[r.target_one for r in trainees],
                ),
                bar_chart(
                    chart_id="chart-trainees-two",
                    title=_("Farmers with at least two techniques (tick: target)"),
                    items=[(r.county.name, r.two_techniques) for r in trainees],
                    targets=[r.target_two for r in trainees],
                    colour=PALETTE[1],
                ),
            ],
        ),
        Panel(tables["visits"], [numbers("visits", figures.visits.rows)]),
        Panel(tables["downloads"], [numbers("downloads", figures.downloads.rows)]),
        Panel(
            tables["submissions"], [numbers("submissions", figures.submissions.rows)]
        ),
    ]
