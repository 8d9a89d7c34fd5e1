"""``ppdesk report``: the contract's formats, the export files, and exit code 2 for bad input."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import openpyxl
import pytest

from ppdesk.cli.main import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "results"))
import results_scenario as sc  # noqa: E402


@pytest.fixture
def built(home: Path, tmp_path: Path) -> Path:
    sc.build(home, tmp_path)
    return home


def test_json_follows_the_contract_style(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--home", str(built), "report", "--format", "json"]) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)  # exactly one JSON document on stdout
    assert doc["since"] == "2026-03-01" and doc["until"] == "2026-03-11"
    flows = {(r["flow"], r["week"]): r for r in doc["flows"]}
    assert flows[("cross_sell", "all")]["delivered"] == 6
    assert flows[("replenishment", "all")]["revenue"] == 40.0
    assert doc["unit_economics"]["post_purchase_revenue"] == pytest.approx(109.5)
    assert {r["flow"] for r in doc["lift"]} == {"cross_sell", "replenishment", "all flows"}
    assert doc["discount_tests"][0]["verdict"].startswith("Not enough data yet")
    assert "email" in doc["rules"] and "offer" in doc["rules"]


def test_table_and_csv(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--home", str(built), "report"]) == 0
    text = capsys.readouterr().out
    assert "cross_sell" in text and "Alpha -> Beta" in text and "Unit economics" in text
    assert run_cli(["--home", str(built), "report", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    w11 = [r for r in rows if r["name"] == "cross_sell" and r["week"] == "2026-W11"][0]
    assert (w11["sent"], w11["conversions"], float(w11["revenue"])) == ("1", "1", 10.0)


def test_files_out_xlsx_html(built: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    out, xlsx, html = tmp_path / "r.json", tmp_path / "r.xlsx", tmp_path / "r.html"
    code = run_cli(["--home", str(built), "report", "--format", "json", "--out", str(out),
                    "--xlsx", str(xlsx), "--html", str(html)])
    assert code == 0
    assert capsys.readouterr().out == ""  # everything went to the files
    assert json.loads(out.read_text(encoding="utf-8"))["attribution_days"] == 5
    assert "Flows" in openpyxl.load_workbook(xlsx).sheetnames
    assert "<svg" in html.read_text(encoding="utf-8")


def test_import_costs_then_report(built: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    costs = tmp_path / "costs.csv"
    costs.write_text("sku,cost\nSKU-C,20\n", encoding="utf-8")
    assert run_cli(["--home", str(built), "report", "--format", "json",
                    "--import-costs", str(costs)]) == 0
    captured = capsys.readouterr()
    assert "1 products updated" in captured.err
    doc = json.loads(captured.out)
    rep = [r for r in doc["flows"] if r["flow"] == "replenishment" and r["week"] == "all"][0]
    assert rep["cogs"] == pytest.approx(20.0 + 3.0)  # #1025 holds one C and one B


def test_bad_input_exits_2(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "costs.csv"
    bad.write_text("sku,cost\nSKU-C,lots\n", encoding="utf-8")
    assert run_cli(["--home", str(built), "report", "--import-costs", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "costs.csv" in err and "row 2" in err and "'cost'" in err
    assert run_cli(["--home", str(built), "report", "--now", "yesterday"]) == 2
