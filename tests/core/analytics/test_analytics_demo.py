"""On the seeded demo store (planted truth known), analytics finds what was planted.

The export goes through the real importer into a real store, as a merchant's would.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ppdesk.core import demo_data
from ppdesk.core.analytics import pairs, timing
from ppdesk.core.analytics.complements import best_complements
from ppdesk.core.importing import import_files
from ppdesk.core.store import Store, open_store
from ppdesk.core.store.lines import load_lines, load_products

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, demo_data.DemoTruth]:
    folder = tmp_path_factory.mktemp("demo")
    truth = demo_data.write_shopify_export(folder / "orders.csv", lines=100_000, seed=7)
    (folder / "home").mkdir()
    store = open_store(folder / "home")
    import_files(store, [folder / "orders.csv"])
    return store, truth


def test_planted_pairs_come_out_on_top(demo: tuple[Store, demo_data.DemoTruth]) -> None:
    store, truth = demo
    result = pairs.same_order_pairs(load_lines(store), load_products(store), min_orders=3)
    ranked = pairs.sort_pairs(result.pairs, "evidence")
    planted = {tuple(sorted(p)) for p in truth.planted_pairs}
    top = set(zip(ranked["product_a"].head(len(planted)), ranked["product_b"].head(len(planted)),
                  strict=True))
    assert top == planted
    for a, b in truth.planted_pairs:
        best = best_complements(store, [a], n=1)
        assert [c.product_key for c in best] == [b]
        assert best[0].source == "same_order" and best[0].p_value < 1e-6


def test_planted_cycles_are_recovered(demo: tuple[Store, demo_data.DemoTruth]) -> None:
    store, truth = demo
    table = timing.reorder_timing(load_lines(store), load_products(store))
    table = table.assign(truth=table["product"].map(truth.cycles))
    solid = table.loc[table["enough_data"] & table["truth"].notna()]
    assert len(solid) > 100
    # Every planted cycle lies in the 95% interval of its median, give or take a whole day
    # (gaps are rounded to whole days) ...
    inside = ((solid["truth"] >= solid["median_ci_low"] - 1)
              & (solid["truth"] <= solid["median_ci_high"] + 1))
    assert inside.all(), solid.loc[~inside, ["product", "median_days_between", "truth"]]
    # ... and where many customers reordered, the median is within a day of the truth.
    many = solid.loc[solid["repeat_customers"] >= 150]
    assert len(many) >= 10
    error = (many["median_days_between"] - many["truth"]).abs()
    assert (error <= 1).all(), many.loc[error > 1, ["product", "median_days_between", "truth"]]


def test_consumables_are_told_apart(demo: tuple[Store, demo_data.DemoTruth]) -> None:
    store, truth = demo
    table = timing.reorder_timing(load_lines(store), load_products(store))
    solid = table.loc[table["enough_data"]]
    consumable = solid["product"].isin(list(truth.cycles))
    durable = solid["product"].isin(list(truth.non_consumables))
    assert durable.sum() >= 10 and consumable.sum() >= 100
    assert solid.loc[consumable, "replenishable"].mean() >= 0.95
    assert not solid.loc[durable, "replenishable"].any()
    assert isinstance(table["trigger_day"].dtype, pd.Int64Dtype)


def test_store_timing_for_one_product(demo: tuple[Store, demo_data.DemoTruth]) -> None:
    store, truth = demo
    key = min(truth.cycles, key=truth.cycles.__getitem__)  # the shortest cycle
    one = timing.product_timing(store, key)
    assert one.figures is not None and one.figures["product"] == key
    assert len(one.gaps) == one.figures["reorders"]
    assert len(one.first_to_second) == one.figures["repeat_customers"]
    assert float(pd.Series(one.gaps).median()) == one.figures["median_days_between"]
