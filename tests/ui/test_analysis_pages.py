"""Home, Products & pairs and Reorder timing pages on the demo store, checked against
plain-Python counts and against what the pages promise (re-run on dates, overrides, rules)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import numpy as np
from page_helpers import show_page
from PySide6.QtCore import QDate
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from ppdesk.core.settings import load_settings
from ppdesk.core.store.lines import load_lines, load_products
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.home_page import HomePage
from ppdesk.ui.pages.pairs_page import PairsPage
from ppdesk.ui.pages.timing_page import TimingPage
from ppdesk.ui.tasks import running_tasks


def _open(qtbot, page):
    return show_page(qtbot, page, ready=lambda: not page.runner.busy)


def test_home_figures_match_a_plain_count(qtbot, demo_ctx: AppContext) -> None:
    page = _open(qtbot, HomePage(demo_ctx))
    lines = load_lines(demo_ctx.store)
    products = load_products(demo_ctx.store)
    # The demo's gift cards and gift wrap are not products: left out of every figure.
    not_products = set(products.loc[products["name"].str.startswith("Gift Card")
                                    | (products["name"] == "Gift Wrap"), "product_id"])
    assert len(not_products) == 4
    newest = max(d.date() for d in lines["order_date"])
    since = newest - dt.timedelta(days=364)
    orders: set[int] = set()
    dates: dict[int, set[dt.date]] = defaultdict(set)
    for row in lines.itertuples():
        day = row.order_date.date()
        if row.included and row.quantity > 0 and since <= day <= newest \
                and row.product_id not in not_products:
            orders.add(row.order_id)
            if row.customer_id != -1:
                dates[row.customer_id].add(day)
    repeat = sum(1 for d in dates.values() if len(d) >= 2)
    assert page.figures["orders"].value.text() == f"{len(orders):,}"
    assert page.figures["customers"].value.text() == f"{len(dates):,}"
    assert page.figures["repeat"].value.text().startswith(f"{repeat:,} (")
    assert page.figures["products"].value.text() == f"{len(products) - 4:,}"
    # the window in words, ending at the newest imported order ("31 Oct 2026")
    words = page.range_label.text()
    assert f"to {newest.day} {newest:%b %Y}, the newest order you imported" in words
    assert f"from {since.day} {since:%b %Y}" in words


def test_pairs_table_chart_heatmap_detail_and_date_range(
    qtbot, demo_ctx: AppContext, tmp_path: Path
) -> None:
    page = _open(qtbot, PairsPage(demo_ctx))
    data = page.view_data
    assert data is not None and not data.pairs.empty
    # the table shows every pair; the bar chart the top ones by orders together
    assert page.model.rowCount() == len(data.pairs)
    top = data.pairs["orders_together"].max()
    assert page.bar.values[0] == top
    # the heatmap is symmetric lift between its products
    m = page.heatmap.values
    assert m.shape[0] == len(page.heatmap.labels) <= 25 and np.allclose(m, m.T)
    png = tmp_path / "heat.png"
    assert page.heatmap.save_png(png) and not QImage(str(png)).isNull()
    # picking a row fills the detail panel with the product's complements and the reason
    page.table.select_row(0)
    qtbot.waitUntil(
        lambda: not running_tasks() and "Looking" not in page.detail.toPlainText(), timeout=30000
    )
    detail = page.detail.toPlainText()
    assert str(page.model.row_series(0)["name_a"]) in detail
    assert "chance" in detail  # the plain-words reason states the coincidence odds
    # a shorter date range re-runs in the background: fewer orders, dates as chosen
    total = data.orders_total
    until = data.until
    since = until - dt.timedelta(days=60)
    page.since_edit.setDate(QDate(since.year, since.month, since.day))
    qtbot.waitUntil(lambda: page.view_data is not data and not running_tasks(), timeout=60000)
    assert page.view_data.since == since and page.view_data.until == until
    assert 0 < page.view_data.orders_total < total


def test_pairs_page_corrected_fluke_rate_and_variant_level(qtbot, demo_ctx: AppContext) -> None:
    page = _open(qtbot, PairsPage(demo_ctx))
    frame = page.view_data.pairs
    # "Recommended" is exactly: seen 3+ times, above chance, corrected fluke rate <= 5 %.
    expected = (frame["orders_together"] >= 3) & (frame["lift"] > 1) & (frame["q_value"] <= 0.05)
    assert ((frame["recommendable"] == "yes") == (expected & ~frame["substitute"])).all()
    assert (frame["q_value"] >= frame["p_value"]).all()  # the correction never lowers a p-value
    assert "tests about 20,000 pairs" in " ".join(
        w.text() for w in page.findChildren(QLabel))
    # one line above the table; the long explanation only when asked for
    assert not page.explanation.isVisibleTo(page)
    page.how.setChecked(True)
    assert page.explanation.isVisibleTo(page)
    page.how.setChecked(False)
    # Unticked: every variant on its own; the keys are the store's product keys.
    keys = set(load_products(demo_ctx.store)["product_key"])
    grouped = page.view_data
    page.group_box.setChecked(False)
    qtbot.waitUntil(lambda: page.view_data is not grouped and not running_tasks(), timeout=60000)
    variant = page.view_data.pairs
    assert set(variant["product_a"]) | set(variant["product_b"]) <= keys
    # sequential pairs switch
    page.sequential_box.setChecked(True)
    qtbot.waitUntil(lambda: page.view_data.sequential and not running_tasks(), timeout=60000)
    assert page.model.columns[0].header == "First bought"


def test_pairs_heatmap_title_says_how_many_products_it_shows(qtbot, demo_ctx: AppContext) -> None:
    """The title counts the squares drawn, not the 25 products computed (8 fit at 720 px)."""
    page = _open(qtbot, PairsPage(demo_ctx))
    page.resize(1030, 660)
    page.charts.setCurrentIndex(1)
    qtbot.wait(50)
    page.heatmap.grab()                     # paints: the title is set as the grid is laid out
    info = page.heatmap.layout_info
    assert len(info.row_texts) == info.shown < len(page.heatmap.labels)
    assert page.heatmap.title == f"Bought together vs chance: the {info.shown} most paired products"


def test_timing_histogram_override_and_rule(qtbot, demo_ctx: AppContext) -> None:
    page = _open(qtbot, TimingPage(demo_ctx))
    qtbot.waitUntil(lambda: page.histogram.has_data() and not running_tasks(), timeout=60000)
    row = page.model.row_series(0)
    assert bool(row["enough_data"])
    names = [name for name, _x, _c in page.histogram.markers]
    assert names == ["median", "reminder"]
    median = dict((n, x) for n, x, _c in page.histogram.markers)["median"]
    assert median == float(row["median_days_between"])
    assert f"{int(row['repeat_customers'])} repeat customers" in page.figures.text()
    # "never replenishable" is written as the product's override and shown in the table
    key = str(row["product"])
    page.consumable.setCurrentIndex(2)
    page.consumable.activated.emit(2)
    qtbot.waitUntil(
        lambda: (
            not running_tasks()
            and not page.runner.busy
            and bool((page.model.frame["product"] == key).any())
            and not bool(
                page.model.frame.loc[page.model.frame["product"] == key, "replenishable"].iloc[0]
            )
        ),
        timeout=60000,
    )
    products = load_products(demo_ctx.store)
    assert products.loc[products["product_key"] == key, "consumable_override"].iloc[0] == 0
    # the trigger rule: 10 days before the median
    page.rule_days.setChecked(True)
    page.days_spin.setValue(10)
    with qtbot.waitSignal(demo_ctx.settings_changed, timeout=30000):
        next(
            b for b in page.findChildren(type(page.table.save_button)) if b.text() == "Apply"
        ).click()
    analytics = load_settings(demo_ctx.store).analytics
    assert (analytics.trigger_rule, analytics.trigger_days_before) == ("days_before", 10)
    qtbot.waitUntil(lambda: not running_tasks() and not page.runner.busy, timeout=60000)
    table = page.model.frame
    enough = table.loc[table["enough_data"].astype(bool)]
    expected = np.floor(enough["median_days_between"].to_numpy(dtype=float) - 10 + 0.5)  # half up
    assert np.array_equal(enough["trigger_day_repeat"].to_numpy(dtype=float),
                          np.maximum(expected, 1))
    first = np.floor(enough["median_days_first_to_second"].to_numpy(dtype=float) - 10 + 0.5)
    assert np.array_equal(enough["trigger_day_first"].to_numpy(dtype=float), np.maximum(first, 1))
    assert np.array_equal(enough["trigger_day"].to_numpy(dtype=float), np.maximum(first, 1))
