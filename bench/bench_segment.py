"""Chinese segmentation for the search index: rjieba (shipped) against jieba.

Run: ``python bench/run.py segment`` (3–6 minutes on 2 shared cores;
``KEXIE_BENCH_SEGMENT_IMPORT=0`` skips the imports).

The baseline is the same code with jieba as the segmenter: ``kexie_pages.search``
cuts through its :func:`cut` and :func:`cut_for_search`, and the "jieba" runs
replace those two with ``jieba.cut`` and ``jieba.cut_for_search`` (the code
before the switch), so both sides do the same character, bigram and word work
on the same text. Alternated, ``REPEAT`` rounds, min / median / max of each side
and of the per-round ratio.

* Same words: how many texts give identical ``index_text`` and query words.
* ``index_text`` over every Chinese text of the demo (fixtures and loaders), the
  cache emptied before each pass (each text is cut once, as a first import).
* ``index_text`` over the five indexed fields of 10,000 experts with unique
  biographies (bench_directories' rows), the cache emptied before each pass and
  left to serve repeats within it, as an import does.
* The directory import of those 10,000 experts (``bench_directories.ours``, the
  index built inside it) and the raw baseline with the same index
  (``raw_new_indexed``): rows/s with each segmenter, and the importer's "new
  rows ÷ raw + index" ratio with each (both sides of that ratio always use the
  same segmenter).
"""

import ast
import json
import os
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPEAT = int(os.environ.get("BENCH_REPEAT", 5))
IMPORT_REPEAT = int(os.environ.get("BENCH_IMPORT_REPEAT", 5))
ROWS = int(os.environ.get("KEXIE_BENCH_IMPORT_ROWS", 10_000))
REPO = Path(__file__).resolve().parent.parent


