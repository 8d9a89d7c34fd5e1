""""Store runs on" follows the first import until someone chooses it (issue 14: after a
WooCommerce import Settings still said Shopify), and never overrides the merchant."""

from __future__ import annotations

from pathlib import Path

from ppdesk.core.importing import import_files
from ppdesk.core.importing.store_locale import platform_setting
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.settings_edit import apply_changes
from ppdesk.core.store import Store, open_store

SHOPIFY = """\
Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,\
Lineitem sku
#1001,ann@example.com,paid,2026-01-05 10:00:00 -0500,1,Coffee Beans,12.00,COF-1
"""
WOO = "woocommerce_wine_shop_custom_export/woocommerce_orders.csv"


def _store(home: Path) -> Store:
    return open_store(home)


def _platform(store: Store) -> tuple[str, str]:
    s = load_settings(store).store
    return s.platform, s.platform_source


def test_the_first_import_sets_the_platform_and_later_ones_do_not(
        home: Path, tmp_path: Path, real_exports: Path) -> None:
    store = _store(home)
    assert _platform(store) == ("shopify", "")          # the default, chosen by nobody
    summary = import_files(store, [real_exports / WOO], dry_run=True)
    assert summary.platform_set is None and _platform(store) == ("shopify", "")
    summary = import_files(store, [real_exports / WOO])
    assert summary.platform_set == "woocommerce"
    assert _platform(store) == ("woocommerce", "import")
    shopify = tmp_path / "orders_export.csv"
    shopify.write_text(SHOPIFY, encoding="utf-8")
    assert import_files(store, [shopify]).platform_set is None
    assert _platform(store) == ("woocommerce", "import")


def test_the_merchants_choice_is_never_overridden(home: Path, real_exports: Path) -> None:
    store = _store(home)
    # `ppdesk settings set store.platform shopify` (the same value as the default)
    save_settings(store, apply_changes(load_settings(store), {"store.platform": "shopify"}))
    assert _platform(store) == ("shopify", "merchant")
    assert import_files(store, [real_exports / WOO]).platform_set is None
    assert _platform(store) == ("shopify", "merchant")


def test_platforms_in_the_settings_words() -> None:
    assert platform_setting(["generic"]) is None          # a spreadsheet says nothing
    assert platform_setting(["generic", "shopify"]) == "shopify"
    assert platform_setting(["etsy"]) == "other"          # no cart links for Etsy
    assert platform_setting([]) is None


def test_the_platform_is_adopted_in_the_imports_own_transaction(
        home: Path, real_exports: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A failure after the platform was adopted, before COMMIT, takes both back."""
    import sqlite3

    from ppdesk.core import paths
    from ppdesk.core.importing import importer

    store = _store(home)

    def fail(_conn: object) -> int:
        raise RuntimeError("crash just before COMMIT")

    monkeypatch.setattr(importer, "bump_data_version", fail)
    try:
        import_files(store, [real_exports / WOO])
    except RuntimeError:
        pass
    else:
        raise AssertionError("the import should have failed")
    assert _platform(store) == ("shopify", "")
    conn = sqlite3.connect(paths.store_path(home))
    assert conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0
    conn.close()
