"""Encodings, delimiters, multi-line cells, workbooks and the expansion cap."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from import_helpers import SHOPIFY_HEADER, csv_text, lines_of, orders_by_id, rows_from

from ppdesk.core.errors import InputError
from ppdesk.core.importing import import_files, preview_file, reader
from ppdesk.core.store import open_store

EURO_HEADER = ["Order Number", "Order Date", "Product", "Qty", "Price", "Email"]
EURO_ROWS = [
    ["A-1", "03/04/2024 10:00", "Crème brûlée set", "1", "1.234,50", "zoé@exemple.fr"],
    ["A-2", "13/04/2024 11:00", "Pâte à tartiner", "2", "12,50", "zoé@exemple.fr"],
]


def test_cp1252_semicolon_decimal_comma_day_first(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "commandes.csv"
    path.write_bytes(csv_text(EURO_HEADER, EURO_ROWS, delimiter=";",
                              lineterminator="\r\n").encode("cp1252"))
    info = reader.sniff(path)
    assert (info.encoding, info.delimiter) == ("cp1252", ";")
    store = open_store(home)
    summary = import_files(store, [path])
    assert (summary.files[0].dayfirst, summary.files[0].decimal_comma) == (True, True)
    assert lines_of(store) == [("A-1", 1, "Crème brûlée set", 1.0, 1234.5),
                               ("A-2", 1, "Pâte à tartiner", 2.0, 12.5)]
    orders = orders_by_id(store)
    # "03/04" is 3 April because another row says "13/04": decided on the whole column.
    assert (orders["A-1"]["order_date"], orders["A-2"]["order_date"]) == (
        "2024-04-03", "2024-04-13")
    assert orders["A-1"]["customer_key"] == "zoé@exemple.fr"


@pytest.mark.parametrize(("encoding", "bom"), [
    ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_byte_order_marks_and_excel_unicode_text(tmp_path: Path, home: Path, encoding: str,
                                                 bom: bytes) -> None:
    # Excel's "Unicode text" is UTF-16 with a BOM and TAB-separated.
    delimiter = "," if encoding == "utf-8" else "\t"
    path = tmp_path / "export.txt"
    path.write_bytes(bom + csv_text(EURO_HEADER, EURO_ROWS, delimiter=delimiter).encode(encoding))
    info = reader.sniff(path)
    assert info.delimiter == delimiter and info.header[0] == "Order Number"
    store = open_store(home)
    import_files(store, [path])
    assert [r[2] for r in lines_of(store)] == ["Crème brûlée set", "Pâte à tartiner"]


def test_latin1_bytes_cp1252_cannot_decode_fall_back_to_latin1(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    # 0x81 is undefined in cp1252; latin-1 reads every byte.
    path.write_bytes(b"Order,Date,Product\n1,2024-01-01,caf\xe9 \x81\n")
    assert reader.sniff(path).encoding == "latin-1"


def test_non_utf8_byte_after_the_sniffed_megabyte(tmp_path: Path, home: Path) -> None:
    note = "a long note that pads the file " * 4
    filler = "".join(f"{i // 10},2024-01-01,Plain product,{note}\n" for i in range(9_000))
    path = tmp_path / "late.csv"
    path.write_bytes(("Order,Date,Product,Notes\n" + filler).encode()
                     + "9999999,2024-01-02,Crème,\n".encode("cp1252"))
    assert path.stat().st_size > (1 << 20)
    store = open_store(home)
    summary = import_files(store, [path])
    assert summary.files[0].encoding == "cp1252"
    assert lines_of(store)[-1][2] == "Crème"


def test_pipe_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("Order|Date|Product\n1|2024-01-01|A\n", encoding="utf-8")
    assert reader.sniff(path).delimiter == "|"


def test_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text('Order,Date,Product,Notes\n1,2024-01-01,A,"one\ntwo\nthree"\n'
                    "2,2024-01-02,B,\n", encoding="utf-8")
    table = reader.read_table(reader.sniff(path), ["Order", "Notes"])
    assert table.rows.tolist() == [2, 3]
    assert table.frame["Notes"].tolist() == ["one\ntwo\nthree", ""]


def test_a_row_with_too_many_fields_is_rejected_by_row(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text('Order,Date,Product\n1,2024-01-01,"A\nstill A"\n2,2024-01-02,B,extra\n'
                    "3,2024-01-03,C\n", encoding="utf-8")
    store = open_store(home)
    summary = import_files(store, [path])
    assert summary.rows_read == 3 and summary.lines_added == 2
    assert [(r.row, r.reason) for r in summary.rejected] == [
        (3, "has 4 fields but the header has 3")]


def _shopify_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"  # an empty first sheet: the default is the first sheet WITH data
    orders = wb.create_sheet("orders_export_1")
    orders.append(SHOPIFY_HEADER)
    for row in rows_from(SHOPIFY_HEADER, [
        {"Name": "#1", "Email": "a@b.test", "Financial Status": "paid",
         "Created at": "2023-11-05 15:56:47 +0500", "Lineitem quantity": "1",
         "Lineitem name": "Lamp", "Lineitem price": "1500", "Lineitem sku": "'0042"},
        {"Name": "#1", "Created at": "2023-11-05 15:56:47 +0500", "Lineitem quantity": "2",
         "Lineitem name": "Bulb", "Lineitem price": "99.5"},
    ]):
        # Typed cells as Excel keeps them: numbers and booleans, dates left as text.
        typed: list[object] = list(row)
        typed[SHOPIFY_HEADER.index("Lineitem quantity")] = int(row[16])
        typed[SHOPIFY_HEADER.index("Lineitem price")] = float(row[18])
        typed[SHOPIFY_HEADER.index("Lineitem requires shipping")] = True
        orders.append([None if v == "" else v for v in typed])
    other = wb.create_sheet("Wholesale")
    other.append(["Invoice", "Date", "Product", "Qty"])
    other.append(["W-9", "2023-12-01", "Crate", 4])
    wb.save(path)


def test_workbook_sheets_default_and_by_name(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "orders_export_1.xlsx"
    _shopify_workbook(path)
    preview = preview_file(path)
    assert preview.sheets == ["Cover", "orders_export_1", "Wholesale"]
    assert (preview.sheet, preview.platform) == ("orders_export_1", "shopify")
    store = open_store(home)
    import_files(store, [path])
    assert lines_of(store) == [("#1", 1, "'0042", 1.0, 1500.0), ("#1", 2, "Bulb", 2.0, 99.5)]
    summary = import_files(store, [path], sheet="Wholesale")
    assert (summary.files[0].platform, summary.lines_added) == ("generic", 1)
    assert ("W-9", 1, "Crate", 4.0, None) in lines_of(store)
    with pytest.raises(InputError) as err:
        import_files(store, [path], sheet="Nope")
    assert "Wholesale" in str(err.value)


def test_workbook_expansion_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "small.xlsx"
    _shopify_workbook(path)
    monkeypatch.setattr(reader, "MAX_XLSX_EXPANDED_BYTES", 2_000)
    with pytest.raises(InputError) as err:
        reader.sniff(path)
    assert "expands to" in str(err.value) and "small.xlsx" in str(err.value)


def test_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (64 << 20))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(InputError) as err:
        reader.sniff(path)
    assert "expands to 67 MB" in str(err.value)


def test_formula_looking_text_in_a_workbook_stays_text(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "formula.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Order ID", "Order Date", "Product", "Quantity"])
    ws.append(["F1", "2024-03-01", "placeholder", 1])
    cell = ws.cell(row=2, column=3, value='=HYPERLINK("http://evil.test","x")')
    cell.data_type = "s"  # a text cell that looks like a formula, as a shop export writes it
    wb.save(path)
    store = open_store(home)
    import_files(store, [path])
    assert lines_of(store) == [("F1", 1, '=HYPERLINK("http://evil.test","x")', 1.0, None)]
