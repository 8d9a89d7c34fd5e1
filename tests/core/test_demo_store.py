"""The demo store: built from the bundled export in its own home, reused, reset, cancellable."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from ppdesk.core import paths
from ppdesk.core.demo_store import demo_export_path, ensure_demo_store
from ppdesk.core.errors import Cancelled
from ppdesk.core.progress import CancelToken
from ppdesk.core.settings import load_settings
from ppdesk.core.store.lines import data_version, load_lines


def _orders_in_export() -> int:
    with demo_export_path().open(newline="", encoding="utf-8") as fh:
        return len({row["Name"] for row in csv.DictReader(fh)})


def _version(store) -> int:
    conn = store.connect()
    try:
        return data_version(conn)
    finally:
        conn.close()


def test_builds_in_the_demo_home_and_not_the_merchants(home: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    store = ensure_demo_store(progress=lambda d, t, m: seen.append((d, t, m)))
    assert store.home == Path(os.environ["PPDESK_DEMO_HOME"]).resolve()
    assert store.home == paths.demo_home_dir()
    assert not paths.store_path(home).exists()  # the merchant's home stays empty
    lines = load_lines(store)
    assert lines["store_order_id"].nunique() == _orders_in_export() == 5000
    assert load_settings(store).store.store_url.startswith("https://")
    assert seen and seen[-1][0] == seen[-1][1]


def test_second_call_reuses_and_reset_rebuilds() -> None:
    # two data versions: the one import (orders and catalogue in one transaction), then
    # the variant ids the demo stores as `catalogue fetch-ids` would
    first = ensure_demo_store()
    assert _version(first) == 2
    again = ensure_demo_store()
    assert _version(again) == 2  # not imported a second time
    rebuilt = ensure_demo_store(reset=True)
    assert _version(rebuilt) == 2  # a fresh store, imported once
    assert load_lines(rebuilt)["store_order_id"].nunique() == 5000


def test_cancelled_build_leaves_nothing_and_next_call_builds() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        ensure_demo_store(cancel=token)
    store = ensure_demo_store()
    assert load_lines(store)["store_order_id"].nunique() == 5000


def test_a_demo_store_from_an_older_ppdesk_gets_its_catalogue(home: Path) -> None:
    import sqlite3

    from ppdesk.core.importing import import_files
    from ppdesk.core.store import open_store

    # What an older ppdesk left: the demo's orders, no catalogue.
    old = open_store(paths.demo_home_dir())
    import_files(old, [demo_export_path()], platform="shopify")
    store = ensure_demo_store()
    conn = sqlite3.connect(store.db_path)
    try:
        variants = conn.execute("SELECT COUNT(*) FROM catalogue_variants").fetchone()[0]
        photos = conn.execute("SELECT COUNT(*) FROM products WHERE image_url LIKE 'https://%'"
                              ).fetchone()[0]
        products = conn.execute("SELECT COUNT(*) FROM products").fetchone()[0]
    finally:
        conn.close()
    with (demo_export_path().with_name("products_export_demo.csv")).open(
            newline="", encoding="utf-8") as fh:
        expected = sum(1 for row in csv.DictReader(fh)
                       if row["Variant SKU"] or row["Variant Price"])
    assert variants == expected > 0
    assert photos == products   # every ordered demo product matched and shows a photo


def test_a_build_stopped_before_its_variant_ids_is_finished_by_the_next_call() -> None:
    import sqlite3

    store = ensure_demo_store()
    conn = sqlite3.connect(store.db_path)
    try:
        seeded = dict(conn.execute(
            "SELECT id, platform_variant_id FROM catalogue_variants WHERE platform = 'shopify' "
            "AND handle IS NOT NULL"))
        # What a stop between the import's COMMIT and the seeding leaves: no ids on some
        # variants; and one id the merchant edited by hand.
        gone = sorted(seeded)[::3]
        edited = sorted(seeded)[1]
        with conn:
            conn.executemany("UPDATE catalogue_variants SET platform_variant_id = NULL, "
                             "platform_product_id = NULL WHERE id = ?", [(v,) for v in gone])
            conn.execute("UPDATE catalogue_variants SET platform_variant_id = '123' WHERE id = ?",
                         (edited,))
    finally:
        conn.close()
    ensure_demo_store()
    conn = sqlite3.connect(store.db_path)
    try:
        after = dict(conn.execute("SELECT id, platform_variant_id FROM catalogue_variants "
                                  "WHERE platform = 'shopify' AND handle IS NOT NULL"))
    finally:
        conn.close()
    assert len(seeded) > 10 and all(v is not None for v in seeded.values())
    assert after == {**seeded, edited: "123"}  # the same ids back; the edit is kept
