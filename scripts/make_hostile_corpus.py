"""Write a corpus of hostile "order export" files: ``python scripts/make_hostile_corpus.py DIR``.

Every file is something a merchant could plausibly hand to ``ppdesk import`` (an old
Excel export, a gzip from a backup, a workbook with a billion-laughs payload, a 6 MB
line of three million columns...). ``ppdesk import`` must answer each one with exit 0
(bad rows listed) or exit 2 (one sentence naming the file), never exit 1, never hang
(tests/core/importing/test_hostile_corpus.py runs them all).

Deterministic: the same seed writes the same bytes (random garbage comes from
``random.Random(seed)``; workbooks are written as zip files with fixed timestamps).
The rows are invented here; no real export is copied.

``CASES`` maps a file name to a function writing that file; ``build(folder)`` writes
them all and returns the paths. A few cases are not regular files (a folder, a
symlink loop); they are made by ``build`` as well.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import os
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

SEED = 16

SHOPIFY_HEADER = [
    "Name", "Email", "Financial Status", "Accepts Marketing", "Currency", "Total",
    "Discount Code", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
    "Lineitem sku", "Billing Name", "Billing Country", "Billing Phone", "Shipping Phone",
    "Cancelled at", "Phone",
]


def _good_rows() -> list[list[str]]:
    """Six hand-written Shopify lines in four orders (valid: the mutations break them)."""
    return [
        ["#1001", "ana@example.com", "paid", "yes", "PKR", "2500.00", "",
         "2024-03-01 10:00:00 +0500", "1", "Rose Oil - 30 ml", "1500.00", "RO-30", "Ana Khan",
         "PK", "0300 1234567", "", "", ""],
        ["#1001", "ana@example.com", "", "", "", "", "", "2024-03-01 10:00:00 +0500",
         "2", "Soap Bar", "500.00", "SB-1", "", "", "", "", "", ""],
        ["#1002", "", "pending", "no", "PKR", "1500.00", "", "2024-03-02 11:30:00 +0500",
         "1", "Rose Oil - 30 ml", "1500.00", "RO-30", "Bilal Ahmed", "PK", "0321-7654321",
         "", "", ""],
        ["#1003", "", "paid", "no", "PKR", "900.00", "", "2024-03-05 09:15:00 +0500",
         "3", "Soap Bar", "300.00", "SB-1", "Bilal Ahmed", "PK", "+92 321 7654321", "", "", ""],
        ["#1004", "Cara@Example.com ", "refunded", "yes", "PKR", "700.00", "SAVE10",
         "2024-03-06 18:45:00 +0500", "1", "Candle", "700.00", "", "Cara Lee", "PK", "", "", "",
         ""],
        ["#1004", "Cara@Example.com ", "", "", "", "", "", "2024-03-06 18:45:00 +0500",
         "1", "Wick Trimmer", "0.00", "WT", "", "", "", "", "", ""],
    ]


def _csv_text(header: list[str], rows: list[list[str]], *, delimiter: str = ",",
              newline: str = "\n") -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def _good_csv(newline: str = "\n") -> str:
    return _csv_text(SHOPIFY_HEADER, _good_rows(), newline=newline)


def _mutated(column: str, values: list[str]) -> str:
    """The good file with ``column`` set to ``values`` on the rows in turn (then repeated)."""
    rows = _good_rows()
    i = SHOPIFY_HEADER.index(column)
    for k, row in enumerate(rows):
        row[i] = values[k % len(values)]
    return _csv_text(SHOPIFY_HEADER, rows)


Writer = Callable[[Path], None]
CASES: dict[str, Writer] = {}


def case(name: str) -> Callable[[Writer], Writer]:
    def register(func: Writer) -> Writer:
        CASES[name] = func
        return func
    return register


def _text_case(name: str, text: str, encoding: str = "utf-8") -> None:
    data = text.encode(encoding)
    CASES[name] = lambda path: path.write_bytes(data)


def _bytes_case(name: str, data: bytes) -> None:
    CASES[name] = lambda path: path.write_bytes(data)


# ----------------------------------------------------------------------------- text layout

_text_case("good_lf.csv", _good_csv())
_text_case("good_crlf.csv", _good_csv("\r\n"))
_text_case("cr_only_old_mac.csv", _good_csv("\r"))
_text_case("cr_only_no_final_newline.csv", _good_csv("\r").rstrip("\r"))
_bytes_case("mixed_line_ends.csv", _good_csv().replace("\n", "\r", 3).encode())
_bytes_case("lf_cr_mixed_with_crlf.csv",
            _good_csv("\r\n").replace("\r\n", "\r", 2).replace("\r\n", "\n", 1).encode())
_text_case("no_final_newline.csv", _good_csv().rstrip("\n"))
_text_case("blank_lines_between.csv", _good_csv().replace("\n", "\n\n"))
_text_case("trailing_blank_lines.csv", _good_csv() + "\n" * 50)
_text_case("semicolon.csv", _csv_text(SHOPIFY_HEADER, _good_rows(), delimiter=";"))
_text_case("tab.tsv", _csv_text(SHOPIFY_HEADER, _good_rows(), delimiter="\t"))
_text_case("pipe.txt", _csv_text(SHOPIFY_HEADER, _good_rows(), delimiter="|"))
_text_case("cr_only_semicolon.csv",
           _csv_text(SHOPIFY_HEADER, _good_rows(), delimiter=";", newline="\r"))
_text_case("cr_only_multiline_note.csv",
           _csv_text(SHOPIFY_HEADER + ["Notes"],
                     [r + ["gift\rwrap it\r please"] for r in _good_rows()], newline="\r"))
_text_case("multiline_note_lf.csv",
           _csv_text(SHOPIFY_HEADER + ["Notes"],
                     [r + ["line one\nline two"] for r in _good_rows()]))

# ----------------------------------------------------------------------------- encodings

_text_case("utf8_bom.csv", "\ufeff" + _good_csv())
_text_case("utf8_double_bom.csv", "\ufeff\ufeff" + _good_csv())
_bytes_case("utf16_le_bom.csv", _good_csv().encode("utf-16"))
_bytes_case("utf16_be_bom.csv", b"\xfe\xff" + _good_csv().encode("utf-16-be"))
_bytes_case("utf16_le_no_bom.csv", _good_csv().encode("utf-16-le"))
_bytes_case("utf16_be_no_bom.csv", _good_csv().encode("utf-16-be"))
_bytes_case("utf16_le_bom_crlf_tab.txt",
            _csv_text(SHOPIFY_HEADER, _good_rows(), delimiter="\t", newline="\r\n")
            .encode("utf-16"))
_bytes_case("utf16_odd_byte_count.csv", _good_csv().encode("utf-16") + b"\x00")
_bytes_case("utf32_bom.csv", _good_csv().encode("utf-32"))
_bytes_case("cp1252_accents.csv", _mutated("Lineitem name", ["Crème brûlée", "Café – noir"])
            .encode("cp1252"))
_bytes_case("latin1.csv", _mutated("Lineitem name", ["Ñandú ±", "Øl"]).encode("latin-1"))
_bytes_case("mixed_utf8_and_cp1252.csv",
            _mutated("Lineitem name", ["Crème"]).encode("utf-8") +
            "#1009,,paid,no,PKR,1,,2024-03-09 10:00:00 +0500,1,Caf\xe9,1,,,,,,,\n"
            .encode("cp1252"))
_bytes_case("cp1252_late_in_big_file.csv",
            (_good_csv() + "".join(
                f"#2{i:04d},,paid,no,PKR,1,,2024-04-01 10:00:00 +0500,1,Item {i},1,S{i},,,,,,\n"
                for i in range(40_000))).encode("utf-8") +
            "#3000,,paid,no,PKR,1,,2024-04-02 10:00:00 +0500,1,Caf\xe9,1,,,,,,,\n"
            .encode("cp1252"))
_bytes_case("shift_jis.csv", _mutated("Lineitem name", ["石鹸", "香水"]).encode("shift_jis"))
_bytes_case("gb18030.csv", _mutated("Lineitem name", ["肥皂"]).encode("gb18030"))
_bytes_case("utf8_overlong_and_surrogates.csv",
            _good_csv().encode()
            + b"#1010,,paid,no,PKR,1,,2024-03-09,1,\xc0\xaf\xed\xa0\x80,1,,,,,,,\n")
_bytes_case("utf8_bom_then_utf16.csv", b"\xef\xbb\xbf" + _good_csv().encode("utf-16-le"))
_bytes_case("bom_only.csv", b"\xef\xbb\xbf")
_bytes_case("utf16_bom_only.csv", b"\xff\xfe")
_bytes_case("bom_header_only.csv", ("\ufeff" + ",".join(SHOPIFY_HEADER) + "\r\n").encode())

# ----------------------------------------------------------------------------- emptiness

_bytes_case("empty.csv", b"")
_bytes_case("whitespace_only.csv", b"  \n\t\n\r\n   ")
_bytes_case("newlines_only.csv", b"\n" * 1000)
_bytes_case("cr_only_newlines.csv", b"\r" * 1000)
_text_case("header_only.csv", ",".join(SHOPIFY_HEADER) + "\n")
_text_case("header_only_no_newline.csv", ",".join(SHOPIFY_HEADER))
_text_case("header_only_cr.csv", ",".join(SHOPIFY_HEADER) + "\r")
_text_case("one_column_header.csv", "Name\n#1001\n#1002\n")
_text_case("one_line_of_text.txt", "these are my orders, thank you\n")
_text_case("commas_only.csv", ",,,,,,\n,,,,,,\n,,,,,,\n")
_text_case("quotes_only.csv", '""""""""""""""""\n')
_text_case("blank_header_names.csv", ",,," + ",".join(SHOPIFY_HEADER[3:]) + "\n"
           + "\n".join(",".join(r) for r in _good_rows()) + "\n")
