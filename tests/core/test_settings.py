"""Settings round-trip through the store, keep defaults for missing keys and drop unknown ones."""

from __future__ import annotations

from pathlib import Path

from ppdesk.core.settings import Settings, load_settings, save_settings, settings_from_dict
from ppdesk.core.store import open_store


def test_defaults_when_nothing_saved(tmp_path: Path) -> None:
    settings = load_settings(open_store(tmp_path))
    assert settings.analytics.trigger_share == 0.75
    assert settings.flows.frequency_cap_days == 3
    assert settings.flows.priority[0] == "replenishment"


def test_round_trip(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    settings = Settings()
    settings.store.name = "Crème & Co"
    settings.flows.holdout_share = 0.2
    save_settings(store, settings)
    again = load_settings(store)
    assert again.store.name == "Crème & Co"
    assert again.flows.holdout_share == 0.2
    assert again == settings


def test_unknown_keys_dropped_and_missing_keys_defaulted() -> None:
    settings = settings_from_dict({"schema_version": 1, "store": {"name": "X", "bogus": 1},
                                   "nonsense": {}})
    assert settings.store.name == "X"
    assert settings.store.currency == "USD"
    assert not hasattr(settings.store, "bogus")