def demo_texts() -> list[str]:
    """Every Chinese text of the demo (as ``tests/site/test_segmenter.py``)."""

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    texts: list[str] = []
    for path in sorted((REPO / "fixtures").rglob("*.json")):
        texts += strings(json.loads(path.read_text("utf-8")))
    for path in sorted((REPO / "kexie_pages" / "demo").glob("*.py")):
        texts += [
            node.value
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
    return [t for t in dict.fromkeys(texts) if re.search("[\u4e00-\u9fff]", t)]


def import_texts(rows: list[dict[str, str]]) -> list[str]:
    """The values an expert import indexes, in import order: name, employer,
    title, speciality and biography of each row."""
    return [
        value
        for row in rows
        for value in (
            row["姓名"],
            row["工作单位"],
            row["职称"],
            row["专业领域"],
            row["个人简介"],
        )
    ]


class Segmenter:
    """Switch ``kexie_pages.search`` between rjieba (as shipped) and jieba."""

    def __init__(self) -> None:
        import jieba

        from kexie_pages import search

        jieba.setLogLevel(60)
        jieba.initialize()
        self.search = search
        self.shipped = {"cut": search.cut, "cut_for_search": search.cut_for_search}
        self.jieba = {
            "cut": lambda text: [w for w in jieba.cut(text) if w.strip()],
            "cut_for_search": lambda text: list(jieba.cut_for_search(text)),
        }

    def use(self, name: str) -> None:
        for attr, func in (self.jieba if name == "jieba" else self.shipped).items():
            setattr(self.search, attr, func)
        self.search.index_text.cache_clear()


def spread(values: list[float], fmt: str = "{:.3f}") -> str:
    return " / ".join(
        fmt.format(v) for v in (min(values), statistics.median(values), max(values))
    )


def cpu_seconds() -> float:
    """User + system time of this process and its waited-for children (the
    importer reads the workbook in a sandboxed child)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def alternate(
    segmenter: Segmenter, run: Callable[[], object], repeat: int, before=None
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU seconds of ``run`` with each segmenter, alternating,
    ``repeat`` rounds."""
    wall: dict[str, list[float]] = {"jieba": [], "rjieba": []}
    cpu: dict[str, list[float]] = {"jieba": [], "rjieba": []}
    for _ in range(repeat):
        for name in wall:
            segmenter.use(name)
            if before:
                before()
            started, started_cpu = time.perf_counter(), cpu_seconds()
            run()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(cpu_seconds() - started_cpu)
    segmenter.use("rjieba")
    return wall, cpu


def ratio_line(what: str, seconds: dict[str, list[float]]) -> str:
    ratios = [r / j for r, j in zip(seconds["rjieba"], seconds["jieba"], strict=True)]
    return (
        f"| {what} | {spread(seconds['jieba'])} s | {spread(seconds['rjieba'])} s | "
        f"{spread(ratios)}× |"
    )


def same_words(segmenter: Segmenter, texts: list[str]) -> tuple[int, int]:
    """Texts whose index tokens, and whose query, are the same with both."""
    from kexie_pages.search import index_text, query_for_text

    results: dict[str, list[tuple[str, str]]] = {}
    for name in ("jieba", "rjieba"):
        segmenter.use(name)
        results[name] = [(index_text(t), repr(query_for_text(t[:60]))) for t in texts]
    segmenter.use("rjieba")
    pairs = list(zip(results["jieba"], results["rjieba"], strict=True))
    return sum(a[0] == b[0] for a, b in pairs), sum(a[1] == b[1] for a, b in pairs)


def main() -> list[str]:
    import bench_directories as directories

    from kexie_pages.search import index_text

    segmenter = Segmenter()
    demo = demo_texts()
    rows = directories._rows(ROWS)
    experts = import_texts(rows)

    def index_all(texts: list[str]) -> Callable[[], None]:
        return lambda: [index_text(t) for t in texts]

    lines = [
        f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"rjieba {_version('rjieba')}, jieba {_version('jieba')}.",
        "",
    ]
    for label, texts in (
        (f"demo ({len(demo):,} texts, {sum(map(len, demo)):,} characters)", demo),
        (
            f"{ROWS:,} experts' indexed fields ({len(set(experts)):,} distinct "
            f"values, {sum(map(len, experts)):,} characters)",
            experts,
        ),
    ):
        same_index, same_query = same_words(segmenter, texts)
        lines.append(
            f"Same words, {label}: index tokens {same_index:,}/{len(texts):,}, "
            f"query {same_query:,}/{len(texts):,}."
        )
    lines += [
        "",
        f"`index_text`, cache emptied before each pass; {REPEAT} alternated rounds, "
        "min / median / max:",
        "",
        "| text | jieba (before) | rjieba (shipped) | rjieba ÷ jieba |",
        "| --- | ---: | ---: | ---: |",
        ratio_line("demo texts", alternate(segmenter, index_all(demo), REPEAT)[0]),
        ratio_line(
            f"{ROWS:,} experts (5 fields each)",
            alternate(segmenter, index_all(experts), REPEAT)[0],
        ),
    ]
    if os.environ.get("KEXIE_BENCH_SEGMENT_IMPORT", "1") != "0":
        lines += ["", *import_lines(segmenter, directories, rows)]
    return lines


def import_lines(segmenter: Segmenter, directories, rows) -> list[str]:
    content = directories._xlsx(rows)
    rates: dict[tuple[str, str], dict[str, list[float]]] = {}
    for case, func in (
        ("ours", directories.ours),
        ("raw_indexed", directories.raw_new_indexed),
    ):
        wall, cpu = alternate(
            segmenter,
            lambda func=func: func(content),
            IMPORT_REPEAT,
            before=directories._clear,
        )
        for clock, seconds in (("wall", wall), ("cpu", cpu)):
            rates[case, clock] = {k: [ROWS / s for s in v] for k, v in seconds.items()}

    def row(case: str, clock: str, label: str) -> str:
        jieba, rjieba = rates[case, clock]["jieba"], rates[case, clock]["rjieba"]
        speedup = [r / j for r, j in zip(rjieba, jieba, strict=True)]
        return (
            f"| {label} | {spread(jieba, '{:,.0f}')} | {spread(rjieba, '{:,.0f}')} | "
            f"{spread(speedup, '{:.2f}')}× |"
        )

    def ratio(clock: str, name: str) -> str:
        ours, raw = rates["ours", clock][name], rates["raw_indexed", clock][name]
        return spread([o / r for o, r in zip(ours, raw, strict=True)], "{:.2f}")

    lines = [
        f"Directory import, {ROWS:,} experts with unique biographies from one XLSX, "
        f"SQLite, index built inside the import; {IMPORT_REPEAT} alternated rounds "
        "per case, min / median / max. Rows per second of wall time, and per "
        "CPU-second (this process and the importer's reading child: less "
        "sensitive to a shared machine's load):",
        "",
        "| import | jieba (before) | rjieba (shipped) | rjieba ÷ jieba |",
        "| --- | ---: | ---: | ---: |",
    ]
    for clock in ("wall", "cpu"):
        lines += [
            row("ours", clock, f"kexie importer (indexing included), {clock}"),
            row(
                "raw_indexed",
                clock,
                f"raw: calamine + `bulk_create` + same index `add_bulk`, {clock}",
            ),
        ]
    lines += [
        "",
        "New rows ÷ raw + same index (per round, both with the same segmenter), "
        f"wall: jieba {ratio('wall', 'jieba')}×, rjieba {ratio('wall', 'rjieba')}×; "
        f"CPU: jieba {ratio('cpu', 'jieba')}×, rjieba {ratio('cpu', 'rjieba')}×.",
    ]
    return lines


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import main as run_main

    run_main(["segment"])
