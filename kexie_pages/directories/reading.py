"""Reading and checking a directory import file: the first half of an import.

``directory_check`` reads an uploaded XLSX, CSV or JSON file, checks every cell
with the directory's ``<Model>Resource`` widgets and sorts each row into new /
update / unchanged / error against the saved entries (one query per 500 rows);
``services.directory_import`` then writes it. Rows stream through in batches of
500: the good rows, checked and normalised, go to a ``CheckedRows`` spool (a
temporary file, one JSON line a row) that the writing half reads back batch by
batch, and the admin keeps it beside the upload so that confirming a preview
does not read and check the file a second time (``uploads.pending_checked_save``).
Only the rows the preview shows (the first 200 and those with errors) stay in
memory, so an import's memory does not grow with the file. The file is checked before it is
parsed: its size and the kind of file its first bytes say it is. A workbook is
checked and read in a child process with hard memory and time limits
(``xlsx_sandbox``): the real size of its parts (against compression bombs) and
the rows and columns its sheet addresses, then calamine reads it.
"""

import csv
import io
import json
import logging
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext

from ..exceptions import KexiePagesError
from .models import DirectoryEntry
from .resources import RESOURCES, SERIAL_COLUMN, DirectoryResource
from .widgets import cell_text
from .xlsx_sandbox import Limits, WorkbookRefused, xlsx_rows

logger = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv", "json")
BATCH_SIZE = 500
#: Rows whose cells the admin preview shows even when they have no error.
PREVIEW_ROWS = 200

Progress = Callable[[int, int], None]