_text_case("header_not_first_line.csv", "Orders export\n\n" + _good_csv())
_text_case("excel_sep_line.csv",
           "sep=;\r\n" + _csv_text(SHOPIFY_HEADER, _good_rows(), delimiter=";", newline="\r\n"))
_text_case("header_only_with_blank_rows.csv", ",".join(SHOPIFY_HEADER) + "\n" + ",\n" * 20)
_text_case("all_cells_blank.csv", ",".join(SHOPIFY_HEADER) + "\n"
           + ("," * (len(SHOPIFY_HEADER) - 1) + "\n") * 10)

# ----------------------------------------------------------------------------- headers

_text_case("duplicate_headers.csv",
           _csv_text(SHOPIFY_HEADER + ["Name", "Lineitem quantity"],
                     [r + ["#X", "9"] for r in _good_rows()]))
_text_case("duplicate_headers_case.csv",
           _csv_text([h.upper() if i % 2 else h for i, h in enumerate(SHOPIFY_HEADER)],
                     _good_rows()))
_text_case("headers_with_spaces.csv",
           _csv_text([f"  {h}  " for h in SHOPIFY_HEADER], _good_rows()))
_text_case("header_with_nul.csv", _good_csv().replace("Name", "Na\x00me", 1))
_text_case("header_with_newline_in_quotes.csv",
           _good_csv().replace("Name", '"Na\nme"', 1))
_text_case("very_long_header_name.csv",
           _csv_text(SHOPIFY_HEADER + ["X" * 200_000], [r + ["1"] for r in _good_rows()]))
_text_case("generic_unknown_columns.csv",
           "alpha,beta,gamma\n1,2,3\n4,5,6\n")
