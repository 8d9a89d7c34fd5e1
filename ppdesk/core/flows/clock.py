"""Time for the flows: UTC text in the store, local order times to UTC, quiet hours.

The outbox keeps UTC text ``YYYY-MM-DDTHH:MM:SSZ``. Orders carry the local time
as exported, plus an offset when the export wrote one; without an offset the
store's time zone (``StoreProfile.time_zone``, an IANA name) says what local
means. Quiet hours are in the store's time zone too: a due time that falls in
them moves to the next allowed moment (the end of the quiet period), DST-aware
through ``zoneinfo``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from ppdesk.core.errors import InputError

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def zone(name: str) -> ZoneInfo:
    """The store's time zone, or ``InputError`` naming the setting."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"the store time zone '{name}' is not an IANA name such as "
                         "Europe/Paris or America/New_York") from None


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def parse_now(text: str | dt.datetime | None) -> dt.datetime:
    """An aware UTC datetime from ``--now`` (ISO 8601; no offset means UTC), else now."""
    if text is None:
        return utc_now()
    if isinstance(text, dt.datetime):
        value = text
    else:
        try:
            value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"--now '{text}' is not an ISO 8601 time such as "
                             "2025-03-01T10:00:00Z") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0)


def to_text(moment: dt.datetime | pd.Timestamp) -> str:
    """UTC text for the store; naive values are taken as UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime(UTC_FORMAT)


def from_text(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, UTC_FORMAT).replace(tzinfo=dt.UTC)


def naive_utc(moment: dt.datetime) -> pd.Timestamp:
    """A naive UTC Timestamp (the planner's frames hold naive UTC)."""
    return pd.Timestamp(moment.astimezone(dt.UTC).replace(tzinfo=None))


def _localize(naive_local: pd.Series, tz: str) -> pd.Series:
    """Wall-clock local times to naive UTC; a time in the autumn overlap counts as standard
    time and one in the spring gap moves forward, so no order is ever dropped."""
    aware = naive_local.dt.tz_localize(tz, ambiguous=np.zeros(len(naive_local), dtype=bool),
                                       nonexistent="shift_forward")
    return aware.dt.tz_convert("UTC").dt.tz_localize(None)


def local_to_utc(naive_local: pd.Series, offset_min: pd.Series, tz: str) -> pd.Series:
    """Order times to naive UTC: the export's offset when it gave one, else the store zone."""
    zone(tz)
    local = pd.to_datetime(naive_local).astype("datetime64[ns]")
    offset = pd.to_numeric(offset_min, errors="coerce")
    by_offset = local - pd.to_timedelta(offset.fillna(0), unit="m")
    if offset.notna().all():
        return by_offset
    return by_offset.where(offset.notna(), _localize(local, tz))


def quiet_mask_and_next(due_utc: pd.Series, tz: str, start_hour: int,
                        end_hour: int) -> tuple[pd.Series, pd.Series]:
    """Which due times fall in quiet hours, and each time moved to the next allowed moment.

    Quiet hours run from ``start_hour`` to ``end_hour`` local (wrapping midnight when
    start > end, e.g. 20 -> 9). Equal hours mean no quiet hours.
    """
    zone(tz)
    due = pd.to_datetime(due_utc).astype("datetime64[ns]")
    if start_hour == end_hour or due.empty:
        return pd.Series(False, index=due.index), due
    local = due.dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None)
    hours = local.dt.hour + local.dt.minute / 60 + local.dt.second / 3600
    if start_hour > end_hour:
        quiet = (hours >= start_hour) | (hours < end_hour)
    else:
        quiet = (hours >= start_hour) & (hours < end_hour)
    days_ahead = np.where(hours < end_hour, 0, 1)
    target_local = (local.dt.normalize() + pd.to_timedelta(days_ahead, unit="D")
                    + pd.Timedelta(hours=end_hour))
    moved = _localize(target_local, tz)
    return quiet, due.where(~quiet, moved)


def is_quiet(moment: dt.datetime, tz: str, start_hour: int, end_hour: int) -> bool:
    """Whether ``moment`` (aware) falls in quiet hours in the store's zone (the sender asks
    this once per message, so it stays scalar)."""
    if start_hour == end_hour:
        return False
    local = moment.astimezone(zone(tz))
    hours = local.hour + local.minute / 60 + local.second / 3600
    if start_hour > end_hour:
        return hours >= start_hour or hours < end_hour
    return start_hour <= hours < end_hour


def next_allowed(moment: dt.datetime, tz: str, start_hour: int, end_hour: int) -> dt.datetime:
    """``moment`` if sending is allowed then, else the end of the quiet period (aware UTC)."""
    if not is_quiet(moment, tz, start_hour, end_hour):
        return moment.astimezone(dt.UTC)
    _, moved = quiet_mask_and_next(pd.Series([naive_utc(moment)]), tz, start_hour, end_hour)
    value: dt.datetime = moved.iloc[0].to_pydatetime()
    return value.replace(tzinfo=dt.UTC)
