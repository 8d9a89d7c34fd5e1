"""How long ``build_report`` takes on a big store: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_results.py [--csv benchmarks/data/shopify_1000000.csv]
        [--sends 100000] [--home /tmp/ppdesk-bench-results]

Imports the export once into the home (reused on later runs), adds ``--sends`` outbox
rows (10% held out, 2% bounced) spread over the export's last 60 days and two offers
with three discount levels, then times ``build_report`` with a cold and a warm lines
cache, and the CSV/XLSX/HTML exports. The machine is shared: read the figures as rough.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ppdesk.core.importing import import_files
from ppdesk.core.results import export
from ppdesk.core.results.report import build_report
from ppdesk.core.store import offers_queries as oq
from ppdesk.core.store import open_store, transaction
from ppdesk.core.store import results_queries as q
from ppdesk.core.store.lines import load_products


def _prepare(home: Path, csv: Path, sends: int) -> None:
    store = open_store(home)
    conn = store.connect()
    try:
        orders = q.load_orders(conn)
        have = len(orders)
        customers = q.customers_with_orders(conn)
    finally:
        conn.close()
    if have == 0:
        t = time.perf_counter()
        import_files(store, [csv], platform="shopify")
        print(f"import {csv.name}: {time.perf_counter() - t:.1f} s (once)")
        conn = store.connect()
        try:
            orders = q.load_orders(conn)
            customers = q.customers_with_orders(conn)
        finally:
            conn.close()
    conn = store.connect()
    try:
        if int(conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]) >= sends:
            return
    finally:
        conn.close()
    rng = np.random.default_rng(3)
    end = pd.to_datetime(orders["date_s"].max(), unit="s")
    pick = customers.iloc[rng.integers(0, len(customers), sends)]
    times = end - pd.to_timedelta(rng.uniform(5, 60, sends), unit="D")
    iso = pd.Series(times).dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    hold = rng.random(sends) < 0.10
    bounce = ~hold & (rng.random(sends) < 0.02)
    state = np.where(hold, "cancelled", np.where(bounce, "failed", "sent"))
    flows = rng.choice(["cross_sell", "replenishment", "review"], sends)
    rows = pd.DataFrame({
        "plan_key": [f"bench|{i}" for i in range(sends)], "flow": flows,
        "customer_id": pick["customer_id"].to_numpy(), "email": pick["email"].to_numpy(),
        "trigger_order_id": None, "product_ids": "[]", "template": flows, "due_at": iso,
        "state": state, "reason": np.where(bounce, "550 5.1.1 unknown", ""),
        "holdout": hold.astype(int), "subject": "", "planned_at": iso,
        "sent_at": np.where(state == "sent", iso, None), "updated_at": iso})
    products = load_products(store)
    top = products["product_id"].head(4).tolist()
    conn = store.connect()
    try:
        with transaction(conn):
            q.insert_outbox_rows(conn, rows.astype(object).to_dict("records"))
            for i in range(2):
                oid = oq.upsert_offer(conn, trigger_product_id=int(top[2 * i]),
                                      complement_product_id=int(top[2 * i + 1]),
                                      window_minutes=30, headline="h", call_to_action="c",
                                      platform="shopify", active=True, now="2026-01-01")
                oq.replace_variants(conn, oid, [(15.0, f"B15{i}"), (10.0, f"B10{i}"),
                                                (0.0, f"B0{i}")])
                oq.set_live_since(conn, oid, (end - pd.Timedelta(days=90)).date().isoformat(),
                                  "2026-01-01")
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", type=Path, default=Path("benchmarks/data/shopify_1000000.csv"))
    parser.add_argument("--sends", type=int, default=100_000)
    parser.add_argument("--home", type=Path, default=Path("/tmp/ppdesk-bench-results"))
    args = parser.parse_args()
    args.home.mkdir(parents=True, exist_ok=True)
    _prepare(args.home, args.csv, args.sends)
    store = open_store(args.home)
    for old in store.columnar_dir.glob("*.parquet"):
        old.unlink()
    t = time.perf_counter()
    report = build_report(store)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    report = build_report(store)
    warm = time.perf_counter() - t
    conn = store.connect()
    try:
        n_orders = int(conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0])
        n_lines = int(conn.execute("SELECT COUNT(*) FROM order_lines").fetchone()[0])
        n_out = int(conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
    finally:
        conn.close()
    print(f"store: {n_orders:,} orders, {n_lines:,} lines, {n_out:,} outbox rows")
    print(f"build_report: {cold:.2f} s with a cold lines cache, {warm:.2f} s warm")
    for name, fn in (("csv", export.write_csv), ("xlsx", export.write_xlsx),
                     ("html", export.write_html)):
        t = time.perf_counter()
        fn(report, args.home / f"report.{name}")
        print(f"export {name}: {time.perf_counter() - t:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