_text_case("generic_orders.csv",
           "order,date,product,qty,price,email\nA1,2024-01-02,Tea,1,3.50,x@example.com\n"
           "A1,2024-01-02,Cup,2,4,x@example.com\nA2,2024-01-05,Tea,1,3.5,\n")
_text_case("generic_orders_missing_date.csv", "order,product,qty\nA1,Tea,1\n")
_text_case("many_columns_1000.csv",
           ",".join([*SHOPIFY_HEADER, *(f"extra {i}" for i in range(1000))]) + "\n"
           + "\n".join(",".join(r + [""] * 1000) for r in _good_rows()) + "\n")


@case("three_million_columns_one_line.csv")
def _three_million(path: Path) -> None:
    # 6 MB, no newline: the file an unlucky "Save as CSV" of a transposed sheet produces.
    path.write_bytes(b"a," * 3_000_000)


@case("three_million_columns_header_and_row.csv")
def _three_million_two_lines(path: Path) -> None:
    path.write_bytes(b"Name,Created at," + b"x," * 1_500_000 + b"\n#1,2024-01-01\n")


@case("twenty_thousand_columns.csv")
def _wide(path: Path) -> None:
    header = SHOPIFY_HEADER + [f"c{i}" for i in range(20_000)]
    path.write_text(_csv_text(header, [r + [""] * 20_000 for r in _good_rows()]))


@case("long_line_no_delimiter.csv")
def _long_line(path: Path) -> None:
    path.write_bytes(b"x" * 8_000_000 + b"\n")


@case("huge_field_5mb.csv")
def _huge_field(path: Path) -> None:
    rows = _good_rows()
    rows[2][SHOPIFY_HEADER.index("Lineitem name")] = "Z" * 5_000_000
    path.write_text(_csv_text(SHOPIFY_HEADER, rows))


@case("huge_field_in_header.csv")
def _huge_header_field(path: Path) -> None:
    path.write_text(_csv_text(["Name", "H" * 3_000_000, *SHOPIFY_HEADER[1:]],
                              [r[:1] + [""] + r[1:] for r in _good_rows()]))


# ----------------------------------------------------------------------------- quoting

_text_case("unbalanced_quote_in_row.csv", _good_csv().replace("Soap Bar", '"Soap Bar', 1))
_text_case("unbalanced_quote_last_row.csv",
           _good_csv() + '#1099,,paid,no,PKR,1,,2024-03-01,1,"Never')
_text_case("unbalanced_quote_header.csv", '"Name,' + _good_csv()[5:])
_text_case("quote_in_middle_of_field.csv", _good_csv().replace("Soap Bar", 'Soap "Bar"', 1))
_text_case("every_row_wrapped_in_quotes.csv",
           ",".join(SHOPIFY_HEADER) + "\n"
           + "".join('"' + ",".join(r).replace('"', '""') + '"\n' for r in _good_rows()))
_text_case("rows_too_long.csv", _good_csv().replace("\n#1002", ",extra,extra\n#1002", 1))
_text_case("rows_too_short.csv", _good_csv().replace(",RO-30,", "\n", 1))
_text_case("most_rows_short.csv", ",".join(SHOPIFY_HEADER) + "\n"
           + "".join(f"#{i},x\n" for i in range(50)))
_text_case("backslash_escapes.csv", _good_csv().replace("Soap Bar", 'Soap \\"Bar\\"', 1))
_text_case("single_quotes.csv", _good_csv().replace("Soap Bar", "'Soap, Bar'", 1))


