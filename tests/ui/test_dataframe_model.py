"""DataFrameTableModel: Qt's model rules (qtmodeltester), formatting, sort, filter, CSV export."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from ppdesk.ui.models.dataframe_model import RAW_ROLE, Column, DataFrameTableModel

COLUMNS = [
    Column("name", "Product"),
    Column("orders", "Orders", "int"),
    Column("lift", "Lift", "float2"),
    Column("share", "Share", "percent"),
    Column("day", "Day", "date"),
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["beta", "Alpha", "=cmd|' /C calc'!A0", "delta", None],
            "orders": [1200, 5, 30, 30, 7],
            "lift": [1.5, np.nan, 2.25, 0.5, 3.0],
            "share": [0.1234, 0.5, 0.0, 1.0, 0.25],
            "day": pd.to_datetime(["2024-01-02", "2024-03-04", None, "2023-12-31", "2024-02-29"]),
            "hidden": [1, 2, 3, 4, 5],
        }
    )


def _column_text(model: DataFrameTableModel, col: int) -> list[str]:
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def test_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = DataFrameTableModel(_frame(), COLUMNS)
    qtmodeltester.check(model)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_filter("a")
    qtmodeltester.check(model)


def test_display_strings_are_formatted_per_column(qapp) -> None:
    model = DataFrameTableModel(_frame(), COLUMNS)
    assert model.columnCount() == 5  # "hidden" is not a shown column
    assert _column_text(model, 1) == ["1,200", "5", "30", "30", "7"]
    assert _column_text(model, 2) == ["1.50", "—", "2.25", "0.50", "3.00"]
    assert _column_text(model, 3) == ["12.3%", "50.0%", "0.0%", "100.0%", "25.0%"]
    assert _column_text(model, 4) == ["02 Jan 2024", "04 Mar 2024", "—", "31 Dec 2023",
                                      "29 Feb 2024"]
    assert _column_text(model, 0)[4] == ""
    assert model.data(model.index(0, 1), RAW_ROLE) == 1200
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Lift"
    right = model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole)
    assert right & int(Qt.AlignmentFlag.AlignRight)


def test_sort_is_stable_with_blanks_last_and_moves_persistent_indexes(qapp) -> None:
    model = DataFrameTableModel(_frame(), COLUMNS)
    keep = QPersistentModelIndex(model.index(0, 0))  # "beta"
    model.sort(1, Qt.SortOrder.AscendingOrder)
    # 5, 7, 30 (row 2 before row 3: stable), 30, 1200
    assert _column_text(model, 1) == ["5", "7", "30", "30", "1,200"]
    assert _column_text(model, 0)[2:4] == ["=cmd|' /C calc'!A0", "delta"]
    assert keep.row() == 4 and model.data(QModelIndex(keep)) == "beta"
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert _column_text(model, 2) == ["3.00", "2.25", "1.50", "0.50", "—"]
    model.sort(0, Qt.SortOrder.AscendingOrder)  # case-insensitive text
    assert _column_text(model, 0)[:3] == ["=cmd|' /C calc'!A0", "Alpha", "beta"]


def test_filter_text_and_values_keep_the_sort(qapp) -> None:
    model = DataFrameTableModel(_frame(), COLUMNS)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_filter("ta")  # beta, delta
    assert _column_text(model, 0) == ["beta", "delta"]
    model.set_filter("", equals={"orders": [30, 7]})
    assert _column_text(model, 1) == ["30", "30", "7"]
    model.set_filter("", equals={"orders": None})
    assert model.rowCount() == 5
    model.set_frame(_frame().iloc[:2])
    assert _column_text(model, 1) == ["1,200", "5"]  # sort survives new data


def test_save_csv_writes_visible_rows_spreadsheet_safe(qapp, tmp_path: Path) -> None:
    model = DataFrameTableModel(_frame(), COLUMNS)
    model.set_filter("", equals={"orders": [30]})
    path = tmp_path / "out.csv"
    assert model.save_csv(path) == 2
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Product", "Orders", "Lift", "Share", "Day"]
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[2][0] == "delta" and rows[2][1] == "30"