def max_upload_bytes() -> int:
    return getattr(settings, "KEXIE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "KEXIE_IMPORT_MAX_ROWS", 100_000)


def max_unzipped_bytes() -> int:
    return getattr(settings, "KEXIE_IMPORT_MAX_UNZIPPED_BYTES", 300 * 1024 * 1024)


class DirectoryImportError(KexiePagesError):
    """The file as a whole cannot be imported; ``messages`` say why, in the user's language."""

    def __init__(self, *messages: str) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


@dataclass(slots=True)
class RowResult:
    """One data row: its number in the file, what importing it does, and any errors."""

    number: int
    cells: list[str]
    status: str = "new"  # new / update / unchanged / error
    errors: dict[str, str] = field(default_factory=dict)  # header ("" = row) → message
    values: dict = field(default_factory=dict, repr=False)
    related: dict = field(default_factory=dict, repr=False)
    instance: DirectoryEntry | None = field(default=None, repr=False)

    def error_lines(self) -> list[str]:
        return [
            format_error(self.number, column, msg)
            for column, msg in self.errors.items()
        ]


class CheckedRows:
    """The good rows of a checked file, one JSON line each, in a temporary file.

    A line is ``[row number, values, related]``: the model field values and
    many-to-many ids the resource's widgets made of the row's cells, all JSON
    types (text, numbers, booleans, ids). Reading them back costs ~1/20 of
    reading and checking the file again, and memory stays one batch deep.
    """

    def __init__(self, file: IO[bytes] | None = None, start: int = 0) -> None:
        # Any file with seek and readline will do: a storage's file, say,
        # whose rows start after a header line (``uploads``).
        self.file: IO[bytes] = (
            file if file is not None else tempfile.TemporaryFile()  # noqa: SIM115
        )
        self.start = start
        self.count = 0

    def add(self, row: RowResult) -> None:
        line = json.dumps(
            [row.number, row.values, row.related],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        self.file.write(line.encode() + b"\n")
        self.count += 1

    def batches(self) -> Iterator[list[RowResult]]:
        """The rows again, ``BATCH_SIZE`` at a time, from the start of the file."""
        self.file.seek(self.start)
        batch: list[RowResult] = []
        for line in iter(self.file.readline, b""):
            if not line.strip():
                continue
            number, values, related = json.loads(line)
            batch.append(
                RowResult(number=number, cells=[], values=values, related=related)
            )
            if len(batch) == BATCH_SIZE:
                yield batch
                batch = []
        if batch:
            yield batch

    def close(self) -> None:
        self.file.close()


@dataclass
class ImportResult:
    """What an import found (dry run) or did.

    ``rows`` holds the rows worth showing, not every row: the first
    ``PREVIEW_ROWS`` and every row with an error; ``total`` counts them all
    and ``counts`` sorts them by status. ``checked`` is the spool of the good
    rows (``None`` once written, or when the check was not asked to keep it).
    """

    directory: str
    headers: list[str]
    rows: list[RowResult]
    counts: Counter = field(default_factory=Counter)
    total: int = 0
    applied: bool = False
    checked: CheckedRows | None = field(default=None, repr=False)

    @property
    def has_errors(self) -> bool:
        return self.counts.get("error", 0) > 0

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    def error_lines(self) -> list[str]:
        return [line for row in self.error_rows for line in row.error_lines()]


def format_error(row: int, column: str, message: str) -> str:
    """``第 12 行「联系电话」：…`` in Chinese."""
    if column:
        return gettext("Row %(row)s “%(column)s”: %(message)s") % {
            "row": row,
            "column": column,
            "message": message,
        }
    return gettext("Row %(row)s: %(message)s") % {"row": row, "message": message}


def resource_for(directory: str) -> DirectoryResource:
    try:
        return RESOURCES[directory]()
    except KeyError:
        raise DirectoryImportError(
            gettext("Unknown directory “%(name)s”; choose one of %(names)s.")
            % {"name": directory, "names": ", ".join(RESOURCES)}
        ) from None


# --------------------------------------------------------------------------
# Reading the file


def detect_format(content: bytes, filename: str = "") -> str:
    """Which of ``FORMATS`` the bytes are; the content decides, not the extension."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    head = content[:8]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DirectoryImportError(
            gettext(
                "This is an old Excel 97–2003 (.xls) file: open it in Excel or WPS and "
                "save it as .xlsx, then upload that."
            )
        )
    if extension in ("xlsx", "xlsm"):
        raise DirectoryImportError(
            gettext(
                "The file is named .xlsx but is not an Excel workbook (perhaps a CSV "
                "file renamed). Save it as .xlsx from Excel, or upload it as .csv."
            )
        )
    stripped = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def decode_text(content: bytes) -> str:
    """Decode CSV/JSON bytes: UTF-8 (with or without BOM) first, then GB18030.

    GB18030 maps almost any byte sequence to some text, so it can only be the
    last resort: a UTF-8 file tried as GB18030 first would turn into mojibake.
    """
    if b"\x00" in content:
        raise DirectoryImportError(
            gettext(
                "The file contains NUL bytes: it is not a text file (or it is UTF-16). "
                "Save it as CSV UTF-8 or as .xlsx."
            )
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise DirectoryImportError(
            gettext(
                "The file's text encoding is not recognised: save it as CSV UTF-8 "
                "or as .xlsx."
            )
        ) from None


def _workbook_limits() -> Limits:
    """The XLSX reader's caps and its child process's limits, from settings.

    1.5 million cells is 100,001 rows of 15 columns (a directory has at most
    11, plus 序号); with at most 3 XML elements a cell, the sheet check refuses
    a workbook built only to keep the parser busy after ~4.7 million elements,
    about two seconds. A 100,000-row workbook needs ~150 MB in the child, so
    1 GiB of address space leaves room; it takes about 5 s, so 30 s leave room
    too, and stay well inside the minute after which an import job without a
    heartbeat counts as dead (``jobs``).
    """
    return Limits(
        max_rows=max_rows(),
        max_columns=getattr(settings, "KEXIE_IMPORT_MAX_COLUMNS", 200),
        max_cells=getattr(settings, "KEXIE_IMPORT_MAX_CELLS", 1_500_000),
        max_unzipped_bytes=max_unzipped_bytes(),
        memory_bytes=getattr(settings, "KEXIE_IMPORT_READER_MEMORY", 1 << 30),
        seconds=getattr(settings, "KEXIE_IMPORT_READER_SECONDS", 30),
    )


def _refusal_message(refused: WorkbookRefused) -> str:
    """What a refusal of the XLSX reader's child process means, for the user."""
    params = refused.params
    if refused.code == "not_workbook":
        return gettext(
            "The file is a zip archive but not an Excel workbook: upload the .xlsx itself."
        )
    if refused.code == "no_sheet":
        return gettext("The workbook has no worksheet.")
    if refused.code == "unzipped":
        return _too_big_unzipped(params["size"], params["cap"])
    if refused.code == "span":
        return (
            gettext(
                "The worksheet spans %(rows)s rows and %(columns)s columns; at most "
                "%(cap)s rows can be imported at once. Delete empty rows and columns, "
                "or split the file."
            )
            % params
        )
    if refused.code == "cells":
        return (
            gettext(
                "The worksheet spans %(rows)s rows and %(columns)s columns, more than "
                "%(cap)s cells: delete empty rows and columns, or split the file."
            )
            % params
        )
    if refused.code == "elements":
        return gettext(
            "The worksheet holds far more cells or XML elements than a directory "
            "can (at most %(cap)s cells): it may be built to exhaust the server. "
            "Save it again from Excel or WPS, or split it."
        ) % {"cap": params["cap"]}
    if refused.code == "limits":
        logger.warning(
            "XLSX reader stopped at its limits (exit %s): %s",
            params.get("returncode"),
            params.get("detail", "timeout"),
        )
        return gettext(
            "The workbook could not be read within the limits set for imports "
            "(%(memory)s MB of memory, %(seconds)s seconds): it may be damaged or "
            "built to exhaust the server. Open it in Excel or WPS and save it again "
            "as .xlsx, or split it."
        ) % {"memory": params["memory"], "seconds": params["seconds"]}
    return gettext("The file is damaged: it cannot be opened as an Excel workbook.")


def _too_big_unzipped(size: int, cap: int) -> str:
    return gettext(
        "The workbook inflates to %(size)s MB, more than %(cap)s MB: it may be a "
        "compression bomb, or it needs splitting."
    ) % {"size": size // (1024 * 1024), "cap": cap // (1024 * 1024)}


def read_rows(content: bytes, file_format: str) -> Iterator[list]:
    """Yield the file's rows as lists of raw cell values, header row first."""
    if file_format == "xlsx":
        yield from _read_xlsx(content)
    elif file_format == "csv":
        yield from _read_csv(content)
    elif file_format == "json":
        yield from _read_json(content)
    else:
        raise DirectoryImportError(
            gettext("Unknown format “%(format)s”; use xlsx, csv or json.")
            % {"format": file_format}
        )


def _read_xlsx(content: bytes) -> Iterator[list]:
    """The first sheet's rows, read by a child process with hard limits
    (``xlsx_sandbox``): no workbook can take this process down."""
    try:
        yield from xlsx_rows(
            content,
            limits=_workbook_limits(),
            python=getattr(settings, "KEXIE_IMPORT_PYTHON", None),
        )
    except WorkbookRefused as refused:
        raise DirectoryImportError(_refusal_message(refused)) from None


def _read_csv(content: bytes) -> Iterator[list]:
    text = decode_text(content)
    if text.count("\n") > max_rows() + 1 and len(text.splitlines()) > max_rows() + 1:
        raise _too_many_rows()
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise DirectoryImportError(
                gettext(
                    "Row %(row)s cannot be read: a cell is longer than 100,000 "
                    "characters or has an unmatched quote."
                )
                % {"row": reader.line_num}
            ) from None


def _read_json(content: bytes) -> Iterator[list]:
    try:
        data = json.loads(decode_text(content))
    except ValueError as error:
        raise DirectoryImportError(
            gettext("The JSON file cannot be read: %(error)s") % {"error": error}
        ) from None
    except RecursionError:
        raise DirectoryImportError(
            gettext(
                "The JSON file is nested too deeply: it must be a list of objects "
                "whose keys are the column headers."
            )
        ) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DirectoryImportError(
            gettext(
                "The JSON file must be a list of objects whose keys are the column headers."
            )
        )
    if any(
        "\x00" in text
        for item in data
        for pair in item.items()
        for text in pair
        if isinstance(text, str)
    ):  # an escaped \u0000: the bytes check in decode_text cannot see it
        raise DirectoryImportError(
            gettext("The JSON file contains NUL characters (\\u0000): remove them.")
        )
    if not data:
        return
    headers = list(data[0])
    for item in data[1:]:
        headers.extend(key for key in item if key not in headers)
    yield headers
    for item in data:
        yield [item.get(header) for header in headers]


def _too_many_rows() -> DirectoryImportError:
    return DirectoryImportError(
        gettext("The file has more than %(cap)s rows: split it into smaller files.")
        % {"cap": max_rows()}
    )


def check_headers(raw: list, resource: DirectoryResource) -> tuple[list[str], bool]:
    """Check the header row against the column contract.

    Returns the cleaned headers and whether a leading 序号 column is to be dropped.
    """
    headers = [re.sub(r"\s+", "", cell_text(value)) for value in raw]
    while headers and not headers[-1]:
        headers.pop()
    has_serial = bool(headers) and headers[0] == SERIAL_COLUMN
    if has_serial:
        headers = headers[1:]
    expected = resource.headers()
    problems = []
    duplicates = [h for h, n in Counter(headers).items() if n > 1 and h]
    if duplicates:
        problems.append(
            gettext("Duplicate column headers: %(headers)s.")
            % {"headers": "、".join(f"「{h}」" for h in duplicates)}
        )
    missing = [h for h in expected if h not in headers]
    if missing:
        problems.append(
            gettext("Missing columns: %(headers)s.")
            % {"headers": "、".join(f"「{h}」" for h in missing)}
        )
    unknown = [h for h in headers if h not in expected]
    if unknown:
        problems.append(
            gettext("Unknown columns: %(headers)s.")
            % {"headers": "、".join(f"「{h or '(空)'}」" for h in unknown)}
        )
    if problems:
        problems.append(
            gettext(
                "The columns must be: %(headers)s. Download the template to start from."
            )
            % {"headers": "、".join(expected)}
        )
        raise DirectoryImportError(*problems)
    return headers, has_serial


# --------------------------------------------------------------------------
# Checking and matching the rows


def _is_blank(cells: Iterable) -> bool:
    return all(value is None or str(value).strip() == "" for value in cells)


def _clean_row(
    row: RowResult, cells: list, headers: list[str], resource: DirectoryResource
) -> None:
    model = resource._meta.model
    by_column = dict(zip(headers, cells, strict=True))
    for name, resource_field in resource.fields.items():
        column = resource_field.column_name
        try:
            value = resource_field.widget.clean(by_column.get(column))
        except ValueError as error:
            row.errors[column] = str(error)
            continue
        model_field = model._meta.get_field(resource_field.attribute)
        if model_field.many_to_many:
            row.related[model_field.name] = sorted({obj.pk for obj in value})
            continue
        if model_field.is_relation:
            row.values[model_field.attname] = value.pk if value is not None else None
            continue
        try:
            row.values[name] = model_field.clean(value, None)
        except ValidationError as error:
            row.errors[column] = " ".join(error.messages)


def _existing(
    model: type[DirectoryEntry], keys: list[tuple]
) -> dict[tuple, DirectoryEntry]:
    """The saved entries with these natural keys, by key, one query per batch."""
    key_fields = model.natural_key_fields
    found = {}
    first = sorted({key[0] for key in keys})
    for start in range(0, len(first), BATCH_SIZE):
        batch = first[start : start + BATCH_SIZE]
        for obj in model.objects.filter(**{f"{key_fields[0]}__in": batch}):
            found[obj.natural_key()] = obj
    return found


def m2m_fields(model: type[DirectoryEntry]) -> list[models.ManyToManyField]:
    return list(model._meta.many_to_many)


def m2m_through(m2m: models.ManyToManyField) -> type[models.Model]:
    """The model of ``m2m``'s link table (Django sets it when the models load)."""
    through = m2m.remote_field.through
    if through is None:
        raise ImproperlyConfigured(f"{m2m} has no link table yet: are the apps loaded?")
    return through


def _existing_related(
    model: type[DirectoryEntry], pks: list[int]
) -> dict[str, dict[int, list[int]]]:
    related: dict[str, dict[int, list[int]]] = {}
    for m2m in m2m_fields(model):
        through = m2m_through(m2m)
        source = m2m.m2m_field_name()
        target = m2m.m2m_reverse_field_name()
        table: dict[int, list[int]] = {pk: [] for pk in pks}
        for start in range(0, len(pks), BATCH_SIZE):
            pairs = through._default_manager.filter(
                **{f"{source}__in": pks[start : start + BATCH_SIZE]}
            ).values_list(f"{source}_id", f"{target}_id")
            for owner, target_id in pairs:
                table[owner].append(target_id)
        related[m2m.name] = {pk: sorted(ids) for pk, ids in table.items()}
    return related


def _display(value: object) -> str:
    try:
        return cell_text(value)
    except ValueError:
        return str(value)[:200] + "…"


def _mark_duplicates(
    model: type[DirectoryEntry],
    rows: list[RowResult],
    resource: DirectoryResource,
    seen: dict[tuple, int],
) -> None:
    """Give each row whose natural key an earlier row of the file had an error.

    ``seen`` (key → row number) carries over from batch to batch: the keys are
    the one thing the check keeps for every row (~20 MB for 100,000 rows).
    """
    key_fields = model.natural_key_fields
    key_columns = [resource.fields[name].column_name for name in key_fields]
    for row in rows:
        if row.errors:
            continue
        key = tuple(row.values[name] for name in key_fields)
        if key in seen:
            row.errors[key_columns[0]] = gettext(
                "Same %(key)s as row %(row)s: each entry may appear only once."
            ) % {"key": "+".join(key_columns), "row": seen[key]}
        else:
            seen[key] = row.number


def match_rows(model: type[DirectoryEntry], rows: list[RowResult]) -> None:
    """Mark each row without errors new, update or unchanged against the saved
    entries (two or three queries for a batch); an update row gets its entry."""
    key_fields = model.natural_key_fields
    good = [row for row in rows if not row.errors]
    existing = _existing(
        model, [tuple(row.values[name] for name in key_fields) for row in good]
    )
    related = _existing_related(model, [obj.pk for obj in existing.values()])
    for row in rows:
        if row.errors:
            row.status = "error"
            continue
        obj = existing.get(tuple(row.values[name] for name in key_fields))
        if obj is None:
            row.status = "new"
            continue
        row.instance = obj
        changed = any(getattr(obj, name) != value for name, value in row.values.items())
        changed = changed or any(
            related[name][obj.pk] != ids for name, ids in row.related.items()
        )
        row.status = "update" if changed else "unchanged"
        if not changed:
            row.instance = None


def directory_check(
    *,
    directory: str,
    content: bytes,
    filename: str = "",
    file_format: str | None = None,
    progress: Progress | None = None,
    keep_checked: bool = False,
) -> ImportResult:
    """Read and check ``content``: every cell through the resource's widgets,
    every row sorted into new / update / unchanged / error against the saved entries.

    Raises ``DirectoryImportError`` when the file as a whole is unusable
    (size, kind, encoding, headers); row and cell problems are in the result.
    Writes nothing to the database. With ``keep_checked``, the good rows are
    spooled to ``result.checked`` for ``services.directory_import_checked``
    (when no row has an error; the caller closes it).
    """
    resource = resource_for(directory)
    resource.reset_lookups()
    model = resource._meta.model
    if not content:
        raise DirectoryImportError(gettext("The file is empty."))
    if len(content) > max_upload_bytes():
        raise DirectoryImportError(
            gettext("The file is %(size)s MB; at most %(cap)s MB can be imported.")
            % {
                "size": round(len(content) / 1048576, 1),
                "cap": max_upload_bytes() // 1048576,
            }
        )
    file_format = (file_format or detect_format(content, filename)).lower()
    rows_in = read_rows(content, file_format)
    header_row = next(rows_in, None)
    if header_row is None or _is_blank(header_row):
        raise DirectoryImportError(gettext("The file is empty: it has no header row."))
    headers, has_serial = check_headers(list(header_row), resource)
    width = len(headers) + int(has_serial)

    result = ImportResult(directory=directory, headers=headers, rows=[])
    checked = CheckedRows() if keep_checked else None
    seen: dict[tuple, int] = {}
    batch: list[RowResult] = []

    def check_batch() -> None:
        _mark_duplicates(model, batch, resource, seen)
        if checked is not None and not result.counts.get("error"):
            for row in batch:
                if not row.errors:
                    checked.add(row)
        match_rows(model, batch)
        for row in batch:
            result.counts[row.status] += 1
            # The text of a cell is kept only for the preview's first rows and
            # rows with errors; keeping it for 100,000 good rows cost ~100 MB.
            if row.errors or result.total < PREVIEW_ROWS:
                row.cells = [_display(v) for v in row.cells]
                row.instance = None
                row.values = row.related = {}
                result.rows.append(row)
            result.total += 1
        batch.clear()
        if progress:
            progress(result.total, 0)

    cap = max_rows()
    first_number = 1 if file_format == "json" else 2
    try:
        for offset, raw in enumerate(rows_in):
            raw = list(raw)
            if _is_blank(raw):
                continue
            if result.total + len(batch) >= cap:
                raise _too_many_rows()
            number = first_number + offset
            if len(raw) > width and _is_blank(raw[width:]):
                raw = raw[:width]
            cells = raw[1:] if has_serial else raw
            row = RowResult(number=number, cells=cells)
            if len(raw) != width:
                row.errors[""] = gettext(
                    "The row has %(count)s cells but there are %(expected)s columns."
                ) % {"count": len(raw), "expected": width}
            else:
                _clean_row(row, cells, headers, resource)
            batch.append(row)
            if len(batch) == BATCH_SIZE:
                check_batch()
        if batch:
            check_batch()
    except BaseException:
        if checked is not None:
            checked.close()
        raise
    if not result.total:
        if checked is not None:
            checked.close()
        raise DirectoryImportError(
            gettext("The file has a header row but no data rows.")
        )
    if checked is not None and result.has_errors:
        checked.close()  # nothing of it will be written
    elif checked is not None:
        checked.file.flush()
        result.checked = checked
    if progress:
        progress(result.total, result.total)
    return result
