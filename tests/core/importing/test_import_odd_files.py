"""Odd but honest files import exactly like their plain twin; hostile values get their reason.

Each case writes the same hand-made Shopify rows twice, once plainly (LF, UTF-8) and
once the odd way, and compares what the store holds: the expected values are the
plain file's, not numbers taken from the code under test.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
from import_helpers import SHOPIFY_HEADER, csv_text, lines_of, rows_from

from ppdesk.core.importing import import_files
from ppdesk.core.importing.parsing import parse_numbers
from ppdesk.core.store import open_store

ROWS = rows_from(SHOPIFY_HEADER, [
    {"Name": "#1", "Email": "a@example.com", "Created at": "2024-03-01 10:00:00 +0100",
     "Lineitem quantity": "1", "Lineitem name": "Crème", "Lineitem price": "4.50",
     "Notes": "line one\nline two"},
    {"Name": "#1", "Email": "a@example.com", "Created at": "2024-03-01 10:00:00 +0100",
     "Lineitem quantity": "2", "Lineitem name": "Tea", "Lineitem price": "3.00"},
    {"Name": "#2", "Email": "b@example.com", "Created at": "2024-03-02 11:00:00 +0100",
     "Lineitem quantity": "1", "Lineitem name": "Café", "Lineitem price": "2.00"},
])


def _lines(tmp_path: Path, name: str, data: bytes) -> list[tuple[object, ...]]:
    path = tmp_path / name
    path.write_bytes(data)
    home = tmp_path / f"home-{name}"
    home.mkdir()
    store = open_store(home)
    import_files(store, [path])
    return lines_of(store)


def test_old_mac_line_ends_read_like_lf(tmp_path: Path) -> None:
    plain = _lines(tmp_path, "lf.csv", csv_text(SHOPIFY_HEADER, ROWS).encode())
    assert [r[2] for r in plain] == ["Crème", "Tea", "Café"]
    # Every line end a lone CR, also inside the quoted two-line note.
    cr = csv_text(SHOPIFY_HEADER, ROWS).replace("\n", "\r")
    assert _lines(tmp_path, "cr.csv", cr.encode()) == plain


def test_gzip_is_read_like_the_csv_inside(tmp_path: Path) -> None:
    text = csv_text(SHOPIFY_HEADER, ROWS).encode()
    assert _lines(tmp_path, "orders.csv.gz", gzip.compress(text, mtime=0)) == _lines(
        tmp_path, "orders.csv", text)


def test_utf8_with_rows_appended_in_cp1252(tmp_path: Path) -> None:
    """A UTF-8 export whose last row a cp1252 program added: both parts read right."""
    head = csv_text(SHOPIFY_HEADER, ROWS[:2]).encode("utf-8")
    tail = csv_text(SHOPIFY_HEADER, ROWS[2:]).split("\n", 1)[1].encode("cp1252")
    lines = _lines(tmp_path, "mixed.csv", head + tail)
    assert [r[2] for r in lines] == ["Crème", "Tea", "Café"]


def test_nul_bytes_are_dropped(tmp_path: Path) -> None:
    text = csv_text(SHOPIFY_HEADER, ROWS)
    plain = _lines(tmp_path, "plain.csv", text.encode())
    assert _lines(tmp_path, "nul.csv", text.replace("Tea", "T\x00ea").encode()
                  + b"\x00" * 5000) == plain


def test_placeholder_years_are_rejected_with_their_reason(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[2][SHOPIFY_HEADER.index("Created at")] = "9999-12-31 23:59:59 +0000"
    path = tmp_path / "years.csv"
    path.write_text(csv_text(SHOPIFY_HEADER, rows))
    summary = import_files(open_store(tmp_path / "home"), [path])
    assert [(r.row, r.column, r.reason) for r in summary.rejected] == [
        (4, "Created at", "'9999-12-31 23:59:59 +0000' is a date outside the years 1900-2200 "
                          "(a placeholder or a typo)")]


def test_numbers_excel_wrote_in_scientific_form_and_infinities() -> None:
    result = parse_numbers(pd.Series(["1.5E+3", "2e-1", "inf", "1e309", "NaN", ""]))
    assert result.values[:2].tolist() == [1500.0, 0.2]
    assert result.bad.tolist() == [False, False, True, True, True, False]


def test_excel_sep_line_names_the_delimiter(tmp_path: Path) -> None:
    """``sep=;`` on the first line, written for Excel, which hides it: header still row 1."""
    plain = _lines(tmp_path, "plain.csv", csv_text(SHOPIFY_HEADER, ROWS).encode())
    text = "sep=;\r\n" + csv_text(SHOPIFY_HEADER, ROWS, delimiter=";", lineterminator="\r\n")
    assert _lines(tmp_path, "sep.csv", text.encode()) == plain
    bad = [list(r) for r in ROWS]
    bad[1][SHOPIFY_HEADER.index("Lineitem quantity")] = "two"
    path = tmp_path / "sep-bad.csv"
    path.write_text("sep=;\n" + csv_text(SHOPIFY_HEADER, bad, delimiter=";"))
    (tmp_path / "home-bad").mkdir()
    summary = import_files(open_store(tmp_path / "home-bad"), [path])
    # As Excel shows it: header row 1, #1's two lines rows 2 and 3 (the note stays in row 2).
    assert [(r.row, r.column) for r in summary.rejected] == [(3, "Lineitem quantity")]
