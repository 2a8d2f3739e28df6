"""Reading an untrusted XLSX workbook in a child process with hard limits.

A workbook is a zip of XML parts, and python-calamine (Rust) builds a dense
grid as large as the cells a sheet addresses: a 1.7 KB file naming cell
``XFD1048576`` makes it allocate ~512 GiB and abort the whole process, and a
compression bomb inflates to gigabytes. So the parent never parses a
workbook itself. ``xlsx_rows`` runs this file as a script in a fresh
interpreter (``python -I xlsx_sandbox.py``, standard library and
python-calamine only, no Django), hands it the bytes on stdin and reads back
rows; the child

1. sets its own limits with ``resource.setrlimit``: address space
   (``RLIMIT_AS``), CPU seconds, no core dump, no file writes; the parent adds
   a wall-clock timeout and kills it past that;
2. checks the archive: the sizes its directory declares, then the bytes each
   member really inflates to, streamed and counted against a cap;
3. resolves the sheet calamine will read (the first ``<sheet>`` of
   ``xl/workbook.xml``, through ``xl/_rels/workbook.xml.rels``, with
   calamine's own path rules) and streams that sheet's XML through expat
   (any attribute quoting, rows and cells with or without ``r=``, exactly as
   calamine numbers them) to find the furthest row and column, refusing
   before calamine sees a sheet past the caps;
4. reads the sheet with calamine and writes the rows to stdout as pickled
   batches of 1,000, then an end frame; a refusal is a frame with a code and
   its figures, which the parent turns into a message in the user's language.

The parent spools the child's output to a temporary file (in memory up to
8 MB) and unpickles it batch by batch with an unpickler that accepts lists of
plain values and the ``datetime`` types only. Whatever the child meets (a
case the checks miss, a calamine bug), the worst outcome is a dead child and
a refusal: the web worker or ``kexie_import`` goes on.
"""

import io
import logging
import os
import pickle
import selectors
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, BinaryIO

logger = logging.getLogger(__name__)

#: Rows per pickled frame: small enough to keep the parent's memory flat.
BATCH_ROWS = 1000
#: A zip member whose name calamine may look up; beyond this many, refuse.
MAX_MEMBERS = 10_000
#: Parts that make calamine's auto-detection read the file as another format.
_OTHER_FORMATS = ("xl/workbook.bin", "content.xml", "mimetype")


@dataclass(frozen=True, slots=True)
class Limits:
    """What the child may use and what a workbook may span."""

    max_rows: int  # data rows, not counting the header
    max_columns: int
    max_cells: int  # rows × columns of the grid calamine builds
    max_unzipped_bytes: int
    memory_bytes: int  # RLIMIT_AS
    seconds: int  # CPU seconds (RLIMIT_CPU) and wall-clock seconds

    def as_argument(self) -> str:
        return ",".join(f"{key}={value}" for key, value in asdict(self).items())

    @classmethod
    def from_argument(cls, argument: str) -> "Limits":
        pairs = (item.split("=", 1) for item in argument.split(","))
        return cls(**{key: int(value) for key, value in pairs})


