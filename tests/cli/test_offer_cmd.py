"""``ppdesk offer`` follows the contract: HTML (or the Checkout Blocks export), paste
guide, exit 2 with one sentence for unusable input."""

from __future__ import annotations

from pathlib import Path

import pytest
from shopdata import shop_store

from ppdesk.cli.main import run_cli
from ppdesk.core.offers import load_offers
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store


@pytest.fixture
def store(home: Path) -> Store:
    return shop_store(home, store_url="https://shop.example.com")


def run(home: Path, *args: str) -> int:
    return run_cli(["--home", str(home), "offer", *args])


def test_unknown_product_exits_2_with_suggestion(store: Store, home: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "--product", "MUG-2") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no product with key 'MUG-2'" in captured.err and "'MUG-1'" in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert load_offers(store) == []


def test_bad_discount_exits_2(store: Store, home: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "--product", "MUG-1", "--discount", "95") == 2
    assert "between 0 and 90" in capsys.readouterr().err


def test_prints_html_and_guide_path(store: Store, home: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "--product", "MUG-1", "--platform", "other", "--discount", "10") == 0
    captured = capsys.readouterr()
    assert captured.out.lstrip().startswith("<!-- ppdesk thank-you offer")
    assert '<div id="ppd-' in captured.out and "$22.41" in captured.out  # 24.90 less 10 %
    guide = Path(captured.err.split("Paste guide: ")[1].strip())
    assert guide.is_file() and "THANKS10-" in guide.read_text(encoding="utf-8")
    assert [v.discount_percent for v in load_offers(store)[0].variants] == [10.0]


def test_woocommerce_out_file_writes_html_hook_and_guide(store: Store, home: Path,
                                                         tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    out = tmp_path / "offer.html"
    code = run(home, "--product", "MUG-1", "--platform", "woocommerce", "--out", str(out),
               "--woo-product-id", "321", "--minutes", "45", "--test-discount", "10")
    assert code == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    html = out.read_text(encoding="utf-8")
    assert "?add-to-cart=321&amp;apply_coupon=THANKS15-" in html
    assert (tmp_path / "offer.html.php").read_text(encoding="utf-8").startswith("<?php")
    assert "does NOT apply a coupon" in (tmp_path / "offer.html.guide.txt").read_text("utf-8")
    assert load_offers(store)[0].window_minutes == 45


def test_no_js(store: Store, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "--product", "MUG-1", "--platform", "other", "--no-js") == 0
    out = capsys.readouterr().out
    assert "<script" not in out and "Offer valid for 30 minutes" in out


def test_shopify_prints_the_checkout_blocks_export(store: Store, home: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "--product", "MUG-1", "--platform", "shopify",
               "--variant-id", "44556677") == 0
    out = capsys.readouterr().out
    assert "Checkout Blocks" in out
    assert "Button link:  https://shop.example.com/cart/44556677:1?discount=THANKS15-" in out
    assert "<script" not in out


def test_all_products_as_a_rule_list(store: Store, home: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "--all", "--platform", "woocommerce") == 0
    captured = capsys.readouterr()
    assert "skipped TEA-1" in captured.err
    assert '"trigger": "MUG-1"' in captured.out and '"trigger": "PAPER-1"' in captured.out
    assert len(load_offers(store)) == 3


@pytest.mark.parametrize("target", [["--all"], ["--product", "MUG-1"]])
def test_an_offer_without_a_link_is_exit_2_and_saves_nothing(
        target: list[str], store: Store, home: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Regression: the offers were saved before rendering failed for want of a link.
    settings = load_settings(store)
    settings.store.store_url = ""
    save_settings(store, settings)
    assert run(home, *target, "--platform", "other") == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "the offer needs a link" in captured.err
    assert load_offers(store) == []
