"""Reading one catalogue file into variants and images, without touching the store.

Catalogue CSVs are read like order exports (``importing.reader``: encoding,
delimiter, BOM, XLSX) with one difference: WooCommerce's exporter writes its rows
in batches before the final header is known, so early rows are SHORTER than the
header (130 of 152 fields). Such rows are padded with empty cells, which is what
they mean; a row LONGER than the header with data past it is rejected by number.
Long free-text columns (descriptions, SEO text, ``Meta:`` columns) are not read.
"""

from __future__ import annotations

import csv
import hashlib
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ppdesk.core.catalogue.built import Built, Context
from ppdesk.core.catalogue.cleaning import Columns, Notes
from ppdesk.core.catalogue.fields import CATALOGUE_FIELDS
from ppdesk.core.catalogue.layouts import Layout
from ppdesk.core.errors import InputError
from ppdesk.core.importing import reader
from ppdesk.core.importing.encodings import python_codec
from ppdesk.core.importing.profiles.base import norm

# Free text no catalogue field needs; skipping it keeps a 50,000-variant read fast.
_UNREAD = frozenset({"body (html)", "description", "short description", "seo description",
                     "purchase note", "image alt text", "seo title", "description_html"})


@dataclass
class LoadedCatalogue:
    """One catalogue file, read and built, ready for ``writing.write_catalogue``."""

    info: reader.SourceInfo
    layout: Layout
    mapping: dict[str, str]
    built: Built
    notes: Notes
    rows_read: int
    sha256: str

    @property
    def parents(self) -> int:
        return len(self.built.parent_keys())


def _wanted(header: list[str], reads: tuple[str, ...] = ()) -> list[str]:
    """The header columns to parse: the layout's ``reads`` when it lists them."""
    if reads:
        rx = re.compile("|".join(f"(?:{r})" for r in reads))
        return [h for h in header if rx.fullmatch(norm(h))]
    return [h for h in header if norm(h) not in _UNREAD and not norm(h).startswith("meta:")]


def _read_csv(info: reader.SourceInfo, wanted: list[str]) -> tuple[pd.DataFrame, np.ndarray,
                                                                   list[tuple[int, str]]]:
    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            reader._utf8_source(info),
            read_options=pacsv.ReadOptions(block_size=8 << 20, skip_rows=1,
                                           column_names=info.header),
            parse_options=pacsv.ParseOptions(delimiter=info.delimiter or ",",
                                              newlines_in_values=True,
                                              invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted, column_types={c: pa.string() for c in wanted},
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        invalid.append(None)
    else:
        if not invalid:
            # One chunk per column: every later hand-over to pyarrow compute (dozens per
            # column) is then zero-copy instead of joining the parse blocks each time.
            frame = table.combine_chunks().to_pandas()
            return frame, np.arange(2, len(frame) + 2, dtype=np.int64), []
    return _read_csv_padded(info, wanted)


def _read_csv_padded(info: reader.SourceInfo, wanted: list[str]
                     ) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, str]]]:
    """Every record with its row; short rows padded, over-long ones set aside."""
    width = len(info.header)
    index = [info.header.index(name) for name in wanted]
    records: list[list[str]] = []
    rows: list[int] = []
    bad: list[tuple[int, str]] = []
    with info.path.open("r", encoding=python_codec(info.encoding or "utf-8"),
                        newline="", errors="replace") as fh:
        rd = csv.reader(fh, delimiter=info.delimiter or ",")
        try:
            next(rd)
            for number, record in enumerate(rd, start=2):
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue
                if len(record) > width and any(v.strip() for v in record[width:]):
                    bad.append((number, f"has {len(record)} fields but the header has {width}"))
                    continue
                record += [""] * (width - len(record))
                rows.append(number)
                records.append([record[i] for i in index])
        except csv.Error as exc:
            raise InputError(f"cannot be read as CSV ({exc})", file=info.name,
                             row=rd.line_num) from exc
    frame = pd.DataFrame(records, columns=wanted, dtype="str") if records else pd.DataFrame(
        {w: pd.Series([], dtype="str") for w in wanted})
    return frame, np.asarray(rows, dtype=np.int64), bad


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _check_mapping(info: reader.SourceInfo, mapping: Mapping[str, str]) -> dict[str, str]:
    by_norm = {norm(h): h for h in info.header}
    used: dict[str, str] = {}
    for fld, column in mapping.items():
        if fld not in CATALOGUE_FIELDS:
            raise InputError(f"'{fld}' is not a catalogue field; use one of "
                             f"{', '.join(CATALOGUE_FIELDS)}", file=info.name)
        if not column:
            continue
        actual = by_norm.get(norm(column))
        if actual is None:
            raise InputError(f"has no column named '{column}' to use as {fld}",
                             file=info.name, row=info.header_row, column=column)
        used[fld] = actual
    if not {"title", "sku", "product_id"} & set(used):
        raise InputError("no column for title, sku or product_id was given; name one with "
                         "--map title=COLUMN", file=info.name, row=info.header_row)
    return used