class WorkbookRefused(Exception):
    """The child refused the workbook; ``code`` says why, ``params`` the figures.

    Codes: ``damaged``, ``not_workbook``, ``no_sheet``, ``unzipped`` (size,
    cap), ``span`` (rows, columns, cap), ``cells`` (rows, columns, cap),
    ``elements`` (count, cap) and ``limits`` (the child died or overran:
    memory, seconds).
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


# --------------------------------------------------------------------------
# The parent's side


class _RowsUnpickler(pickle.Unpickler):
    """Unpickles the child's frames: lists of plain values and dates, nothing else.

    A pickle can name any importable callable; the child is ours, but it has
    just parsed hostile input, so its output is not trusted either.
    """

    ALLOWED = {
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")


def xlsx_rows(
    content: bytes, *, limits: Limits, python: str | None = None
) -> Iterator[list]:
    """The first sheet's rows as lists of cell values, read in a child process.

    Raises ``WorkbookRefused``, before the first row: the child has exited
    before anything is yielded, and it checks the sheet before it sends a row.
    """
    try:
        spool = _run_child(content, limits=limits, python=python or sys.executable)
    except subprocess.TimeoutExpired:
        raise WorkbookRefused(
            "limits", memory=limits.memory_bytes // 1048576, seconds=limits.seconds
        ) from None
    with spool:
        spool.seek(0)
        while True:
            # An unpickler a frame: one kept across frames keeps every row of
            # every frame alive in its memo.
            try:
                kind, *body = _RowsUnpickler(spool).load()
                if kind == "refused":
                    code, params = body
                    refused = WorkbookRefused(str(code), **dict(params))
            except (EOFError, pickle.UnpicklingError, ValueError, TypeError):
                raise WorkbookRefused("damaged") from None
            if kind == "rows":
                yield from body[0]
            elif kind == "end":
                logger.debug("XLSX read in a child: %s rows, its peak %s kB", *body[:2])
                return
            elif kind == "refused":
                raise refused
            else:
                raise WorkbookRefused("damaged")


def _run_child(content: bytes, *, limits: Limits, python: str) -> BinaryIO:
    """Run the child on ``content``; its whole output, spooled.

    Like ``Popen.communicate`` with a timeout, but the output goes to a
    spooled file instead of one ``bytes``, and is capped.
    """
    # -I: no PYTHONPATH, no user site, not the current folder: only the
    # standard library and the installed python-calamine can be imported.
    process = subprocess.Popen(  # noqa: S603 - fixed interpreter and script
        [python, "-I", os.path.abspath(__file__), limits.as_argument()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stdin, stdout, stderr = process.stdin, process.stdout, process.stderr
    assert stdin and stdout and stderr  # noqa: S101 - PIPE makes all three
    # Returned open to the caller, who closes it.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    errors = bytearray()
    output_cap = limits.max_unzipped_bytes + 16 * 1024 * 1024
    deadline = time.monotonic() + limits.seconds
    pending = memoryview(content)
    try:
        with selectors.DefaultSelector() as selector:
            os.set_blocking(stdin.fileno(), False)
            selector.register(stdin, selectors.EVENT_WRITE)
            selector.register(stdout, selectors.EVENT_READ)
            selector.register(stderr, selectors.EVENT_READ)
            while selector.get_map():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise subprocess.TimeoutExpired(python, limits.seconds)
                for key, _events in selector.select(remaining):
                    if key.fileobj is stdin:
                        try:
                            pending = pending[os.write(key.fd, pending[: 1 << 20]) :]
                        except BlockingIOError:
                            continue
                        except OSError:  # the child is gone; its exit says why
                            pending = pending[:0]
                        if not pending:
                            selector.unregister(stdin)
                            stdin.close()
                        continue
                    chunk = os.read(key.fd, 1 << 20)
                    if not chunk:
                        selector.unregister(key.fileobj)
                        continue
                    if key.fileobj is stdout:
                        spool.write(chunk)
                        if spool.tell() > output_cap:
                            raise subprocess.TimeoutExpired(python, limits.seconds)
                    elif len(errors) < 4096:
                        errors += chunk
        returncode = process.wait(max(0.1, deadline - time.monotonic()))
    except BaseException:
        process.kill()
        process.wait()
        spool.close()
        raise
    finally:
        for stream in (stdin, stdout, stderr):
            stream.close()
    if returncode != 0:
        spool.close()
        raise WorkbookRefused(
            "limits",
            memory=limits.memory_bytes // 1048576,
            seconds=limits.seconds,
            returncode=returncode,
            detail=errors.decode("utf-8", "replace"),
        )
    return spool  # type: ignore[return-value]


# --------------------------------------------------------------------------
# The child's side: standard library and python-calamine only


def _set_limits(limits: Limits) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the wall clock still applies
        return
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.seconds, limits.seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FAR = 10**12  # past any cap; a longer number is not worth converting
_columns: dict[str, int] = {}  # "XFD" → 16384, computed once per column


def _position(ref: str, *, column_required: bool) -> tuple[int, int]:
    """``"XFD1048576"`` → (1048576, 16384), 1-based, as calamine reads it.

    Called for every cell of the sheet, so it avoids regexes: a million
    cells take about a second as it is.
    """
    digits = ref.lstrip(_LETTERS)
    letters = ref[: len(ref) - len(digits)]
    if not (digits.isascii() and digits.isdigit()):
        raise WorkbookRefused("damaged")
    row = int(digits) if len(digits) <= 12 else _FAR
    if row < 1:
        raise WorkbookRefused("damaged")
    column = _columns.get(letters)
    if column is None:
        if not letters:
            if column_required:
                raise WorkbookRefused("damaged")
            return row, 0
        column = 0
        for letter in letters.upper()[:9]:
            column = column * 26 + ord(letter) - 64
        if len(_columns) < 20_000:
            _columns[letters] = column
    return row, column


def _local(name: str) -> str:
    return name.rpartition(":")[2]


#: Elements a workbook.xml or its relationships may hold (a few dozen, really).
MAX_PART_ELEMENTS = 100_000
#: Cells at or before the previous cell's position a sheet may have.
MAX_CELLS_OUT_OF_ORDER = 1000
#: The longest tag (with its attributes) the parser waits for.
MAX_TOKEN_BYTES = 4 * 1024 * 1024


class _Stop(Exception):
    """Raised from a handler once it has what it needs."""


def _parser() -> Any:
    """An expat parser that refuses DTDs, and so entity bombs."""
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def refuse_dtd(*args: Any) -> Any:
        raise WorkbookRefused("damaged")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd
    return parser


def _parse(archive: zipfile.ZipFile, name: str, parser: Any) -> None:
    """Feed the member to ``parser`` a megabyte at a time.

    expat rescans an unfinished token each time it is fed (expat < 2.6), so
    a 250 MB attribute took the whole wall clock (30 s). No tag or attribute
    of a workbook needs megabytes (text, however long, is reported as it
    comes): a token still open after ``MAX_TOKEN_BYTES`` is refused.
    """
    fed = 0
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(1 << 20):
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
                    raise WorkbookRefused("damaged")
        parser.Parse(b"", True)
    except _Stop:
        pass


class _Archive:
    """The zip's members, with calamine's case-insensitive lookup."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise WorkbookRefused("damaged") from None
        if len(infos) > MAX_MEMBERS:
            raise WorkbookRefused("damaged")
        self.names: dict[str, str] = {}
        for info in infos:
            key = info.filename.lower()
            if key in self.names:  # which one would calamine read? refuse
                raise WorkbookRefused("damaged")
            self.names[key] = info.filename
        if "xl/workbook.xml" not in self.names or any(
            part in self.names for part in _OTHER_FORMATS
        ):
            raise WorkbookRefused("not_workbook")
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_unzipped_bytes:
            raise WorkbookRefused(
                "unzipped", size=declared, cap=limits.max_unzipped_bytes
            )
        # The directory's sizes can lie: inflate every member (nothing is
        # kept) and count what really comes out.
        inflated = 0
        try:
            for info in infos:
                with self.zip.open(info) as stream:
                    while chunk := stream.read(1 << 20):
                        inflated += len(chunk)
                        if inflated > limits.max_unzipped_bytes:
                            raise WorkbookRefused(
                                "unzipped",
                                size=inflated,
                                cap=limits.max_unzipped_bytes,
                            )
        except (
            zipfile.BadZipFile,
            OSError,
            EOFError,
            RuntimeError,
            NotImplementedError,
        ):
            raise WorkbookRefused("damaged") from None

    def find(self, path: str) -> str | None:
        return self.names.get(path.lower())