@case("many_unbalanced_quotes_big.csv")
def _unbalanced_big(path: Path) -> None:
    lines = [",".join(SHOPIFY_HEADER)]
    for i in range(5_000):
        lines.append(f'#{i},,paid,no,PKR,1,,2024-03-01,1,"Item {i},1,S{i},,,,,,')
    path.write_text("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- NUL and control

_text_case("nul_in_data.csv", _good_csv().replace("Soap Bar", "Soap\x00Bar"))
_text_case("nul_everywhere.csv", _good_csv().replace(",", ",\x00"))
_bytes_case("nul_padding_tail.csv", _good_csv().encode() + b"\x00" * 100_000)
_bytes_case("nul_padding_head.csv", b"\x00" * 4096 + _good_csv().encode())
_text_case("control_chars.csv", _good_csv().replace("Soap Bar", "Soap\x01\x02\x1b[31mBar\x7f"))
_text_case("form_feed_vertical_tab.csv", _good_csv().replace("Candle", "Can\x0cdle\x0b"))
_text_case("unicode_line_separators.csv",
           _good_csv().replace("Candle", "Can\u2028dle\u2029").replace("Soap Bar", "Soap\x85Bar"))
_text_case("rtl_and_zero_width.csv",
           _mutated("Lineitem name", ["\u202egnihtyreve\u202c", "Ro\u200bse", "صابون"]))
_text_case("emoji_names.csv", _mutated("Lineitem name", ["🌹 Rose 🌹", "🧼", "👨‍👩‍👧"]))
_text_case("combining_marks.csv", _mutated("Lineitem name", ["Z̸̢̛̝̹a̵l̴g̶o̵" * 50]))

# ----------------------------------------------------------------------------- values

_QTY = "Lineitem quantity"
_text_case("blank_quantity.csv", _mutated(_QTY, ["", "1", "2"]))
_text_case("blank_quantity_all.csv", _mutated(_QTY, [""]))
_text_case("quantity_text.csv", _mutated(_QTY, ["two", "1"]))
_text_case("quantity_negative.csv", _mutated(_QTY, ["-1", "2"]))
_text_case("quantity_zero.csv", _mutated(_QTY, ["0", "1"]))
_text_case("quantity_nan.csv", _mutated(_QTY, ["NaN", "nan", "1"]))
_text_case("quantity_inf.csv", _mutated(_QTY, ["inf", "-inf", "Infinity", "1"]))
_text_case("quantity_huge.csv", _mutated(_QTY, ["1e308", "9" * 400, "1"]))
_text_case("quantity_fraction.csv", _mutated(_QTY, ["1.5", "0.001", "1"]))
_text_case("quantity_formula.csv", _mutated(_QTY, ["=1+1", "=SUM(A1:A9)", "1"]))
_text_case("quantity_thousands.csv", _mutated(_QTY, ["1,000", "1.000,5", "1"]))
_text_case("quantity_hex_and_exp.csv", _mutated(_QTY, ["0x10", "1e3", "1"]))
_text_case("quantity_spaces.csv", _mutated(_QTY, ["  1 ", "\t2", "1"]))
_text_case("quantity_minus_zero.csv", _mutated(_QTY, ["-0", "1"]))
_text_case("quantity_unicode_digits.csv", _mutated(_QTY, ["١", "٢", "1"]))

_PRICE = "Lineitem price"
_text_case("price_nan.csv", _mutated(_PRICE, ["NaN", "10"]))
_text_case("price_inf.csv", _mutated(_PRICE, ["inf", "-inf", "10"]))
_text_case("price_negative.csv", _mutated(_PRICE, ["-10.00", "(5.00)", "10"]))
_text_case("price_currency_symbols.csv", _mutated(_PRICE, ["$1,234.50", "€ 12,50", "Rs. 500"]))
_text_case("price_text.csv", _mutated(_PRICE, ["free", "TBD", "10"]))
_text_case("price_huge.csv", _mutated(_PRICE, ["1e309", "1" * 500, "10"]))
_text_case("price_formula.csv", _mutated(_PRICE, ['=HYPERLINK("http://x","y")', "10"]))
_text_case("total_garbage.csv", _mutated("Total", ["lots", "NaN", "-inf"]))

_DATE = "Created at"
_text_case("date_year_9999.csv", _mutated(_DATE, ["9999-12-31 23:59:59 +0000"]))
_text_case("date_year_0.csv", _mutated(_DATE, ["0000-01-01 00:00:00 +0000"]))
_text_case("date_year_1.csv", _mutated(_DATE, ["0001-01-01", "2024-03-01 10:00:00 +0500"]))
_text_case("date_mixed_extremes.csv",
           _mutated(_DATE, ["9999-12-31", "0000-00-00", "2024-03-01 10:00:00 +0500"]))
_text_case("date_feb_30.csv", _mutated(_DATE, ["2024-02-30 10:00:00", "2024-03-01"]))
_text_case("date_garbage.csv", _mutated(_DATE, ["yesterday", "2024-03-01"]))
_text_case("date_all_garbage.csv", _mutated(_DATE, ["not a date"]))
_text_case("date_empty.csv", _mutated(_DATE, ["", "2024-03-01"]))
_text_case("date_excel_serial.csv", _mutated(_DATE, ["45352", "45353.5"]))
_text_case("date_unix_epoch.csv", _mutated(_DATE, ["1709287200", "1709287200000"]))
_text_case("date_offset_extreme.csv",
           _mutated(_DATE, ["2024-03-01 10:00:00 +9999", "2024-03-01 10:00:00 -2400"]))
_text_case("date_hour_25.csv", _mutated(_DATE, ["2024-03-01 25:61:61", "2024-03-01"]))
_text_case("date_huge_year.csv", _mutated(_DATE, ["99999999999-01-01", "2024-03-01"]))
_text_case("date_formula.csv", _mutated(_DATE, ["=NOW()", "2024-03-01"]))
_text_case("date_dayfirst_ambiguous.csv", _mutated(_DATE, ["01/02/2024", "13/02/2024"]))
_text_case("date_two_digit_year.csv", _mutated(_DATE, ["03/01/24", "12/31/99"]))

_NAME = "Lineitem name"
_text_case("formula_injection_names.csv",
           _mutated(_NAME, ["=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@SUM(1)", "\t=1"]))
_text_case("product_blank.csv", _mutated(_NAME, ["", "Soap"]).replace(",RO-30,", ",,"))
_text_case("product_whitespace_only.csv",
           _mutated(_NAME, ["   ", "\t"]).replace(",RO-30,", ",  ,").replace(",SB-1,", ",\t,"))
_text_case("order_id_blank.csv", _mutated("Name", ["", "#1"]))
_text_case("order_id_all_blank.csv", _mutated("Name", [""]))
_text_case("order_id_huge.csv", _mutated("Name", ["#" + "9" * 10_000]))
_text_case("order_id_formula.csv", _mutated("Name", ["=1+1", "@x"]))
_text_case("email_garbage.csv",
           _mutated("Email", ["not-an-email", "a@b", "<script>@x.com", "x" * 5000 + "@e.com"]))
_text_case("email_mixed_case_spaces.csv",
           _mutated("Email", [" ANA@EXAMPLE.COM ", "ana@example.com", "Ana@Example.Com"]))
_text_case("status_garbage.csv", _mutated("Financial Status", ["¯\\_(ツ)_/¯", "PAID", "Paid "]))
_text_case("accepts_marketing_garbage.csv", _mutated("Accepts Marketing", ["maybe", "2", "yes"]))
_text_case("cancelled_garbage.csv", _mutated("Cancelled at", ["no", "false", "0", "yes"]))
_text_case("currency_garbage.csv", _mutated("Currency", ["", "€", "RUPEES" * 20]))
_text_case("phone_garbage.csv",
           _mutated("Billing Phone", ["4.30326E+11", "n/a", "+", "0" * 40, "'+92 300 1234567"]))
_text_case("phone_international_mix.csv",
           _mutated("Billing Phone", ["+1 415 555 2671", "+44 20 7946 0958", "03001234567"]))
_text_case("country_garbage.csv", _mutated("Billing Country", ["XX", "Pakistan", "", "ZZZ"]))


@case("ten_thousand_bad_rows.csv")
def _many_bad(path: Path) -> None:
    lines = [",".join(SHOPIFY_HEADER)] + [",".join(r) for r in _good_rows()]
    lines += [f"#{5000 + i},,paid,no,PKR,1,,not a date,x,Item,1,,,,,,," for i in range(20_000)]
    path.write_text("\n".join(lines) + "\n")


@case("same_order_conflicting_dates.csv")
def _conflicting(path: Path) -> None:
    rows = _good_rows()
    rows[1][SHOPIFY_HEADER.index(_DATE)] = "2030-01-01 00:00:00 +0000"
    path.write_text(_csv_text(SHOPIFY_HEADER, rows))


# ----------------------------------------------------------------------------- compressed / binary

def _rng(k: int) -> random.Random:
    return random.Random(SEED * 1000 + k)


for _k in range(12):
    _bytes_case(f"random_bytes_{_k:02d}.csv", _rng(_k).randbytes(64 * (4 ** (_k % 5))))
for _k in range(4):
    _bytes_case(f"random_bytes_{_k:02d}.xlsx", _rng(100 + _k).randbytes(3000 * (_k + 1)))
_bytes_case("random_printable.csv",
            "".join(_rng(200).choice("abc,;\t\"\n\r 0123456789") for _ in range(50_000)).encode())
_bytes_case("gzip_of_csv.csv.gz", gzip.compress(_good_csv().encode(), mtime=0))
_bytes_case("gzip_of_csv_named.csv", gzip.compress(_good_csv().encode(), mtime=0))
_bytes_case("gzip_of_garbage.gz", gzip.compress(_rng(300).randbytes(5000), mtime=0))
_bytes_case("gzip_truncated.csv.gz", gzip.compress(_good_csv().encode(), mtime=0)[:40])
_bytes_case("gzip_of_gzip.csv.gz",
            gzip.compress(gzip.compress(_good_csv().encode(), mtime=0), mtime=0))
_bytes_case("gzip_of_utf16.csv.gz", gzip.compress(_good_csv().encode("utf-16"), mtime=0))
_bytes_case("gzip_of_cr_only.csv.gz", gzip.compress(_good_csv("\r").encode(), mtime=0))
_bytes_case("bzip2_of_csv.csv.bz2", bz2.compress(_good_csv().encode()))
_bytes_case("png_header.csv", b"\x89PNG\r\n\x1a\n" + _rng(301).randbytes(2000))
_bytes_case("pdf_document.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 20)
_bytes_case("elf_binary.csv", b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + _rng(302).randbytes(4000))
_bytes_case("sqlite_database.csv", b"SQLite format 3\x00" + _rng(303).randbytes(4080))
_bytes_case("ole_compound_xls.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + _rng(304).randbytes(4000))
_bytes_case("html_saved_as_xls.xls",
            b"<html><body><table><tr><td>Name</td><td>Created at</td></tr></table></body></html>")
_bytes_case("json_file.csv", b'{"orders": [{"id": 1, "lines": []}]}')
_bytes_case("xml_file.csv", b'<?xml version="1.0"?><orders><order id="1"/></orders>')
_bytes_case("utf16_random.csv", b"\xff\xfe" + _rng(305).randbytes(3000))

# ----------------------------------------------------------------------------- zips and workbooks

_FIXED = (2024, 1, 1, 0, 0, 0)


def _zip(entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED)
            info.compress_type = method
            zf.writestr(info, data)
    return buf.getvalue()


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _sheet_xml(rows: list[list[object]], *, prolog: str = "", extra: str = "") -> bytes:
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<sheetData>']
    for r, row in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            ref = f"{_col_letter(c)}{r}"
            if isinstance(value, (int, float)):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value is None or value == "":
                continue
            elif str(value).startswith("&") or str(value).startswith("<!"):
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                text = (str(value).replace("&", "&amp;").replace("<", "&lt;")
                        .replace(">", "&gt;"))
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        out.append("</row>")
    out.append(f"</sheetData>{extra}</worksheet>")
    return "".join(out).encode()


_CT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
       b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
       b'officedocument.spreadsheetml.sheet.main+xml"/>'
       b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
       b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _workbook_xml(sheets: str = '<sheet name="orders" sheetId="1" r:id="rId1"/>',
                  prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets>{sheets}</sheets></workbook>').encode()


def _xlsx(sheet: bytes, *, workbook: bytes | None = None, extra: dict[str, bytes] | None = None,
          method: int = zipfile.ZIP_DEFLATED) -> bytes:
    entries = {"[Content_Types].xml": _CT, "_rels/.rels": _RELS,
               "xl/workbook.xml": workbook or _workbook_xml(),
               "xl/_rels/workbook.xml.rels": _WB_RELS, "xl/worksheets/sheet1.xml": sheet}
    entries.update(extra or {})
    return _zip(entries, method=method)


def _good_sheet_rows() -> list[list[object]]:
    rows: list[list[object]] = [list(SHOPIFY_HEADER)]
    for r in _good_rows():
        typed: list[object] = list(r)
        typed[SHOPIFY_HEADER.index(_QTY)] = int(r[SHOPIFY_HEADER.index(_QTY)])
        rows.append(typed)
    return rows


_bytes_case("good_handmade.xlsx", _xlsx(_sheet_xml(_good_sheet_rows())))

_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">'
                     for i in range(1, 10)) + "]>")
_bytes_case("billion_laughs_sheet.xlsx",
            _xlsx(_sheet_xml([["Name", "Created at", "Lineitem name"], ["&lol9;", "x", "y"]],
                             prolog=_LAUGHS)))
_bytes_case("billion_laughs_workbook.xlsx", _xlsx(_sheet_xml(_good_sheet_rows()),
                                                 workbook=_workbook_xml(prolog=_LAUGHS)))
_bytes_case("billion_laughs_shared_strings.xlsx", _xlsx(
    _sheet_xml(_good_sheet_rows()),
    extra={"xl/sharedStrings.xml": (
        f'<?xml version="1.0"?>{_LAUGHS}<sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>').encode()}))
_XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_bytes_case("xxe_file_sheet.xlsx",
            _xlsx(_sheet_xml([["Name", "Created at", "Lineitem name"], ["&xxe;", "x", "y"]],
                             prolog=_XXE)))
_bytes_case("xxe_http_workbook.xlsx", _xlsx(
    _sheet_xml(_good_sheet_rows()),
    workbook=_workbook_xml(prolog='<!DOCTYPE w [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>')))
_bytes_case("xxe_parameter_entity.xlsx", _xlsx(_sheet_xml(
    [["Name", "Created at"], ["a", "b"]],
    prolog='<!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>')))
_bytes_case("doctype_harmless_internal_entity.xlsx", _xlsx(_sheet_xml(
    [["Name", "Created at", "Lineitem name"], ["&e;", "2024-01-01", "x"]],
    prolog='<!DOCTYPE d [<!ENTITY e "#1">]>')))


def _repeated_deflate(prefix: bytes, block: bytes, count: int, suffix: bytes
                      ) -> tuple[bytes, int, int]:
    """Raw deflate of prefix + block * count + suffix, built in milliseconds.

    After a full flush the compressor forgets its history and is byte-aligned, so the
    compressed block can be repeated as it is. Returns (data, crc32, expanded size).
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    body = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    data = head + body * count + c.compress(suffix) + c.flush()
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    return data, crc, len(prefix) + len(block) * count + len(suffix)


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated members: (name, deflated, crc32, expanded size)."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size in entries:
        offset = out.tell()
        raw = name.encode()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, crc, len(data), size,
                             len(raw), 0)
        out.write(b"PK\x03\x04" + fields + raw + data)
        central.append(b"PK\x01\x02" + struct.pack("<H", 20) + fields
                       + struct.pack("<HHHII", 0, 0, 0, 0, offset) + raw)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(central), len(central),
                                           out.tell() - start, start, 0))
    return out.getvalue()


def _deflated(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, c.compress(data) + c.flush(), zlib.crc32(data), len(data)


@case("xlsx_bomb.xlsx")
def _xlsx_bomb(path: Path) -> None:
    # One cell of 1.2 GB of spaces in a 1.2 MB file: over the size cap (and the ratio).
    sheet = _repeated_deflate(
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>',
        b" " * (16 << 20), 72, b"</t></is></c></row></sheetData></worksheet>")
    path.write_bytes(_raw_zip([
        _deflated("[Content_Types].xml", _CT), _deflated("_rels/.rels", _RELS),
        _deflated("xl/workbook.xml", _workbook_xml()),
        _deflated("xl/_rels/workbook.xml.rels", _WB_RELS),
        ("xl/worksheets/sheet1.xml", *sheet)]))


@case("gzip_bomb.csv.gz")
def _gzip_bomb(path: Path) -> None:
    # 1.2 GB of commas in a 1 MB gzip: the unpacking must stop long before the end.
    data, crc, size = _repeated_deflate(b"Name,Created at\n", b"," * (16 << 20), 72, b"\n")
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + data
                     + struct.pack("<II", crc, size & 0xFFFFFFFF))


@case("xlsx_ratio_bomb_small.xlsx")
def _ratio_bomb(path: Path) -> None:
    # 80 MB of one repeated row: under the size cap, far over any sane compression ratio.
    body = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>' * 1_600_000
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + body + b"</sheetData></worksheet>")
    path.write_bytes(_xlsx(sheet))


@case("zip_lies_about_size.xlsx")
def _lying_zip(path: Path) -> None:
    # The central directory claims a tiny size; the data expands to 200 MB.
    data = bytearray(_xlsx(_sheet_xml([["Name", "Created at"], ["a", "b"]]) + b" " * 200_000_000))
    name = b"xl/worksheets/sheet1.xml"
    cd = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    at = data.find(name, cd)
    header = data.rfind(b"PK\x01\x02", 0, at)
    data[header + 24:header + 28] = (100).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))


_bytes_case("xlsx_no_sheets.xlsx", _xlsx(_sheet_xml([]), workbook=_workbook_xml(sheets="")))
_bytes_case("xlsx_empty_sheet.xlsx", _xlsx(_sheet_xml([])))
_bytes_case("xlsx_header_only.xlsx", _xlsx(_sheet_xml([list(SHOPIFY_HEADER)])))
_bytes_case("xlsx_sheet_missing_part.xlsx", _zip({
    "[Content_Types].xml": _CT, "_rels/.rels": _RELS, "xl/workbook.xml": _workbook_xml(),
    "xl/_rels/workbook.xml.rels": _WB_RELS}))
_bytes_case("xlsx_malformed_xml.xlsx", _xlsx(b"<worksheet><sheetData><row><c><v>1</row>"))
_bytes_case("xlsx_stored_not_deflated.xlsx",
            _xlsx(_sheet_xml(_good_sheet_rows()), method=zipfile.ZIP_STORED))
_bytes_case("xlsx_cell_refs_huge.xlsx", _xlsx(
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>Created at</t></is></c></row>'
    b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'))
_bytes_case("xlsx_dimension_lies.xlsx", _xlsx(_sheet_xml(
    _good_sheet_rows()).replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')))
_bytes_case("xlsx_numbers_nan_inf.xlsx", _xlsx(_sheet_xml(
    [list(SHOPIFY_HEADER)] + [[*r[:8], "NaN", *r[9:10], "INF", *r[11:]] for r in _good_rows()])))
_bytes_case("zip_not_xlsx.zip", _zip({"readme.txt": b"hello", "orders.txt": b"1,2,3"}))
_bytes_case("zip_not_xlsx_named.xlsx", _zip({"readme.txt": b"hello"}))
_bytes_case("zip_holding_csv.zip", _zip({"orders_export_1.csv": _good_csv().encode()}))
_bytes_case("zip_empty.xlsx", _zip({}))
_bytes_case("zip_truncated.xlsx", _xlsx(_sheet_xml(_good_sheet_rows()))[:300])
_bytes_case("zip_encrypted_entry.xlsx",
            _xlsx(_sheet_xml(_good_sheet_rows()))[:6] + b"\x01\x00"
            + _xlsx(_sheet_xml(_good_sheet_rows()))[8:])
_bytes_case("docx_renamed.xlsx", _zip({
    "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                           b'content-types"/>', "word/document.xml": b"<w:document/>"}))
_bytes_case("ods_garbage.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument."
                                                 b"spreadsheet", "content.xml": b"<x"}))


def _ole_encrypted_package() -> bytes:
    """An OLE compound file holding ``EncryptionInfo``/``EncryptedPackage`` streams.

    That is what Excel writes for a password-protected .xlsx (a CFB container instead
    of a zip). A minimal valid CFB header and directory, so readers see the streams.
    """
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")    # minor version
    header[26:28] = (3).to_bytes(2, "little")       # major version 3 (512-byte sectors)
    header[28:30] = b"\xfe\xff"                     # little endian
    header[30:32] = (9).to_bytes(2, "little")       # sector shift
    header[32:34] = (6).to_bytes(2, "little")       # mini sector shift
    header[44:48] = (1).to_bytes(4, "little")       # FAT sectors
    header[48:52] = (1).to_bytes(4, "little")       # first directory sector
    header[56:60] = (4096).to_bytes(4, "little")    # mini stream cutoff
    header[60:64] = (0xFFFFFFFE).to_bytes(4, "little")
    header[68:72] = (0xFFFFFFFE).to_bytes(4, "little")
    header[76:80] = (0).to_bytes(4, "little")       # DIFAT[0] = sector 0 holds the FAT
    for i in range(1, 109):
        header[76 + 4 * i:80 + 4 * i] = b"\xff\xff\xff\xff"
    fat = bytearray(b"\xff\xff\xff\xff" * 128)
    fat[0:4] = (0xFFFFFFFD).to_bytes(4, "little")   # sector 0: FAT
    fat[4:8] = (0xFFFFFFFE).to_bytes(4, "little")   # sector 1: directory, end of chain
    directory = bytearray(sector)

    def entry(i: int, name: str, kind: int) -> None:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        base = i * 128
        directory[base:base + len(raw)] = raw
        directory[base + 64:base + 66] = len(raw).to_bytes(2, "little")
        directory[base + 66] = kind
        directory[base + 68:base + 80] = b"\xff" * 12
        directory[base + 116:base + 120] = (0xFFFFFFFE).to_bytes(4, "little")

    entry(0, "Root Entry", 5)
    entry(1, "EncryptionInfo", 2)
    entry(2, "EncryptedPackage", 2)
    directory[0 * 128 + 76:0 * 128 + 80] = (1).to_bytes(4, "little")  # root's child
    directory[1 * 128 + 72:1 * 128 + 76] = (2).to_bytes(4, "little")  # right sibling
    return bytes(header + fat + directory)


_bytes_case("password_protected.xlsx", _ole_encrypted_package())
_bytes_case("password_protected_named.xls", _ole_encrypted_package())


def _openpyxl_case(name: str, build_sheet: Callable[[object], None]) -> None:
    def write(path: Path) -> None:
        import openpyxl

        wb = openpyxl.Workbook()
        build_sheet(wb)
        buf = io.BytesIO()
        wb.save(buf)
        # Re-pack with fixed timestamps so the bytes do not depend on the clock.
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src:
            entries = {i.filename: src.read(i.filename) for i in src.infolist()}
        path.write_bytes(_zip({k: v for k, v in entries.items() if k != "docProps/core.xml"}))
    CASES[name] = write


def _fill(ws: object, rows: list[list[object]]) -> None:
    for row in rows:
        ws.append(row)  # type: ignore[attr-defined]


def _merged(wb: object) -> None:
    ws = wb.active  # type: ignore[attr-defined]
    _fill(ws, _good_sheet_rows())
    ws.merge_cells("A2:A3")
    ws.merge_cells("H2:H3")
    ws.merge_cells("B5:D6")


def _header_merged(wb: object) -> None:
    ws = wb.active  # type: ignore[attr-defined]
    ws.append(["Orders report"] + [None] * (len(SHOPIFY_HEADER) - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SHOPIFY_HEADER))
    _fill(ws, _good_sheet_rows())


def _formulas(wb: object) -> None:
    ws = wb.active  # type: ignore[attr-defined]
    rows = _good_sheet_rows()
    for r in rows[1:]:
        r[SHOPIFY_HEADER.index(_QTY)] = "=1+1"
        r[SHOPIFY_HEADER.index(_NAME)] = '=HYPERLINK("http://example.com","x")'
    _fill(ws, rows)


def _dates_extreme(wb: object) -> None:
    import datetime as dt

    ws = wb.active  # type: ignore[attr-defined]
    rows = _good_sheet_rows()
    extremes = [dt.datetime(9999, 12, 31, 23, 59, 59), dt.datetime(1900, 1, 1),
                dt.datetime(1, 1, 1), dt.date(2024, 3, 1)]
    for k, r in enumerate(rows[1:]):
        r[SHOPIFY_HEADER.index(_DATE)] = extremes[k % len(extremes)]
    _fill(ws, rows)


def _typed_numbers(wb: object) -> None:
    ws = wb.active  # type: ignore[attr-defined]
    rows = _good_sheet_rows()
    specials: list[object] = [float("nan"), -1.0, 1e308, None, True]
    for k, r in enumerate(rows[1:]):
        r[SHOPIFY_HEADER.index(_QTY)] = specials[k % len(specials)]
        r[SHOPIFY_HEADER.index(_PRICE)] = -5.5 if k % 2 else 1e-300
    _fill(ws, rows)


def _many_sheets(wb: object) -> None:
    wb.active.title = "empty"  # type: ignore[attr-defined]
    for k in range(30):
        wb.create_sheet(f"s{k}")  # type: ignore[attr-defined]
    _fill(wb.create_sheet("orders"), _good_sheet_rows())  # type: ignore[attr-defined]


def _odd_sheet_names(wb: object) -> None:
    wb.active.title = "Ørders 🌹 'x'"  # type: ignore[attr-defined]
    _fill(wb.active, _good_sheet_rows())  # type: ignore[attr-defined]


def _hidden_and_blank_gaps(wb: object) -> None:
    ws = wb.active  # type: ignore[attr-defined]
    for _ in range(5):
        ws.append([])
    rows = _good_sheet_rows()
    for r in rows:
        ws.append([None, None] + r)
    for _ in range(1000):
        ws.append([])
    ws.append(["stray", "cell"])


def _blank_quantity_xlsx(wb: object) -> None:
    rows = _good_sheet_rows()
    rows[2][SHOPIFY_HEADER.index(_QTY)] = None
    _fill(wb.active, rows)  # type: ignore[attr-defined]


_openpyxl_case("openpyxl_good.xlsx", lambda wb: _fill(wb.active, _good_sheet_rows()))  # type: ignore[attr-defined]
_openpyxl_case("merged_cells.xlsx", _merged)
_openpyxl_case("merged_title_above_header.xlsx", _header_merged)
_openpyxl_case("formulas.xlsx", _formulas)
_openpyxl_case("dates_extreme.xlsx", _dates_extreme)
_openpyxl_case("typed_special_numbers.xlsx", _typed_numbers)
_openpyxl_case("many_sheets_last_has_data.xlsx", _many_sheets)
_openpyxl_case("odd_sheet_name.xlsx", _odd_sheet_names)
_openpyxl_case("offset_table_and_stray_cells.xlsx", _hidden_and_blank_gaps)
_openpyxl_case("blank_quantity.xlsx", _blank_quantity_xlsx)
_openpyxl_case("workbook_only_text.xlsx", lambda wb: _fill(wb.active, [["hello"], ["world"]]))  # type: ignore[attr-defined]

# ----------------------------------------------------------------------------- file names

for _k, _name in enumerate([
        "ордера.csv", "注文.csv", "طلبات.csv", "émoji 🧾.csv", "e\u0301-nfd.csv",
        "spaces   and\ttab.csv", "\u202eexe.csv", "quote'\"s.csv", "semi;colon,comma.csv",
        "-starts-with-dash.csv", "x" * 200 + ".csv", "no_extension", "UPPER.CSV",
        "dots...csv", "#hash%percent.csv", "new\nline.csv", "carriage\rreturn.csv"]):
    _text_case(_name, _good_csv() if _k % 2 == 0 else _mutated(_QTY, ["", "1"]))

# ----------------------------------------------------------------------------- seeded mutations
#
# Random damage to the good file: bytes flipped, cut short, a row duplicated, cells shuffled.
# Seeded, so the same corpus every run.

_GOOD = _good_csv().encode()
for _k in range(30):
    _r = _rng(1000 + _k)
    _data = bytearray(_GOOD)
    for _ in range(1 + _k % 7):
        _data[_r.randrange(len(_data))] = _r.randrange(256)
    _bytes_case(f"flipped_bytes_{_k:02d}.csv", bytes(_data))
for _k in range(10):
    _r = _rng(2000 + _k)
    _bytes_case(f"truncated_{_k:02d}.csv", _GOOD[:_r.randrange(1, len(_GOOD))])
for _k in range(10):
    _r = _rng(3000 + _k)
    _rows = _good_rows()
    for _row in _rows:
        _r.shuffle(_row)
    _text_case(f"shuffled_cells_{_k:02d}.csv", _csv_text(SHOPIFY_HEADER, _rows))
for _k in range(8):
    _r = _rng(4000 + _k)
    _data = bytearray(_xlsx(_sheet_xml(_good_sheet_rows())))
    for _ in range(1 + _k):
        _data[_r.randrange(len(_data))] = _r.randrange(256)
    _bytes_case(f"flipped_bytes_{_k:02d}.xlsx", bytes(_data))

# ----------------------------------------------------------------------------- not regular files

SPECIAL = ("a_directory.csv", "symlink_loop.csv", "dangling_symlink.csv", "unreadable.csv",
           "named_pipe.csv")


def _special(folder: Path) -> list[Path]:
    made = []
    d = folder / "a_directory.csv"
    d.mkdir(exist_ok=True)
    (d / "inside.csv").write_text(_good_csv())
    made.append(d)
    loop = folder / "symlink_loop.csv"
    if not loop.is_symlink():
        os.symlink(loop.name, loop)  # points at itself
    made.append(loop)
    dangling = folder / "dangling_symlink.csv"
    if not dangling.is_symlink():
        os.symlink("does-not-exist.csv", dangling)
    made.append(dangling)
    unreadable = folder / "unreadable.csv"
    unreadable.write_text(_good_csv())
    unreadable.chmod(0)
    made.append(unreadable)
    if hasattr(os, "mkfifo"):
        fifo = folder / "named_pipe.csv"
        if not fifo.exists():
            os.mkfifo(fifo)  # reading it would block forever: the importer must not open it
        made.append(fifo)
    return made


def build(folder: Path) -> list[Path]:
    """Write every case into ``folder`` (created if needed); return the paths, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, write in CASES.items():
        path = folder / name
        write(path)
        paths.append(path)
    paths.extend(_special(folder))
    return sorted(paths)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_hostile_corpus.py FOLDER")
        return 2
    paths = build(Path(argv[0]))
    print(f"wrote {len(paths)} hostile files into {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
