"""Times as the merchant reads them: in the store's time zone, never as UTC text.

The store keeps UTC (``flows.clock.UTC_FORMAT``); every page shows local times through
``in_store_zone`` (a whole column at once) or ``moment_text`` (one time), so the zone
conversion lives in one place.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from ppdesk.core.errors import InputError
from ppdesk.core.flows.clock import zone

MOMENT_FORMAT = "%d %b %Y %H:%M"   # "14 Mar 2026 09:00": no T, no Z, no month/day doubt


def store_zone(name: str) -> ZoneInfo:
    """The store's zone; a setting that is not an IANA name falls back to UTC for showing
    (the Settings page and the planner report the bad setting; a table must still draw)."""
    try:
        return zone(name)
    except InputError:
        return ZoneInfo("UTC")


def in_store_zone(values: pd.Series, time_zone: str) -> pd.Series:
    """UTC text or timestamps -> naive local times in the store's zone (NaT where blank)."""
    stamps = pd.to_datetime(values, errors="coerce", utc=True)
    return stamps.dt.tz_convert(store_zone(time_zone)).dt.tz_localize(None)


def moment_text(value: object, time_zone: str) -> str:
    """One UTC time as local text ("14 Mar 2026 09:00"); "" when blank or unreadable."""
    stamp = pd.to_datetime(value, errors="coerce", utc=True)
    if stamp is None or pd.isna(stamp):
        return ""
    return str(stamp.tz_convert(store_zone(time_zone)).strftime(MOMENT_FORMAT))


def zone_note(time_zone: str) -> str:
    """Header tooltip text saying which clock a time column uses."""
    return f"In your store's time zone ({store_zone(time_zone).key})"
