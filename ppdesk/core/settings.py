"""The merchant's settings: typed, with defaults, versioned, stored as JSON in the store.

One dataclass per section; ``load_settings``/``save_settings`` are the only way in
and out. Unknown keys in a saved document are dropped (typed attributes win), and
``SCHEMA_VERSION`` plus ``_MIGRATIONS`` upgrade older documents. Secrets (the SMTP
password) are never settings: they live in the OS keyring (``core/secrets.py``).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ppdesk.core.store import Store
from ppdesk.core.store import settings_queries as q

SCHEMA_VERSION = 1


def declared(low: float, high: float, label: str, help_text: str) -> dict[str, Any]:
    """A setting's constraints and words, kept on its field (``dataclasses.field(metadata=)``)."""
    return {"range": (low, high), "label": label, "help": help_text}


@dataclass
class StoreProfile:
    name: str = "My store"
    postal_address: str = ""          # CAN-SPAM: shown in every email footer
    store_url: str = ""               # e.g. https://example.myshopify.com
    platform: str = "shopify"         # shopify | woocommerce | other: decides offer links
    # Who set ``platform``: "" nobody (the default above), "import" the first import's
    # detected platform (store_locale.adopt_platform), "merchant" the Settings page or
    # ``settings set``. Only "" lets an import set it: a merchant's choice is never overridden.
    platform_source: str = ""
    logo_url: str = ""
    primary_color: str = "#1f6f5c"
    accent_color: str = "#f2b134"
    sign_off: str = "Thanks for shopping with us"
    sender_name: str = ""
    reply_to: str = ""
    time_zone: str = "UTC"            # IANA name, used for quiet hours and due times
    currency: str = "USD"
    # False until the merchant confirmed the zone and currency Home guessed from the orders
    locale_confirmed: bool = False
    # Two letters (PK, GB): national phone numbers in exports are read as this country's.
    # Empty: the country most of an export's billing/shipping country cells name.
    country: str = ""


@dataclass
class AnalyticsSettings:
    min_orders_together: int = 3      # never recommend a complement seen together less often
    # The uncorrected guard: no longer decides (max_q_value does); kept so that saved
    # settings load and scripts/bh_effect.py can show what the correction changed.
    max_p_value: float = 0.05
    # Declared once here (type, range, help); settings_edit and the settings page read it.
    max_q_value: float = field(default=0.05, metadata=declared(
        0.001, 0.2, "Largest share of flukes among recommended pairs",
        "A pair is recommended only when the chance that it is a fluke, allowing for every "
        "pair of products tested at once, is at most this: with 5%, at most about 1 in 20 "
        "recommended pairs is expected to be a coincidence."))
    min_repeat_customers: int = 5     # below this, timing is shown as "not enough data"
    trigger_rule: str = "share"       # "share" (share x median) or "days_before" (median - N)
    trigger_share: float = 0.75       # 0.70 .. 0.80
    trigger_days_before: int = 4
    consumable_min_repeat_share: float = 0.15
    consumable_max_spread: float = 1.0   # regular: (p75 - p25) of reorder gaps <= this x median
    window_days: int = 365


@dataclass
class FlowSettings:
    cross_sell_enabled: bool = True
    cross_sell_delay_hours: int = 48
    cross_sell_count: int = 3
    replenishment_enabled: bool = True
    review_enabled: bool = True
    review_delay_days: int = 30
    loyalty_enabled: bool = True
    loyalty_min_purchases: int = 3    # 2..5
    soft_opt_in: bool = False         # email customers who did not accept marketing (law!)
    frequency_cap_emails: int = 1
    frequency_cap_days: int = 3
    same_product_days: int = 14
    priority: list[str] = field(
        default_factory=lambda: ["replenishment", "cross_sell", "review", "loyalty"]
    )
    quiet_start_hour: int = 20        # no sending from 20:00 ...
    quiet_end_hour: int = 9           # ... to 9:00, store time zone
    holdout_share: float = 0.10
    loyalty_delay_days: int = 7       # invitation this long after the Nth purchase
    max_late_days: int = 3            # a message overdue by more than this is never sent


