"""Cost of goods: the CSV import (all-or-nothing, errors name file/row/column) and the editor."""

from __future__ import annotations

from pathlib import Path

import pytest
import results_scenario as sc

from ppdesk.core.errors import InputError
from ppdesk.core.results.costs import import_costs, set_unit_cost
from ppdesk.core.results.report import build_report
from ppdesk.core.store import Store
from ppdesk.core.store.lines import load_products


@pytest.fixture
def store(home: Path, tmp_path: Path) -> Store:
    store = sc.build(home, tmp_path)
    sc.set_costs(store, {"SKU-A": None, "SKU-B": None, "SKU-C": None})  # type: ignore[dict-item]
    return store


def _costs(store: Store) -> dict[str, float | None]:
    frame = load_products(store)
    return {k: (None if v is None or v != v else float(v))
            for k, v in zip(frame["product_key"], frame["unit_cost"], strict=True)}


def test_import_matches_sku_key_and_name(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "costs.csv"
    path.write_text("SKU,Cost\nsku-a,$8.00\nGamma,\"12,50\"\nOLD-99,4\n\n", encoding="utf-8")
    done = import_costs(store, path)
    assert (done.rows_read, done.updated) == (3, 2)
    assert done.unknown == [(4, "OLD-99")]
    costs = _costs(store)
    assert costs["SKU-A"] == 8.0
    assert costs["SKU-C"] == 12.5  # matched by name, decimal comma
    assert costs["SKU-B"] is None


def test_semicolon_file_with_product_column(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "costs.csv"
    path.write_text("product;unit cost\nSKU-B;1,250\n", encoding="utf-8")
    import_costs(store, path)
    assert _costs(store)["SKU-B"] == 1250.0  # three digits after the comma: thousands


@pytest.mark.parametrize(("content", "row", "column", "words"), [
    ("sku,cost\nSKU-A,8\nSKU-B,cheap\n", 3, "cost", "'cheap'"),
    ("sku,cost\nSKU-A,-2\n", 2, "cost", "zero or more"),
    ("sku,cost\nSKU-A,8\n,3\n", 3, "sku", "no product"),
    ("sku,price\nSKU-A,8\n", 1, None, "no cost column"),
])
def test_bad_rows_stop_the_import_and_name_the_cell(store: Store, tmp_path: Path, content: str,
                                                     row: int, column: str | None,
                                                     words: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_costs(store, path)
    err = info.value
    assert (err.file, err.row, err.column) == ("bad.csv", row, column)
    assert words in str(err)
    assert _costs(store)["SKU-A"] is None  # all-or-nothing


def test_editor_sets_and_clears(store: Store) -> None:
    set_unit_cost(store, "SKU-B", 3.25)
    assert _costs(store)["SKU-B"] == 3.25
    set_unit_cost(store, "SKU-B", None)
    assert _costs(store)["SKU-B"] is None
    with pytest.raises(InputError):
        set_unit_cost(store, "NOPE", 1.0)
    with pytest.raises(InputError):
        set_unit_cost(store, "SKU-B", -1.0)


def test_missing_costs_lower_coverage_and_warn(store: Store) -> None:
    set_unit_cost(store, "SKU-A", 8.0)  # B and C unknown
    report = build_report(store)
    u = report.unit_economics
    # line value in the period: 10 x A (200) in orders #1001-#1010 and #1032 (20) = 220 costed;
    # B: #1024 10, #1025 10, #1028 10, #1030 10, #1031 10 = 50; C: #1020, #1021, #1025,
    # #1026, #1027, #1029 = 6 x 30 = 180 -> coverage 220 / 450
    assert u["cost_coverage"] == pytest.approx(220 / 450)
    assert any("Cost of goods is known for 49%" in w for w in report.warnings)
