"""``ppdesk timing`` end to end: a Shopify CSV through the real importer, then the command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "analytics"))
from analytics_reference import (  # noqa: E402
    TRICKY_KEYS,
    random_lines,
    ref_timing,
    write_shopify_csv,
)
from cli_run import cli

from ppdesk.core.importing import import_files  # noqa: E402
from ppdesk.core.store import open_store  # noqa: E402

D = dt.date
CONTRACT = ["product", "name", "customers", "repeat_customers", "median_days_first_to_second",
            "median_days_between", "trigger_day", "trigger_day_first", "trigger_day_repeat",
            "enough_data"]


@pytest.fixture
def lines(home: Path) -> list:
    data = random_lines(4, orders=260, customers=7, days=240)
    path = home.parent / "export.csv"
    write_shopify_csv(path, data, TRICKY_KEYS)
    import_files(open_store(home), [path])
    return data


def test_json_matches_brute_force(home: Path, lines: list,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(home, capsys, "timing", "--since", "2024-02-01", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    until = max(ln.date for ln in lines)
    assert (doc["since"], doc["until"]) == ("2024-02-01", until.isoformat())
    expected = ref_timing(lines, TRICKY_KEYS, D(2024, 2, 1), until)
    got = {p["product"]: p for p in doc["products"]}
    assert set(got) == set(expected)
    assert any(r["enough_data"] for r in expected.values())
    for key, ref in expected.items():
        assert set(CONTRACT) <= set(got[key])
        assert got[key]["name"] == f"Name of {key}"
        for name, value in ref.items():
            if value is None:
                assert got[key][name] is None, (key, name)
            else:
                assert got[key][name] == pytest.approx(value), (key, name)


def test_csv_table_and_segments(home: Path, lines: list,
                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(home, capsys, "timing", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["product"] for r in rows} == set(TRICKY_KEYS.values())
    assert set(CONTRACT) <= set(rows[0])
    code, out, _ = cli(home, capsys, "timing")
    assert code == 0 and out.splitlines()[0].startswith("product")
    code, out, _ = cli(home, capsys, "timing", "--by", "customer-type", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert {s["segment"] for s in doc["segments"]} <= {"new", "returning"}
    # New and returning customers of a product add up to all its customers.
    whole = json.loads(cli(home, capsys, "timing", "--format", "json")[1])
    total = {p["product"]: p["customers"] for p in whole["products"]}
    split: dict[str, int] = {}
    for s in doc["segments"]:
        split[s["product"]] = split.get(s["product"], 0) + s["customers"]
    assert split == {k: v for k, v in total.items() if v}
    code, out, _ = cli(home, capsys, "timing", "--by", "first-product", "--format", "json")
    assert code == 0
    first = {(s["first_product"], s["product"]): s for s in json.loads(out)["segments"]}
    # Every customer's first order held some product: each product's customers appear
    # under at least one first product, and never more often than there are customers.
    for product, customers in total.items():
        counts = [s["customers"] for (_, p), s in first.items() if p == product]
        assert (max(counts) if counts else 0) <= customers
        assert (sum(counts) >= customers) if customers else not counts


def test_help_explains_the_figures(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(home, capsys, "timing", "--help")
    assert code == 0
    assert "trigger_day" in out and "0.75" in out and "enough_data" in out