@dataclass
class SendingSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"        # "ssl" | "starttls"
    username: str = ""
    from_address: str = ""
    preset: str = "custom"            # see core/sending/presets.py (gmail, ses, postmark...)
    per_minute: int = 20
    per_day: int = 400
    paused: bool = False
    unsubscribe_url: str = ""         # https page for List-Unsubscribe (mailto: always)
    allow_plaintext_keyring: bool = False  # merchant agreed to a keyring that stores plain text


@dataclass
class InboxSettings:
    """The IMAP side of the sending account (``ppdesk inbox set``); password in the keyring."""

    host: str = ""
    port: int = 993
    security: str = "ssl"             # "ssl" (993) | "starttls" (143)
    username: str = ""                # empty: the SMTP username
    preset: str = "custom"            # see core/inbox/presets.py
    folder: str = "INBOX"             # where replies, bounces and complaints arrive
    sent_folder: str = ""             # empty: found by its \Sent flag or usual names
    processed_folder: str = "ppdesk"  # processed messages are moved here, never deleted


@dataclass
class OfferSettings:
    discount_percent: float = 15.0
    window_minutes: int = 30
    headline: str = "Complete your order"
    call_to_action: str = "Add to cart"   # a new cart, never a charge: not "add to my order"
    discount_code_prefix: str = "THANKS"
    coupon_url_param: str = "apply_coupon"  # WooCommerce coupon-by-URL plugin's parameter


@dataclass
class ResultsSettings:
    attribution_days: int = 5
    cac: float = 0.0                  # customer acquisition cost, entered by the merchant


@dataclass
class Settings:
    store: StoreProfile = field(default_factory=StoreProfile)
    analytics: AnalyticsSettings = field(default_factory=AnalyticsSettings)
    flows: FlowSettings = field(default_factory=FlowSettings)
    sending: SendingSettings = field(default_factory=SendingSettings)
    inbox: InboxSettings = field(default_factory=InboxSettings)
    offers: OfferSettings = field(default_factory=OfferSettings)
    results: ResultsSettings = field(default_factory=ResultsSettings)


T = TypeVar("T")

# Each entry upgrades a document from version N (index N-1) to N+1.
_MIGRATIONS: list[Any] = []


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        kwargs[f.name] = data[f.name]
    return cls(**kwargs)


def settings_from_dict(data: dict[str, Any]) -> Settings:
    version = int(data.get("schema_version", SCHEMA_VERSION))
    for upgrade in _MIGRATIONS[version - 1:]:
        data = upgrade(data)
    defaults = Settings()
    sections: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        # The section's class from a default instance: f.default_factory is typed as
        # "factory or MISSING", not as the class _from_dict needs.
        section_cls = type(getattr(defaults, f.name))
        sections[f.name] = _from_dict(section_cls, dict(data.get(f.name, {})))
    return Settings(**sections)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    data = dataclasses.asdict(settings)
    data["schema_version"] = SCHEMA_VERSION
    return data


def load_settings(store: Store) -> Settings:
    conn = store.connect()
    try:
        return read_settings(conn)
    finally:
        conn.close()


def save_settings(store: Store, settings: Settings) -> None:
    conn = store.connect()
    try:
        write_settings(conn, settings)
    finally:
        conn.close()


def read_settings(conn: sqlite3.Connection) -> Settings:
    """The settings as ``conn`` sees them (inside a caller's transaction, too)."""
    raw = q.get_setting(conn, "settings")
    return settings_from_dict(json.loads(raw)) if raw else Settings()


def write_settings(conn: sqlite3.Connection, settings: Settings) -> None:
    """Save ``settings`` on ``conn``: part of the caller's transaction when it has one
    (an import adopts the store's platform in its own all-or-nothing step)."""
    q.put_setting(conn, "settings", json.dumps(settings_to_dict(settings)))
