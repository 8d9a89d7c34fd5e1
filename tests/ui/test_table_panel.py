"""TablePanel on real widgets: column chooser, honest sort arrow, figures fit the window."""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QMenu

from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel, wrap_header
from ppdesk.ui.pages.products_page import ThumbnailModel
from ppdesk.ui.widgets.table_panel import MIN_TEXT_COLUMN, VISIBLE_ROWS, TablePanel

LONG = "Ethiopia Yirgacheffe Coffee Beans - 250g / Whole Bean / Gift Box Edition"
COLUMNS = [
    Column("name", "Product"),
    Column("partner", "Bought with"),
    Column("orders", "Orders together", "int"),
    Column("lift", "Lift", "float2"),
    Column("key", "Key"),
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [LONG, "Mug", "Filters (100 pack)", "Kettle"],
            "partner": ["Pour-Over Dripper V60 Ceramic White " * 2, "Beans", "Dripper", "Scale"],
            "orders": [40, 33, 31, 12],
            "lift": [2.8, 1.2, 3.5, 0.9],
            "key": ["k1", "k2", "k3", "k4"],
        }
    )


def _panel(qtbot, **kwargs) -> TablePanel:
    panel = TablePanel(DataFrameTableModel(_frame(), COLUMNS), **kwargs)
    qtbot.addWidget(panel)
    panel.resize(700, 400)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _menu_actions(panel: TablePanel) -> dict[str, object]:
    menu = QMenu(panel)
    panel._fill_column_menu(menu)
    return {a.text(): a for a in menu.actions()}


def test_column_chooser_hides_and_shows_columns(qtbot) -> None:
    panel = _panel(qtbot, hidden=("key",))
    header = panel.view.horizontalHeader()
    assert header.isSectionHidden(4) and not header.isSectionHidden(3)
    actions = _menu_actions(panel)
    assert [a.isChecked() for a in actions.values()] == [True, True, True, True, False]
    actions["Lift"].trigger()  # untick: hide
    assert header.isSectionHidden(3)
    _menu_actions(panel)["Key"].trigger()  # tick: show
    assert not header.isSectionHidden(4)
    assert panel.visible_keys() == ["name", "partner", "orders", "key"]
    # the header's right-click menu is wired to the same chooser
    assert header.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    assert panel.columns_button.isVisible() and panel.columns_button.menu() is not None


def test_the_last_visible_column_cannot_be_hidden(qtbot) -> None:
    panel = _panel(qtbot, hidden=("partner", "orders", "lift", "key"))
    actions = _menu_actions(panel)
    assert not actions["Product"].isEnabled()
    panel.set_column_visible("name", False)
    assert panel.visible_keys() == ["name"]
    assert not panel.view.horizontalHeader().isSectionHidden(0)


def test_hidden_columns_stay_hidden_when_the_data_changes(qtbot) -> None:
    panel = _panel(qtbot, hidden=("key",))
    panel.model.set_frame(_frame().iloc[:2], list(reversed(COLUMNS)))
    header = panel.view.horizontalHeader()
    assert header.isSectionHidden(0)  # "key" is now the first column
    assert [header.isSectionHidden(i) for i in range(1, 5)] == [False] * 4


def test_sort_arrow_is_only_on_the_column_really_sorted(qtbot) -> None:
    panel = _panel(qtbot)
    header, model = panel.view.horizontalHeader(), panel.model
    # no arrow and the page's own order, until the merchant sorts
    assert header.sortIndicatorSection() == -1
    assert [model.data(model.index(r, 0)) for r in range(4)] == _frame()["name"].tolist()
    x = header.sectionViewportPosition(3) + header.sectionSize(3) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == 3
    shown = [model.data(model.index(r, 3)) for r in range(4)]
    expected = sorted(_frame()["lift"].tolist(), reverse=header.sortIndicatorOrder()
                      == Qt.SortOrder.DescendingOrder)
    assert shown == [f"{v:.2f}" for v in expected]
    # a new column set keeps the sort on the same figure, and the arrow moves with it
    model.set_frame(_frame(), [COLUMNS[3], COLUMNS[0], COLUMNS[2]])
    assert header.sortIndicatorSection() == 0 and model.sort_state() is not None
    assert [model.data(model.index(r, 0)) for r in range(4)] == [f"{v:.2f}" for v in expected]
    # a column set without that figure: back to the page's order and no arrow
    model.set_frame(_frame(), [COLUMNS[0], COLUMNS[2]])
    assert header.sortIndicatorSection() == -1
    assert [model.data(model.index(r, 0)) for r in range(4)] == _frame()["name"].tolist()


def test_figures_fit_the_width_and_names_have_tooltips(qtbot) -> None:
    panel = _panel(qtbot, hidden=("key",))
    panel.resize_columns()
    header, view = panel.view.horizontalHeader(), panel.view
    visible = [i for i in range(header.count()) if not header.isSectionHidden(i)]
    assert sum(header.sectionSize(i) for i in visible) <= view.viewport().width()
    for i in (2, 3):  # numbers keep their full width
        assert header.sectionSize(i) >= view.sizeHintForColumn(i)
    assert MIN_TEXT_COLUMN <= header.sectionSize(0) < view.sizeHintForColumn(0)
    model = panel.model
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == LONG
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole) is None
    # wide window: the long names are shown whole, beyond the 260 px a column starts at
    panel.resize(1500, 400)
    qtbot.waitUntil(lambda: header.sectionSize(0) >= view.sizeHintForColumn(0) > 260)
    assert header.sectionSize(1) >= view.sizeHintForColumn(1)


