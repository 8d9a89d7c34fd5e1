"""The store's time zone and currency, guessed from its imported orders for the merchant
to confirm (issue 14: after importing, the store stayed on UTC and USD).

Orders carry the offset their export wrote (``utc_offset_min``, e.g. Shopify's
``-05:00``/``-04:00``) and a currency code. The zone is the common IANA zone whose
offset at each order's time matches the most orders (so -300 in winter and -240 in
summer gives America/New_York, not a fixed offset); when none matches at least
``MIN_MATCH`` of them, a fixed-offset zone (``Etc/GMT+5``) stands in. No offsets at
all (most WooCommerce exports): no zone guess, the setting stays as it is.

The platform ("Store runs on", which decides how offer links add to the cart) is
taken from the first import's detected platform by ``adopt_platform``, but only
while nobody chose it (issue 14: after a WooCommerce import Settings still said
Shopify); a merchant's choice is never overridden.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from ppdesk.core.store import Store
from ppdesk.core.store.locale_queries import order_clock_sample

MIN_MATCH = 0.95
# Where small online stores are (ties go to the first): one zone per distinct DST rule.
CANDIDATE_ZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
    "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Halifax",
    "America/St_Johns", "America/Toronto", "America/Vancouver", "America/Mexico_City",
    "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Bogota",
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
    "Europe/Amsterdam", "Europe/Madrid", "Europe/Rome", "Europe/Stockholm", "Europe/Athens",
    "Europe/Helsinki", "Europe/Istanbul", "Europe/Moscow", "Africa/Johannesburg",
    "Africa/Lagos", "Africa/Cairo", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata",
    "Asia/Dhaka", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai", "Asia/Hong_Kong",
    "Asia/Tokyo", "Asia/Seoul", "Australia/Perth", "Australia/Adelaide", "Australia/Brisbane",
    "Australia/Sydney", "Pacific/Auckland", "UTC",
]


@dataclass(frozen=True)
class LocaleGuess:
    time_zone: str | None     # None: the orders carry no offsets
    currency: str | None      # None: no order names a currency
    orders: int               # orders looked at

    def sentence(self) -> str:
        parts = []
        if self.time_zone:
            parts.append(f"times in {zone_words(self.time_zone)}")
        if self.currency:
            parts.append(f"prices in {self.currency}")
        return " and ".join(parts)


def zone_words(name: str) -> str:
    """"New York time (America/New_York)"; "UTC-5" for a fixed zone (POSIX sign flipped)."""
    if name.startswith("Etc/GMT"):
        return f"UTC{name[7:].translate(str.maketrans('+-', '-+'))}"
    if "/" not in name:
        return name
    return f"{name.rsplit('/', 1)[-1].replace('_', ' ')} time ({name})"


def fixed_offset_zone(offset_min: int) -> str:
    """An offset in whole hours as an IANA fixed zone (POSIX sign: UTC-5 is Etc/GMT+5);
    other offsets (India's +5:30 is a candidate zone already) fall back to UTC."""
    if offset_min % 60:
        return "UTC"
    hours = -offset_min // 60
    return "UTC" if hours == 0 else f"Etc/GMT{hours:+d}"


def zone_from_offsets(local: pd.Series, offset_min: pd.Series) -> str | None:
    """The candidate zone matching the most orders' offsets (see module doc)."""
    known = offset_min.notna() & local.notna()
    if not known.any():
        return None
    offsets = offset_min[known].astype("int64").to_numpy()
    utc = (pd.to_datetime(local[known], errors="coerce")
           - pd.to_timedelta(offsets, unit="min")).dt.tz_localize("UTC")
    best, best_share = None, 0.0
    for name in CANDIDATE_ZONES:   # ~50 zones, each one vectorised pass over the orders
        local_in_zone = utc.dt.tz_convert(name)
        got = (local_in_zone.dt.tz_localize(None) - utc.dt.tz_localize(None))
        share = float(((got.dt.total_seconds() // 60).to_numpy() == offsets).mean())
        if share > best_share:
            best, best_share = name, share
    if best is not None and best_share >= MIN_MATCH:
        return best
    return fixed_offset_zone(int(pd.Series(offsets).mode().iloc[0]))


def guess_locale(store: Store) -> LocaleGuess:
    """Zone and currency of the store's newest orders (see module doc)."""
    conn = store.connect()
    try:
        sample = order_clock_sample(conn)
    finally:
        conn.close()
    currencies = sample["currency"].dropna().astype(str).str.strip().str.upper()
    currencies = currencies[currencies.str.fullmatch(r"[A-Z]{3}")]
    currency = str(currencies.mode().iloc[0]) if len(currencies) else None
    zone = zone_from_offsets(sample["ordered_at"], sample["utc_offset_min"])
    return LocaleGuess(zone, currency, len(sample))


# Detected platform -> the setting's value (settings_edit: shopify | woocommerce | other).
_SETTING_FOR_PLATFORM = {"shopify": "shopify", "woocommerce": "woocommerce"}


def platform_setting(detected: Iterable[str]) -> str | None:
    """The "Store runs on" value for the platforms an import detected (the first file
    with a known platform wins): shopify, woocommerce, or other (Etsy, Square, ...); None
    when the files only say "generic" (a spreadsheet tells nothing about the store)."""
    for name in detected:
        if name and name != "generic":
            return _SETTING_FOR_PLATFORM.get(name, "other")
    return None


def adopt_platform(conn: sqlite3.Connection, detected: Iterable[str]) -> str | None:
    """Set the store's platform from an import, unless someone set it already; returns
    the value written, or None when nothing changed. Runs on the import's connection,
    inside its transaction, so the platform is adopted exactly when the orders land."""
    from ppdesk.core.settings import read_settings, write_settings

    value = platform_setting(detected)
    settings = read_settings(conn)
    if value is None or settings.store.platform_source:
        return None
    write_settings(conn, replace(settings, store=replace(
        settings.store, platform=value, platform_source="import")))
    return value
