"""``ppdesk import`` follows the CLI contract: JSON shape, table output, exit code 2."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from ppdesk.cli.main import run_cli

HEADER = "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price," \
         "Lineitem sku,Cancelled at,Accepts Marketing,Billing Name"


def _shopify(path: Path) -> Path:
    path.write_text(HEADER + "\n"
                    "#1,a@b.test,paid,2024-01-02 10:00:00 +0100,1,Soap,3.00,SOAP,,yes,Al B\n"
                    "#1,a@b.test,,2024-01-02 10:00:00 +0100,2,Towel,9.00,TOWEL,,,\n"
                    "#2,c@d.test,paid,2024-01-03 10:00:00 +0100,x,Soap,3.00,SOAP,,no,Cy D\n",
                    encoding="utf-8")
    return path


def _counts(home: Path) -> tuple[int, int]:
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        return (conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM order_lines").fetchone()[0])
    finally:
        conn.close()


def test_json_document(tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _shopify(tmp_path / "orders_export.csv")
    assert run_cli(["import", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"files", "rows_read", "orders_added", "lines_added", "customers_added",
            "duplicates_skipped", "rejected"} <= set(doc)
    assert (doc["files"], doc["rows_read"], doc["orders_added"], doc["lines_added"]) == (
        ["orders_export.csv"], 3, 1, 2)
    assert (doc["customers_added"], doc["duplicates_skipped"]) == (1, 0)
    assert doc["rejected"] == [{"file": "orders_export.csv", "row": 4,
                                "column": "Lineitem quantity",
                                "reason": "quantity 'x' is not a number"}]
    assert run_cli(["import", str(path), "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["orders_added"], again["lines_added"], again["duplicates_skipped"]) == (0, 0, 2)


def test_table_output_names_platform_and_rejects(tmp_path: Path, home: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = _shopify(tmp_path / "orders_export.csv")
    assert run_cli(["--home", str(home), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Shopify orders export" in out
    assert "Lineitem quantity" in out and "quantity 'x' is not a number" in out


def test_generic_guess_is_shown_and_map_fixes_it(tmp_path: Path, home: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sales.csv"
    path.write_text("Ref,Day,Thing,Qty\nR1,2024-05-01,Kettle,1\n", encoding="utf-8")
    assert run_cli(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "sales.csv" in err and "--map" in err and err.count("\n") == 1
    assert run_cli(["import", str(path), "--map", "order_id=Ref,order_date=Day",
                    "--map", "product_name=Thing"]) == 0
    out = capsys.readouterr().out
    assert "order_id" in out and "<- Ref" in out and "quantity" in out
    assert _counts(home) == (1, 1)


def test_unusable_file_exits_2_and_changes_nothing(tmp_path: Path, home: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    good = _shopify(tmp_path / "good.csv")
    assert run_cli(["import", str(good)]) == 0
    before = _counts(home)
    bad = tmp_path / "broken.csv"
    bad.write_text(HEADER + '\n"#9,x@y.test,paid,2024-01-02 10:00:00 +0100,1,Soap,3,S,,,"\n'
                   '"#10,x@y.test,paid,2024-01-02 10:00:00 +0100,1,Soap,3,S,,,"\n',
                   encoding="utf-8")
    capsys.readouterr()
    assert run_cli(["import", str(good), str(bad), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("broken.csv, row 2:")
    assert _counts(home) == before
    assert run_cli(["import", str(tmp_path / "missing.csv")]) == 2


def test_sheet_option_and_dry_run(tmp_path: Path, home: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.active.append(["Total", 12])
    sheet = wb.create_sheet("Orders")
    sheet.append(["Order ID", "Order Date", "SKU", "Quantity"])
    sheet.append(["X1", "2024-02-01", "CUP", 2])
    wb.save(path)
    assert run_cli(["import", str(path), "--sheet", "Orders", "--dry-run",
                    "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["orders_added"], doc["lines_added"], doc["dry_run"]) == (1, 1, True)
    assert _counts(home) == (0, 0)
    assert run_cli(["import", str(path), "--sheet", "Nope"]) == 2


def test_header_only_export_warns_and_imports_nothing(
        tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orders_export.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    assert run_cli(["import", str(path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["rows_read"] == 0
    assert "orders_export.csv has a header but no order rows" in captured.err
    assert _counts(home) == (0, 0)


def test_cod_orders_become_customers_by_phone(tmp_path: Path, home: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """No e-mail, a Pakistani mobile written nationally: the customer is +923001234567."""
    path = tmp_path / "cod.csv"
    path.write_text("Name,Created at,Lineitem quantity,Lineitem name,Billing Phone,"
                    "Billing Country\n"
                    "#7,2024-01-02 10:00:00 +0500,1,Soap,0300-1234567,PK\n"
                    "#8,2024-02-02 10:00:00 +0500,1,Soap,+92 300 1234567,PK\n", encoding="utf-8")
    assert run_cli(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "read as PK numbers" in out
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        assert conn.execute("SELECT customer_key, phone FROM customers").fetchall() == [
            ("+923001234567", "+923001234567")]
        assert conn.execute("SELECT COUNT(DISTINCT customer_id) FROM orders").fetchone() == (1,)
    finally:
        conn.close()
