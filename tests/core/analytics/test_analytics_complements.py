"""best_complements on a real store filled by the real importer, against brute force."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from analytics_reference import (
    GUEST,
    TRICKY_KEYS,
    Line,
    hypergeom_tail,
    random_lines,
    ref_pairs,
    ref_sequential,
    write_shopify_csv,
)

from ppdesk.core.analytics.complements import best_complements
from ppdesk.core.errors import InputError
from ppdesk.core.importing import import_files
from ppdesk.core.settings import AnalyticsSettings
from ppdesk.core.store import open_store

D = dt.date


def _store(home: Path, lines: list[Line], keys: dict[int, str], name: str = "orders.csv"):
    store = open_store(home)
    path = home.parent / name
    write_shopify_csv(path, lines, keys)
    import_files(store, [path])
    return store


def _designed() -> tuple[list[Line], dict[int, str]]:
    keys = {1: "KIT", 2: "REFILL", 3: "MUG", 4: "BAG", 5: "CASE", 6: "SOCKS"}
    lines: list[Line] = []
    order = 1
    for i in range(40):  # 40 orders: a bag alone, or socks alone, as background; the first 20
        # by ten returning customers (so that "came back and bought a case" can be told apart)
        buyer = 20 + i // 2 if i < 20 else GUEST
        lines.append(Line(order, D(2024, 1, 1) + dt.timedelta(days=i), buyer, 4 if i % 2 else 6))
        order += 1
    for c in range(1, 9):  # 8 kit buyers; 6 add a refill, 2 a mug, 3 come back for a case
        day = D(2024, 2, c)
        lines.append(Line(order, day, c, 1))
        if c <= 6:
            lines.append(Line(order, day, c, 2))
        if c in (7, 8):
            lines.append(Line(order, day, c, 3))
        order += 1
        if c <= 3:
            lines.append(Line(order, day + dt.timedelta(days=20), c, 5))
            order += 1
    return lines, keys


def test_designed_store(home: Path) -> None:
    lines, keys = _designed()
    store = _store(home, lines, keys)
    found = best_complements(store, ["KIT"], n=3)
    # refill: 6 of 8 kit orders; total 51 orders, refill in 6: p = C(8,6)C(43,0)/C(51,6).
    assert [c.product_key for c in found] == ["REFILL", "CASE"]
    refill = found[0]
    assert (refill.orders_together, refill.source) == (6, "same_order")
    assert refill.confidence == pytest.approx(6 / 8)
    assert refill.lift == pytest.approx(6 * 51 / (8 * 6))
    assert refill.p_value == pytest.approx(hypergeom_tail(6, 51, 8, 6))
    assert "75% of the orders with Name of KIT also hold this (6 of 8)" in refill.reason
    assert "6.4 times as often as chance" in refill.reason   # 6 * 51 / (8 * 6) = 6.375
    case = found[1]
    # Sequential: 3 of the 3 kit buyers who came back bought a case later; 13 customers
    # ordered on two dates, 3 of them bought a case later: p = 1 / C(13, 3).
    assert (case.source, case.orders_together, case.confidence) == ("sequential", 3, 1.0)
    assert case.p_value == pytest.approx(1 / 286)
    assert case.lift == pytest.approx(3 * 13 / (3 * 3))
    assert "3 of the 3 customers who bought Name of KIT" in case.reason
    # The mug was bought with the kit twice only: below the 3 orders minimum, never offered.
    loose = best_complements(store, ["KIT"], n=5,
                             settings=AnalyticsSettings(min_orders_together=2, max_q_value=1))
    assert "MUG" in [c.product_key for c in loose]
    assert best_complements(store, ["KIT"], exclude_keys=["REFILL"])[0].product_key == "CASE"
    # A basket never gets what it already holds.
    assert [c.product_key for c in best_complements(store, ["KIT", "REFILL"])] == ["CASE"]
    assert best_complements(store, "KIT", n=1)[0].product_key == "REFILL"


def test_unknown_key_and_unsold_basket(home: Path) -> None:
    lines, keys = _designed()
    lines.append(Line(999, D(2020, 1, 1), 50, 6))  # far outside the window
    store = _store(home, lines, keys)
    with pytest.raises(InputError, match="NOPE"):
        best_complements(store, ["NOPE"])
    assert best_complements(store, ["KIT"], n=0) == []


def test_new_import_refreshes_the_cached_figures(home: Path) -> None:
    lines, keys = _designed()
    store = _store(home, lines, keys)
    assert best_complements(store, ["KIT"])[0].orders_together == 6
    more = [Line(500 + c, D(2024, 2, 20), 100 + c, 1) for c in range(4)]
    more += [Line(500 + c, D(2024, 2, 20), 100 + c, 2) for c in range(4)]
    write_shopify_csv(home.parent / "more.csv", more, keys)
    import_files(store, [home.parent / "more.csv"])
    assert best_complements(store, ["KIT"])[0].orders_together == 10


def _reference(lines: list[Line], keys: dict[int, str], basket: set[str], since: dt.date,
               until: dt.date, settings: AnalyticsSettings) -> list[tuple[str, str, int]]:
    """(key, source, count) of every qualifying candidate, ranked as documented.

    A candidate qualifies through a recommendable pair with any basket product (together
    >= minimum, lift > 1, BH q-value <= the maximum, from the brute-force pairs); it keeps
    its strongest evidence: smallest q, then p, then most, same order first, then key.
    """
    _, same = ref_pairs(lines, keys, since, until)
    candidates: dict[str, list[tuple[float, float, int, int, str]]] = defaultdict(list)
    for (a, b), row in same.items():
        if row["orders_together"] < settings.min_orders_together or row["lift"] <= 1 \
                or row["q_value"] > settings.max_q_value:
            continue
        for here, other in ((a, b), (b, a)):
            if here in basket and other not in basket:
                candidates[other].append((row["q_value"], row["p_value"],
                                          -int(row["orders_together"]), 0, "same_order"))
    for (a, b), row in ref_sequential(lines, keys, since, until).items():
        if a in basket and b not in basket and row["customers_a_then_b"] >= \
                settings.min_orders_together and row["lift"] > 1 and \
                row["q_value"] <= settings.max_q_value:
            candidates[b].append((row["q_value"], row["p_value"],
                                  -int(row["customers_a_then_b"]), 1, "sequential"))
    best = {key: min(options) for key, options in candidates.items()}
    ranked = sorted(best.items(), key=lambda item: (item[1][:4], item[0]))
    return [(key, option[4], -option[2]) for key, option in ranked]


@pytest.mark.parametrize("seed", range(3))
def test_complements_match_brute_force(home: Path, seed: int) -> None:
    lines = random_lines(seed, orders=260, customers=70, days=150)
    store = _store(home, lines, TRICKY_KEYS)
    settings = AnalyticsSettings(min_orders_together=2, max_q_value=1.0)
    until = max(ln.date for ln in lines)
    since = until - dt.timedelta(days=364)
    sources = set()
    for basket in (["a"], ["B", "10"], ["é-soap", "Z", "9"]):
        expected = _reference(lines, TRICKY_KEYS, set(basket), since, until, settings)
        got = best_complements(store, basket, n=20, settings=settings)
        assert [(c.product_key, c.source, c.orders_together) for c in got] == expected
        sources |= {c.source for c in got}
    assert sources == {"same_order", "sequential"}  # both kinds of evidence were exercised
