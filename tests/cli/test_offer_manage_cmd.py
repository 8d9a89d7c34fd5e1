"""``ppdesk offer list|pause|resume|delete|duplicate|export``: the saved offers managed
from the command line, checked through the store (``load_offers``), not the printout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shopdata import shop_store

from ppdesk.cli.main import run_cli
from ppdesk.core.offers import load_offers
from ppdesk.core.store import Store


@pytest.fixture
def store(home: Path) -> Store:
    return shop_store(home, store_url="https://shop.example.com")


def run(home: Path, *args: str) -> int:
    return run_cli(["--home", str(home), "offer", *args])


def _states(store: Store) -> dict[str, bool]:
    return {o.trigger.product_key: o.active for o in load_offers(store, active_only=False)}


def test_list_pause_resume_export(store: Store, home: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "--product", "MUG-1", "--platform", "woocommerce",
               "--text", "Fresh for your new mug.") == 0
    capsys.readouterr()
    assert run(home, "list", "--format", "json") == 0
    [row] = json.loads(capsys.readouterr().out)["offers"]
    assert (row["trigger"], row["complement"], row["state"], row["body"]) == (
        "MUG-1", "BEANS-1", "running", "Fresh for your new mug.")
    assert run(home, "pause", str(row["id"])) == 0
    assert _states(store) == {"MUG-1": False}
    assert "hide its block" in capsys.readouterr().err
    assert run(home, "export") == 2  # a paused offer is not exported
    assert "paused" in capsys.readouterr().err
    assert run(home, "resume", str(row["id"])) == 0
    assert _states(store) == {"MUG-1": True}
    capsys.readouterr()
    assert run(home, "export") == 0
    out = capsys.readouterr().out
    assert "Fresh for your new mug." in out and "Coffee beans" in out


def test_export_leaves_paused_offers_out(store: Store, home: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "--product", "MUG-1", "--platform", "shopify") == 0
    assert run(home, "--product", "PAPER-1", "--platform", "shopify") == 0
    ids = {o.trigger.product_key: o.id for o in load_offers(store)}
    assert run(home, "pause", str(ids["MUG-1"])) == 0
    capsys.readouterr()
    assert run(home, "export") == 0
    out = capsys.readouterr().out
    assert "[PAPER-1]" in out and "[MUG-1]" not in out


def test_duplicate_then_delete(store: Store, home: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "--product", "MUG-1", "--discount", "20") == 0
    [source] = load_offers(store)
    capsys.readouterr()
    assert run(home, "duplicate", str(source.id), "--product", "TEA-1") == 0
    new_id = int(capsys.readouterr().out.strip())
    assert _states(store) == {"MUG-1": True, "TEA-1": False}  # the copy starts paused
    copy = [o for o in load_offers(store, active_only=False) if o.id == new_id][0]
    assert copy.variants[0].discount_percent == 20
    assert run(home, "delete", str(source.id)) == 0
    assert _states(store) == {"TEA-1": False}


def test_unknown_offer_and_missing_target_exit_2(store: Store, home: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "pause", "99") == 2
    assert "no saved offer number 99" in capsys.readouterr().err
    assert run(home, "export") == 2
    with pytest.raises(SystemExit) as stop:
        run(home)
    assert stop.value.code == 2
    assert "--product" in capsys.readouterr().err
