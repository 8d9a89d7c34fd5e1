"""Vectorised parsing of the text cells of order exports: money, quantities, booleans, dates.

Every parser takes a pandas Series of strings (empty string = no value) and
returns numpy arrays plus a ``bad`` mask of cells that held something that could
not be read, so the importer can reject exactly those rows and name the reason.

Parsers work on the column's *unique* values and broadcast back: a million-line
export holds far fewer distinct timestamps and prices than lines, and date
parsing is the hidden cost of an import (pandas with ``%z`` per value is slower
than the whole CSV parse). Dates are matched by regular expressions into parts
and assembled with integer arithmetic; the UTC offset is sliced, never parsed per
value. Day-first versus month-first is decided from the WHOLE column (any first
part above 12 means day-first), never from the first value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_TRUE = frozenset({"true", "yes", "y", "t", "1", "x", "on", "oui", "ja", "si", "sí", "sim"})
_FALSE = frozenset({"false", "no", "n", "f", "0", "off", "non", "nein", "nao", "não"})

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

_TZ = r"(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2}|(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?)"
# Each family: regex with named parts; the assembly below reads the parts by name.
_ISO = (rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})"
        rf"(?:[T ]+(?P<H>\d{{1,2}}):(?P<M>\d{{2}})(?::(?P<S>\d{{2}})(?:[.,]\d+)?)?)?"
        rf"\s*(?P<tz>{_TZ})?$")
_NUMERIC = (rf"^(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})[-/.](?P<y>\d{{4}}|\d{{2}})"
            rf"(?:[T ,]+(?P<H>\d{{1,2}}):(?P<M>\d{{2}})(?::(?P<S>\d{{2}})(?:[.,]\d+)?)?"
            rf"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?\s*(?P<tz>{_TZ})?$")
_DAY_MONTHNAME = (rf"^(?:[A-Za-z]{{3,9}},?\s+)?(?P<d>\d{{1,2}})[\s-]+"
                  rf"(?P<mon>[A-Za-z]{{3,9}})\.?[\s-]+"
                  rf"(?P<y>\d{{4}})(?:,?\s+(?P<H>\d{{1,2}}):(?P<M>\d{{2}})(?::(?P<S>\d{{2}}))?"
                  rf"\s*(?P<ampm>[AaPp][Mm])?)?\s*(?P<tz>{_TZ})?$")
_MONTHNAME_DAY = (rf"^(?:[A-Za-z]{{3,9}},?\s+)?(?P<mon>[A-Za-z]{{3,9}})\.?\s+(?P<d>\d{{1,2}}),?\s+"
                  rf"(?P<y>\d{{4}})(?:,?\s+(?P<H>\d{{1,2}}):(?P<M>\d{{2}})(?::(?P<S>\d{{2}}))?"
                  rf"\s*(?P<ampm>[AaPp][Mm])?)?\s*(?P<tz>{_TZ})?$")
_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"


def text(series: pd.Series) -> pd.Series:
    """Strings with missing values as "" and surrounding blanks removed."""
    return series.fillna("").astype(str).str.strip()


def _distinct(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes into the distinct values, and those values stripped (parse each once)."""
    codes, uniq = pd.factorize(series.fillna(""), sort=False)
    return codes, pd.Series(uniq, dtype=object).astype(str).str.strip()


# What Python's str.strip() removes among ASCII characters (Arrow's trim functions use
# other definitions of whitespace, so they are given these explicitly).
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def _distinct_arrow(series: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """``_distinct`` as Arrow strings, for parsers that work in Arrow anyway.

    A million-line column holds hundreds of thousands of distinct timestamps: taking
    them through Python strings and back costs more than the parse. When every
    distinct value is ASCII the strip is done in Arrow with Python's whitespace; the
    codes and values are the same as ``_distinct``'s (both in first-seen order).
    """
    column = series.array
    if isinstance(column, pd.arrays.ArrowStringArray):
        chunked = column.__arrow_array__()
        flat = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
        if flat.null_count == 0:
            encoded = pc.dictionary_encode(flat)
            values = encoded.dictionary
            if pc.all(pc.string_is_ascii(values)).as_py() is not False:
                codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False),
                                   dtype=np.intp)
                return codes, pc.utf8_trim(values, characters=_ASCII_SPACE).cast(pa.string())
    codes, uniq = _distinct(series)
    return codes, pa.array(uniq.to_numpy(dtype=object), type=pa.string())


