"""A bulk import (over 50,000 lines) takes the fast path and keeps every guarantee.

The fast path defers the plain indexes, writes many rows per statement and checks
foreign keys once before committing. Expected figures come from the generator's
truth and from reading the CSV with the csv module.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from import_helpers import query, table_counts

from ppdesk.core.demo_data import DemoTruth, write_shopify_export
from ppdesk.core.errors import Cancelled
from ppdesk.core.importing import import_files
from ppdesk.core.progress import CancelToken
from ppdesk.core.store import Store, open_store
from ppdesk.core.store import orders as store_orders

LINES = 60_000


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoTruth]:
    path = tmp_path_factory.mktemp("bulk") / "orders.csv"
    return path, write_shopify_export(path, lines=LINES, seed=5)


def _quantity_sum(path: Path) -> float:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sum(float(r["Lineitem quantity"]) for r in csv.DictReader(fh))


def _indexes(store: Store) -> set[str]:
    return {r[0] for r in query(store, "SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_bulk_import_is_complete_consistent_and_idempotent(
        home: Path, export: tuple[Path, DemoTruth]) -> None:
    path, truth = export
    store = open_store(home)
    indexes = _indexes(store)
    first = import_files(store, [path])
    assert (first.lines_added, first.orders_added, first.rows_rejected) == (
        LINES, truth.orders, 0)
    assert query(store, "SELECT COUNT(*), SUM(quantity) FROM order_lines")[0] == (
        LINES, pytest.approx(_quantity_sum(path)))
    assert query(store, "PRAGMA foreign_key_check") == []
    assert _indexes(store) == indexes  # the deferred indexes were rebuilt

    second = import_files(store, [path])  # as large as the store: bulk again
    assert (second.lines_added, second.orders_added, second.duplicates_skipped) == (0, 0, LINES)
    assert table_counts(store)["order_lines"] == LINES


def test_cancel_between_chunks_of_a_bulk_import_keeps_nothing(
        home: Path, export: tuple[Path, DemoTruth], monkeypatch: pytest.MonkeyPatch) -> None:
    path, _truth = export
    store = open_store(home)
    indexes = _indexes(store)
    before = table_counts(store)
    monkeypatch.setattr(store_orders, "CHUNK", 10_000)

    class CancelAfterSomeChunks(CancelToken):
        """Set once the import has asked a few times: after the first chunks are written."""

        asked = 0

        @property
        def cancelled(self) -> bool:
            self.asked += 1
            return self.asked > 6

    with pytest.raises(Cancelled):
        import_files(store, [path], cancel=CancelAfterSomeChunks())
    assert table_counts(store) == before
    assert _indexes(store) == indexes
    conn = store.connect()
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