def test_a_table_shows_enough_rows(qtbot) -> None:
    panel = _panel(qtbot)
    rows = panel.view.minimumHeight() // panel.view.verticalHeader().defaultSectionSize()
    assert rows >= VISIBLE_ROWS


def test_thumbnail_model_passes_qtmodeltester(qtmodeltester, qtbot) -> None:
    model = ThumbnailModel()
    frame = pd.DataFrame(
        {
            "title": ["Mug", "Beans"],
            "variant_title": ["", "250g"],
            "sku": ["M1", "B1"],
            "price": [12.0, 9.5],
            "cost": [4.0, None],
            "orders": [3, 8],
            "photo": [True, False],
            "link": [True, True],
            "platform_variant_id": ["1", "2"],
            "parent": ["", ""],
            "product_key": ["mug", "beans"],
            "image_url": ["https://example.test/m.png", None],
        }
    )
    model.set_frame(frame)
    pixmap = QPixmap(8, 8)
    pixmap.fill(QColor("red"))
    model.add_icons({"https://example.test/m.png": QIcon(pixmap)})
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.sort(-1)
    qtmodeltester.check(model)


@pytest.mark.parametrize(
    ("header", "lines"),
    [
        ("Lift", ["Lift"]),
        ("Customers", ["Customers"]),
        ("Bought again", ["Bought", "again"]),
        ("Between purchases (median days)", ["Between", "purchases", "(median days)"]),
        ("Reminder after 1st purchase (day)", ["Reminder", "after 1st", "purchase (day)"]),
    ],
)
def test_long_headers_wrap_on_balanced_lines(header, lines) -> None:
    assert wrap_header(header).split("\n") == lines
    model = DataFrameTableModel(pd.DataFrame({"x": ["a"]}), [Column("x", header)])
    assert model.headerData(0, Qt.Orientation.Horizontal) == "\n".join(lines)
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == header


@pytest.mark.parametrize(
    ("header", "lines"),
    [
        ("Lift", ["Lift"]),
        ("Bought again", ["Bought", "again"]),
        ("Fluke rate (corrected)", ["Fluke rate", "(corrected)"]),
        ("Between purchases (median days)", ["Between", "purchases", "(median", "days)"]),
        ("Reminder after 1st purchase (day)", ["Reminder", "after 1st", "purchase", "(day)"]),
        # five lines at the longest word's width: one character wider gives four
        ("Reminder after later purchases (day)", ["Reminder", "after later", "purchases", "(day)"]),
    ],
)
def test_number_headers_wrap_as_narrow_as_their_longest_word(header, lines) -> None:
    """A column of short figures is as wide as its header's longest word, not its title."""
    model = DataFrameTableModel(pd.DataFrame({"x": [1]}), [Column("x", header, "int")])
    assert model.headerData(0, Qt.Orientation.Horizontal) == "\n".join(lines)
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == header


def test_short_texts_and_figures_stay_whole_when_names_give_way(qtbot) -> None:
    """A narrow table: the long names shrink (not below MIN_TEXT_COLUMN); the short text
    ("Key": k1..k4) keeps its own width, neither cut nor widened to the names' minimum."""
    panel = _panel(qtbot)
    panel.resize(560, 400)
    panel.resize_columns()
    header, view = panel.view.horizontalHeader(), panel.view
    key_width = max(view.sizeHintForColumn(4), 0)
    assert header.sectionSize(4) < MIN_TEXT_COLUMN
    assert header.sectionSize(4) >= key_width
    for i in (2, 3):
        assert header.sectionSize(i) >= view.sizeHintForColumn(i)
    ends = [header.sectionPosition(i) + header.sectionSize(i) for i in range(5)]
    assert max(ends) <= view.viewport().width()
    assert header.sectionSize(0) >= MIN_TEXT_COLUMN


def test_the_row_count_says_row_for_one(qtbot) -> None:
    panel = _panel(qtbot)
    assert panel.count_label.text() == "4 rows"
    panel.filter_edit.setText("Kettle")
    assert panel.count_label.text() == "1 of 4 rows"
    panel.model.set_frame(_frame().head(1))
    panel.filter_edit.clear()
    assert panel.count_label.text() == "1 row"


def test_long_text_that_was_cut_wraps_to_a_second_line(qtbot) -> None:
    """wrap_long_text: a name cut to fit gets two-line rows, whole words on each line."""
    panel = _panel(qtbot, wrap_long_text=True)
    panel.resize_columns()
    header = panel.view.horizontalHeader()
    assert header.sectionSize(0) < panel._content[0]     # LONG did not fit in one line
    assert panel.wrapped and panel.view.wordWrap()
    line = panel.view.fontMetrics().lineSpacing()
    assert panel.view.rowHeight(0) >= 2 * line
    # the first row's text laid out in its column needs the two lines it is given
    width = header.sectionSize(0) - 8
    lines = panel.view.fontMetrics().boundingRect(
        0, 0, width, 1000, int(Qt.TextFlag.TextWordWrap), LONG).height() // line
    assert lines >= 2


def test_short_texts_keep_one_line_rows(qtbot) -> None:
    short = pd.DataFrame({"name": ["Mug", "Kettle"], "partner": ["Beans", "Scale"],
                          "orders": [3, 2], "lift": [1.0, 2.0], "key": ["a", "b"]})
    panel = TablePanel(DataFrameTableModel(short, COLUMNS), wrap_long_text=True)
    qtbot.addWidget(panel)
    panel.resize(700, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.resize_columns()
    assert not panel.wrapped and panel.view.rowHeight(0) == 24


def test_without_the_option_rows_stay_one_line(qtbot) -> None:
    panel = _panel(qtbot)
    panel.resize_columns()
    assert not panel.wrapped and panel.view.rowHeight(0) == 24
