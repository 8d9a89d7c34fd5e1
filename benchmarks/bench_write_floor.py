"""Benchmark: the floor under an import, what storing the rows costs with nothing else.

Issues 11 and 16 set import targets against a plain parse of the same file (a
50,000-variant catalogue within 3x ``pandas.read_csv``; 1,000,000 order lines within
3x ``polars.read_csv``). This script measures how much of that budget the store's
writes alone take, so the figures say where the time goes and what no tuning of the
reading or preparing can win back.

How, in one run, ``--repeat`` times (medians printed with every run):

1. the anchor parse of the file (pandas for ``--catalogue``, polars for ``--orders``);
2. ppdesk's real import of the file into store A, untimed, then every row it stored
   (catalogue variants, parents and images; or customers, products, orders and lines)
   is read back from A into plain Python tuples, untimed;
3. **floor**: those same tuples written into *bare* tables of a new SQLite file (the
   same columns, and no key, index, uniqueness or reference to maintain; the store's
   page size, WAL and synchronous=NORMAL), through many-row ``VALUES`` lists inside one
   ``BEGIN IMMEDIATE ... COMMIT``. No parsing, cleaning, look-ups, dedupe, indexes or
   columnar copy: a lower bound on storing these rows in SQLite at all;
4. ``--catalogue`` also writes a *narrow* layout the same way: every
   per-product column (title, category, type, tags, status, link) stored once per
   product instead of once per variant, the variant's image only when it is its own.
   That is the least a catalogue table could hold; it shows what a schema change
   could win;
5. ``--orders`` also writes the same tuples into a new store with ppdesk's own schema
   (every key, unique constraint and index the migrations create), the way a bulk
   import does (plain indexes rebuilt once at the end, foreign keys checked once before
   the COMMIT): the *schema floor*, what storing these rows in this schema costs with
   nothing read or prepared; and once more into a *narrower* order schema
   (``NARROWER_ORDERS``: order lines WITHOUT ROWID keyed by order and position, no index
   on the order date alone), to show what such a migration would win;
6. ``--orders`` also times ppdesk's own parse (``importing.reader.read_table``, pyarrow)
   of the columns it reads: the part of the import no store design removes.

    .venv/bin/python benchmarks/bench_write_floor.py --catalogue [--repeat 5]
    PYTHONPATH=<polars> .venv/bin/python benchmarks/bench_write_floor.py --orders [--repeat 3]

The 1,000,000-line file is the one ``bench_import.py`` generates (seed 11); the
catalogue is ``bench_catalogue.py``'s.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CATALOGUE_TABLES = ("catalogue_variants", "catalogue_parents", "catalogue_images")
# Parents, products and customers first: the rows after them point at them.
ORDER_TABLES = ("customers", "products", "orders", "order_lines")


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _read_back(home: Path, tables: tuple[str, ...]) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of ``tables`` in store ``home`` (plus the import batches they cite)."""
    from ppdesk.core import paths

    conn = sqlite3.connect(paths.store_path(home))
    out: dict[str, tuple[list[str], list[tuple]]] = {}
    for table in ("import_batches", *tables):
        cur = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
        out[table] = ([d[0] for d in cur.description], cur.fetchall())
    conn.close()
    return out


