"""Benchmark: importing a 50,000-variant Shopify products export vs a pandas read of the same file.

The export is generated here (seeded): 10,000 products of 5 variants each, every
product with a description, tags, a per-market price, cost per item, a Variant Image
on some variants and one image-only row (60,000 CSV rows, 52 columns, the 2024
layout). ``ppdesk`` = ``import_files`` into a fresh store (sniff, read, variants,
images, SQLite writes in one transaction, matching); the anchor = ``pandas.read_csv``
of the same file (all columns, default C engine), timed in the same run. The goal is
ppdesk <= 3x pandas. Median of ``--repeat`` runs, each import into a new store.

    .venv/bin/python benchmarks/bench_catalogue.py [--variants 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
HEADER = ["Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags",
          "Published", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
          "Option3 Name", "Option3 Value", "Variant SKU", "Variant Grams",
          "Variant Inventory Tracker", "Variant Inventory Policy", "Variant Fulfillment Service",
          "Variant Price", "Variant Compare At Price", "Variant Requires Shipping",
          "Variant Taxable", "Variant Barcode", "Image Src", "Image Position", "Image Alt Text",
          "Gift Card", "SEO Title", "SEO Description", "Google Shopping / Google Product Category",
          "Google Shopping / Gender", "Google Shopping / Age Group", "Google Shopping / MPN",
          "Google Shopping / Condition", "Google Shopping / Custom Product",
          "Google Shopping / Custom Label 0", "Google Shopping / Custom Label 1",
          "Google Shopping / Custom Label 2", "Google Shopping / Custom Label 3",
          "Google Shopping / Custom Label 4", "Variant Image", "Variant Weight Unit",
          "Variant Tax Code", "Cost per item", "Included / Poland", "Price / Poland",
          "Compare At Price / Poland", "Included / International", "Price / International",
          "Compare At Price / International", "Status"]
SIZES = ("XS", "S", "M", "L", "XL")


def export_path(variants: int) -> Path:
    """The generated export (cached in benchmarks/data/, git-ignored)."""
    path = DATA / f"shopify_products_{variants}.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    products = variants // len(SIZES)
    prices = rng.integers(500, 20000, size=products) / 100
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for p in range(products):
            handle = f"organic-cotton-shirt-{p}"
            img = f"https://cdn.shopify.com/s/files/1/0000/0001/files/{handle}"
            for v, size in enumerate(SIZES):
                row = dict.fromkeys(HEADER, "")
                row.update({"Handle": handle, "Option1 Value": size, "Option2 Value": "Blue",
                            "Variant SKU": f"SH-{p}-{size}", "Variant Grams": "200.0",
                            "Variant Inventory Tracker": "shopify",
                            "Variant Inventory Policy": "deny",
                            "Variant Fulfillment Service": "manual",
                            "Variant Price": f"{prices[p]:.2f}",
                            "Variant Requires Shipping": "true", "Variant Taxable": "true",
                            "Variant Weight Unit": "kg",
                            "Cost per item": f"{prices[p] * 0.4:.2f}",
                            "Price / Poland": f"{prices[p] * 4.3:.2f}",
                            "Included / Poland": "true", "Included / International": "true",
                            "Variant Image": f"{img}-{size}.jpg" if v % 2 else ""})
                if v == 0:
                    row.update({"Title": f"Organic Cotton Shirt {p}",
                                "Body (HTML)": "<p>Soft, organic cotton. " * 8 + "</p>",
                                "Vendor": "Example Apparel", "Type": "Shirts",
                                "Product Category": "Apparel & Accessories > Clothing > Shirts",
                                "Tags": "cotton, organic, summer", "Published": "true",
                                "Option1 Name": "Size", "Option2 Name": "Colour",
                                "Image Src": f"{img}-1.jpg", "Image Position": "1",
                                "Gift Card": "false", "Status": "active"})
                writer.writerow(row.values())
            writer.writerow([handle] + [""] * 23 + [f"{img}-2.jpg", "2"] + [""] * 26)
    return path


def _time(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import pandas as pd

    from ppdesk.core.importing import import_files
    from ppdesk.core.store import open_store

    path = export_path(args.variants)
    pandas_s, ppdesk_s, pandas_cpu, ppdesk_cpu = [], [], [], []
    counts = None
    for _ in range(args.repeat):
        cpu = time.process_time()
        pandas_s.append(_time(lambda: pd.read_csv(path)))
        pandas_cpu.append(time.process_time() - cpu)
        with tempfile.TemporaryDirectory() as home:
            store = open_store(Path(home))
            cpu, start = time.process_time(), time.perf_counter()
            summary = import_files(store, [path])
            ppdesk_s.append(time.perf_counter() - start)
            ppdesk_cpu.append(time.process_time() - cpu)
            counts = summary.catalogue[0]
    anchor, ours = statistics.median(pandas_s), statistics.median(ppdesk_s)
    size_mb = path.stat().st_size / 1e6
    print(f"file: {path.name}, {size_mb:.1f} MB; imported {counts.variants} variants, "
          f"{counts.parents} products, {counts.images} images")
    print(f"{'case':<34}{'median s':>10}   runs")
    print(f"{'pandas.read_csv (anchor)':<34}{anchor:>10.2f}   "
          + " ".join(f"{s:.2f}" for s in pandas_s))
    print(f"{'ppdesk import (fresh store)':<34}{ours:>10.2f}   "
          + " ".join(f"{s:.2f}" for s in ppdesk_s))
    # CPU seconds of this process (all its threads) say how much work each side did
    # when other processes load the machine; the goal is on the wall-clock medians.
    cpu_anchor, cpu_ours = statistics.median(pandas_cpu), statistics.median(ppdesk_cpu)
    print(f"CPU s (median): pandas {cpu_anchor:.2f}, ppdesk {cpu_ours:.2f} "
          f"({cpu_ours / cpu_anchor:.2f}x)")
    print(f"ratio ppdesk / pandas: {ours / anchor:.2f}x (goal <= 3x)")
    return 0 if ours <= 3 * anchor else 1


if __name__ == "__main__":
    sys.exit(main())