def _check_layout(info: reader.SourceInfo, layout: Layout) -> None:
    """A layout chosen with --platform must still find its identifying columns."""
    names = {norm(h) for h in info.header}
    missing = [s for s in layout.signature if s not in names]
    if missing:
        raise InputError(f"no column named {', '.join(repr(m) for m in missing)} was found "
                         f"(read as {layout.label})", file=info.name, row=info.header_row)


def load_catalogue(info: reader.SourceInfo, layout: Layout, *, mapping: Mapping[str, str] | None,
                   context: Context) -> LoadedCatalogue:
    """Read and build one catalogue file; raises InputError if it cannot be used."""
    used = _check_mapping(info, mapping or {}) if layout.name == "generic_catalogue" else {}
    if layout.name == "generic_catalogue":
        from ppdesk.core.catalogue.layouts import generic_layout

        layout = generic_layout(layout.platform, used)
    else:
        _check_layout(info, layout)
    wanted = _wanted(info.header, layout.reads)
    if info.kind == "workbook":
        raw = reader.read_table(info, wanted)
        frame, rows, bad = raw.frame, raw.rows, raw.bad_rows
    else:
        frame, rows, bad = _read_csv(info, wanted)
    # Hashing overlaps the building (hashlib releases the GIL on large buffers), as in
    # importing.importer.load_file; started during the parse it would slow pyarrow's threads.
    digest: list[str] = []
    hasher = threading.Thread(target=lambda: digest.append(_sha256(info.path)), daemon=True)
    hasher.start()
    try:
        loaded = _build(info, layout, used, frame, rows, bad, wanted, context)
    finally:
        hasher.join()
    loaded.sha256 = digest[0] if digest else _sha256(info.path)  # else: its error, here
    return loaded


def _build(info: reader.SourceInfo, layout: Layout, used: dict[str, str], frame: pd.DataFrame,
           rows: np.ndarray, bad: list[tuple[int, str]], wanted: list[str],
           context: Context) -> LoadedCatalogue:
    notes = Notes(info.name)
    for row, reason in bad:
        notes.reject(np.array([row]), None, reason)
    unread = frozenset(norm(h) for h in info.header) - {norm(w) for w in wanted}
    built = layout.build(Columns(frame.reset_index(drop=True), rows, unread), notes, context)
    built.variants = _unique_variants(built.variants, notes)
    notes.sort()
    rows_read = len(frame) + len(bad)
    if rows_read and built.variants.empty and notes.rejected:
        first = notes.rejected[0]
        raise InputError(f"no product could be imported; the first problem: {first.reason}",
                         file=info.name, row=first.row, column=first.column)
    return LoadedCatalogue(info, layout, used, built, notes, rows_read, sha256="")


def _unique_variants(variants: pd.DataFrame, notes: Notes) -> pd.DataFrame:
    """The first row of each variant key; later repeats are rejected by row."""
    again = variants["variant_key"].duplicated(keep="first").to_numpy(dtype=bool)
    if again.any():
        notes.reject(variants["_row"].to_numpy()[again], None,
                     "repeats a variant listed earlier in the file (same product and options)")
    return variants[~again].reset_index(drop=True)
