"""The demo's products export: the committed file is what the seeded generator writes, and
every ordered demo product finds its photo and link in it."""

from __future__ import annotations

import csv
from pathlib import Path

from ppdesk.core import paths
from ppdesk.core.catalogue import thumbnails
from ppdesk.core.demo_products import DEMO_IMAGE_BASE, write_products_export
from ppdesk.core.demo_store import ensure_demo_store

DEMO = paths.resources_dir() / "demo"


def test_committed_export_and_images_equal_the_generator(tmp_path: Path) -> None:
    out, images = tmp_path / "products.csv", tmp_path / "images"
    write_products_export(out, images, seed=7)
    assert out.read_bytes() == (DEMO / "products_export_demo.csv").read_bytes()
    made = {p.name: p.read_bytes() for p in images.glob("*.png")}
    shipped = {p.name: p.read_bytes() for p in (DEMO / "images").glob("*.png")}
    assert made == shipped


def test_every_image_url_is_https_and_shipped() -> None:
    with (DEMO / "products_export_demo.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    urls = {r[c] for r in rows for c in ("Image Src", "Variant Image") if r[c]}
    assert urls and all(u.startswith(DEMO_IMAGE_BASE) for u in urls)
    assert {u[len(DEMO_IMAGE_BASE):] for u in urls} <= {p.name for p in (DEMO / "images").iterdir()}


def test_demo_store_has_photos_and_links_offline() -> None:
    store = ensure_demo_store()
    conn = store.connect()
    try:
        rows = conn.execute("SELECT image_url, url, catalogue_match FROM products").fetchall()
    finally:
        conn.close()
    assert rows and all(r[0] and r[1] and r[2] for r in rows)
    assert all(r[1].startswith("https://daybreak-and-hound.example.com/products/") for r in rows)
    # Every photo is already in the thumbnail cache: previews need no network.
    assert all(thumbnails.cached(store.home, r[0]) is not None for r in rows)
