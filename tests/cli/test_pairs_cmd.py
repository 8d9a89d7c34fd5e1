"""``ppdesk pairs`` end to end: a Shopify CSV through the real importer, then the command."""

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
    GUEST,
    TRICKY_KEYS,
    Line,
    random_lines,
    ref_pairs,
    ref_sequential,
    write_shopify_csv,
)
from cli_run import cli

from ppdesk.core.importing import import_files  # noqa: E402
from ppdesk.core.store import open_store  # noqa: E402

D = dt.date
PAIR_FIELDS = {"product_a", "product_b", "name_a", "name_b", "orders_with_a", "orders_with_b",
               "orders_together", "support", "confidence_a_b", "confidence_b_a", "lift"}


def _fill(home: Path, lines: list[Line], keys: dict[int, str]) -> None:
    path = home.parent / "export.csv"
    write_shopify_csv(path, lines, keys)
    import_files(open_store(home), [path])


@pytest.mark.parametrize("seed", range(2))
def test_json_matches_brute_force(home: Path, capsys: pytest.CaptureFixture[str],
                                  seed: int) -> None:
    lines = random_lines(seed, orders=90)
    _fill(home, lines, TRICKY_KEYS)
    code, out, _ = cli(home, capsys, "pairs", "--min-orders", "1", "--since", "2024-01-15",
                       "--until", "2024-04-01", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    total, expected = ref_pairs(lines, TRICKY_KEYS, D(2024, 1, 15), D(2024, 4, 1))
    assert (doc["orders_total"], doc["since"], doc["until"]) == (total, "2024-01-15",
                                                                  "2024-04-01")
    got = {(p["product_a"], p["product_b"]): p for p in doc["pairs"]}
    assert set(got) == set(expected)
    for key, ref in expected.items():
        assert set(got[key]) >= PAIR_FIELDS
        assert got[key]["product_a"] < got[key]["product_b"]
        assert got[key]["name_a"] == f"Name of {key[0]}"
        for name, value in ref.items():
            assert got[key][name] == pytest.approx(value, rel=1e-9, abs=1e-12)
    counts = [p["orders_together"] for p in doc["pairs"]]
    assert counts == sorted(counts, reverse=True)


def test_min_orders_sort_and_limit(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = random_lines(5, orders=150)
    _fill(home, lines, TRICKY_KEYS)
    until = max(ln.date for ln in lines)
    _, expected = ref_pairs(lines, TRICKY_KEYS, until - dt.timedelta(days=364), until)
    code, out, _ = cli(home, capsys, "pairs", "--format", "json")  # default minimum: 3
    assert code == 0
    doc = json.loads(out)
    assert doc["min_orders"] == 3
    assert {(p["product_a"], p["product_b"]) for p in doc["pairs"]} == {
        k for k, v in expected.items() if v["orders_together"] >= 3}
    _, out, _ = cli(home, capsys, "pairs", "--sort", "lift", "--limit", "4", "--format", "json")
    lifts = [p["lift"] for p in json.loads(out)["pairs"]]
    assert len(lifts) == 4
    assert lifts == sorted((v["lift"] for v in expected.values() if v["orders_together"] >= 3),
                           reverse=True)[:4]


def test_sequential_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = random_lines(2, orders=100, customers=20)
    _fill(home, lines, TRICKY_KEYS)
    code, out, _ = cli(home, capsys, "pairs", "--sequential", "--min-orders", "1",
                       "--format", "json")
    assert code == 0
    doc = json.loads(out)
    until = max(ln.date for ln in lines)
    expected = ref_sequential(lines, TRICKY_KEYS, until - dt.timedelta(days=364), until)
    got = {(p["product_a"], p["product_b"]): p for p in doc["pairs"]}
    assert set(got) == set(expected)
    for key, ref in expected.items():
        for name, value in ref.items():
            assert got[key][name] == pytest.approx(value, rel=1e-9, abs=1e-12)


def test_csv_guards_formulas_and_table_prints(home: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    keys = {1: "=HYPERLINK(1)", 2: "plain"}
    lines = [ln for o in range(1, 5) for ln in (Line(o, D(2024, 5, o), GUEST, 1),
                                                  Line(o, D(2024, 5, o), GUEST, 2))]
    _fill(home, lines, keys)
    code, out, _ = cli(home, capsys, "pairs", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    assert rows[0]["product_a"] == "'=HYPERLINK(1)"
    assert rows[0]["orders_together"] == "4"
    code, out, _ = cli(home, capsys, "pairs")
    assert code == 0 and "together" in out.splitlines()[0] and "Name of plain" in out


def test_bad_input_exits_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(home, capsys, "pairs", "--since", "2024-02-30")
    assert (code, out) == (2, "")
    assert "--since '2024-02-30' is not a date" in err
    code, _, err = cli(home, capsys, "pairs", "--since", "2024-03-01", "--until", "2024-01-01")
    assert code == 2 and "after" in err
    code, _, _ = cli(home, capsys, "pairs", "--limit", "0")
    assert code == 2


def test_empty_store_and_help(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(home, capsys, "pairs", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"orders_total": 0, "since": None, "until": None,
                               "sequential": False, "min_orders": 3, "sort": "together",
                               "level": "product", "max_q_value": 0.05, "pairs": [],
                               "not_products": []}
    assert "import" in err
    code, out, _ = cli(home, capsys, "pairs", "--help")
    assert code == 0
    assert "Fluke guard" in out and "by pure chance" in out
    assert "q_value corrects for that" in out and "Benjamini-Hochberg" in out


def _variant_store(home: Path) -> dict[int, str]:
    """Shopify-style names: two variants of one mug, a lid, a tip, a gift card."""
    keys = {1: "MUG-S", 2: "MUG-L", 3: "LID", 4: "TIP", 5: "GC"}
    names = {1: "Travel Mug - Small", 2: "Travel Mug - Large", 3: "Lid", 4: "Tip",
             5: "$25 Gift Card"}
    lines = []
    for i in range(12):
        mug = 1 if i % 2 else 2
        lines += [Line(i + 1, D(2024, 1, 1 + i), i + 1, mug), Line(i + 1, D(2024, 1, 1 + i),
                                                                    i + 1, 3)]
        lines.append(Line(i + 1, D(2024, 1, 1 + i), i + 1, 4 if i % 3 else 5))
        if i < 4:  # both sizes in one order: variants of one product, never a pair
            lines.append(Line(i + 1, D(2024, 1, 1 + i), i + 1, 2 if mug == 1 else 1))
    path = home.parent / "variants.csv"
    write_shopify_csv(path, lines, keys)
    text = path.read_text(encoding="utf-8")
    for pid, key in keys.items():
        text = text.replace(f"Name of {key},", f"{names[pid]},")
    path.write_text(text, encoding="utf-8")
    import_files(open_store(home), [path])
    return keys


def test_levels_and_not_products(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _variant_store(home)
    code, out, _ = cli(home, capsys, "pairs", "--min-orders", "1", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    # Product level: the two mug sizes are one product; the tip and gift card are left out.
    assert [(p["product_a"], p["product_b"], p["orders_together"]) for p in doc["pairs"]] == [
        ("LID", "Travel Mug", 12)]
    assert {p["product_key"] for p in doc["not_products"]} == {"TIP", "GC"}
    code, out, _ = cli(home, capsys, "pairs", "--min-orders", "1", "--level", "variant",
                       "--format", "json")
    pairs_found = {(p["product_a"], p["product_b"]): p for p in json.loads(out)["pairs"]}
    assert set(pairs_found) == {("LID", "MUG-L"), ("LID", "MUG-S"), ("MUG-L", "MUG-S")}
    assert pairs_found[("MUG-L", "MUG-S")]["same_parent"] is True
    assert pairs_found[("MUG-L", "MUG-S")]["recommendable"] is False
    # Put the tip back: it becomes a product of every analysis again.
    code, _, err = cli(home, capsys, "pairs", "--put-back", "TIP")
    assert code == 0 and "TIP" in err
    code, out, _ = cli(home, capsys, "pairs", "--min-orders", "1", "--format", "json")
    doc = json.loads(out)
    assert ("LID", "TIP") in {(p["product_a"], p["product_b"]) for p in doc["pairs"]}
    assert [p["product_key"] for p in doc["not_products"] if p["not_product"]] == ["GC"]
    code, _, err = cli(home, capsys, "pairs", "--put-back", "NOPE")
    assert code == 2 and "NOPE" in err
