"""The import writes the columnar copy of the lines frame, all or nothing with its transaction.

The expected frame is computed here from one plain JOIN over the SQLite tables and
worked out in Python (not through ``ppdesk.core.store.lines``), and compared with
what ``load_lines`` returns from the copy the import wrote.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from import_helpers import SHOPIFY_HEADER, query, write_export

from ppdesk.core.errors import InputError
from ppdesk.core.importing import import_files
from ppdesk.core.store import Store, open_store
from ppdesk.core.store.lines import load_lines

ROOT = Path(__file__).resolve().parents[3]
COLUMNS = ["order_id", "store_order_id", "platform", "order_date", "ordered_at", "customer_id",
           "product_id", "quantity", "unit_price", "included", "marketing_allowed",
           "discount_code"]
DTYPES = ["int64", "str", "str", "datetime64[us]", "datetime64[us]", "int64", "int64",
          "float64", "float64", "bool", "bool", "str"]


def expected_frame(store: Store) -> pd.DataFrame:
    rows = query(store, """
        SELECT l.order_id, o.store_order_id, o.platform, o.order_date, o.ordered_at,
               o.customer_id, l.product_id, l.quantity, l.unit_price, o.cancelled,
               o.financial_status, o.marketing_allowed, o.discount_code
        FROM order_lines l JOIN orders o ON o.id = l.order_id
        ORDER BY l.order_id, l.line_no""")
    records = [{
        "order_id": r[0], "store_order_id": r[1], "platform": r[2],
        "order_date": pd.Timestamp(r[3]), "ordered_at": pd.Timestamp(r[4]),
        "customer_id": -1 if r[5] is None else r[5], "product_id": r[6],
        "quantity": float(r[7]), "unit_price": float("nan") if r[8] is None else float(r[8]),
        "included": r[9] == 0 and (r[10] or "").lower() not in ("refunded", "voided"),
        "marketing_allowed": bool(r[11]), "discount_code": r[12] or ""} for r in rows]
    return pd.DataFrame(records, columns=COLUMNS)


def assert_copy_matches(store: Store) -> pd.DataFrame:
    got = load_lines(store)
    want = expected_frame(store)
    assert list(got.columns) == COLUMNS and [str(t) for t in got.dtypes] == DTYPES
    if want.empty:
        assert got.empty
        return got
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want,
                                  check_dtype=False)
    return got


def named_copy(store: Store) -> tuple[int, str] | None:
    rows = query(store, "SELECT value FROM settings WHERE key = 'lines_cache'")
    version = query(store, "SELECT value FROM settings WHERE key = 'data_version'")
    if not rows:
        return None
    entry = json.loads(rows[0][0])
    assert entry["version"] == int(version[0][0])
    return entry["version"], entry["file"]


def copies(store: Store) -> list[str]:
    return sorted(p.name for p in store.columnar_dir.iterdir())


def _order(name: str, day: int, *, status: str = "paid", cancelled: str = "",
           items: tuple[str, ...] = ("SOAP",), code: str = "",
           qty: str = "1") -> list[dict[str, str]]:
    rows = []
    for i, sku in enumerate(items):
        row = {"Name": name, "Email": f"{name[1:]}@c.test",
               "Created at": f"2024-01-{day:02d} 1{i}:30:15 +0100",
               "Lineitem quantity": qty if i == len(items) - 1 else "1",
               "Lineitem name": sku.title(), "Lineitem price": f"{4 + i}.25",
               "Lineitem sku": sku}
        if i == 0:
            row.update({"Financial Status": status, "Cancelled at": cancelled,
                        "Discount Code": code})
        rows.append(row)
    return rows


def _export(path: Path, *orders: list[dict[str, str]]) -> Path:
    return write_export(path, SHOPIFY_HEADER, [r for o in orders for r in o])


@pytest.fixture
def store(home: Path) -> Store:
    return open_store(home)


def test_first_import_writes_the_copy_that_load_lines_reads(tmp_path: Path,
                                                            store: Store) -> None:
    path = _export(tmp_path / "a.csv", _order("#2", 2, items=("SOAP", "TOWEL"), code="SPRING"),
                   _order("#1", 1, status="refunded"), _order("#3", 3, cancelled="2024-01-04"))
    import_files(store, [path])
    named = named_copy(store)
    assert named is not None and copies(store) == [named[1]]
    got = assert_copy_matches(store)
    assert len(got) == 4 and got["included"].tolist() == [True, True, False, False]
    assert copies(store) == [named[1]]  # read, not rebuilt from SQLite (that writes lines-v*)


def test_reimports_overlaps_and_status_updates_keep_the_copy_equal(tmp_path: Path,
                                                                  store: Store) -> None:
    old = _export(tmp_path / "orders_export_1.csv", _order("#1", 1), _order("#2", 2),
                  _order("#3", 3, items=("SOAP", "TOWEL")))
    new = _export(tmp_path / "orders_export_2.csv",
                  _order("#3", 3, status="refunded", items=("SOAP", "TOWEL")),
                  _order("#2", 2, cancelled="2024-01-05 09:00:00 +0100", status="voided"),
                  _order("#4", 4, items=("TOWEL", "SOAP", "BRUSH")), _order("#5", 5))
    import_files(store, [old])
    first = named_copy(store)
    assert_copy_matches(store)
    import_files(store, [new])
    second = named_copy(store)
    assert first is not None and second is not None and second[0] == first[0] + 1
    assert copies(store) == [second[1]]  # the old copy is gone once the new one is named
    got = assert_copy_matches(store)
    assert got.groupby("store_order_id")["included"].first().to_dict() == {
        "#1": True, "#2": False, "#3": False, "#4": True, "#5": True}
    import_files(store, [new])  # the same file again: nothing added, the copy still equal
    assert len(assert_copy_matches(store)) == len(got)
    third = named_copy(store)
    # Nothing it holds changed: the same file is named for the new version.
    assert third is not None and third == (second[0] + 1, second[1])
    assert copies(store) == [second[1]]


def test_rows_of_an_order_spread_over_the_file(tmp_path: Path, store: Store) -> None:
    one, two = _order("#1", 1, items=("SOAP", "TOWEL", "BRUSH")), _order("#2", 2)
    import_files(store, [_export(tmp_path / "a.csv", [one[0]], two, [one[2], one[1]])])
    got = assert_copy_matches(store)
    assert got["store_order_id"].tolist() == ["#1", "#1", "#1", "#2"]


def test_lines_added_to_a_stored_order(tmp_path: Path, store: Store) -> None:
    # The first export's second line of #1 is rejected (quantity); the corrected
    # re-export adds it to the stored order.
    import_files(store, [_export(tmp_path / "a.csv", _order("#1", 1, items=("SOAP", "TOWEL"),
                                                            qty="x"), _order("#2", 2))])
    assert len(assert_copy_matches(store)) == 2
    summary = import_files(store, [_export(tmp_path / "b.csv",
                                           _order("#1", 1, items=("SOAP", "TOWEL")))])
    assert (summary.lines_added, summary.duplicates_skipped) == (1, 1)
    got = assert_copy_matches(store)
    assert got["store_order_id"].tolist() == ["#1", "#1", "#2"]


def test_two_files_in_one_call_the_second_updating_the_first(tmp_path: Path,
                                                             store: Store) -> None:
    a = _export(tmp_path / "a.csv", _order("#1", 1), _order("#2", 2))
    b = _export(tmp_path / "b.csv", _order("#1", 1, status="refunded"), _order("#3", 3))
    import_files(store, [a, b])
    got = assert_copy_matches(store)
    assert got["included"].tolist() == [False, True, True]


def _products(path: Path) -> Path:
    path.write_text("Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price\n"
                    "soap,Soap,Title,Default Title,SOAP,4.25\n", encoding="utf-8")
    return path


def test_a_catalogue_into_a_store_without_orders_writes_no_copy(tmp_path: Path,
                                                                store: Store) -> None:
    # No line to hold: nothing is written, and a reader builds the empty frame.
    summary = import_files(store, [_products(tmp_path / "products_export_1.csv")])
    assert summary.catalogue[0].variants == 1
    assert named_copy(store) is None
    assert not store.columnar_dir.exists() or copies(store) == []
    assert assert_copy_matches(store).empty
    import_files(store, [_export(tmp_path / "a.csv", _order("#1", 1), _order("#2", 2))])
    named = named_copy(store)
    assert named is not None and len(assert_copy_matches(store)) == 2
    # A catalogue imported after the orders names the same copy for the new version.
    import_files(store, [_products(tmp_path / "products_export_2.csv")])
    again = named_copy(store)
    assert again is not None and again == (named[0] + 1, named[1])
    assert len(assert_copy_matches(store)) == 2


def test_a_store_whose_copy_is_missing_is_read_back_from_sqlite(tmp_path: Path,
                                                               store: Store) -> None:
    import_files(store, [_export(tmp_path / "a.csv", _order("#1", 1), _order("#2", 2))])
    for path in store.columnar_dir.iterdir():
        path.unlink()
    import_files(store, [_export(tmp_path / "b.csv", _order("#2", 2, status="refunded"),
                                 _order("#3", 3))])
    assert len(assert_copy_matches(store)) == 3


def test_dry_run_and_a_failed_import_leave_the_copy_as_it_was(tmp_path: Path,
                                                              store: Store) -> None:
    import_files(store, [_export(tmp_path / "a.csv", _order("#1", 1))])
    before = (named_copy(store), copies(store))
    import_files(store, [_export(tmp_path / "b.csv", _order("#2", 2))], dry_run=True)
    assert (named_copy(store), copies(store)) == before
    bad = tmp_path / "bad.csv"
    bad.write_text("Order,Date,Product\n1,soon,A\n", encoding="utf-8")
    with pytest.raises(InputError):
        import_files(store, [_export(tmp_path / "c.csv", _order("#3", 3)), bad])
    assert (named_copy(store), copies(store)) == before
    assert len(assert_copy_matches(store)) == 1


def test_a_copy_of_another_data_version_is_never_used(tmp_path: Path, store: Store) -> None:
    import_files(store, [_export(tmp_path / "a.csv", _order("#1", 1), _order("#2", 2))])
    assert load_lines(store)["included"].all()
    # Another writer changes an order and bumps the version without naming a copy.
    conn = store.connect()
    conn.execute("UPDATE orders SET financial_status = 'refunded' WHERE store_order_id = '#2'")
    conn.execute("UPDATE settings SET value = CAST(value AS INTEGER) + 1 "
                 "WHERE key = 'data_version'")
    conn.close()
    got = assert_copy_matches(store)
    assert got["included"].tolist() == [True, False]


# ----------------------------------------------------------------------------- kill -9

CHILD = """
import os, signal, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from ppdesk.core.importing import import_files, importer
from ppdesk.core.store import open_store, connection

