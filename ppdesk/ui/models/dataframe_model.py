"""``DataFrameTableModel``: the one table model, a view over a pandas DataFrame.

Nothing is copied into item widgets. When data arrives, each visible column is
formatted once, vectorised, into an array of display strings; ``data()`` is then
an array lookup. Sorting happens in pandas (stable, case-insensitive for text,
blanks last) between ``layoutAboutToBeChanged``/``layoutChanged`` with the
persistent indexes moved; filtering happens in pandas on the display strings, so
a million-row frame needs no proxy model.

Roles: DisplayRole (formatted text), ``SORT_ROLE``/``RAW_ROLE`` (the raw value),
TextAlignmentRole (numbers right-aligned), ToolTipRole (the column's tooltip on
the header; the full text on a text cell, which a narrow column elides).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from ppdesk.core.local_time import MOMENT_FORMAT
from ppdesk.core.safety import spreadsheet_safe

Fmt = Literal[
    "text",
    "int",
    "float1",
    "float2",
    "float3",
    "percent",
    "pvalue",
    "date",
    "datetime",
    "bool",
    "money",
]
RAW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = RAW_ROLE
_NUMERIC = {"int", "float1", "float2", "float3", "percent", "pvalue", "money"}
_ANY_INDEX = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """How one DataFrame column is shown: its key, header, format and header tooltip."""

    key: str
    header: str
    fmt: Fmt = "text"
    tooltip: str = ""


def wrap_header(header: str, short: int = 10, *, narrow: bool = False) -> str:
    """A long header on two or three balanced lines, so a column of short numbers is not
    as wide as "Between purchases (median days)" (Qt headers grow to fit the lines).

    ``narrow`` (number, date and yes/no columns, whose cells are short): lines as short
    as the longest word allows, up to four, so the header is not what makes the column
    wide ("Between / purchases / (median / days)").
    """
    if len(header) <= short or " " not in header:
        return header
    words = header.split()
    if narrow:
        target = max(9, *(len(w) for w in words))
        while True:
            lines = _greedy(words, target)
            if len(lines) <= 4:
                return "\n".join(lines)
            target += 1
    n_lines = 2 if len(header) <= 26 else 3
    target = len(header) / n_lines + 2
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > target and len(lines) < n_lines - 1:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return "\n".join([*lines, current])


def _greedy(words: list[str], width: int) -> list[str]:
    """Words on lines of at most ``width`` characters (a longer word alone on its line)."""
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current]


def _thousands(strings: pd.Series) -> pd.Series:
    return strings.str.replace(r"(\d)(?=(\d{3})+(?!\d))", r"\1,", regex=True)


DATE_FORMAT = MOMENT_FORMAT.split(" %H")[0]   # "14 Mar 2026"


def format_column(values: pd.Series, fmt: Fmt) -> np.ndarray:
    """Display strings for a whole column at once; blanks and NaN show as an em dash."""
    blank = values.isna().to_numpy()
    if fmt == "text":
        return values.astype("object").where(~blank, "").astype(str).to_numpy(dtype=object)
    if fmt in ("date", "datetime"):
        stamps = pd.to_datetime(values, errors="coerce")
        # the app's one way to write a moment ("14 Mar 2026 09:00"): no month/day doubt
        pattern = DATE_FORMAT if fmt == "date" else MOMENT_FORMAT
        text = stamps.dt.strftime(pattern)
        blank = blank | text.isna().to_numpy()
        out = text.astype("object").to_numpy(dtype=object)
    elif fmt == "bool":
        out = np.where(values.fillna(False).astype(bool).to_numpy(), "Yes", "No").astype(object)
    else:
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        blank = blank | numbers.isna().to_numpy()
        filled = numbers.fillna(0.0).to_numpy()
        if fmt == "int":
            text = pd.Series(np.char.mod("%d", np.round(filled).astype(np.int64)))
            out = _thousands(text).to_numpy(dtype=object)
        elif fmt == "money":
            out = _thousands(pd.Series(np.char.mod("%.2f", filled))).to_numpy(dtype=object)
        elif fmt == "percent":
            out = np.char.mod("%.1f%%", filled * 100.0).astype(object)
        elif fmt == "pvalue":
            # a chance reads as a percent ("3.2%"), not as the statistician's 0.032
            out = np.where(filled < 0.001, "< 0.1%",
                           np.char.mod("%.1f%%", filled * 100.0)).astype(object)
        else:
            digits = {"float1": 1, "float2": 2, "float3": 3}[fmt]
            out = _thousands(pd.Series(np.char.mod(f"%.{digits}f", filled))).to_numpy(dtype=object)
    out = out.astype(object)
    out[blank] = "—"
    return out


class DataFrameTableModel(QAbstractTableModel):
    """A sortable, filterable, read-only table over ``frame`` showing ``columns``."""

    def __init__(
        self, frame: pd.DataFrame | None = None, columns: Sequence[Column] = (), parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._frame = pd.DataFrame()
        self._columns: list[Column] = []
        self._display: list[np.ndarray] = []
        self._sorted = np.arange(0, dtype=np.int64)  # frame positions in sort order
        self._view = np.arange(0, dtype=np.int64)  # the visible subset of ``_sorted``
        # by key, not position: a new column set (pairs: same order / bought later) keeps it
        self._sort: tuple[str, Qt.SortOrder] | None = None
        self._text = ""
        self._equals: dict[str, frozenset[Any]] = {}
        if frame is not None:
            self.set_frame(frame, columns)

    # -- data in --------------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame, columns: Sequence[Column] | None = None) -> None:
        """Swap in new data (keeps the current sort and filter)."""
        self.beginResetModel()
        self._frame = frame.reset_index(drop=True)
        if columns is not None:
            self._columns = [c for c in columns if c.key in self._frame.columns]
        self._display = [format_column(self._frame[c.key], c.fmt) for c in self._columns]
        self._sorted = self._sorted_positions()
        self._view = self._apply_filter(self._sorted)
        self.endResetModel()

    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    def visible_frame(self) -> pd.DataFrame:
        """The rows the view shows, in the order shown."""
        return self._frame.iloc[self._view]

    def row_series(self, row: int) -> pd.Series:
        """The raw DataFrame row behind view row ``row``."""
        return self._frame.iloc[int(self._view[row])]

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self._columns) if c.key == key)

    def sort_state(self) -> tuple[int, Qt.SortOrder] | None:
        """The column (index among the shown columns) and order rows are sorted by, or
        None when they are in the order the page handed over."""
        if self._sort is None:
            return None
        key, order = self._sort
        keys = [c.key for c in self._columns]
        return (keys.index(key), order) if key in keys else None

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _ANY_INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or index.row() >= len(self._view)
            or index.column() >= len(self._columns)
        ):
            return None
        col = index.column()
        pos = int(self._view[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[col][pos]
        if role == RAW_ROLE:
            value = self._frame.iat[pos, self._frame.columns.get_loc(self._columns[col].key)]
            return value.item() if isinstance(value, np.generic) else value
        if role == Qt.ItemDataRole.ToolTipRole:
            # a long product name is elided in its column; the tooltip gives it whole
            text = self._display[col][pos]
            return text if self._columns[col].fmt == "text" and text else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self._columns[col].fmt in _NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            if role == Qt.ItemDataRole.DisplayRole:
                column = self._columns[section]
                return wrap_header(column.header, narrow=column.fmt != "text")
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._columns[section].tooltip or self._columns[section].header
        if (
            orientation == Qt.Orientation.Vertical
            and role == Qt.ItemDataRole.DisplayRole
            and (0 <= section < len(self._view))
        ):
            return str(section + 1)
        return None

    def flags(self, index: _ANY_INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column``; -1 (Qt's "no sort column") restores the page's own order."""
        if column >= len(self._columns):
            return
        self._sort = (self._columns[column].key, order) if column >= 0 else None
        self._relayout(self._sorted_positions())

    # -- filtering -----------------------------------------------------------------------
    def set_filter(
        self, text: str | None = None, *, equals: dict[str, Iterable[Any] | None] | None = None
    ) -> None:
        """Show rows whose text contains ``text`` (any column, case-insensitive) and whose
        ``equals`` columns hold one of the given values (None removes that condition)."""
        if text is not None:
            self._text = text.strip()
        for key, values in (equals or {}).items():
            if values is None:
                self._equals.pop(key, None)
            else:
                self._equals[key] = frozenset(values)
        self.beginResetModel()
        self._view = self._apply_filter(self._sorted)
        self.endResetModel()

    # -- export --------------------------------------------------------------------------
    def save_csv(self, path: Path) -> int:
        """Write the visible rows (raw values, shown headers) as CSV; text is made
        spreadsheet-safe so a cell like ``=HYPERLINK(...)`` is never run. Returns rows."""
        out = self.visible_frame()[[c.key for c in self._columns]].copy()
        for c in self._columns:
            if not pd.api.types.is_numeric_dtype(out[c.key]) and not pd.api.types.is_bool_dtype(
                out[c.key]
            ):
                out[c.key] = (
                    out[c.key]
                    .astype("object")
                    .where(out[c.key].notna(), "")
                    .astype(str)
                    .map(spreadsheet_safe)
                )
        out.columns = [spreadsheet_safe(c.header) for c in self._columns]
        out.to_csv(path, index=False, encoding="utf-8-sig")  # BOM: Excel opens UTF-8 right
        return len(out)

    # -- internals -----------------------------------------------------------------------
    def _sorted_positions(self) -> np.ndarray:
        n = len(self._frame)
        state = self.sort_state()
        if state is None:
            return np.arange(n, dtype=np.int64)
        col, order = state
        column = self._columns[col]
        values = self._frame[column.key]
        key = None
        if column.fmt == "text":
            values = values.astype("object").where(values.notna(), None)
            key = lambda s: s.astype(str).str.casefold()  # noqa: E731 - pandas sort key
        ordered = values.sort_values(
            ascending=order == Qt.SortOrder.AscendingOrder,
            kind="stable",
            na_position="last",
            key=key,
        )
        return ordered.index.to_numpy(dtype=np.int64)

    def _apply_filter(self, positions: np.ndarray) -> np.ndarray:
        if len(positions) == 0 or (not self._text and not self._equals):
            return positions
        mask = np.ones(len(self._frame), dtype=bool)
        if self._text:
            hit = np.zeros(len(self._frame), dtype=bool)
            for strings in self._display:
                hit |= (
                    pd.Series(strings)
                    .str.contains(self._text, case=False, regex=False)
                    .to_numpy(dtype=bool)
                )
            mask &= hit
        for key, allowed in self._equals.items():
            if key in self._frame.columns:
                mask &= self._frame[key].isin(list(allowed)).to_numpy(dtype=bool)
        return positions[mask[positions]]

    def _relayout(self, new_sorted: np.ndarray) -> None:
        self.layoutAboutToBeChanged.emit()
        old_view = self._view
        self._sorted = new_sorted
        self._view = self._apply_filter(new_sorted)
        row_of = np.full(len(self._frame), -1, dtype=np.int64)
        row_of[self._view] = np.arange(len(self._view), dtype=np.int64)
        old = self.persistentIndexList()
        new = []
        for index in old:
            row = int(row_of[old_view[index.row()]]) if 0 <= index.row() < len(old_view) else -1
            new.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
