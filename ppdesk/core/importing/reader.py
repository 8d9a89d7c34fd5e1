"""Reading an export file into a frame of text columns: CSV/TSV/TXT and XLSX.

- ``sniff(path, sheet=None)``: what the file is (text or workbook), its encoding,
  delimiter, sheets and header, without reading the data.
- ``read_table(info, columns)``: the data rows, only the columns asked for (speed),
  every cell as text ("" when empty), with each record's row number as a spreadsheet
  shows it (header = row 1; a quoted cell holding line breaks is still one row).

Encodings (BOMs, UTF-16 without BOM, UTF-8 mixed with cp1252...) are decided in
``importing.encodings``.

CSV goes through ``pyarrow.csv`` directly with ``newlines_in_values=True`` (pandas'
``engine="pyarrow"`` cannot read the multi-line notes Shopify writes). Files whose
rows do not all have the header's number of fields are read again with Python's
``csv`` module, which knows each record's row, so the odd row can be rejected by
number; a file where most rows are like that is unusable.

Workbooks are read with python-calamine (about 12x faster than openpyxl). An XLSX
is a zip: ``guards`` checks its size, compression ratio, XML entities and cell
rectangle before calamine sees it (a 300 KB file can expand to 300 MB; one cell at
XFD1048576 makes calamine ask for 550 GB and abort the process).

Hostile files get a plain refusal, never a traceback: what the file is (gzip
files are unpacked and read; other archives, images and documents are named), a
header line must end within the first MiB and hold at most ``MAX_COLUMNS``
columns, binary data is refused, NUL bytes are dropped, line ends may be LF, CRLF
or a lone CR (old Mac and Excel exports), and any error a parser raises on the
file's bytes becomes an ``InputError`` naming the file.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ppdesk.core.errors import EnvironmentProblem, InputError
from ppdesk.core.importing import guards
from ppdesk.core.importing.encodings import (
    MIXED_UTF8_CP1252,
    SNIFF_BYTES,
    decode_sample,
    detect_encoding,
    is_binary,
    looks_like_text,
    python_codec,
)
from ppdesk.core.importing.guards import MAX_COLUMNS, MAX_XLSX_EXPANDED_BYTES

DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = SNIFF_BYTES       # also the longest header line read (3 million columns: no)
_LINE_END = re.compile(r"\r\n|\r|\n")
_SEP_LINE = re.compile(r"sep=([,;\t|])(?:\r\n|\r|\n)", re.IGNORECASE)
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

log = logging.getLogger("ppdesk.importing")


@dataclass
class SourceInfo:
    """What a file is, found without reading its data."""

    path: Path
    kind: str                               # "csv" or "workbook"
    encoding: str | None = None
    delimiter: str | None = None
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    header: list[str] = field(default_factory=list)
    header_row: int = 1                     # spreadsheet row holding the header
    # What is actually read when it is not ``path``: a gzip's unpacked content.
    unpacked: guards.Unpacked | None = field(default=None, repr=False, compare=False)
    strip_nul: bool = False                 # NUL bytes seen: read a copy without them
    preamble: int = 0                       # text lines before the header ("sep=;")
    # The workbook sheet as loaded while sniffing: calamine parses a whole sheet to
    # look at any row of it, so reading reuses it instead of parsing it twice.
    loaded_sheet: Any = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def data_path(self) -> Path:
        """The file holding the table (``path``, or a gzip's unpacked content)."""
        return self.unpacked.path if self.unpacked is not None else self.path


@dataclass
class RawTable:
    info: SourceInfo
    frame: pd.DataFrame                     # text columns named as in the header
    rows: np.ndarray                        # int64 spreadsheet row of each record
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason) skipped


def sniff(path: Path, sheet: str | None = None) -> SourceInfo:
    """Detect the file's kind, encoding, delimiter, sheets and header row.

    Raises:
        InputError: the file is not a table ppdesk can read (says what it is instead).
    """
    path = Path(path)
    with _as_input_error(path.name):
        return _sniff(path, sheet)