point = {point!r}
if point:
    real = connection.transaction
    class Killing:
        def __init__(self, conn): self.conn, self.inner = conn, real(conn)
        def __enter__(self): return self.inner.__enter__()
        def __exit__(self, *exc):
            if exc[0] is None and point == "before-commit":
                os.kill(os.getpid(), signal.SIGKILL)
            out = self.inner.__exit__(*exc)
            if exc[0] is None and point == "after-commit":
                os.kill(os.getpid(), signal.SIGKILL)
            return out
    importer.transaction = Killing
store = open_store(Path({home!r}))
print("ready", flush=True)
start = time.perf_counter()
import_files(store, [Path({file!r})])
print("done", time.perf_counter() - start, flush=True)
"""


def _child(home: Path, file: Path, point: str = "") -> subprocess.Popen[str]:
    code = CHILD.format(root=str(ROOT), home=str(home), file=str(file), point=point)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)


def _exports(tmp_path: Path) -> tuple[Path, Path]:
    """An older export and a newer one that overlaps it and refunds some of its orders."""
    from ppdesk.core.demo_data import write_shopify_export

    full = tmp_path / "full.csv"
    write_shopify_export(full, lines=6000, seed=5, months=6)
    rows = pd.read_csv(full, dtype=str, keep_default_na=False)
    names = rows["Name"].drop_duplicates()
    older = set(names.iloc[len(names) // 2:])  # the export lists the newest orders first
    rows[rows["Name"].isin(older)].to_csv(tmp_path / "older.csv", index=False)
    refunded = rows["Name"].isin(sorted(older)[:40]) & (rows["Financial Status"] != "")
    rows.loc[refunded, "Financial Status"] = "refunded"
    rows.to_csv(tmp_path / "newer.csv", index=False)
    return tmp_path / "older.csv", tmp_path / "newer.csv"


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, Path, int, int]:
    """A home holding the older export, the newer export, and both line counts."""
    older, newer = _exports(tmp_path)
    home = tmp_path / "seed-home"
    home.mkdir()
    store = open_store(home)
    before = import_files(store, [older]).lines_added
    after = before + import_files(open_store(home), [newer], dry_run=True).lines_added
    return home, newer, before, after


def _check_after_kill(home: Path, line_counts: tuple[int, int]) -> int:
    store = open_store(home)
    got = assert_copy_matches(store)
    assert len(got) in line_counts  # all or nothing
    named = named_copy(store)
    assert named is not None and (store.columnar_dir / named[1]).exists()
    return len(got)


@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_killed_right_before_or_after_commit(tmp_path: Path, seeded: tuple[Path, Path, int, int],
                                             point: str) -> None:
    seed_home, newer, before, after = seeded
    home = tmp_path / "home-kill"
    shutil.copytree(seed_home, home)
    child = _child(home, newer, point)
    child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL
    lines = _check_after_kill(home, (before, after))
    assert lines == (before if point == "before-commit" else after)
    # The next import proceeds normally and clears the orphan or the retired copy.
    import_files(open_store(home), [newer])
    assert len(assert_copy_matches(open_store(home))) == after
    assert len(copies(open_store(home))) == 1


@pytest.mark.slow
def test_killed_at_random_points(tmp_path: Path, seeded: tuple[Path, Path, int, int]) -> None:
    seed_home, newer, before, after = seeded
    # One uninterrupted run measures how long the import takes after start-up, so
    # that the kills land across the import itself, not only in start-up.
    home = tmp_path / "home-ref"
    shutil.copytree(seed_home, home)
    out, _ = _child(home, newer).communicate(timeout=120)
    duration = float(out.split("done")[1])
    rng = random.Random(16)
    outcomes = []
    deadline = time.monotonic() + 90
    for trial in range(8):
        if time.monotonic() > deadline:
            break
        home = tmp_path / f"home-{trial}"
        shutil.copytree(seed_home, home)
        child = _child(home, newer)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, duration * 1.1))
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=60)
        outcomes.append(_check_after_kill(home, (before, after)))
    assert len(outcomes) >= 4
