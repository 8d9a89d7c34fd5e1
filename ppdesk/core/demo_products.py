"""The demo store's catalogue as a Shopify products export, with tiny product photos.

Made from the same fixed catalogue as the demo orders (``demo_catalog``), so every
ordered product of ``orders_export_demo.csv`` is in ``products_export_demo.csv``:
one product per base name ("Travel Mug 12oz" with its colours as variants), the
line name's part after " - " as its option values ("250g / Whole Bean" = Size and
Grind), costs per item drawn with the seed, image-only rows for second photos and a
``Variant Image`` for colour variants, like a real export.

Image URLs are https URLs on the demo shop's (invented) domain. So that previews
work offline, each image also ships as a small PNG in ``resources/demo/images/``
named like the URL's last part; the demo store copies them into the thumbnail
cache (``core/catalogue/thumbnails.py``), where the app looks before downloading.
The PNGs are drawn here (solid colour per category, a band per variant): no
third-party picture is used.
"""

from __future__ import annotations

import csv
import re
import struct
import zlib
from pathlib import Path

import numpy as np

from ppdesk.core import demo_catalog as dc

DEMO_IMAGE_BASE = "https://daybreak-and-hound.example.com/cdn/shop/files/"
PRODUCTS_HEADER = (
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name",
    "Option3 Value", "Variant SKU", "Variant Grams", "Variant Inventory Tracker",
    "Variant Inventory Qty", "Variant Inventory Policy", "Variant Fulfillment Service",
    "Variant Price", "Variant Compare At Price", "Variant Requires Shipping", "Variant Taxable",
    "Variant Barcode", "Image Src", "Image Position", "Image Alt Text", "Gift Card",
    "SEO Title", "SEO Description", "Variant Image", "Variant Weight Unit", "Variant Tax Code",
    "Cost per item", "Status",
)
_COLOURS = {"coffee": (120, 78, 48), "skincare": (214, 170, 160), "pet": (96, 140, 92),
            "gifts": (70, 96, 160)}
_CATEGORY_PATH = {"coffee": "Food, Beverages & Tobacco > Beverages > Coffee",
                  "skincare": "Health & Beauty > Personal Care > Cosmetics > Skin Care",
                  "pet": "Animals & Pet Supplies > Pet Supplies",
                  "gifts": "Arts & Entertainment > Party & Celebration > Gift Giving"}


def handle_of(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _png(width: int, height: int, rgb: tuple[int, int, int], band: tuple[int, int, int]) -> bytes:
    """A small RGB PNG: ``rgb`` with a horizontal band of ``band`` across the middle."""
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    pixels[:] = rgb
    pixels[height // 3: 2 * height // 3] = band
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _band(text: str) -> tuple[int, int, int]:
    h = zlib.crc32(text.encode("utf-8"))
    return (h & 0xFF, (h >> 8) & 0xFF, (h >> 16) & 0xFF)


def products_rows(seed: int = 7) -> tuple[list[dict[str, str]], dict[str, bytes]]:
    """The export's rows and the images they name (file name -> PNG bytes)."""
    cat = dc.build_catalog()
    rng = np.random.default_rng(seed)
    margin = rng.uniform(0.30, 0.60, size=len(cat))
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(cat.name):
        groups.setdefault(str(name).split(" - ", 1)[0], []).append(i)
    rows: list[dict[str, str]] = []
    images: dict[str, bytes] = {}
    for title, members in groups.items():
        handle = handle_of(title)
        category = dc.CATEGORIES[int(cat.category[members[0]])]
        colour = _COLOURS[category]
        main, second = f"{handle}.png", f"{handle}-2.png"
        images[main] = _png(48, 48, colour, _band(title))
        images[second] = _png(48, 48, _band(title), colour)
        parts = [str(cat.name[i]).split(" - ", 1)[1].split(" / ") if " - " in str(cat.name[i])
                 else [] for i in members]
        width = max(len(p) for p in parts)
        gift_card = "Gift Card" in title
        names = (["Size", "Grind"] if width == 2 else ["Amount" if gift_card else "Style"]
                 if width == 1 else ["Title"])
        # Styles (colours, skin types) get a photo of their own, as shops usually do.
        colour_options = width == 1 and len(members) > 1 and not gift_card
        for n, (i, values) in enumerate(zip(members, parts, strict=True)):
            values = values or ["Default Title"]
            price = cat.price_cents[i] / 100
            compare = cat.compare_cents[i] / 100
            variant_image = ""
            if colour_options:
                file = f"{handle}-{handle_of(values[0])}.png"
                images[file] = _png(48, 48, colour, _band(values[0]))
                variant_image = DEMO_IMAGE_BASE + file
            gift = gift_card
            row = {h: "" for h in PRODUCTS_HEADER}
            row.update({
                "Handle": handle, "Option1 Value": values[0],
                "Option2 Value": values[1] if len(values) > 1 else "",
                "Variant SKU": str(cat.sku[i]), "Variant Grams": "0.0",
                "Variant Inventory Tracker": "shopify", "Variant Inventory Qty": "25",
                "Variant Inventory Policy": "deny", "Variant Fulfillment Service": "manual",
                "Variant Price": f"{price:.2f}",
                "Variant Compare At Price": f"{compare:.2f}" if compare else "",
                "Variant Requires Shipping": "true" if cat.requires_shipping[i] else "false",
                "Variant Taxable": "true", "Variant Image": variant_image,
                "Variant Weight Unit": "kg",
                "Cost per item": "" if gift else f"{price * (1 - margin[i]):.2f}",
            })
            if n == 0:
                row.update({
                    "Title": title, "Body (HTML)": f"<p>{title}, from {cat.vendor[i]}.</p>",
                    "Vendor": str(cat.vendor[i]), "Product Category": _CATEGORY_PATH[category],
                    "Type": "Gift Card" if gift else category.title(),
                    "Tags": category, "Published": "true", "Option1 Name": names[0],
                    "Option2 Name": names[1] if len(names) > 1 else "",
                    "Image Src": DEMO_IMAGE_BASE + main, "Image Position": "1",
                    "Image Alt Text": title, "Gift Card": "true" if gift else "false",
                    "Status": "active"})
            rows.append(row)
        extra = {h: "" for h in PRODUCTS_HEADER}
        extra.update({"Handle": handle, "Image Src": DEMO_IMAGE_BASE + second,
                      "Image Position": "2", "Image Alt Text": title})
        rows.append(extra)  # an image-only row, as Shopify writes second photos
    return rows, images


def write_products_export(path: Path, images_dir: Path | None = None, *, seed: int = 7) -> int:
    """Write the products export (and the PNGs when ``images_dir``); returns the row count."""
    rows, images = products_rows(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=PRODUCTS_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    if images_dir is not None:
        images_dir.mkdir(parents=True, exist_ok=True)
        for name, data in images.items():
            (images_dir / name).write_bytes(data)
    return len(rows)
