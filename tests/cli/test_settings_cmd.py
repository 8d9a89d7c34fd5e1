"""``ppdesk settings show|set``: typed conversion, range checks, nothing saved on a bad value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import cli

from ppdesk.core.settings import load_settings
from ppdesk.core.store import open_store


def test_set_converts_each_type_and_show_reports_it(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(home, capsys, "settings", "set", "store.store_url=https://shop.example",
                       "flows.holdout_share=0,2", "flows.review_enabled=no",
                       "flows.loyalty_min_purchases=4", "store.time_zone=Europe/Paris",
                       "flows.priority=cross_sell,replenishment,review,loyalty")
    assert code == 0, err
    saved = load_settings(open_store(home))
    assert saved.store.store_url == "https://shop.example"
    assert saved.flows.holdout_share == 0.2
    assert saved.flows.review_enabled is False
    assert saved.flows.loyalty_min_purchases == 4
    assert saved.store.time_zone == "Europe/Paris"
    assert saved.flows.priority == ["cross_sell", "replenishment", "review", "loyalty"]
    code, out, _ = cli(home, capsys, "settings", "show", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["flows.holdout_share"] == 0.2 and doc["flows.review_enabled"] is False
    assert doc["store.currency"] == "USD"  # untouched default


@pytest.mark.parametrize(("assignment", "message"), [
    ("flows.holdout_share=0.9", "must be between 0 and 0.5"),
    ("analytics.trigger_share=0.6", "must be between 0.7 and 0.8"),
    ("flows.loyalty_min_purchases=three", "must be a whole number"),
    ("flows.review_enabled=maybe", "must be yes or no"),
    ("store.time_zone=Mars/Olympus", "is not a time zone name"),
    ("flows.priority=review,loyalty", "must list each of"),
    ("holdout_share=0.1", "did you mean 'flows.holdout_share'"),
    ("nonsense", "is not NAME=VALUE"),
])
def test_bad_values_are_exit_2_and_save_nothing(
        home: Path, capsys: pytest.CaptureFixture[str], assignment: str, message: str) -> None:
    code, _, err = cli(home, capsys, "settings", "set", "store.name=Changed", assignment)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert load_settings(open_store(home)).store.name == "My store"