def _first_sheet(archive: _Archive) -> tuple[str, str]:
    """The name and zip member of the sheet calamine reads as index 0: the
    first ``<sheet>`` of ``xl/workbook.xml``, its ``r:id`` looked up in
    ``xl/_rels/workbook.xml.rels`` (the last relationship with that Id, as
    calamine keeps), the target resolved with calamine's path rules."""
    first: dict[str, str] = {}
    elements = 0

    def sheet(name: str, attrs: dict[str, str]) -> None:
        nonlocal elements
        elements += 1
        if _local(name) == "sheet":
            first["name"] = attrs.get("name", "")
            first["rid"] = attrs.get("r:id", attrs.get("relationships:id", ""))
            raise _Stop
        if elements > MAX_PART_ELEMENTS:
            raise WorkbookRefused("damaged")

    parser = _parser()
    parser.StartElementHandler = sheet
    _parse(archive.zip, archive.find("xl/workbook.xml") or "", parser)
    if not first:
        raise WorkbookRefused("no_sheet")
    relationships = archive.find("xl/_rels/workbook.xml.rels")
    if relationships is None:
        raise WorkbookRefused("damaged")
    target: list[str] = []
    elements = 0

    def relationship(name: str, attrs: dict[str, str]) -> None:
        nonlocal elements
        elements += 1
        if elements > MAX_PART_ELEMENTS:
            raise WorkbookRefused("damaged")
        if _local(name) == "Relationship" and attrs.get("Id") == first["rid"]:
            target.append(attrs.get("Target", ""))

    parser = _parser()
    parser.StartElementHandler = relationship
    _parse(archive.zip, relationships, parser)
    if not target:
        raise WorkbookRefused("damaged")
    path = target[-1]
    # calamine's rule: "/xl/…" and "xl/…" are from the root, anything else
    # is below xl/.
    if path.startswith("/xl/"):
        path = path[1:]
    elif not path.startswith("xl/"):
        path = f"xl/{path}"
    member = archive.find(path)
    if member is None:
        raise WorkbookRefused("damaged")
    return first["name"], member