def _sniff(path: Path, sheet: str | None, unpacked: guards.Unpacked | None = None
           ) -> SourceInfo:
    guards.check_path(path)
    data = unpacked.path if unpacked is not None else path
    with data.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.replace(b"\x00", b"").strip():
        raise InputError("the file is empty", file=path.name)
    if head.startswith(guards.GZIP_MAGIC):
        if unpacked is not None:
            raise InputError("is a gzip inside a gzip; unpack it and import the CSV inside",
                             file=path.name)
        return _sniff(path, sheet, guards.gunzip(path))
    what = guards.binary_kind(head)
    if what is not None:
        raise guards.refuse_binary(path.name, what)
    if guards.is_encrypted_ole(head):
        raise guards.refuse_encrypted(path.name)
    if head.startswith((*guards.ZIP_MAGICS, guards.OLE_MAGIC)) or (
            path.suffix.lower() in _WORKBOOK_SUFFIXES and not looks_like_text(head)):
        if unpacked is not None:
            raise InputError("is a gzip holding a workbook; unpack it and import the "
                             "workbook itself", file=path.name)
        return _sniff_workbook(path, head, sheet)
    if sheet:
        raise InputError(f"--sheet '{sheet}' applies to XLSX workbooks; this is a text file",
                         file=path.name)
    encoding = detect_encoding(data, head)
    text = decode_sample(head, encoding)
    if is_binary(text):
        raise InputError("holds binary data, not text; it is not a CSV export (was it "
                         "renamed, damaged, or saved in another format?)", file=path.name)
    strip_nul = "\x00" in text
    text = text.replace("\x00", "")
    end = _LINE_END.search(text)
    preamble, forced = 0, None
    sep = _SEP_LINE.match(text)
    if sep is not None:
        # "sep=;" is how a CSV tells Excel its delimiter. Excel hides that line, so the
        # header is still row 1 as the merchant sees it; the reader skips one more line.
        preamble, forced = 1, sep.group(1)
        text = text[sep.end():]
        end = _LINE_END.search(text)
    if end is None and len(head) >= _SNIFF_BYTES:
        fields = max(text.count(d) for d in DELIMITERS) + 1
        raise InputError(f"its first line runs past {_SNIFF_BYTES // (1 << 20)} MB without "
                         f"a line break (over {fields:,} columns so far); ppdesk reads a "
                         f"header line of at most {_SNIFF_BYTES // (1 << 20)} MB and "
                         f"{MAX_COLUMNS:,} columns", file=path.name, row=1)
    first = text[:end.start()] if end is not None else text
    delimiter = forced or detect_delimiter(first)
    header = _header_record(text, delimiter, path.name)
    if len(header) > MAX_COLUMNS:
        raise InputError(f"its header has {len(header):,} columns; ppdesk reads at most "
                         f"{MAX_COLUMNS:,} (an order export has a few dozen)",
                         file=path.name, row=1)
    if len([h for h in header if h.strip()]) < 2:
        raise InputError("the first line is not a header with at least two named columns",
                         file=path.name, row=1)
    return SourceInfo(path=path, kind="csv", encoding=encoding, delimiter=delimiter,
                      header=clean_header(header), preamble=preamble, unpacked=unpacked,
                      strip_nul=strip_nul)


def _header_record(text: str, delimiter: str, name: str) -> list[str]:
    """The first CSV record of the sample (any line end; a quoted header cell may span lines)."""
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise InputError(f"its header holds a name longer than "
                             f"{csv.field_size_limit():,} characters (the most ppdesk reads), "
                             "or a quote that is never closed", file=name, row=1) from exc
        raise InputError(f"its header line cannot be read as CSV ({exc})", file=name,
                         row=1) from exc


