"""CSV, XLSX and HTML exports: formula injection guarded, numbers kept numbers, HTML escaped."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest
import results_scenario as sc
from results_builders import OfferSpec, Order, Variant, add_offer, load_orders

from ppdesk.core.results import export
from ppdesk.core.results.report import Report, build_report
from ppdesk.core.store import Store

EVIL = "=HYPERLINK(\"http://evil.example\",\"x\")"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def store(home: Path, tmp_path: Path) -> Store:
    store = sc.build(home, tmp_path)
    # a second offer whose product names are hostile: they reach every export
    load_orders(store, tmp_path, [
        Order("#1100", "c1@example.com", "2026-03-02 10:00:00 +0000",
              [("EVIL-1", EVIL, 1, 5.0)], 5.0),
        Order("#1101", "c2@example.com", "2026-03-02 10:00:00 +0000",
              [("EVIL-2", SCRIPT, 1, 5.0)], 5.0),
    ], name="more.csv")
    add_offer(store, OfferSpec("EVIL-1", "EVIL-2", "2026-03-01", [Variant(5.0, "-EVILCODE")]))
    return store


@pytest.fixture
def report(store: Store) -> Report:
    return build_report(store)


def test_csv_guards_text_and_keeps_numbers(report: Report, tmp_path: Path) -> None:
    path = export.write_csv(report, tmp_path / "r.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = {r["name"] for r in rows}
    assert f"'{EVIL} -> {SCRIPT}" in names  # starts with "=": prefixed, so never a formula
    codes = {r["rule"] for r in rows}
    assert all(not c.startswith(("=", "+", "-", "@")) for c in codes)
    w10 = [r for r in rows if r["kind"] == "flow" and r["name"] == "cross_sell"
           and r["week"] == "2026-W10"][0]
    assert (w10["sent"], w10["delivered"], float(w10["revenue"])) == ("7", "5", 42.0)
    assert float(w10["conversion_rate"]) == pytest.approx(0.4)


def test_xlsx_guards_text_and_keeps_numbers(report: Report, tmp_path: Path) -> None:
    path = export.write_xlsx(report, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Flows", "Offers", "Lift", "Discount tests", "Rules"]
    offers = list(wb["Offers"].iter_rows(values_only=True))
    header = offers[0]
    col = {name: i for i, name in enumerate(header)}
    evil_rows = [r for r in offers[1:] if r[col["trigger"]] == "EVIL-1"]
    assert evil_rows, "the hostile offer is in the sheet"
    for row in evil_rows:
        assert row[col["offer"]] == f"'{EVIL} -> {SCRIPT}"
        assert row[col["discount_code"]] in ("'-EVILCODE", None)
    # no cell anywhere is stored as a formula
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    flows = list(wb["Flows"].iter_rows(values_only=True))
    fcol = {name: i for i, name in enumerate(flows[0])}
    w10 = [r for r in flows[1:]
           if r[fcol["flow"]] == "cross_sell" and r[fcol["week"]] == "2026-W10"][0]
    assert isinstance(w10[fcol["sent"]], int) and w10[fcol["sent"]] == 7
    revenue = w10[fcol["revenue"]]
    assert isinstance(revenue, (int, float)) and revenue == pytest.approx(42.0)
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["cac"] == pytest.approx(sc.CAC)


def test_html_is_self_contained_escaped_and_has_charts(store: Store, report: Report,
                                                       tmp_path: Path) -> None:
    path = export.write_html(report, tmp_path / "r.html", store)
    text = path.read_text(encoding="utf-8")
    assert SCRIPT not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count("<svg") >= 3
    # no external requests: no src/href attributes pointing anywhere, no scripts
    assert not re.search(r"(src|href)\s*=", text, re.I)
    assert "<script" not in text.lower()
    assert "cross_sell" in text and "Not enough data yet" in text
    assert "$109.50" in text  # post-purchase revenue card (52 + 40 + 17.50)
