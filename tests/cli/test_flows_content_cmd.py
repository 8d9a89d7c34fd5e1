"""``ppdesk flows content NAME [--set FIELD=TEXT ...] [--reset] [--format table|json]``: the
same words the app's form edits, through the same store (``emails.content``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_run import cli
from flow_builders import StoreBuilder
from store_snapshot import snapshot

from ppdesk.core.emails.content import load_content
from ppdesk.core.emails.preview import preview_email


@pytest.fixture
def shop(home: Path) -> StoreBuilder:
    builder = StoreBuilder(home, live=False)
    builder.product("a")   # before the order: order() writes its lines in a transaction
    builder.customer("zoe@example.org", first_name="Zoë")
    builder.order("zoe@example.org", "2026-03-01 10:00", ["a"])
    return builder


def test_json_shows_ppdesk_words_on_a_new_store(shop: StoreBuilder, home: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(shop.store)
    code, out, _ = cli(home, capsys, "flows", "content", "cross_sell", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["flow"] == "cross_sell" and doc["label"] == "Cross-sell after 48 hours"
    assert doc["fields"]["subject"] == "Your {product} ships soon: here is what goes with it"
    assert doc["fields"]["button_text"] == "Add to cart"
    assert "offer_text" not in doc["fields"]          # a loyalty field, not this email's
    assert doc["edited"] == []
    assert "first_name" in doc["tokens"]
    assert snapshot(shop.store) == before             # showing writes nothing


def test_set_saves_fields_and_reaches_the_email(shop: StoreBuilder, home: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(home, capsys, "flows", "content", "replenishment",
                       "--set", "subject=Hi {first_name}, more {product}?",
                       "--set", "sign_off=Tea & hugs")
    assert code == 0
    assert "saved" in out
    assert re.search(r"^subject +Hi \{first_name\}, more \{product\}\? +\[yours\]$", out, re.M)
    assert re.search(r"^heading +Time for more \{product\}, \{first_name\}\?$", out, re.M)
    saved = load_content(shop.store, "replenishment")
    assert (saved.subject, saved.sign_off) == ("Hi {first_name}, more {product}?", "Tea & hugs")
    assert load_content(shop.store, "cross_sell").subject.startswith("Your {product}")
    email = preview_email(shop.store, "replenishment")
    assert email.subject == "Hi Zoë, more A?"
    assert "Tea &amp; hugs" in email.html
    code, out, _ = cli(home, capsys, "flows", "content", "replenishment", "--format", "json")
    assert sorted(json.loads(out)["edited"]) == ["sign_off", "subject"]


@pytest.mark.parametrize(("option", "words"), [
    ("subject=Hello {frist_name}", "not a token"),
    ("discount_code=TEN OFF", "discount code"),
    ("offer_text=x", "offer_text"),                  # not a field of the review email
    ("subject", "FIELD=TEXT"),
])
def test_a_refused_field_is_exit_2_and_saves_nothing(
        shop: StoreBuilder, home: Path, capsys: pytest.CaptureFixture[str], option: str,
        words: str) -> None:
    before = snapshot(shop.store)
    code, out, err = cli(home, capsys, "flows", "content", "review",
                         "--set", "heading=Fine", "--set", option)
    assert code == 2 and out == ""
    assert words in err
    assert snapshot(shop.store) == before             # not even the good heading


def test_reset_puts_ppdesk_words_back(shop: StoreBuilder, home: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(home, capsys, "flows", "content", "loyalty", "--set",
               "heading=Welcome back")[0] == 0
    assert load_content(shop.store, "loyalty").heading == "Welcome back"
    code, out, _ = cli(home, capsys, "flows", "content", "loyalty", "--reset",
                       "--format", "json")
    assert code == 0
    assert json.loads(out)["fields"]["heading"] == "Thank you for coming back, {first_name}"
    assert json.loads(out)["edited"] == []
    assert load_content(shop.store, "loyalty").heading == "Thank you for coming back, {first_name}"


def test_unknown_flow_is_exit_2(shop: StoreBuilder, home: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(home, capsys, "flows", "content", "welcome")
    assert code == 2 and "welcome" in err