def _check_sheet(archive: _Archive, member: str, limits: Limits) -> None:
    """Stream the sheet's XML and refuse it once it spans more than the caps.

    Positions follow calamine's cell reader: a ``<row r=…>`` sets the row, the
    end of a row moves to the next and back to the first column, a ``<c r=…>``
    sets its own position and the column, a cell without one takes the next
    column. Every cell counts, empty or not, and so do ``<row r=…>`` and
    ``<dimension>``. The cells and the elements are counted too: cells can
    repeat one position, and any element costs a handler call (a million
    cells are three million elements, about a second), so a sheet with more
    than a directory of the largest size could hold is refused, early.
    Row is the row index here, which grows by one per row, so
    ``12 × cells + 2 × rows`` bounds the elements of any plausible sheet.
    """
    row_cap = limits.max_rows + 1  # the header row
    element_cap = 3 * limits.max_cells + 2 * row_cap + 10_000
    row = column = 0  # calamine's 0-based row index and next column index
    last_row = last_column = 0  # the furthest seen, 1-based
    previous = (0, 0)  # the last cell's position
    cells = elements = backwards = 0

    def refuse_if_too_big(rows: int, columns: int) -> None:
        if rows > row_cap or columns > limits.max_columns:
            raise WorkbookRefused(
                "span", rows=rows, columns=columns, cap=limits.max_rows
            )
        if rows * columns > limits.max_cells:
            raise WorkbookRefused(
                "cells", rows=rows, columns=columns, cap=limits.max_cells
            )

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, column, last_row, last_column, previous
        nonlocal cells, elements, backwards
        elements += 1
        if ":" in name:  # calamine matches local names, whatever the prefix
            name = name.rpartition(":")[2]
        if name == "c":
            cells += 1
            ref = attrs.get("r")
            if ref is None:
                cell_row = row + 1
                column += 1
            else:
                # _position inlined for the common case: a known column
                # letter and a short row number.
                digits = ref.lstrip(_LETTERS)
                known = _columns.get(ref[: len(ref) - len(digits)])
                if known and 0 < len(digits) < 10 and digits.isdigit():
                    cell_row, column = int(digits), known
                    if not (cell_row and digits.isascii()):
                        cell_row, column = _position(ref, column_required=True)
                else:
                    cell_row, column = _position(ref, column_required=True)
            if cell_row > last_row or column > last_column:
                last_row = max(last_row, cell_row)
                last_column = max(last_column, column)
                refuse_if_too_big(last_row, last_column)
            # Cells come in row and column order; calamine keeps every one,
            # so a position written over and over costs memory all the same.
            if (cell_row, column) <= previous:
                backwards += 1
                if backwards > MAX_CELLS_OUT_OF_ORDER:
                    raise WorkbookRefused("damaged")
            previous = (cell_row, column)
            if cells > limits.max_cells:
                raise WorkbookRefused("elements", count=cells, cap=limits.max_cells)
        elif name == "row":
            ref = attrs.get("r")
            if ref is not None:
                row = _position(ref, column_required=False)[0] - 1
                last_row = max(last_row, row + 1)
        elif name == "dimension":
            for part in attrs.get("ref", "").split(":"):
                refuse_if_too_big(*_position(part, column_required=True))
        # A legitimate sheet has a few elements a cell (<c><is><t>, a merge,
        # a link, rich text); one built to keep expat busy has far more.
        if elements > element_cap or elements > 12 * cells + 2 * row + 100_000:
            raise WorkbookRefused("elements", count=elements, cap=limits.max_cells)

    def end(name: str) -> None:
        nonlocal row, column
        if name == "row" or (":" in name and name.endswith(":row")):
            row += 1
            column = 0

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _parse(archive.zip, member, parser)
    refuse_if_too_big(last_row, max(last_column, 1))


