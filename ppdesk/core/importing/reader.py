"""Reading an export file into a frame of text columns: CSV/TSV/TXT and XLSX.

- ``sniff(path, sheet=None)``: what the file is (text or workbook), its encoding,
  delimiter, sheets and header, without reading the data.
- ``read_table(info, columns)``: the data rows, only the columns asked for (speed),
  every cell as text ("" when empty), with each record's row number as a spreadsheet
  shows it (header = row 1; a quoted cell holding line breaks is still one row).

Encoding: BOMs first (UTF-8, UTF-16 LE/BE as Excel writes "Unicode text"), then
strict UTF-8, then cp1252 and finally latin-1. Charset guessers are not used: they
read French cp1252 as cp1250 ("crème" becomes "crčme"). cp1252 is tried before
latin-1 because latin-1 maps bytes 0x80-0x9F to control characters no shop writes.

CSV goes through ``pyarrow.csv`` directly with ``newlines_in_values=True`` (pandas'
``engine="pyarrow"`` cannot read the multi-line notes Shopify writes). Files whose
rows do not all have the header's number of fields are read again with Python's
``csv`` module, which knows each record's row, so the odd row can be rejected by
number; a file where most rows are like that is unusable.

Workbooks are read with python-calamine (about 12x faster than openpyxl). An XLSX
is a zip: its uncompressed size is checked before reading, since a 300 KB file can
expand to 300 MB.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ppdesk.core.errors import InputError

DELIMITERS = (",", ";", "\t", "|")
MAX_XLSX_EXPANDED_BYTES = 1024 * 1024 * 1024   # 1 GiB of XML: about 600,000 Shopify lines
MAX_XLSX_RATIO = 200                            # compressed:expanded beyond this is a zip bomb
_SNIFF_BYTES = 1 << 20
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


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
    # The workbook sheet as loaded while sniffing: calamine parses a whole sheet to
    # look at any row of it, so reading reuses it instead of parsing it twice.
    loaded_sheet: Any = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class RawTable:
    info: SourceInfo
    frame: pd.DataFrame                     # text columns named as in the header
    rows: np.ndarray                        # int64 spreadsheet row of each record
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason) skipped


def sniff(path: Path, sheet: str | None = None) -> SourceInfo:
    """Detect the file's kind, encoding, delimiter, sheets and header row."""
    path = Path(path)
    if not path.is_file():
        raise InputError("the file does not exist or is not a file", file=str(path))
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise InputError("the file is empty", file=path.name)
    if head[:4] == b"PK\x03\x04" or head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or (
            path.suffix.lower() in _WORKBOOK_SUFFIXES and not _looks_like_text(head)):
        return _sniff_workbook(path, head, sheet)
    if sheet:
        raise InputError(f"--sheet '{sheet}' applies to XLSX workbooks; this is a text file",
                         file=path.name)
    encoding = detect_encoding(path, head)
    text = _decode_sample(head, encoding)
    first = text.split("\n", 1)[0].rstrip("\r")
    delimiter = detect_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter), [])
    if len([h for h in header if h.strip()]) < 2:
        raise InputError("the first line is not a header with at least two named columns",
                         file=path.name, row=1)
    return SourceInfo(path=path, kind="csv", encoding=encoding, delimiter=delimiter,
                      header=clean_header(header))


