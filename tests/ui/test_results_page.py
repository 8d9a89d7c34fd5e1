"""The Results page at 1280x720 on the demo store after its simulated month.

What a merchant needs from each table (the flow or offer, the week, and the money
figures) must be on screen without scrolling, and the week must read as a date,
not as ISO week jargon.
"""

from __future__ import annotations

import re

import pytest

from ppdesk.core.results.simulate import simulate_month
from ppdesk.ui.context import AppContext
from ppdesk.ui.main_window import MainWindow
from ppdesk.ui.tasks import running_tasks
from ppdesk.ui.widgets.table_panel import MIN_TEXT_COLUMN, TablePanel

KEY_COLUMNS = {
    "flows": ["flow", "week", "sent", "delivered", "conversions", "conversion_rate", "revenue",
              "revenue_per_recipient", "aov", "margin"],
    "offers": ["offer", "variant", "week", "orders_saw", "orders_took",
               "take_rate", "revenue", "margin"],
    "lift": ["flow", "received", "holdout", "received_rate", "holdout_rate", "in_words"],
}
NAMES = {"flow", "offer", "in_words"}


@pytest.fixture
def window(qtbot, demo_ctx: AppContext) -> MainWindow:
    simulate_month(demo_ctx.store)
    win = MainWindow(demo_ctx)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    win.show_page("results")
    page = win.pages["results"]
    qtbot.waitUntil(lambda: not running_tasks() and page.report is not None, timeout=60000)
    return win


def _panel(page, key: str) -> TablePanel:
    tab = list(page.models).index(key)
    page.tabs.setCurrentIndex(tab)
    panel = page.tabs.widget(tab)
    assert isinstance(panel, TablePanel)
    return panel


def test_key_columns_fit_at_1280(qtbot, window: MainWindow) -> None:
    assert (window.width(), window.height()) == (1280, 720)
    page = window.pages["results"]
    for key, columns in KEY_COLUMNS.items():
        panel = _panel(page, key)
        qtbot.wait(50)  # the tab is laid out and its columns fitted
        assert panel.model.rowCount() > 0, key
        view, model = panel.view, panel.model
        header, width = view.horizontalHeader(), view.viewport().width()
        for column in columns:
            i = model.column_index(column)
            assert not header.isSectionHidden(i), f"{key}: {column} is hidden by default"
            start = header.sectionViewportPosition(i)
            end = start + header.sectionSize(i)
            assert start >= 0 and end <= width, (
                f"{key}: {column} ends at {end} px, the viewport is {width} px wide")
            if column in NAMES:
                assert header.sectionSize(i) >= min(MIN_TEXT_COLUMN, view.sizeHintForColumn(i))
            else:  # a figure or a week: never elided
                assert header.sectionSize(i) >= view.sizeHintForColumn(i), (key, column)
        # at least five rows of figures are visible under the header
        assert view.viewport().height() >= 5 * view.verticalHeader().defaultSectionSize(), key


def test_weeks_read_as_dates_in_words(window: MainWindow) -> None:
    page = window.pages["results"]
    report = page.report
    model = page.models["flows"]
    col = model.column_index("week")
    shown = [model.index(r, col).data() for r in range(model.rowCount())]
    assert not any(re.search(r"\d{4}-W\d\d", s) for s in shown), shown
    # each weekly row names the Monday of its week, worked from the report's own dates
    weekly = report.flows[report.flows["week"] != "all"]
    expected = {f"Week of {d.day} {d:%b %Y}" for d in weekly["week_start"]}
    assert {s for s in shown if s != "All weeks"} == expected
    assert all(d.weekday() == 0 for d in weekly["week_start"])
    totals = (report.flows["week"] == "all").sum()
    assert shown.count("All weeks") == totals > 0


def test_headline_and_method_read_in_words(qtbot, window: MainWindow) -> None:
    page = window.pages["results"]
    assert page.headline.text() and "Nothing to measure" not in page.headline.text()
    assert page.headline.isVisible() and not page.method.isVisible()
    page.how.click()
    assert page.method.isVisible() and "Did the emails work?" in page.method.text()


def test_empty_store_says_nothing_to_measure(qtbot, empty_ctx: AppContext) -> None:
    win = MainWindow(empty_ctx)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    win.show_page("results")
    page = win.pages["results"]
    qtbot.waitUntil(lambda: not running_tasks() and page.report is not None, timeout=60000)
    assert page.headline.text().startswith("Nothing to measure yet")
    assert all(label.text() == "—" for label in page.figure_labels.values())
    # said once, in the headline: no message bar repeating it
    assert not any("nothing to measure" in t.lower() or "no emails have been sent" in t.lower()
                   for t in page.messages.texts())
