"""Money, quantities, booleans and dates, checked against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ppdesk.core.importing.parsing import parse_bools, parse_dates, parse_numbers


def _local(seconds: np.ndarray) -> list[str]:
    return [str(np.datetime64(int(s), "s")).replace("T", " ") for s in seconds]


@pytest.mark.parametrize(("text", "local", "offset"), [
    ("2023-05-01 10:22:33 -0400", "2023-05-01 10:22:33", -240),
    ("2023-05-01T10:22:33+02:00", "2023-05-01 10:22:33", 120),
    ("2023-05-01T10:22:33Z", "2023-05-01 10:22:33", 0),
    ("2023-05-01 10:22:33 UTC", "2023-05-01 10:22:33", 0),
    ("2024-10-08T16:15:14", "2024-10-08 16:15:14", None),
    ("2024-03-10T02:30:00+05:30", "2024-03-10 02:30:00", 330),
    ("2023-05-01", "2023-05-01 00:00:00", None),
    ("Mon, 23 Sep 2024 14:21:24 +0000", "2024-09-23 14:21:24", 0),
    ("May 1, 2023 10:22:33 PM", "2023-05-01 22:22:33", None),
    ("12/1/2010 8:26", "2010-12-01 08:26:00", None),
    ("04-30-22", "2022-04-30 00:00:00", None),
    ("1/4/2024 12:05 AM", "2024-01-04 00:05:00", None),
    ("20230501", "2023-05-01 00:00:00", None),
])
def test_date_formats(text: str, local: str, offset: int | None) -> None:
    result = parse_dates(pd.Series([text]))
    assert result.ok.tolist() == [True]
    assert _local(result.seconds) == [local]
    got = result.offset_min[0]
    assert (np.isnan(got) if offset is None else got == offset)


def test_day_first_is_decided_from_the_whole_column() -> None:
    dates = parse_dates(pd.Series(["03/04/2024 10:00", "05/06/2024", "13/04/2024 11:00"]))
    assert dates.dayfirst is True
    assert _local(dates.seconds) == ["2024-04-03 10:00:00", "2024-06-05 00:00:00",
                                     "2024-04-13 11:00:00"]
    us = parse_dates(pd.Series(["03/04/2024", "04/13/2024"]))
    assert us.dayfirst is False and _local(us.seconds)[0] == "2024-03-04 00:00:00"
    german = parse_dates(pd.Series(["03.04.2024"]))
    assert german.dayfirst is True and _local(german.seconds) == ["2024-04-03 00:00:00"]


def test_unreadable_and_impossible_dates_are_bad_empty_is_not() -> None:
    dates = parse_dates(pd.Series(["2024-02-30 10:00:00", "soon", "", "2024-02-29"]))
    assert dates.ok.tolist() == [False, False, False, True]
    assert dates.bad.tolist() == [True, True, False, False]


def test_mixed_offsets_across_dst_keep_local_time() -> None:
    dates = parse_dates(pd.Series(["2024-03-09 23:59:00 -0500", "2024-03-10 03:30:00 -0400"]))
    assert dates.offset_min.tolist() == [-300, -240]
    assert _local(dates.seconds) == ["2024-03-09 23:59:00", "2024-03-10 03:30:00"]


def test_money_with_symbols_thousands_and_decimal_comma() -> None:
    us = parse_numbers(pd.Series(["$1,234.50", "USD 12.00", "(3.25)", "33017.00", "", "n/a"]))
    assert us.decimal_comma is False
    assert us.values[:4].tolist() == [1234.5, 12.0, -3.25, 33017.0]
    assert np.isnan(us.values[4]) and us.bad.tolist() == [False] * 5 + [True]
    eu = parse_numbers(pd.Series(["1.234,50 €", "12,5", "7"]))
    assert eu.decimal_comma is True and eu.values.tolist() == [1234.5, 12.5, 7.0]
    # A comma followed by exactly three digits alone is a thousands separator.
    assert parse_numbers(pd.Series(["1,234", "12"])).values.tolist() == [1234.0, 12.0]


def test_booleans() -> None:
    got = parse_bools(pd.Series(["true", "No", "1", "0", "yes", "", "maybe"]))
    assert got[:5].tolist() == [1.0, 0.0, 1.0, 0.0, 1.0]
    assert np.isnan(got[5]) and np.isnan(got[6])


@pytest.mark.parametrize("pad", [" ", "\t", "\x0b", "\x1c", "\x1f", "\r\n", "\xa0", "\u2003"])
def test_dates_padded_with_any_python_whitespace_read_the_same(pad: str) -> None:
    # Python's str.strip() decides what surrounds a date (ASCII columns are stripped in
    # Arrow, others in Python); \x1c-\x1f count as whitespace for Python, not for Arrow.
    cells = [f"{pad}2023-05-01 10:22:33 -0400{pad}", "2023-05-01 10:22:33 -0400", "", pad]
    dates = parse_dates(pd.Series(cells, dtype="str"))
    assert _local(dates.seconds[:2]) == ["2023-05-01 10:22:33"] * 2
    assert dates.offset_min[:2].tolist() == [-240.0, -240.0]
    assert dates.ok.tolist() == [True, True, False, False]
    assert dates.bad.tolist() == [False, False, False, False]


def test_dates_of_a_column_read_in_several_blocks() -> None:
    # The reader's columns arrive as several Arrow chunks; codes must follow row order.
    first = pd.Series(["2023-05-02", "2023-05-01"], dtype="str")
    second = pd.Series(["2023-05-01", "x", "2023-05-03"], dtype="str")
    dates = parse_dates(pd.concat([first, second], ignore_index=True))
    assert _local(dates.seconds[[0, 1, 2, 4]]) == [
        "2023-05-02 00:00:00", "2023-05-01 00:00:00", "2023-05-01 00:00:00",
        "2023-05-03 00:00:00"]
    assert dates.bad.tolist() == [False, False, False, True, False]
