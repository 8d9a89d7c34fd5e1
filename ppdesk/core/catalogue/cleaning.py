"""What every catalogue layout shares: column access, numbers, https-only URLs, notes.

A catalogue row is *rejected* (not imported) when it cannot name a variant; a single
unusable cell (a price that is not a number, an image that is not an absolute https
URL) is *dropped* and the rest of the row kept. Both are listed with file, row,
column and reason, so the merchant can fix the export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ppdesk.core.importing.normalise import MAX_REJECTS_LISTED, Reject
from ppdesk.core.importing.parsing import parse_numbers
from ppdesk.core.importing.profiles.base import norm

# Absolute https with a host; no blanks, quotes or angle brackets (they would break the
# HTML of an email or offer, and browsers do not fetch such URLs as written).
# Written for RE2 (pyarrow): its \s is ASCII only, so the blanks Python's \s also
# matches (vertical tab, \x1c-\x1f, \x85, every Unicode space \p{Z}) are spelled out.
_HTTPS = (r"^https://[A-Za-z0-9\-._~%]+(?::[0-9]{1,5})?"
          r"(?:[/?#][^\s\x0b\x1c-\x1f\x85\p{Z}<>\"'`\\]*)?$")
# A money cell as most exports write it ("12.50"): read by one pyarrow cast, without
# the currency/separator analysis ``parse_numbers`` does for the other spellings.
_PLAIN_NUMBER = r"^\d{1,15}(?:\.\d{1,15})?$"


@dataclass
class Notes:
    """Rejected rows and dropped cells of one file, in file order when listed."""

    file: str
    rejected: list[Reject] = field(default_factory=list)
    dropped: list[Reject] = field(default_factory=list)
    rows_rejected: int = 0
    cells_dropped: int = 0

    def reject(self, rows: np.ndarray, column: str | None, reason: str) -> None:
        self.rows_rejected += len(rows)
        room = MAX_REJECTS_LISTED - len(self.rejected)
        self.rejected.extend(Reject(self.file, int(r), column, reason) for r in rows[:room])

    def drop(self, rows: np.ndarray, column: str | None, reasons: list[str]) -> None:
        self.cells_dropped += len(rows)
        room = MAX_REJECTS_LISTED - len(self.dropped)
        self.dropped.extend(Reject(self.file, int(r), column, why)
                            for r, why in zip(rows[:room], reasons[:room], strict=False))

    def sort(self) -> None:
        self.rejected.sort(key=lambda r: r.row or 0)
        self.dropped.sort(key=lambda r: r.row or 0)


class Columns:
    """The raw text columns of a file, looked up by normalised header name."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray,
                 unread: frozenset[str] = frozenset()) -> None:
        self.frame = frame
        self.rows = rows
        self.by_norm = {norm(c): c for c in frame.columns}
        self.unread = unread  # header columns not parsed (the layout does not read them)
        self._stripped: dict[str, pd.Series] = {}

    def _readable(self, name: str) -> None:
        if name in self.unread:
            raise RuntimeError(f"the catalogue layout reads '{name}' but does not list it "
                               "in its reads")

    def has(self, name: str) -> bool:
        self._readable(name)
        return name in self.by_norm

    def name(self, name: str) -> str:
        """The header as written in the file (for notes), else the normalised name."""
        return self.by_norm.get(name, name)

    def get(self, *names: str) -> pd.Series:
        """The first present column of ``names``, stripped text; "" everywhere if none."""
        for n in names:
            self._readable(n)
            if n in self.by_norm:
                # Builders ask for some columns several times: stripped once, handed out
                # as shallow copies (copy-on-write keeps a caller's change its own).
                if n not in self._stripped:
                    self._stripped[n] = (self.frame[self.by_norm[n]].fillna("").astype(str)
                                         .str.strip())
                return self._stripped[n].copy(deep=False)
        return pd.Series("", index=self.frame.index, dtype="str")

    def first_of(self, *names: str) -> str | None:
        for n in names:
            self._readable(n)
        return next((self.by_norm[n] for n in names if n in self.by_norm), None)

    def matching(self, pattern: str) -> list[tuple[str, re.Match[str]]]:
        """(header, match) of every column whose normalised name matches ``pattern``."""
        rx = re.compile(pattern)
        for n in self.unread:
            if rx.fullmatch(n):
                self._readable(n)
        found = [(self.by_norm[n], rx.fullmatch(n)) for n in self.by_norm]
        return [(h, m) for h, m in found if m is not None]


