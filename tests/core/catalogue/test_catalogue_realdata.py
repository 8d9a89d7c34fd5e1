"""Every shared real catalogue imports; parents, variants and images match an independent count.

The counts are made here with the plain ``csv`` module from the README's definitions
(/work/shared/data/real-catalogues/README.md), never with the importer's code:

- Shopify: parents = distinct handles; variants = rows with a price, an option value or
  a SKU; images = distinct (handle, Image Src) pairs whose URL starts with https://.
- WooCommerce: parents = non-variation rows; variants = variation rows plus the rows
  sold as themselves (neither variable nor grouped); images = distinct (owner, URL) of
  the comma-separated Images, https only, the owner being a variation's parent.
- Etsy: one listing = one parent and one variant; images = distinct https IMAGE1..10.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from catalogue_helpers import query

from ppdesk.core.importing import import_files
from ppdesk.core.store import open_store


def _real_catalogues() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data" / "real-catalogues"
        if candidate.is_dir():
            return candidate
    return None


ROOT = _real_catalogues()
FOLDERS = sorted(p.name for p in ROOT.iterdir() if p.is_dir()) if ROOT else []


def _records(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:] if any(c.strip() for c in r)]
    return header, body


def _https(url: str) -> bool:
    return re.fullmatch(r"https://[A-Za-z0-9\-._~%]+(:\d+)?([/?#][^\s<>\"'`\\]*)?", url) is not None


def _shopify(header: list[str], body: list[list[str]]) -> tuple[int, int, int]:
    col = {h: i for i, h in enumerate(header)}
    handles, variants, images = set(), 0, set()
    for r in body:
        handle = r[col["Handle"]].strip()
        if not handle:
            continue
        handles.add(handle)
        marks = [r[col["Variant Price"]], r[col["Variant SKU"]]] + [
            r[col[f"Option{i} Value"]] for i in (1, 2, 3) if f"Option{i} Value" in col]
        variants += any(m.strip() for m in marks)
        src = r[col["Image Src"]].strip()
        if src and _https(src):
            images.add((handle, src))
    return len(handles), variants, len(images)


def _woocommerce(header: list[str], body: list[list[str]]) -> tuple[int, int, int]:
    col = {h: i for i, h in enumerate(header)}
    parents, variants, images = 0, 0, set()
    for r in body:
        kind = r[col["Type"]].lower()
        variation = "variation" in kind
        parents += not variation
        variants += variation or not ("variable" in kind or "grouped" in kind)
        m = re.fullmatch(r"id:\s*(\d+)", r[col["Parent"]].strip())
        owner = m.group(1) if variation and m else r[col["ID"]].strip()
        for url in r[col["Images"]].split(","):
            if url.strip() and _https(url.strip()):
                images.add((owner, url.strip()))
    return parents, variants, len(images)


def _etsy(header: list[str], body: list[list[str]]) -> tuple[int, int, int]:
    col = {h: i for i, h in enumerate(header)}
    images = set()
    for r in body:
        key = r[col["SKU"]].strip() or r[col["TITLE"]].strip()
        for i in range(1, 11):
            url = r[col[f"IMAGE{i}"]].strip()
            if url and _https(url):
                images.add((key, url))
    return len(body), len(body), len(images)


@pytest.mark.realdata
@pytest.mark.skipif(ROOT is None, reason="shared real catalogues not present")
@pytest.mark.parametrize("folder", FOLDERS)
def test_real_catalogue_counts(folder: str, home: Path) -> None:
    assert ROOT is not None
    [path] = [p for p in (ROOT / folder).iterdir() if p.suffix == ".csv"]
    header, body = _records(path)
    platform = folder.split("_", 1)[0]
    expected = {"shopify": _shopify, "woocommerce": _woocommerce, "etsy": _etsy}[platform](
        header, body)
    store = open_store(home)
    summary = import_files(store, [path])
    [c] = summary.catalogue
    assert c.platform == platform
    assert (c.parents, c.variants, c.images) == expected
    assert query(home, "SELECT COUNT(*) FROM catalogue_parents") == [(expected[0],)]
    assert query(home, "SELECT COUNT(*) FROM catalogue_variants") == [(expected[1],)]
    assert query(home, "SELECT COUNT(*) FROM catalogue_images") == [(expected[2],)]
    # Every stored image and link is absolute https.
    bad = query(home, "SELECT COUNT(*) FROM catalogue_variants WHERE "
                      "(image_url IS NOT NULL AND image_url NOT LIKE 'https://%') OR "
                      "(product_url IS NOT NULL AND product_url NOT LIKE 'https://%')")
    assert bad == [(0,)]
    again = import_files(store, [path])
    assert again.catalogue[0].variants_added == 0
    assert query(home, "SELECT COUNT(*) FROM catalogue_variants") == [(expected[1],)]
