"""What a file really is, and whether it is safe to read, before any parser touches it.

Merchants hand the importer whatever their download folder holds: a gzip from a
backup, a zip of CSVs, a password-protected workbook, a PDF, an old Mac export.
The parsers below us (pyarrow, Python's csv, calamine) each fail on these in their
own way, some by exhausting memory (calamine allocates a sheet's whole rectangle,
so one cell at XFD1048576 asks for 550 GB and aborts the process). So this module
answers first, with plain sentences, from cheap looks at the bytes:

- ``check_path``: a regular, readable file (not a folder, pipe or symlink loop);
- ``binary_kind``: magic numbers of archives, images, documents, programs;
- ``gunzip``: a gzip is unpacked to a temporary file, with the same limits as a
  workbook (size and compression ratio), so a gzip bomb stops after 50 MB;
- ``check_zip_workbook``: a zip is a workbook (else it names what is inside), it
  does not expand past the limits, declares no XML entities (billion laughs, XXE:
  ppdesk never expands them) and no sheet spans more cells than can be held.

Every refusal raises ``InputError`` naming the file and the limit that applied.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ppdesk.core.errors import InputError

MAX_XLSX_EXPANDED_BYTES = 1024 * 1024 * 1024   # 1 GiB of XML: about 600,000 Shopify lines
MAX_GZIP_EXPANDED_BYTES = 4 * 1024 * 1024 * 1024
MAX_RATIO = 200                  # expanded:compressed beyond this (past 50 MB) is a bomb
RATIO_FLOOR_BYTES = 50 << 20     # small files may compress well; only big ones are judged
# calamine holds every cell of a sheet's used rectangle (about 32 bytes each): 60 million
# cells is about 2 GB, more than a 600,000-line Shopify workbook (47 million).
MAX_WORKBOOK_CELLS = 60_000_000
MAX_COLUMNS = 5_000              # Shopify writes 79; a wider "export" is not a table of orders

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_ARCHIVES = ("archive",)
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Excel stores a password-protected .xlsx as an OLE container with these streams.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def check_path(path: Path) -> None:
    """Raise unless ``path`` is a regular file this process can open."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise InputError("the file does not exist (or is a link to nothing)",
                         file=path.name) from exc
    except OSError as exc:  # ELOOP (a symlink loop), ENAMETOOLONG, EACCES on a folder...
        raise InputError(f"cannot be opened ({exc.strerror or exc})", file=path.name) from exc
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a folder, not a file; choose the export file inside it",
                         file=path.name)
    if not stat.S_ISREG(st.st_mode):
        # A named pipe or a device would block or never end: never opened.
        raise InputError("is not a regular file (a pipe, socket or device)", file=path.name)
    if not os.access(path, os.R_OK):
        raise InputError("cannot be read (permission denied)", file=path.name)


def binary_kind(head: bytes) -> str | None:
    """Plain words for a known non-table format (``"a PDF document"``), else None."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    return None


def refuse_binary(name: str, what: str) -> InputError:
    if what.endswith(_ARCHIVES):
        return InputError(f"is {what}, not a CSV or XLSX export; unpack it and import the "
                          "file inside", file=name)
    return InputError(f"is {what}, not a CSV or XLSX export of orders", file=name)


# ----------------------------------------------------------------------------- gzip

@dataclass
class Unpacked:
    """A gzip's content in a temporary folder, removed when this object is collected."""

    path: Path
    folder: tempfile.TemporaryDirectory[str]


