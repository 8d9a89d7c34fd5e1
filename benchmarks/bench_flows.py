"""Flows: planning time for many customers, and the sender's rate against a loopback server.

    .venv/bin/python benchmarks/bench_flows.py [--customers 100000] [--send 300]
        [--per-minute 120]

Planning: a store with ``--customers`` customers (1-4 orders each over the last
year, 1-3 lines from 300 products; 80% accept marketing, 5% Amazon orders) is
written straight into SQLite, then ``plan()`` runs with the real analytics (reorder
timing, complements): once on an empty outbox, once more (idempotent: must change
nothing). Times are wall-clock on a machine shared with other work.

Sending: ``--send`` due messages go to an aiosmtpd server on loopback (STARTTLS,
AUTH, test CA) with the per-minute cap set to ``--per-minute`` and a simulated
clock (sleep advances it), so the figure checks the pacing, not our patience: the
achieved rate is sent messages per simulated minute; the raw throughput (messages
per real second, no cap) is printed too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from ppdesk.core.flows.model import FLOWS  # noqa: E402
from ppdesk.core.flows.planner import plan  # noqa: E402
from ppdesk.core.settings import load_settings, save_settings  # noqa: E402
from ppdesk.core.store import open_store, transaction  # noqa: E402
from ppdesk.core.store.lines import bump_data_version  # noqa: E402

NOW = "2026-03-02T12:00:00Z"


def build_store(home: Path, customers: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    store = open_store(home)
    conn = store.connect()
    n_products = 300
    with transaction(conn):
        conn.execute("INSERT INTO import_batches(id, file_name, file_path, file_hash, platform,"
                     " imported_at) VALUES (1, 'b', 'b', 'x', 'shopify', '2026-03-01T00:00:00Z')")
        conn.executemany("INSERT INTO products(id, product_key, sku, name) VALUES (?, ?, ?, ?)",
                         [(i, f"SKU{i:04d}", f"SKU{i:04d}", f"Product {i}")
                          for i in range(1, n_products + 1)])
        accepts = rng.random(customers) < 0.8
        conn.executemany("INSERT INTO customers(id, customer_key, email, first_name,"
                         " accepts_marketing, platform) VALUES (?, ?, ?, 'Ann', ?, 'shopify')",
                         [(i + 1, f"c{i}@example.org", f"c{i}@example.org", int(accepts[i]))
                          for i in range(customers)])
        n_orders = rng.integers(1, 5, customers)
        cust = np.repeat(np.arange(1, customers + 1), n_orders)
        days = rng.integers(0, 365, cust.size)
        start = np.datetime64("2025-03-02T09:00")
        at = start + days.astype("timedelta64[D]") + rng.integers(0, 720, cust.size).astype(
            "timedelta64[m]")
        marketplace = rng.random(cust.size) < 0.05
        texts = np.datetime_as_string(at, unit="s")
        orders = [(i + 1, "amazon" if marketplace[i] else "shopify", f"#{i + 1}", int(cust[i]),
                   f"c{cust[i] - 1}@example.org", texts[i].replace("T", " "), texts[i][:10],
                   int(accepts[cust[i] - 1]), int(not marketplace[i])) for i in range(cust.size)]
        conn.executemany("INSERT INTO orders(id, platform, store_order_id, customer_id, email,"
                         " ordered_at, order_date, utc_offset_min, accepts_marketing,"
                         " marketing_allowed, total, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, 0,"
                         " ?, ?, 20, 1)", orders)
        # popularity skewed so that pairs and repeat purchases exist
        weights = 1 / np.arange(1, n_products + 1) ** 0.8
        weights /= weights.sum()
        n_lines = rng.integers(1, 4, cust.size)
        order_ids = np.repeat(np.arange(1, cust.size + 1), n_lines)
        products = rng.choice(np.arange(1, n_products + 1), order_ids.size, p=weights)
        line_no = np.concatenate([np.arange(1, k + 1) for k in n_lines])
        conn.executemany("INSERT INTO order_lines(order_id, line_no, product_id, quantity,"
                         " unit_price, batch_id) VALUES (?, ?, ?, 1, 10, 1)",
                         zip(order_ids.tolist(), line_no.tolist(), products.tolist(),
                             strict=True))
        bump_data_version(conn)
    conn.close()
    print(f"store: {customers} customers, {cust.size} orders, {order_ids.size} lines")


def bench_plan(customers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        build_store(home, customers)
        store = open_store(home)
        t = time.perf_counter()
        preview = plan(store, now=NOW, live=FLOWS, write=False)
        t0 = time.perf_counter() - t
        print(f"preview (write=False, as the Flows page and 'flows plan'): {t0:.1f} s -> "
              f"{preview.summary()['planned']} planned, nothing written")
        t = time.perf_counter()
        first = plan(store, now=NOW, live=FLOWS)   # a new store's flows are Draft
        t1 = time.perf_counter() - t
        print(f"plan (empty outbox): {t1:.1f} s -> {first.summary()}")
        t = time.perf_counter()
        second = plan(store, now=NOW, live=FLOWS)
        t2 = time.perf_counter() - t
        print(f"plan again (idempotent): {t2:.1f} s -> changed {second.changed}")


def bench_send(count: int, per_minute: int) -> None:
    import keyring
    from flow_builders import StoreBuilder, fixed_complements, timing_frame
    from keyrings.alt.file import PlaintextKeyring
    from loopback_smtp import LoopbackSmtp, configure

    from ppdesk.core.sending.sender import send_due

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        ring = PlaintextKeyring()
        ring.file_path = str(tmp / "keyring.cfg")  # type: ignore[misc]
        keyring.set_keyring(ring)
        (tmp / "home").mkdir()
        shop = StoreBuilder(tmp / "home")
        for key in "abcd":
            shop.product(key)
        shop.bulk_orders([(f"c{i}@example.org", "2026-03-01 10:00", ["a"])
                          for i in range(count)])
        with LoopbackSmtp(tmp) as server:
            configure(shop, server)
            plan(shop.store, now="2026-03-03T11:00:00Z", timing=timing_frame({}),
                 complements=fixed_complements({"a": [2, 3, 4]}))
            settings = load_settings(shop.store)
            settings.sending.per_minute = per_minute
            save_settings(shop.store, settings)
            fake = {"t": 0.0, "slept": 0.0}
            real_start = time.perf_counter()

            def monotonic() -> float:
                return fake["slept"] + (time.perf_counter() - real_start)

            def sleep(seconds: float) -> None:
                fake["slept"] += seconds

            summary = send_due(shop.store, now="2026-03-03T11:00:00Z",
                               ssl_context=server.client_ctx, monotonic=monotonic, sleep=sleep)
            real = time.perf_counter() - real_start
            simulated = monotonic()
            sent_at = np.sort(shop.outbox()["sent_at"].dropna().map(
                lambda t: np.datetime64(t.rstrip("Z"))).to_numpy().astype("datetime64[s]")
                .astype(np.int64))
            # most messages handed over in any 60-second window (must not exceed the cap)
            busiest = int(max(np.searchsorted(sent_at, sent_at + 60) - np.arange(sent_at.size)))
            print(f"send: {summary.sent} sent, {len(server.received)} received in "
                  f"{simulated / 60:.2f} simulated min; cap {per_minute}/min, busiest 60 s "
                  f"window {busiest}; raw {summary.sent / real:.1f} msg/s ({real:.1f} s real, "
                  "waits simulated)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=300)
    parser.add_argument("--per-minute", type=int, default=120)
    args = parser.parse_args()
    bench_plan(args.customers)
    bench_send(args.send, args.per_minute)


if __name__ == "__main__":
    main()