# ----------------------------------------------------------------------------- numbers

@dataclass(frozen=True)
class Numbers:
    values: np.ndarray          # float64, NaN where empty or unreadable
    bad: np.ndarray             # bool: non-empty but not a number
    decimal_comma: bool         # how the column was read


def parse_numbers(series: pd.Series) -> Numbers:
    """Read money or quantities: currency symbols, thousands separators, decimal comma.

    Whether ``,`` is the decimal mark is decided once for the column: it is when a
    value ends in a comma followed by one, two or four-plus digits, or when a comma
    comes after a dot (``1.234,50``). ``(12.50)`` is negative, as accountants write it.
    """
    codes, u = _distinct(series)
    uniq = u
    negative_paren = u.str.match(r"^\(.*\)$").to_numpy(dtype=bool)
    # "1.5E+3" as Excel writes a number too wide for its cell: read as the number it is.
    scientific = u.str.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d{1,3}").to_numpy(
        dtype=bool)
    core = u.str.replace(r"[^\d,.\-]", "", regex=True)
    last_comma = core.str.rfind(",")
    last_dot = core.str.rfind(".")
    comma_after_dot = (last_comma > last_dot) & (last_dot >= 0)
    comma_decimal_only = (last_dot < 0) & core.str.contains(r",(?:\d{1,2}|\d{4,})$", regex=True)
    decimal_comma = bool((comma_after_dot | comma_decimal_only).any())
    if decimal_comma:
        core = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        core = core.str.replace(",", "", regex=False)
    # A trailing minus ("12.00-") is how some ledgers write refunds.
    trailing = core.str.endswith("-") & ~core.str.startswith("-")
    core = core.where(~trailing, "-" + core.str.rstrip("-"))
    core = core.where(~scientific, u)
    vals = pd.to_numeric(core.where(core != "", None), errors="coerce").to_numpy(dtype="float64")
    vals = np.where(negative_paren, -np.abs(vals), vals)
    # 400 nines or 1e309 overflow to infinity; no price or quantity is infinite.
    vals = np.where(np.isfinite(vals), vals, np.nan)
    empty_u = (u == "").to_numpy(dtype=bool)
    bad_u = np.isnan(vals) & ~empty_u
    if len(uniq) == 0:
        return Numbers(np.full(len(series), np.nan), np.zeros(len(series), bool), decimal_comma)
    return Numbers(vals[codes], bad_u[codes], decimal_comma)


def parse_bools(series: pd.Series) -> np.ndarray:
    """true/false, yes/no, 1/0 (and a few languages) as float 1.0/0.0, NaN when unknown."""
    codes, uniq = _distinct(series)
    mapped = np.array([1.0 if v in _TRUE else 0.0 if v in _FALSE else np.nan
                       for v in uniq.str.lower()],
                      dtype="float64")
    if len(uniq) == 0:
        return np.full(len(series), np.nan)
    return np.asarray(mapped[codes], dtype="float64")


# ----------------------------------------------------------------------------- dates

@dataclass(frozen=True)
class Dates:
    seconds: np.ndarray         # int64 seconds since 1970 of the LOCAL time as written
    offset_min: np.ndarray      # float64 UTC offset in minutes, NaN when none was written
    ok: np.ndarray              # bool: a date was read
    bad: np.ndarray             # bool: non-empty but unreadable
    out_of_range: np.ndarray    # bool: a real calendar date, but outside years 1900-2200
    dayfirst: bool | None       # how d/m/y numbers were read (None: no such values)


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm), vectorised."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = np.where(m > 2, m - 3, m + 9)
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return np.asarray(era * 146097 + doe - 719468, dtype=np.int64)