def gunzip(path: Path, *, max_bytes: int = MAX_GZIP_EXPANDED_BYTES) -> Unpacked:
    """Unpack a gzip to a temporary file, stopping at the size and ratio limits."""
    folder = tempfile.TemporaryDirectory(prefix="ppdesk-gz-")
    inner = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    out_path = Path(folder.name) / (inner or "unpacked.csv")
    decompressor = zlib.decompressobj(wbits=31)
    read = written = 0
    try:
        with path.open("rb") as src, out_path.open("wb") as dst:
            while True:
                chunk = src.read(1 << 16)
                if not chunk:
                    break
                read += len(chunk)
                data = decompressor.decompress(chunk, 1 << 24)
                while True:
                    written += len(data)
                    _check_gzip_size(path.name, written, read, max_bytes)
                    dst.write(data)
                    if not decompressor.unconsumed_tail:
                        break
                    data = decompressor.decompress(decompressor.unconsumed_tail, 1 << 24)
                if decompressor.eof:
                    break  # a second member or trailing junk is ignored, as gzip -d warns
            if not decompressor.eof:
                raise InputError("is a gzip file that ends early (damaged or cut off)",
                                 file=path.name)
    except zlib.error as exc:
        raise InputError(f"is a damaged gzip file ({exc})", file=path.name) from exc
    return Unpacked(out_path, folder)


def _check_gzip_size(name: str, written: int, read: int, max_bytes: int) -> None:
    if written > max_bytes:
        raise InputError(f"is a gzip that unpacks to more than {max_bytes / 1e6:,.0f} MB, "
                         "the most ppdesk unpacks; unpack it yourself and import the CSV",
                         file=name)
    if written > RATIO_FLOOR_BYTES and written > MAX_RATIO * max(read, 1):
        raise InputError(f"is a gzip that unpacks to over {MAX_RATIO} times its size "
                         f"(already {written / 1e6:,.0f} MB from {read / 1e6:,.1f} MB), "
                         "which only a zip bomb does; it was not unpacked further", file=name)


# ----------------------------------------------------------------------------- OLE (xls)

def is_encrypted_ole(head: bytes) -> bool:
    """An OLE container whose directory names an ``EncryptedPackage`` stream."""
    return head.startswith(OLE_MAGIC) and _ENCRYPTED_STREAM in head


def refuse_encrypted(name: str) -> InputError:
    return InputError("is protected with a password; open it in Excel, remove the password "
                      "(File > Info > Protect Workbook) and save it again, or export the "
                      "orders as CSV", file=name)


# ----------------------------------------------------------------------------- zip workbooks