def _peak_kb() -> int:
    """This process's peak resident memory (0 where /proc is missing)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _child_main(argv: list[str]) -> int:
    limits = Limits.from_argument(argv[0])
    _set_limits(limits)
    out = sys.stdout.buffer
    data = sys.stdin.buffer.read()
    try:
        from xml.parsers.expat import ExpatError

        from python_calamine import CalamineError, CalamineWorkbook

        try:
            archive = _Archive(data, limits)
            name, member = _first_sheet(archive)
            _check_sheet(archive, member, limits)
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            if not workbook.sheet_names or workbook.sheet_names[0] != name:
                raise WorkbookRefused("damaged")  # not the sheet just checked
            sheet = workbook.get_sheet_by_index(0)
            if sheet.height > limits.max_rows + 1:  # the checks let it past
                raise WorkbookRefused(
                    "span", rows=sheet.height, columns=sheet.width, cap=limits.max_rows
                )
            batch: list[list] = []
            count = 0
            for row in sheet.iter_rows():
                batch.append(row)
                count += 1
                if len(batch) == BATCH_ROWS:
                    pickle.dump(("rows", batch), out, pickle.HIGHEST_PROTOCOL)
                    batch = []
            if batch:
                pickle.dump(("rows", batch), out, pickle.HIGHEST_PROTOCOL)
            pickle.dump(("end", count, _peak_kb()), out, pickle.HIGHEST_PROTOCOL)
        except (ExpatError, CalamineError, zipfile.BadZipFile, ValueError, IndexError):
            raise WorkbookRefused("damaged") from None
    except WorkbookRefused as refused:
        pickle.dump(("refused", refused.code, refused.params), out)
    except MemoryError:
        return 3
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