@contextmanager
def _as_input_error(name: str) -> Iterator[None]:
    """Errors a parser raises on a file's bytes, as the plain refusal the contract asks for.

    InputError passes through. ValueError covers pyarrow's ArrowInvalid and codec errors;
    calamine raises its own exception types and, on a Rust panic, pyo3's PanicException
    (a BaseException). Other exceptions are bugs and propagate.
    """
    try:
        yield
    except InputError:
        raise
    except MemoryError as exc:
        raise EnvironmentProblem(f"{name}: there is not enough memory to read this file; "
                                 "close other programs or split the export.") from exc
    except (csv.Error, ValueError, OSError, zlib.error, EOFError, LookupError) as exc:
        # Logged with its traceback: if this was our bug and not the file, the log shows it.
        log.warning("%s could not be read", name, exc_info=True)
        raise InputError(f"cannot be read ({_short(exc)})", file=name) from exc
    except BaseException as exc:
        kind = type(exc)
        if not (kind.__module__.startswith(("python_calamine", "pyarrow", "pyo3"))
                or kind.__name__ == "PanicException"):
            raise
        log.warning("%s could not be read", name, exc_info=True)
        raise InputError(f"cannot be read ({_short(exc)})", file=name) from exc


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def clean_header(names: list[str]) -> list[str]:
    """Header names stripped, blanks named by position, duplicates numbered."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names, start=1):
        name = raw.replace("\x00", "").strip().lstrip("\ufeff").strip() or f"Column {i}"
        base, k = name, 2
        while name in seen:
            name, k = f"{base} ({k})", k + 1
        seen.add(name)
        out.append(name)
    return out


def detect_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line most often, quoted parts ignored."""
    outside, quoted = [], False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(ch)
    bare = "".join(outside)
    counts = {d: bare.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


# ----------------------------------------------------------------------------- CSV

def _decoded(info: SourceInfo) -> str:
    """The whole file as text (NUL bytes dropped when the sniff saw any)."""
    raw = info.data_path.read_bytes()
    if info.strip_nul and info.encoding not in ("utf-16-le", "utf-16-be", "utf-16-le-bom",
                                                "utf-16-be-bom", "utf-32"):
        raw = raw.replace(b"\x00", b"")
    try:
        if info.encoding == MIXED_UTF8_CP1252:
            text = raw.decode("utf-8", errors="ppdesk-cp1252")
        else:
            text = raw.decode(python_codec(info.encoding or "utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"is not valid {info.encoding} text (byte {exc.start:,} cannot be "
                         "decoded); save it again as UTF-8", file=info.name) from exc
    return text.lstrip("\ufeff").replace("\x00", "")


def _utf8_source(info: SourceInfo) -> Any:
    """A path pyarrow can read directly, or an in-memory UTF-8 copy for other encodings."""
    if info.encoding in ("utf-8", "utf-8-sig") and not info.strip_nul:
        return str(info.data_path)
    return io.BytesIO(_decoded(info).encode("utf-8"))


def read_table(info: SourceInfo, columns: list[str] | None = None) -> RawTable:
    """Read the data rows of ``info`` (only ``columns`` when given) as text.

    Raises:
        InputError: the data cannot be read (the sentence names the file and row).
    """
    with _as_input_error(info.name):
        if info.kind == "workbook":
            return _read_workbook(info, columns)
        return _read_csv(info, columns)


def _read_csv(info: SourceInfo, columns: list[str] | None) -> RawTable:
    wanted = _unique(columns if columns is not None else info.header)
    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            _utf8_source(info),
            read_options=pacsv.ReadOptions(block_size=8 << 20, skip_rows=1 + info.preamble,
                                           column_names=info.header),
            parse_options=pacsv.ParseOptions(delimiter=info.delimiter or ",",
                                              newlines_in_values=True,
                                              invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted, column_types={c: pa.string() for c in wanted},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if info.encoding == "utf-8" and "utf" in str(exc).lower():
            # A byte past the sniffed sample is not UTF-8: decide on the whole file.
            with info.data_path.open("rb") as fh:
                info.encoding = detect_encoding(info.data_path, fh.read(_SNIFF_BYTES),
                                                whole_file=True)
            if info.encoding != "utf-8":
                return _read_csv(info, columns)
        invalid.append(None)
    else:
        if not invalid:
            frame = table.to_pandas()
            table = None
            return RawTable(info, frame, np.arange(2, len(frame) + 2, dtype=np.int64))
    return _read_csv_python(info, wanted)


def _read_csv_python(info: SourceInfo, wanted: list[str]) -> RawTable:
    """Slow, exact path: every record with its spreadsheet row; odd rows set aside by number.

    Reads from decoded text with ``newline=""``, so LF, CRLF and a lone CR all end a
    record (and stay inside quoted cells). Python's csv caps a cell at 128 KiB; a longer
    cell ends the read with a sentence naming its row.
    """
    with _text_stream(info) as stream:
        return _records(info, csv.reader(stream, delimiter=info.delimiter or ","), wanted)


@contextmanager
def _text_stream(info: SourceInfo) -> Iterator[Any]:
    """The file as text with ``newline=""``: streamed, unless NUL bytes must go first."""
    if info.strip_nul:
        yield io.StringIO(_decoded(info), newline="")
        return
    mixed = info.encoding == MIXED_UTF8_CP1252
    with info.data_path.open(
            "r", encoding="utf-8" if mixed else python_codec(info.encoding or "utf-8"),
            errors="ppdesk-cp1252" if mixed else "strict", newline="") as fh:
        if fh.read(1) not in ("\ufeff", ""):
            fh.seek(0)
        yield fh


def _records(info: SourceInfo, reader: Any, wanted: list[str]) -> RawTable:
    width = len(info.header)
    index = {name: info.header.index(name) for name in wanted}
    data: dict[str, list[str]] = {name: [] for name in wanted}
    rows: list[int] = []
    bad: list[tuple[int, str]] = []
    number = 1
    try:
        for _ in range(1 + info.preamble):
            next(reader)
        for number, record in enumerate(reader, start=2):
            if not any(v.strip() for v in record):
                continue  # a blank line, or one of only delimiters (",,,,")
            if len(record) != width and not (len(record) > width and
                                             not any(v.strip() for v in record[width:])):
                bad.append((number, f"has {len(record)} fields but the header has {width}"))
                continue
            rows.append(number)
            for name, i in index.items():
                data[name].append(record[i] if i < len(record) else "")
    except StopIteration:
        pass
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise InputError(f"holds a cell longer than {csv.field_size_limit():,} characters "
                             "(the most ppdesk reads in one cell), or a quote that is never "
                             "closed", file=info.name, row=number + 1) from exc
        raise InputError(f"cannot be read as CSV ({exc})", file=info.name,
                         row=number + 1) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"is not valid {info.encoding} text after row {number} (a byte "
                         "cannot be decoded); save it again as UTF-8", file=info.name) from exc
    if bad and len(bad) > max(len(rows), 0):
        row, reason = bad[0]
        raise InputError(f"{reason}; the file looks malformed (for example each row wrapped in "
                         "one pair of quotes), export it again", file=info.name, row=row)
    frame = pd.DataFrame({name: pd.Series(vals, dtype="str") for name, vals in data.items()})
    return RawTable(info, frame, np.asarray(rows, dtype=np.int64), bad)


def head_records(info: SourceInfo, rows: int) -> list[list[str]]:
    """The first ``rows`` data records of a text file (for the preview), from its first MiB.

    Never raises on the file's content: a preview shows what can be shown.
    """
    with info.data_path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    text = decode_sample(head, info.encoding or "utf-8").replace("\x00", "")
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=info.delimiter or ","):
            records.append(record)
            if len(records) > rows + 1 + info.preamble:
                break
    except csv.Error:
        pass  # the sample ends inside a quoted cell, or a cell is over csv's limit
    return records[1 + info.preamble:1 + info.preamble + rows]


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


# ----------------------------------------------------------------------------- workbooks

def _sniff_workbook(path: Path, head: bytes, sheet: str | None,
                    max_bytes: int | None = None) -> SourceInfo:
    import python_calamine

    if head.startswith(guards.ZIP_MAGICS):
        guards.check_zip_workbook(
            path, max_bytes=MAX_XLSX_EXPANDED_BYTES if max_bytes is None else max_bytes)
    wb = _calamine(path.name, lambda: python_calamine.CalamineWorkbook.from_path(str(path)))
    names = list(wb.sheet_names)
    if not names:
        raise InputError("is a workbook without any sheet", file=path.name)
    info = SourceInfo(path=path, kind="workbook", sheets=names)
    if sheet is not None:
        if sheet not in names:
            raise InputError(f"has no sheet named '{sheet}' (sheets: {', '.join(names)})",
                             file=path.name)
        candidates = [sheet]
    else:
        candidates = names
    for name in candidates:
        loaded = _calamine(path.name, partial(wb.get_sheet_by_name, name))
        rows = _calamine(path.name, partial(loaded.to_python, skip_empty_area=False, nrows=50))
        for number, row in enumerate(rows, start=1):
            cells = [cell_text(v) for v in row]
            if len([c for c in cells if c]) >= 2:
                while cells and not cells[-1]:
                    cells.pop()
                if len(cells) > MAX_COLUMNS:
                    raise InputError(f"its header has {len(cells):,} columns; ppdesk reads at "
                                     f"most {MAX_COLUMNS:,}", file=path.name, row=number)
                info.sheet, info.header, info.header_row = name, clean_header(cells), number
                info.loaded_sheet = loaded
                return info
    if sheet:
        raise InputError(f"sheet '{sheet}' holds no table with a header row", file=path.name)
    raise InputError("no sheet holds a table with a header row (two or more named columns)",
                     file=path.name)


def _calamine(name: str, call: Callable[[], Any]) -> Any:
    """A calamine call; its errors (damaged XML, a missing part) become one sentence."""
    try:
        return call()
    except InputError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's own types, and pyo3's PanicException
        if isinstance(exc, MemoryError):
            raise
        raise InputError(f"cannot be opened as a workbook ({_short(exc)})", file=name) from exc


def _fill_merged(rows: list[list[Any]], ranges: list[Any]) -> None:
    """Give every cell of a merged range the value of its top-left cell.

    A merchant who merges the order id over an order's rows means every row has it;
    a spreadsheet stores the value only once. Ranges are clipped to the loaded rows.
    """
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _read_workbook(info: SourceInfo, columns: list[str] | None) -> RawTable:
    import python_calamine

    sheet = info.loaded_sheet
    if sheet is None:
        wb = _calamine(info.name, lambda: python_calamine.CalamineWorkbook.from_path(
            str(info.path)))
        sheet = _calamine(info.name, lambda: wb.get_sheet_by_name(info.sheet or info.sheets[0]))
    rows = _calamine(info.name, lambda: sheet.to_python(skip_empty_area=False))
    _fill_merged(rows, getattr(sheet, "merged_cell_ranges", None) or [])
    info.loaded_sheet = None  # free the parsed sheet once its rows are out
    body = rows[info.header_row:]
    wanted = _unique(columns if columns is not None else [h for h in info.header if h])
    index = {name: info.header.index(name) for name in wanted}
    keep = [i for i, r in enumerate(body) if any(v not in (None, "") for v in r)]
    frame = pd.DataFrame({
        name: pd.Series([cell_text(body[k][i]) if i < len(body[k]) else "" for k in keep],
                        dtype="str")
        for name, i in index.items()})
    numbers = np.asarray(keep, dtype=np.int64) + info.header_row + 1
    return RawTable(info, frame, numbers)
