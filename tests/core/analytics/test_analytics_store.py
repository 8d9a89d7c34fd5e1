"""The merchant's replenishable override and one product's timing, on a real store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from analytics_reference import Line, write_shopify_csv

from ppdesk.core.analytics import consumables, timing
from ppdesk.core.errors import InputError
from ppdesk.core.importing import import_files
from ppdesk.core.store import Store, open_store
from ppdesk.core.store.lines import load_lines, load_products

D = dt.date
KEYS = {1: "TEA", 2: "POT"}


def _store(home: Path) -> Store:
    lines = []
    for c in range(1, 7):  # six tea customers reorder after 20 and then 22 days
        day = D(2024, 1, c)
        for i, offset in enumerate((0, 20, 42)):
            lines.append(Line(c * 10 + i, day + dt.timedelta(days=offset), c, 1))
    lines.append(Line(500, D(2024, 1, 3), 9, 2))
    write_shopify_csv(home.parent / "tea.csv", lines, KEYS)
    store = open_store(home)
    import_files(store, [home.parent / "tea.csv"])
    return store


def _replenishable(store: Store) -> dict[str, tuple[bool, object]]:
    table = timing.reorder_timing(load_lines(store), load_products(store))
    return {r["product"]: (r["replenishable"], r["consumable_override"])
            for r in table.to_dict(orient="records")}


def test_override_round_trip(home: Path) -> None:
    store = _store(home)
    assert _replenishable(store)["TEA"][0] is True
    assert _replenishable(store)["POT"][0] is False
    consumables.set_override(store, "TEA", False)
    consumables.set_override(store, "POT", True)
    now = _replenishable(store)
    assert now["TEA"][0] is False and now["TEA"][1] is False
    assert now["POT"][0] is True and now["POT"][1] is True
    consumables.set_override(store, "POT", None)
    assert _replenishable(store)["POT"] == (False, None)
    with pytest.raises(InputError, match="NOPE"):
        consumables.set_override(store, "NOPE", True)


def test_product_timing(home: Path) -> None:
    store = _store(home)
    tea = timing.product_timing(store, "TEA")
    assert sorted(tea.gaps.tolist()) == [20] * 6 + [22] * 6
    assert tea.first_to_second.tolist() == [20] * 6
    assert tea.figures is not None
    # first purchase: 0.75 x 20 (first-to-second) = 15; later purchases: 0.75 x 21 = 15.75 -> 16
    assert tea.figures["median_days_between"] == 21 and tea.figures["trigger_day"] == 15
    assert tea.figures["trigger_day_first"] == 15 and tea.figures["trigger_day_repeat"] == 16
    assert tea.window.until == D(2024, 2, 17)
    pot = timing.product_timing(store, "POT")
    assert pot.gaps.size == 0 and pot.figures is not None and pot.figures["customers"] == 1
    with pytest.raises(InputError):
        timing.product_timing(store, "NOPE")