def _insert(conn: sqlite3.Connection, head: str, width: int, rows: list[tuple]) -> None:
    """``rows`` through many-row VALUES lists (fewer statement steps than one row per
    execute; the fastest of the ways tried here, and ppdesk's own)."""
    per = max(1, min(500, 32_000 // width))
    one = "(" + ", ".join("?" * width) + ")"
    full = f"{head} VALUES " + ", ".join([one] * per)
    whole = len(rows) - len(rows) % per
    conn.executemany(full, ([v for r in rows[i:i + per] for v in r]
                            for i in range(0, whole, per)))
    if whole < len(rows):
        rest = rows[whole:]
        conn.execute(f"{head} VALUES " + ", ".join([one] * len(rest)),
                     [v for r in rest for v in r])


def _scratch(home: str) -> sqlite3.Connection:
    """A new SQLite file with the store's own settings (connection._connect)."""
    conn = sqlite3.connect(Path(home) / "floor.sqlite3", isolation_level=None)
    for pragma in ("page_size = 16384", "journal_mode = WAL", "synchronous = NORMAL",
                   "cache_size = -262144", "temp_store = MEMORY"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _write_floor(rows: dict[str, tuple[list[str], list[tuple]]]) -> tuple[float, float]:
    """Seconds to store ``rows`` in bare tables: the same columns with no key, index,
    uniqueness or reference to keep (inserts, then the COMMIT). Any SQLite table that
    holds these rows does at least this much work."""
    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks" / "data") as home:
        conn = _scratch(home)
        for table, (names, _values) in rows.items():
            conn.execute(f"CREATE TABLE {table} ({', '.join(names)})")
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for table, (names, values) in rows.items():
            _insert(conn, f"INSERT INTO {table}", len(names), values)
        mid = time.perf_counter()
        conn.execute("COMMIT")
        end = time.perf_counter()
        conn.close()
    return mid - start, end - mid


# A narrower order store, as a later schema could have it: order lines keyed by their
# order and position (one b-tree instead of a rowid table plus its unique index), and no
# index on the order date alone. Run on a fresh ppdesk store, before any row.
NARROWER_ORDERS = """
    DROP TABLE order_lines;
    CREATE TABLE order_lines (
        order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        line_no     INTEGER NOT NULL,
        product_id  INTEGER NOT NULL REFERENCES products(id),
        quantity    REAL NOT NULL,
        unit_price  REAL,
        batch_id    INTEGER NOT NULL REFERENCES import_batches(id),
        PRIMARY KEY (order_id, line_no)
    ) WITHOUT ROWID;
    DROP INDEX orders_date;
"""


def _without_line_ids(rows: dict[str, tuple[list[str], list[tuple]]]
                      ) -> dict[str, tuple[list[str], list[tuple]]]:
    """``rows`` with the order lines' ``id`` column left out (NARROWER_ORDERS has none)."""
    names, values = rows["order_lines"]
    i = names.index("id")
    return {**rows, "order_lines": (names[:i] + names[i + 1:],
                                    [v[:i] + v[i + 1:] for v in values])}


def _write_schema_floor(rows: dict[str, tuple[list[str], list[tuple]]], change: str = ""
                        ) -> tuple[float, float, float]:
    """Seconds to store ``rows`` in a new store with ppdesk's schema (after the SQL
    ``change``, if any), as a bulk import does (store.orders: deferred plain indexes, one
    foreign-key check): (inserts, index rebuild + foreign-key check, COMMIT)."""
    from ppdesk.core.store import open_store
    from ppdesk.core.store import orders as store_orders

    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks" / "data") as home:
        conn = open_store(Path(home)).connect()
        store_orders.tune_for_bulk(conn)
        conn.execute("PRAGMA foreign_keys = OFF")
        if change:
            conn.executescript(change)
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        indexes = store_orders.deferred_indexes(conn, ("orders", "order_lines"), enabled=True)
        with indexes:
            for table, (names, values) in rows.items():
                _insert(conn, f"INSERT INTO {table}({', '.join(names)})", len(names), values)
            mid = time.perf_counter()
        store_orders.verify_foreign_keys(conn)
        checked = time.perf_counter()
        conn.execute("COMMIT")
        end = time.perf_counter()
        conn.close()
    return mid - start, checked - mid, end - checked


def _narrow_catalogue(rows: dict[str, tuple[list[str], list[tuple]]]
                      ) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """The catalogue as the least a store could hold: per-product columns once."""
    names, variants = rows["catalogue_variants"]
    col = {n: i for i, n in enumerate(names)}
    first_image = {}
    for platform, parent, _pos, url in sorted(rows["catalogue_images"][1],
                                              key=lambda r: (r[0], r[1], r[2])):
        first_image.setdefault((platform, parent), url)
    parents: dict[tuple[str, str], tuple] = {}
    narrow = []
    for v in variants:
        key = (v[col["platform"]], v[col["parent_key"]])
        parents.setdefault(key, (*key, v[col["title"]], v[col["category"]],
                                 v[col["product_type"]], v[col["tags"]], v[col["status"]],
                                 v[col["product_url"]]))
        own = v[col["image_url"]]
        narrow.append((v[col["platform"]], v[col["variant_key"]], v[col["parent_key"]],
                       v[col["sku"]], v[col["variant_title"]], v[col["price"]],
                       v[col["compare_at_price"]], v[col["cost"]],
                       None if own == first_image.get(key) else own, v[col["market_prices"]]))
    images = [tuple(r) for r in rows["catalogue_images"][1]]
    return list(parents.values()), narrow, images


def _write_narrow(parents: list[tuple], variants: list[tuple], images: list[tuple]
                  ) -> tuple[float, float]:
    """As ``_write_floor``, for the narrow layout (bare tables too)."""
    return _write_floor({
        "parents": (["platform", "parent_key", "title", "category", "product_type", "tags",
                     "status", "product_url"], parents),
        "variants": (["platform", "variant_key", "parent_key", "sku", "variant_title",
                      "price", "compare_at_price", "cost", "image_url", "market_prices"],
                     variants),
        "images": (["platform", "parent_key", "position", "url"], images)})


def _import_into(home: Path, path: Path) -> float:
    from ppdesk.core.importing import import_files
    from ppdesk.core.store import open_store

    store = open_store(home)
    return _timed(lambda: import_files(store, [path]))


def _line(name: str, runs: list[float], anchor: float) -> str:
    med = statistics.median(runs)
    return (f"{name:<50}{med:>8.2f}{med / anchor:>9.2f}x   "
            + " ".join(f"{s:.2f}" for s in runs))


def _floor_lines(name: str, runs: list[tuple[float, float]], anchor: float) -> None:
    print(_line(name + ": inserts + COMMIT", [i + c for i, c in runs], anchor))
    print(_line("  of which the inserts", [i for i, _ in runs], anchor))
    print(_line("  of which the COMMIT (WAL checkpoint, fsync)", [c for _, c in runs], anchor))


def catalogue(repeat: int) -> None:
    import pandas as pd

    from benchmarks.bench_catalogue import export_path

    path = export_path(50_000)
    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks" / "data") as home:
        _import_into(Path(home), path)
        rows = _read_back(Path(home), CATALOGUE_TABLES)
    narrow = _narrow_catalogue(rows)
    from ppdesk.core.catalogue import loading
    from ppdesk.core.catalogue.layouts import recognise
    from ppdesk.core.importing import reader

    info = reader.sniff(path, None)
    layout = recognise(info.header, "auto", None)
    assert layout is not None, "the benchmark's export is not read as a catalogue"
    wanted = loading._wanted(info.header, layout.reads)
    anchor, full, parse = [], [], []
    floor: list[tuple[float, float]] = []
    slim: list[tuple[float, float]] = []
    for _ in range(repeat):
        anchor.append(_timed(lambda: pd.read_csv(path)))
        parse.append(_timed(lambda: loading._read_csv(reader.sniff(path, None), wanted)))
        with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks" / "data") as home:
            full.append(_import_into(Path(home), path))
        floor.append(_write_floor(rows))
        slim.append(_write_narrow(*narrow))
    a = statistics.median(anchor)
    print(f"file: {path.name}; {len(rows['catalogue_variants'][1])} variants, "
          f"{len(rows['catalogue_parents'][1])} products, "
          f"{len(rows['catalogue_images'][1])} images; target: import <= 3x the anchor")
    print(f"{'case':<50}{'median':>8}{'/ anchor':>10}   runs")
    print(_line("pandas.read_csv, all columns (anchor)", anchor, a))
    print(_line("ppdesk import (fresh store)", full, a))
    print(_line(f"ppdesk's parse of the {len(wanted)} columns it reads", parse, a))
    _floor_lines("floor: its rows, bare tables", floor, a)
    _floor_lines("floor: narrow layout, bare tables", slim, a)
    print(_line("narrow floor + parse (nothing built, no index)",
                [p + i + c for p, (i, c) in zip(parse, slim, strict=True)], a))


def orders(repeat: int) -> None:
    import polars as pl

    from benchmarks.bench_import import export_path
    from ppdesk.core.importing import reader
    from ppdesk.core.importing.importer import _resolve

    path = export_path(1_000_000, "csv")
    info = reader.sniff(path, None)
    _profile, used = _resolve(info, "auto", None)
    wanted = list(dict.fromkeys(used.values()))
    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks" / "data") as home:
        full = [_import_into(Path(home), path)]
        rows = _read_back(Path(home), ORDER_TABLES)
    anchor, parse = [], []
    floor: list[tuple[float, float]] = []
    schema: list[tuple[float, float, float]] = []
    narrower: list[tuple[float, float, float]] = []
    narrower_rows = _without_line_ids(rows)

    def parse_wanted() -> None:
        reader.read_table(reader.sniff(path, None), wanted)

    for _ in range(repeat):
        anchor.append(_timed(lambda: pl.read_csv(path, infer_schema_length=0)))
        parse.append(_timed(parse_wanted))
        floor.append(_write_floor(rows))
        schema.append(_write_schema_floor(rows))
        narrower.append(_write_schema_floor(narrower_rows, NARROWER_ORDERS))
    a = statistics.median(anchor)
    counts = ", ".join(f"{len(rows[t][1]):,} {t}" for t in ORDER_TABLES)
    print(f"file: {path.name}; {counts}; target: import <= 3x the anchor")
    print(f"{'case':<50}{'median':>8}{'/ anchor':>10}   runs")
    print(_line("polars.read_csv, all columns (anchor)", anchor, a))
    print(_line("ppdesk import, in process (first run)", full, a))
    # both in process: a whole command adds interpreter start and imports to each side
    # (here ppdesk's 0.6-0.8 s, polars' 0.2-0.6 s; bench_import.py --commands compares
    # whole commands)
    print(_line(f"ppdesk's parse of the {len(wanted)} columns it reads", parse, a))
    _floor_lines("floor: its rows, bare tables", floor, a)
    both = [p + i + c for p, (i, c) in zip(parse, floor, strict=True)]
    print(_line("floor + parse (nothing prepared, one after other)", both, a))
    print(_line("schema floor: its rows, ppdesk's schema, bulk path", [sum(r) for r in schema],
                a))
    print(_line("  of which the inserts (unique keys kept)", [r[0] for r in schema], a))
    print(_line("  of which index rebuild + foreign-key check", [r[1] for r in schema], a))
    print(_line("  of which the COMMIT (WAL checkpoint, fsync)", [r[2] for r in schema], a))
    print(_line("schema floor, narrower schema (NARROWER_ORDERS)", [sum(r) for r in narrower],
                a))
    print(_line("  of which the inserts", [r[0] for r in narrower], a))
    print(_line("  of which index rebuild + foreign-key check", [r[1] for r in narrower], a))
    print(_line("  of which the COMMIT (WAL checkpoint, fsync)", [r[2] for r in narrower], a))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--catalogue", action="store_true")
    which.add_argument("--orders", action="store_true")
    parser.add_argument("--repeat", type=int, default=0)
    args = parser.parse_args()
    (ROOT / "benchmarks" / "data").mkdir(parents=True, exist_ok=True)
    if args.catalogue:
        catalogue(args.repeat or 5)
    else:
        orders(args.repeat or 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