_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ENTITY_UTF16 = ("<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))


def check_zip_workbook(path: Path, *, max_bytes: int = MAX_XLSX_EXPANDED_BYTES,
                       max_cells: int = MAX_WORKBOOK_CELLS) -> None:
    """Raise unless the zip at ``path`` is a workbook that is safe to hand to calamine."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            _check_expansion(path.name, infos, max_bytes)  # first: it reads only the directory
            if not _is_workbook(names):
                raise _not_a_workbook(path.name, names)
            if any(i.flag_bits & 0x1 for i in infos):
                raise refuse_encrypted(path.name)
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")):
                    _check_entities(path.name, zf, info)
            for info in infos:
                if _is_sheet_part(info.filename):
                    _check_extent(path.name, zf, info, max_cells)
    except zipfile.BadZipFile as exc:
        raise InputError(f"is not a valid XLSX workbook (damaged zip: {exc})",
                         file=path.name) from exc
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
        # RuntimeError: a member that needs a password; NotImplementedError: an odd method.
        raise InputError(f"is a damaged or unsupported XLSX workbook ({exc})",
                         file=path.name) from exc


def _is_workbook(names: list[str]) -> bool:
    lowered = {n.lower() for n in names}
    return ("xl/workbook.xml" in lowered or "xl/workbook.bin" in lowered
            or "content.xml" in lowered)


def _is_sheet_part(name: str) -> bool:
    low = name.lower()
    return low.startswith("xl/worksheets/") and low.endswith(".xml")


def _not_a_workbook(name: str, members: list[str]) -> InputError:
    files = [m for m in members if not m.endswith("/")]
    if not files:
        return InputError("is an empty zip archive, not an XLSX workbook", file=name)
    shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    return InputError(f"is a zip archive, not an XLSX workbook (it holds {shown}); unpack it "
                      "and import the export inside", file=name)


def _check_expansion(name: str, infos: list[zipfile.ZipInfo], max_bytes: int) -> None:
    expanded = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if expanded > max_bytes:
        raise InputError(
            f"expands to {expanded / 1e6:,.0f} MB when opened, more than the "
            f"{max_bytes / 1e6:,.0f} MB ppdesk reads from a workbook; export the orders as "
            "CSV instead", file=name)
    if expanded > RATIO_FLOOR_BYTES and expanded / compressed > MAX_RATIO:
        raise InputError(
            f"expands to {expanded / 1e6:,.0f} MB from {compressed / 1e6:,.1f} MB, over "
            f"{MAX_RATIO} times its size, which only a zip bomb does; it was not opened",
            file=name)


def _check_entities(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse DOCTYPE/ENTITY declarations: they come before the root element."""
    with zf.open(info) as fh:
        start = fh.read(8192)
    if _ENTITY.search(start) or any(m in start for m in _ENTITY_UTF16):
        raise InputError(
            f"declares XML entities in {info.filename} (a DOCTYPE), which Excel never "
            "writes and ppdesk never expands (they are used to attack readers); open it in "
            "Excel and save it again", file=name)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _greater(value: str, alphabet: str) -> str:
    """A regex matching strings of ``alphabet`` that sort after ``value`` as numbers do
    (longer, or as long and lexically greater): '1234' -> longer | 2... | 13.. | 124. | 1235."""
    first, last = alphabet[0], alphabet[-1]
    any_char = f"[{first}-{last}]"
    alts = [f"{any_char}{{{len(value) + 1},}}"]
    for i, ch in enumerate(value):
        if ch != last:
            nxt = chr(ord(ch) + 1)
            rest = len(value) - i - 1
            alts.append(re.escape(value[:i]) + f"[{nxt}-{last}]" + (f"{any_char}{{{rest}}}"
                                                                    if rest else ""))
    return "(?:" + "|".join(alts) + ")"


_REF = re.compile(rb'r="([A-Z]{1,4})(\d{1,9})"')


def _letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _check_extent(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_cells: int) -> None:
    """Rows x columns of the sheet's used rectangle, from the cell references, capped.

    The sheet's ``<dimension>`` may lie; the cell references are what calamine sizes by.
    One streamed pass without visiting every cell in Python: a chunk's estimate is the
    widest row seen so far and the chunk's LAST reference (rows are written in order),
    and one regex finds any reference beyond that estimate (none, in a normal file).
    """
    max_row = max_col = 0
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(8 << 20):
            buf = tail + chunk
            if max_col == 0:  # the first chunk holds the header: measure it exactly
                for col, _row in _REF.findall(buf[:1 << 20]):
                    max_col = max(max_col, _column_number(col))
            refs = _REF.findall(buf, max(0, len(buf) - 4096))
            last = refs[-1] if refs else None
            row_guess = max(max_row, int(last[1]) if last else 0)
            col_guess = max(max_col, 1)
            beyond = re.compile(
                rb'r="(?:' + _greater(_letters(col_guess), "AZ").encode() + rb'\d+|[A-Z]{1,4}'
                + _greater(str(row_guess), "09").encode() + rb')"')
            for found in beyond.finditer(buf):
                ref = _REF.match(found.group(0))
                if ref:
                    max_col = max(max_col, _column_number(ref.group(1)))
                    row_guess = max(row_guess, int(ref.group(2)))
            max_row = max(max_row, row_guess)
            tail = buf[-64:]
    sheet = info.filename.rsplit("/", 1)[-1]
    if max_col > MAX_COLUMNS:
        raise InputError(f"has a sheet ({sheet}) with cells in column {max_col:,}; ppdesk "
                         f"reads at most {MAX_COLUMNS:,} columns", file=name)
    if max_row * max_col > max_cells:
        raise InputError(
            f"has a sheet ({sheet}) spanning {max_row:,} rows x {max_col:,} columns, more "
            f"than the {max_cells / 1e6:,.0f} million cells ppdesk reads from a workbook; "
            "export the orders as CSV instead", file=name)
