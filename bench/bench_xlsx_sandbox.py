"""Reading untrusted workbooks in a child process: what the sandbox costs.

Run: ``python bench/run.py xlsx_sandbox`` (a few minutes).

The importer never parses a workbook in the web or worker process: it hands the
bytes to ``directories.xlsx_sandbox.xlsx_rows``, a fresh interpreter with hard
memory and time limits that checks the archive and the sheet's extent with
expat, then reads it with python-calamine and sends the rows back in pickled
batches. Baseline: the same workbook read in-process by python-calamine, as
the importer did before (the same parser; what differs is the child process,
the expat pass and the pickling). Both iterate every row of the same file.

Time: 3 interleaved rounds, min / median / max. Memory: the growth of the
reading process's peak RSS (VmHWM) while reading, each way in a fresh process
so that neither inherits the other's heap.
"""

import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (10_000, 100_000)
REPEAT = 3
REPO = Path(__file__).resolve().parent.parent

MEMORY_CHILD = """
import sys
sys.path[:0] = [{repo!r}]
def hwm():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
content = open({path!r}, "rb").read()
before = hwm()
if {mode!r} == "sandbox":
    from kexie_pages.directories.xlsx_sandbox import Limits, xlsx_rows
    limits = Limits(max_rows=200_000, max_columns=200, max_cells=3_000_000,
                    max_unzipped_bytes=300 << 20, memory_bytes=1 << 30, seconds=120)
    rows = sum(1 for _ in xlsx_rows(content, limits=limits))
else:
    import io
    from python_calamine import CalamineWorkbook
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    rows = sum(1 for _ in sheet.iter_rows())
print(rows, hwm() - before)
"""


def _workbook(rows: int) -> bytes:
    from bench_directories import _rows, _xlsx

    return _xlsx(_rows(rows, seed=7))


def _limits():
    from kexie_pages.directories.xlsx_sandbox import Limits

    return Limits(
        max_rows=200_000,
        max_columns=200,
        max_cells=3_000_000,
        max_unzipped_bytes=300 << 20,
        memory_bytes=1 << 30,
        seconds=120,
    )


def sandbox(content: bytes) -> int:
    from kexie_pages.directories.xlsx_sandbox import xlsx_rows

    return sum(1 for _ in xlsx_rows(content, limits=_limits()))


def in_process(content: bytes) -> int:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return sum(1 for _ in sheet.iter_rows())


def _memory(path: Path, mode: str) -> float:
    code = MEMORY_CHILD.format(repo=str(REPO), path=str(path), mode=mode)
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout.split()
    return int(out[1]) / 1024


def _spread(values: list[float], fmt: str) -> str:
    return " / ".join(
        format(v, fmt) for v in (min(values), statistics.median(values), max(values))
    )


def main() -> list[str]:
    lines = [
        "| rows | in-process calamine (s) | sandboxed child (s) | time ratio | "
        "parent memory growth, in-process → sandbox | memory ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    folder = Path(tempfile.mkdtemp(prefix="kexie-bench-xlsx-"))
    for size in SIZES:
        content = _workbook(size)
        assert sandbox(content) == in_process(content) == size + 1
        times: dict[str, list[float]] = {"in": [], "sandbox": []}
        for _ in range(REPEAT):
            for name, func in (("in", in_process), ("sandbox", sandbox)):
                started = time.perf_counter()
                func(content)
                times[name].append(time.perf_counter() - started)
        ratios = [b / a for a, b in zip(times["in"], times["sandbox"], strict=True)]
        path = folder / f"{size}.xlsx"
        path.write_bytes(content)
        grown_in, grown_sandbox = _memory(path, "in"), _memory(path, "sandbox")
        lines.append(
            f"| {size:,} | {_spread(times['in'], '.2f')} | "
            f"{_spread(times['sandbox'], '.2f')} | {_spread(ratios, '.2f')}× | "
            f"{grown_in:,.1f} → {grown_sandbox:,.1f} MB | "
            f"{grown_sandbox / max(grown_in, 0.1):.2f}× |"
        )
    return lines


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import main as run_main

    run_main(["xlsx_sandbox"])
