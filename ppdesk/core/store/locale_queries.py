"""Reads for guessing a store's time zone and currency from its imported orders."""

from __future__ import annotations

import sqlite3

import pandas as pd

SAMPLE_ORDERS = 5000   # the newest orders decide; enough to see both sides of a DST change


def order_clock_sample(conn: sqlite3.Connection, limit: int = SAMPLE_ORDERS) -> pd.DataFrame:
    """``ordered_at`` (local text), ``utc_offset_min`` and ``currency`` of the newest orders."""
    return pd.read_sql_query(
        "SELECT ordered_at, utc_offset_min, currency FROM orders "
        "ORDER BY ordered_at DESC LIMIT ?", conn, params=(int(limit),))