def _days_in_month(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    base = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    return np.asarray(base[np.clip(m, 1, 12) - 1] + ((m == 2) & leap), dtype=np.int64)


def _ints(parts: dict[str, Any], name: str, default: int) -> np.ndarray:
    """Integer values of one named part ('' where the optional group did not match)."""
    raw = parts.get(name)
    if raw is None:
        return np.full(parts["_n"].shape[0], default, dtype=np.int64)
    arr = pc.if_else(pc.equal(raw, ""), str(default), raw)
    return np.asarray(pc.cast(arr, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _offsets(parts: dict[str, Any]) -> np.ndarray:
    """'-0400', '+02:00', '+02', 'Z', 'UTC', 'GMT+1' -> minutes (NaN where none), by slicing.

    Computed on the distinct offset texts only (a file holds a handful).
    """
    n = parts["_n"].shape[0]
    raw = parts.get("tz")
    if raw is None:
        return np.full(n, np.nan)
    codes, uniq = pd.factorize(pd.Series(raw.to_numpy(zero_copy_only=False), dtype=object))
    minutes = np.array([_offset_minutes(t) for t in uniq], dtype="float64")
    return minutes[codes] if len(uniq) else np.full(n, np.nan)


def _offset_minutes(tz: str) -> float:
    t = tz.strip().upper()
    if t in ("Z", "UTC", "GMT"):
        return 0.0
    for prefix in ("UTC", "GMT"):
        if t.startswith(prefix):
            t = t[len(prefix):]
    t = t.replace(":", "")
    if len(t) < 2 or t[0] not in "+-" or not t[1:].isdigit():
        return float("nan")
    digits = t[1:]
    digits = digits + "00" if len(digits) <= 2 else digits.zfill(4)
    value = int(digits[:2]) * 60 + int(digits[2:4])
    return float(-value if t[0] == "-" else value)


def _assemble(parts: dict[str, Any], y: np.ndarray, m: np.ndarray, d: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    hour = _ints(parts, "H", 0)
    minute = _ints(parts, "M", 0)
    second = _ints(parts, "S", 0)
    if "ampm" in parts:
        first = pc.utf8_upper(pc.utf8_slice_codeunits(parts["ampm"], 0, 1)).to_numpy(
            zero_copy_only=False)
        pm = first == "P"
        am = first == "A"
        hour = np.where(am & (hour == 12), 0, hour)
        hour = np.where(pm & (hour < 12), hour + 12, hour)
    calendar = ((m >= 1) & (m <= 12) & (d >= 1) & (d <= _days_in_month(y, m))
                & (hour < 24) & (minute < 60) & (second < 60))
    # Years 0 and 9999 are placeholders, not orders; outside this range the day
    # arithmetic below would also overflow for absurd years.
    in_range = (y >= 1900) & (y <= 2200)
    valid = calendar & in_range
    y_safe = np.where(valid, y, 1970)
    secs = _days_from_civil(y_safe, np.where(valid, m, 1), np.where(valid, d, 1)) * 86400 \
        + hour * 3600 + minute * 60 + second
    return np.where(valid, secs, 0), _offsets(parts), valid, calendar & ~in_range


def _year(parts: dict[str, Any]) -> np.ndarray:
    y = _ints(parts, "y", 0)
    two = pc.utf8_length(parts["y"]).to_numpy(zero_copy_only=False) == 2
    # Two-digit years: 00-69 are 2000s, 70-99 are 1900s (the usual spreadsheet pivot).
    return np.asarray(np.where(two, np.where(y < 70, 2000 + y, 1900 + y), y), dtype=np.int64)


def _month_names(parts: dict[str, Any]) -> np.ndarray:
    names = pc.utf8_lower(pc.utf8_slice_codeunits(parts["mon"], 0, 3)).to_numpy(
        zero_copy_only=False)
    return np.array([_MONTHS.get(v, 0) for v in names], dtype=np.int64)


def parse_dates(series: pd.Series, *, default_dayfirst: bool = False) -> Dates:
    """Read order dates as written (local time) with their UTC offset when one is written.

    Accepts ISO 8601 with or without ``T`` and offsets (``-0400``, ``+02:00``, ``Z``,
    ``UTC``), ``MM/DD/YY``, ``DD/MM/YYYY HH:MM``, ``04-30-22``, ``12/1/2010 8:26``,
    ``1/4/2024 3:05 PM``, ``Mon, 23 Sep 2024 14:21:24 +0000``, ``May 1, 2023 10:22 AM``,
    ``31.12.2023`` and ``20230501``. d/m order is decided over the whole column.
    """
    n_rows = len(series)
    codes, u = _distinct_arrow(series)
    n = len(u)
    secs = np.zeros(n, dtype=np.int64)
    offs = np.full(n, np.nan)
    ok = np.zeros(n, dtype=bool)
    far = np.zeros(n, dtype=bool)
    dayfirst: bool | None = None
    nonempty = pc.not_equal(u, "").to_numpy(zero_copy_only=False)
    todo = nonempty.copy()

    def family(pattern: str) -> tuple[np.ndarray, dict[str, Any]]:
        idx = np.flatnonzero(todo)
        struct = pc.extract_regex(u.take(pa.array(idx)), pattern)
        hit = struct.is_valid().to_numpy(zero_copy_only=False)
        idx = idx[hit]
        struct = struct.filter(pa.array(hit))
        parts = {struct.type.field(i).name: struct.field(i) for i in range(struct.type.num_fields)}
        parts["_n"] = np.empty(len(idx))
        return idx, parts

    idx, parts = family(_ISO)
    if len(idx):
        secs[idx], offs[idx], ok[idx], far[idx] = _assemble(
            parts, _ints(parts, "y", 0), _ints(parts, "m", 0), _ints(parts, "d", 0))
        todo[idx] = False

    idx, parts = family(_NUMERIC)
    if len(idx):
        a, b = _ints(parts, "a", 0), _ints(parts, "b", 0)
        if (a > 12).any():
            dayfirst = True
        elif (b > 12).any():
            dayfirst = False
        elif pc.any(pc.equal(parts["sep"], ".")).as_py():
            dayfirst = True  # 31.12.2023 is how German-speaking shops write dates
        else:
            dayfirst = default_dayfirst
        d, m = (a, b) if dayfirst else (b, a)
        secs[idx], offs[idx], ok[idx], far[idx] = _assemble(parts, _year(parts), m, d)
        todo[idx] = False

    for pattern in (_DAY_MONTHNAME, _MONTHNAME_DAY):
        idx, parts = family(pattern)
        if len(idx):
            secs[idx], offs[idx], ok[idx], far[idx] = _assemble(
                parts, _ints(parts, "y", 0), _month_names(parts), _ints(parts, "d", 0))
            todo[idx] = False

    idx, parts = family(_COMPACT)
    if len(idx):
        secs[idx], offs[idx], ok[idx], far[idx] = _assemble(
            parts, _ints(parts, "y", 0), _ints(parts, "m", 0), _ints(parts, "d", 0))

    if n == 0:
        return Dates(np.zeros(n_rows, dtype=np.int64), np.full(n_rows, np.nan),
                     np.zeros(n_rows, bool), np.zeros(n_rows, bool), np.zeros(n_rows, bool),
                     None)
    return Dates(secs[codes], offs[codes], ok[codes], (nonempty & ~ok)[codes], far[codes],
                 dayfirst)


def format_local(seconds: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """'YYYY-MM-DD HH:MM:SS' and 'YYYY-MM-DD' strings of local-time seconds (Arrow strftime)."""
    stamps = pa.array(np.asarray(seconds, dtype=np.int64), type=pa.timestamp("s"))
    full = pc.strftime(stamps, format="%Y-%m-%d %H:%M:%S")
    day = pc.utf8_slice_codeunits(full, 0, 10)
    return pd.Series(full.to_pandas(), dtype="str"), pd.Series(day.to_pandas(), dtype="str")
