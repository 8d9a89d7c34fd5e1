"""At 1280x720 on the demo store, the columns that matter are inside the table's viewport.

Each page's table is read the way a merchant sees it: the header section of every key
column must end inside the viewport (not behind the scrollbar or the edge), and long
names must keep at least ``MIN_TEXT_COLUMN`` (or all they need).
"""

from __future__ import annotations

import pytest

from ppdesk.core.flows import states
from ppdesk.ui.context import AppContext
from ppdesk.ui.main_window import MainWindow
from ppdesk.ui.tasks import running_tasks
from ppdesk.ui.widgets.table_panel import MIN_TEXT_COLUMN

KEY_COLUMNS = {
    "pairs": ["name_a", "name_b", "orders_together", "confidence_a_b", "lift", "q_value",
              "recommendable"],
    "timing": ["name", "repeat_customers", "median_days_between", "trigger_day_first",
               "replenishable"],
    "outbox": ["due_local", "flow_name", "email", "state", "subject"],
}
NAMES = {"name_a", "name_b", "name", "email", "subject"}


@pytest.fixture
def window(qtbot, demo_ctx: AppContext) -> MainWindow:
    # the demo's outbox is empty: Live flows give the Outbox page real rows (nothing is sent)
    states.go_live(demo_ctx.store, ["cross_sell", "replenishment"], overdue="send")
    win = MainWindow(demo_ctx)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.mark.parametrize("key", list(KEY_COLUMNS))
def test_key_columns_are_inside_the_viewport(qtbot, window: MainWindow, key: str) -> None:
    assert (window.width(), window.height()) == (1280, 720)
    window.show_page(key)
    page = window.pages[key]
    qtbot.waitUntil(lambda: not running_tasks() and page.model.rowCount() > 0, timeout=60000)
    qtbot.wait(50)   # the layout settles (a scrollbar appearing narrows the viewport)
    view = page.table.view
    header, model = view.horizontalHeader(), page.model
    width = view.viewport().width()
    for column in KEY_COLUMNS[key]:
        i = model.column_index(column)
        assert not header.isSectionHidden(i), f"{key}: {column} is hidden by default"
        end = header.sectionViewportPosition(i) + header.sectionSize(i)
        assert header.sectionViewportPosition(i) >= 0 and end <= width, (
            f"{key}: {column} ends at {end} px, the viewport is {width} px wide")
        if column in NAMES:
            assert header.sectionSize(i) >= min(MIN_TEXT_COLUMN, view.sizeHintForColumn(i))
        else:   # a figure or short text: its cells are never elided
            assert header.sectionSize(i) >= view.sizeHintForColumn(i), column
    assert not view.horizontalScrollBar().isVisible() or \
        view.horizontalScrollBar().maximum() == 0


def test_the_flows_reasons_show_their_counts(qtbot, window: MainWindow) -> None:
    """The "Emails" count of each reason a preview would not send is on screen, whole."""
    window.show_page("flows")
    page = window.pages["flows"]
    qtbot.waitUntil(lambda: not running_tasks() and page.skip_model.rowCount() > 0,
                    timeout=60000)
    qtbot.wait(50)
    view = page.skip_table.view
    header = view.horizontalHeader()
    i = page.skip_model.column_index("count")
    end = header.sectionViewportPosition(i) + header.sectionSize(i)
    assert not header.isSectionHidden(i)
    assert header.sectionViewportPosition(i) >= 0 and end <= view.viewport().width()
    assert header.sectionSize(i) >= view.sizeHintForColumn(i)