def clean_header(names: list[str]) -> list[str]:
    """Header names stripped, blanks named by position, duplicates numbered."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names, start=1):
        name = raw.strip().lstrip("\ufeff").strip() or f"Column {i}"
        base, k = name, 2
        while name in seen:
            name, k = f"{base} ({k})", k + 1
        seen.add(name)
        out.append(name)
    return out


def _looks_like_text(head: bytes) -> bool:
    return b"\x00" not in head[:4096] or head[:2] in (b"\xff\xfe", b"\xfe\xff")


def detect_encoding(path: Path, head: bytes, *, whole_file: bool = False) -> str:
    """BOM, else strict UTF-8, else cp1252, else latin-1.

    UTF-8 is checked on the first megabyte unless ``whole_file``: pyarrow validates
    UTF-8 in every column it reads, and a failure there re-runs this on the whole file.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le-bom"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be-bom"
    if len(head) > 3 and head[1:20:2].count(0) >= 8 and head[0:20:2].count(0) == 0:
        return "utf-16-le"
    if len(head) > 3 and head[0:20:2].count(0) >= 8 and head[1:20:2].count(0) == 0:
        return "utf-16-be"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        if whole_file:
            with path.open("rb") as fh:
                while chunk := fh.read(16 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        else:
            decoder.decode(head, final=len(head) < _SNIFF_BYTES)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        path.read_bytes().decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def python_codec(encoding: str) -> str:
    return {"utf-16-le-bom": "utf-16", "utf-16-be-bom": "utf-16"}.get(encoding, encoding)


def _decode_sample(head: bytes, encoding: str) -> str:
    return head.decode(python_codec(encoding), errors="ignore").lstrip("\ufeff")


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

def read_table(info: SourceInfo, columns: list[str] | None = None) -> RawTable:
    """Read the data rows of ``info`` (only ``columns`` when given) as text."""
    if info.kind == "workbook":
        return _read_workbook(info, columns)
    return _read_csv(info, columns)


def _utf8_source(info: SourceInfo) -> Any:
    """A path pyarrow can read directly, or an in-memory UTF-8 copy for other encodings."""
    if info.encoding in ("utf-8", "utf-8-sig"):
        return str(info.path)
    text = info.path.read_bytes().decode(python_codec(info.encoding or "utf-8"))
    return io.BytesIO(text.lstrip("\ufeff").encode("utf-8"))


def _read_csv(info: SourceInfo, columns: list[str] | None) -> RawTable:
    wanted = _unique(columns if columns is not None else info.header)
    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            _utf8_source(info),
            read_options=pacsv.ReadOptions(block_size=8 << 20, skip_rows=1,
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
            with info.path.open("rb") as fh:
                info.encoding = detect_encoding(info.path, fh.read(_SNIFF_BYTES), whole_file=True)
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
    """Slow, exact path: every record with its spreadsheet row; odd rows set aside by number."""
    width = len(info.header)
    index = {name: info.header.index(name) for name in wanted}
    data: dict[str, list[str]] = {name: [] for name in wanted}
    rows: list[int] = []
    bad: list[tuple[int, str]] = []
    with info.path.open("r", encoding=python_codec(info.encoding or "utf-8"), newline="",
                        errors="strict") as fh:
        reader = csv.reader(fh, delimiter=info.delimiter or ",")
        try:
            next(reader)
            for number, record in enumerate(reader, start=2):
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue
                if len(record) != width and not (len(record) > width and
                                                 not any(v.strip() for v in record[width:])):
                    bad.append((number, f"has {len(record)} fields but the header has {width}"))
                    continue
                rows.append(number)
                for name, i in index.items():
                    data[name].append(record[i] if i < len(record) else "")
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"cannot be read as CSV ({exc})", file=info.name,
                             row=reader.line_num) from exc
    if bad and len(bad) > max(len(rows), 0):
        row, reason = bad[0]
        raise InputError(f"{reason}; the file looks malformed (for example each row wrapped in "
                         "one pair of quotes), export it again", file=info.name, row=row)
    frame = pd.DataFrame({name: pd.Series(vals, dtype="str") for name, vals in data.items()})
    return RawTable(info, frame, np.asarray(rows, dtype=np.int64), bad)


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


# ----------------------------------------------------------------------------- workbooks

def _check_expansion(path: Path, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            expanded = sum(i.file_size for i in zf.infolist())
            compressed = sum(i.compress_size for i in zf.infolist()) or 1
    except zipfile.BadZipFile as exc:
        raise InputError("is not a valid XLSX workbook (damaged zip)", file=path.name) from exc
    if expanded > max_bytes or (expanded > 50 << 20 and expanded / compressed > MAX_XLSX_RATIO):
        raise InputError(
            f"expands to {expanded / 1e6:,.0f} MB when opened, more than ppdesk reads from a "
            f"workbook ({max_bytes / 1e6:,.0f} MB); export the orders as CSV instead",
            file=path.name)


def _sniff_workbook(path: Path, head: bytes, sheet: str | None,
                    max_bytes: int | None = None) -> SourceInfo:
    import python_calamine

    if head[:4] == b"PK\x03\x04":
        _check_expansion(path, MAX_XLSX_EXPANDED_BYTES if max_bytes is None else max_bytes)
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise InputError(f"cannot be opened as a workbook ({exc})", file=path.name) from exc
    names = list(wb.sheet_names)
    info = SourceInfo(path=path, kind="workbook", sheets=names)
    if sheet is not None:
        if sheet not in names:
            raise InputError(f"has no sheet named '{sheet}' (sheets: {', '.join(names)})",
                             file=path.name)
        candidates = [sheet]
    else:
        candidates = names
    for name in candidates:
        loaded = wb.get_sheet_by_name(name)
        rows = loaded.to_python(skip_empty_area=False, nrows=50)
        for number, row in enumerate(rows, start=1):
            cells = [cell_text(v) for v in row]
            if len([c for c in cells if c]) >= 2:
                while cells and not cells[-1]:
                    cells.pop()
                info.sheet, info.header, info.header_row = name, clean_header(cells), number
                info.loaded_sheet = loaded
                return info
    where = f"sheet '{sheet}'" if sheet else "any sheet"
    raise InputError(f"{where} holds no table with a header row", file=path.name)


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
        wb = python_calamine.CalamineWorkbook.from_path(str(info.path))
        sheet = wb.get_sheet_by_name(info.sheet or info.sheets[0])
    rows = sheet.to_python(skip_empty_area=False)
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
