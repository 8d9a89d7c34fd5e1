"""Changing settings from text (``ppdesk settings set section.field=value``), with checks.

The GUI's Settings page edits typed widgets; the command line has only text, so
each value is converted by its field's declared type and checked against the same
ranges the issues and the GUI use. A bad name or value raises ``InputError``
naming it, and nothing is saved.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ppdesk.core.errors import InputError
from ppdesk.core.settings import Settings

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be between {low:g} and {high:g}"
    return check


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else "must be one of " + ", ".join(choices)
    return check


def _time_zone(value: Any) -> str | None:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        return "is not a time zone name such as Europe/Paris or America/New_York"
    return None


def _country(value: Any) -> str | None:
    from ppdesk.core.importing.identity import supported_country

    text = str(value)
    if text == "" or (len(text) == 2 and text.isupper() and supported_country(text)):
        return None
    return "must be empty or a two-letter country code in capitals such as PK, GB or US"


def _flow_names(value: Any) -> str | None:
    flows = {"replenishment", "cross_sell", "review", "loyalty"}
    if sorted(value) != sorted(flows):
        return "must list each of " + ", ".join(sorted(flows)) + " once"
    return None


CHECKS: dict[str, Callable[[Any], str | None]] = {
    "store.platform": _one_of("shopify", "woocommerce", "other"),
    "store.time_zone": _time_zone,
    "store.country": _country,
    "analytics.trigger_rule": _one_of("share", "days_before"),
    "analytics.trigger_share": _between(0.70, 0.80),
    "analytics.trigger_days_before": _between(0, 60),
    "analytics.min_orders_together": _between(1, 1000),
    "analytics.min_repeat_customers": _between(1, 1000),
    "analytics.max_p_value": _between(0.0, 1.0),
    "flows.loyalty_min_purchases": _between(2, 5),
    "flows.holdout_share": _between(0.0, 0.5),
    "flows.frequency_cap_emails": _between(1, 20),
    "flows.frequency_cap_days": _between(0, 60),
    "flows.quiet_start_hour": _between(0, 23),
    "flows.quiet_end_hour": _between(0, 23),
    "flows.priority": _flow_names,
    "sending.security": _one_of("ssl", "starttls"),
    "sending.port": _between(1, 65535),
    "sending.per_minute": _between(1, 10_000),
    "sending.per_day": _between(1, 1_000_000),
    "offers.discount_percent": _between(0, 90),
    "offers.window_minutes": _between(30, 60),
    "results.attribution_days": _between(1, 90),
    "results.cac": _between(0, 1e9),
}


def _declared_checks() -> dict[str, Callable[[Any], str | None]]:
    """Range checks of the settings that declare their range on the field itself."""
    checks: dict[str, Callable[[Any], str | None]] = {}
    for section in dataclasses.fields(Settings):
        factory: Any = section.default_factory
        for f in dataclasses.fields(factory()):
            if "range" in f.metadata:
                checks[f"{section.name}.{f.name}"] = _between(*f.metadata["range"])
    return checks


CHECKS.update(_declared_checks())


def flat_items(settings: Settings) -> dict[str, Any]:
    """``{"section.field": value}`` for every setting, in declaration order."""
    items: dict[str, Any] = {}
    for section in dataclasses.fields(settings):
        values = getattr(settings, section.name)
        for f in dataclasses.fields(values):
            items[f"{section.name}.{f.name}"] = getattr(values, f.name)
    return items


def _convert(name: str, type_name: str, text: str) -> Any:
    def bad(what: str) -> InputError:
        return InputError(f"setting '{name}' {what}, not '{text}'")

    if type_name == "bool":
        lowered = text.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise bad("must be yes or no")
    if type_name == "int":
        try:
            return int(text.strip())
        except ValueError:
            raise bad("must be a whole number") from None
    if type_name == "float":
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            raise bad("must be a number") from None
    if type_name.startswith("list"):
        text = text.strip()
        if text.startswith("["):
            try:
                return [str(v) for v in json.loads(text)]
            except (ValueError, TypeError):
                raise bad("must be a list such as a,b,c") from None
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def apply_changes(settings: Settings, changes: Mapping[str, str]) -> Settings:
    """A copy of ``settings`` with ``{"section.field": "text"}`` applied and checked."""
    updated = dataclasses.replace(settings)
    known = flat_items(settings)
    for name, text in changes.items():
        if name not in known:
            close = [k for k in known if k.split(".")[-1] == name.split(".")[-1]]
            hint = f"; did you mean '{close[0]}'" if close else "; see 'ppdesk settings show'"
            raise InputError(f"there is no setting '{name}'{hint}")
        section_name, field_name = name.split(".", 1)
        section = getattr(updated, section_name)
        field = next(f for f in dataclasses.fields(section) if f.name == field_name)
        value = _convert(name, str(field.type), text)
        check = CHECKS.get(name)
        problem = check(value) if check else None
        if problem:
            raise InputError(f"setting '{name}' {problem} (got '{text}')")
        setattr(updated, section_name, dataclasses.replace(section, **{field_name: value}))
        if name == "store.platform":   # the merchant chose it: imports no longer set it
            updated.store = dataclasses.replace(updated.store, platform_source="merchant")
    return updated