def https_only(values: pd.Series, rows: np.ndarray, column: str, notes: Notes,
               what: str) -> pd.Series:
    """``values`` with every non-empty cell that is not an absolute https URL blanked (noted)."""
    text = arrow_text(values)
    # pyarrow's RE2 directly: pandas' str.match runs this pattern per cell in Python.
    ok = pc.or_(pc.match_substring_regex(text, _HTTPS), pc.equal(text, ""))
    bad = ~ok.to_numpy(zero_copy_only=False)
    if bad.any():
        cells = values.to_numpy(dtype=object)[bad]
        notes.drop(rows[bad], column, [f"the {what} {str(v)[:60]!r} is not an absolute https "
                                       "URL; it was left out" for v in cells])
    return values.where(~bad, "")


def numbers(values: pd.Series, rows: np.ndarray, column: str, notes: Notes,
            what: str) -> np.ndarray:
    """Money cells as float (NaN when empty); a cell that is not a number of zero or more
    is dropped with a note."""
    text = arrow_text(values)
    empty = pc.equal(text, "")
    if pc.all(pc.or_(pc.match_substring_regex(text, _PLAIN_NUMBER), empty)).as_py():
        plain = pc.cast(pc.if_else(empty, pa.scalar(None, text.type), text), pa.float64())
        return np.asarray(plain.to_numpy(zero_copy_only=False), dtype="float64")
    parsed = parse_numbers(values)
    vals = parsed.values.copy()
    bad = parsed.bad | (vals < 0)
    if bad.any():
        cells = values.to_numpy(dtype=object)[bad]
        notes.drop(rows[bad], column, [f"the {what} {str(v)[:40]!r} is not a number of zero or "
                                       "more; it was left out" for v in cells])
        vals[bad] = np.nan
    return vals


def clean_sku(values: pd.Series) -> pd.Series:
    """SKUs without the leading apostrophe a spreadsheet re-save adds ("'25970")."""
    return values.str.replace(r"^'+", "", regex=True).str.strip()


def first_url(values: pd.Series) -> pd.Series:
    """The first URL of a comma-separated list (WooCommerce ``Images``)."""
    return values.str.split(",", n=1).str[0].fillna("").str.strip()


def group_codes(groups: pd.Series) -> np.ndarray:
    """Integer code per row of its group (factorised once, reused by ``fill_within``)."""
    return pd.factorize(groups, sort=False)[0]


def group_first(values: pd.Series, codes: np.ndarray) -> pd.Series:
    """Each group's first non-empty value ("" for a group without one), one row per code
    (product-level cells that exports write only on a product's first row); ``codes``
    from ``group_codes``."""
    filled = (values != "").to_numpy(dtype=bool)
    # Position of each group's first filled row (-1 for a group without one).
    first = np.full(int(codes.max()) + 1 if len(codes) else 0, -1, dtype=np.int64)
    where = np.flatnonzero(filled)[::-1]
    first[codes[where]] = where  # written last-to-first: the first filled row wins
    # pyarrow take: no Python object per cell on the way out and back.
    taken = pc.take(arrow_text(values), pa.array(np.maximum(first, 0)))
    out = pc.if_else(pa.array(first >= 0), taken, "")
    return text_series(out, pd.RangeIndex(len(first)))


def spread(per_group: pd.Series, codes: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """A per-group column (``group_first``) on every row of ``codes``."""
    taken = pc.take(arrow_text(per_group), pa.array(codes, type=pa.int64()))
    return text_series(taken, pd.RangeIndex(len(codes)) if index is None else index)


def fill_within(values: pd.Series, codes: np.ndarray) -> pd.Series:
    """Each group's first non-empty value on every row of the group."""
    return spread(group_first(values, codes), codes, values.index)


def arrow_text(values: pd.Series) -> pa.Array:
    """A text column as one pyarrow string array (zero-copy for pyarrow-backed text)."""
    return pc.fill_null(pa.array(values, type=pa.large_string(), from_pandas=True), "")


def text_series(values: pa.Array, index: pd.Index) -> pd.Series:
    """A pyarrow string array as a ``str`` Series on ``index`` (no Python object per cell)."""
    return pd.Series(pd.array(values, dtype="str"), index=index)


def lookup(keys: pd.Series, table: pd.Series | dict[str, str]) -> pd.Series:
    """``table[key]`` per row as text, "" where the key is not in the table."""
    if isinstance(table, pd.Series) and table.index.is_unique:
        # The table's values as text once, then one take per key (``map`` of the same).
        text = table.astype(object).where(table.notna(), "").to_numpy(dtype=object)
        at = table.index.get_indexer(keys)
        values = pc.take(arrow_text(pd.Series(text, dtype="str")),
                         pa.array(at, mask=at < 0, type=pa.int64()))
        return text_series(pc.fill_null(values, ""), keys.index)
    found = keys.map(table)
    return pd.Series(found.astype(object).where(found.notna(), "").to_numpy(dtype=object),
                     index=keys.index, dtype="str")
