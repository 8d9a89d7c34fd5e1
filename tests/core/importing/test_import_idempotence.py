"""Re-imports, overlapping exports, status updates, and all-or-nothing failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import SHOPIFY_HEADER, csv_text, orders_by_id, query, table_counts, write_export

from ppdesk.core.errors import Cancelled, InputError
from ppdesk.core.importing import import_files
from ppdesk.core.progress import CancelToken
from ppdesk.core.store import Store, open_store
from ppdesk.core.store.lines import DATA_VERSION_KEY


def _order(name: str, day: int, status: str = "paid", cancelled: str = "",
           items: tuple[str, ...] = ("SOAP",)) -> list[dict[str, str]]:
    rows = []
    for i, sku in enumerate(items):
        row = {"Name": name, "Email": f"{name[1:]}@c.test",
               "Created at": f"2024-01-{day:02d} 12:00:00 +0100", "Lineitem quantity": "1",
               "Lineitem name": sku.title(), "Lineitem price": "4.00", "Lineitem sku": sku}
        if i == 0:
            row.update({"Financial Status": status, "Cancelled at": cancelled})
        rows.append(row)
    return rows


def _export(path: Path, *orders: list[dict[str, str]]) -> Path:
    return write_export(path, SHOPIFY_HEADER, [r for o in orders for r in o])


@pytest.fixture
def store(home: Path) -> Store:
    return open_store(home)


def test_same_file_twice_adds_nothing(tmp_path: Path, store: Store) -> None:
    path = _export(tmp_path / "a.csv", _order("#1", 1, items=("SOAP", "TOWEL")), _order("#2", 2))
    first = import_files(store, [path])
    before = table_counts(store)
    second = import_files(store, [path])
    assert (first.orders_added, first.lines_added) == (2, 3)
    assert (second.orders_added, second.lines_added, second.customers_added) == (0, 0, 0)
    assert (second.duplicates_skipped, second.orders_updated) == (3, 0)
    after = table_counts(store)
    assert after["orders"] == before["orders"] == 2 and after["order_lines"] == 3
    assert after["import_batches"] == 2  # every import is recorded, even one adding nothing


def test_overlapping_exports_and_status_updates(tmp_path: Path, store: Store) -> None:
    old = _export(tmp_path / "orders_export_1.csv", _order("#1", 1), _order("#2", 2),
                  _order("#3", 3, items=("SOAP", "TOWEL")))
    new = _export(tmp_path / "orders_export_2.csv",
                  _order("#3", 3, status="refunded", items=("SOAP", "TOWEL")),
                  _order("#2", 2, cancelled="2024-01-05 09:00:00 +0100", status="voided"),
                  _order("#4", 4), _order("#5", 5))
    import_files(store, [old])
    summary = import_files(store, [new])
    assert (summary.orders_added, summary.orders_updated) == (2, 2)
    assert (summary.lines_added, summary.duplicates_skipped) == (2, 3)
    orders = orders_by_id(store)
    assert sorted(orders) == ["#1", "#2", "#3", "#4", "#5"]
    assert (orders["#3"]["financial_status"], orders["#3"]["cancelled"]) == ("refunded", 0)
    assert (orders["#2"]["financial_status"], orders["#2"]["cancelled"]) == ("voided", 1)
    assert orders["#2"]["updated_batch_id"] == 2 and orders["#1"]["updated_batch_id"] is None
    assert query(store, "SELECT COUNT(*) FROM order_lines")[0][0] == 6


def test_a_trimmed_export_without_the_column_does_not_uncancel(tmp_path: Path,
                                                              store: Store) -> None:
    full = _export(tmp_path / "full.csv", _order("#1", 1, cancelled="2024-01-02 08:00:00 +0100"))
    import_files(store, [full])
    trimmed = tmp_path / "trimmed.csv"
    trimmed.write_text("Name,Email,Financial Status,Created at,Lineitem name,Lineitem sku\n"
                       "#1,1@c.test,paid,2024-01-01 12:00:00 +0100,Soap,SOAP\n", encoding="utf-8")
    summary = import_files(store, [trimmed])
    assert (summary.orders_updated, summary.duplicates_skipped) == (0, 1)
    assert orders_by_id(store)["#1"]["cancelled"] == 1


def test_two_overlapping_files_in_one_call(tmp_path: Path, store: Store) -> None:
    a = _export(tmp_path / "a.csv", _order("#1", 1), _order("#2", 2))
    b = _export(tmp_path / "b.csv", _order("#2", 2), _order("#3", 3))
    summary = import_files(store, [a, b])
    assert (summary.orders_added, summary.lines_added, summary.duplicates_skipped) == (3, 3, 1)
    assert [f.orders_added for f in summary.files] == [2, 1]


def test_unusable_file_changes_nothing(tmp_path: Path, store: Store) -> None:
    good = _export(tmp_path / "good.csv", _order("#1", 1))
    import_files(store, [good])
    before = table_counts(store)
    # Each data row wrapped in one pair of quotes: one field under a 79-column header.
    lines = csv_text(SHOPIFY_HEADER, [["#9", "x@y.test", "paid"] + [""] * 76]).splitlines()
    bad = tmp_path / "orders_export (2) (1).csv"
    bad.write_text(lines[0] + "\n" + '"' + lines[1].replace('"', "") + '"\n' +
                   '"' + lines[1].replace('"', "").replace("#9", "#10") + '"\n', encoding="utf-8")
    newer = _export(tmp_path / "newer.csv", _order("#2", 2))
    with pytest.raises(InputError) as err:
        import_files(store, [newer, bad])  # the good file before it is not written either
    assert err.value.file == "orders_export (2) (1).csv" and err.value.row == 2
    assert "has 1 fields but the header has 79" in str(err.value)
    assert table_counts(store) == before


def test_file_where_every_row_is_bad_is_unusable(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "dates.csv"
    path.write_text("Order,Date,Product\n1,soon,A\n2,later,B\n", encoding="utf-8")
    before = table_counts(store)
    with pytest.raises(InputError) as err:
        import_files(store, [path])
    assert (err.value.row, err.value.column) == (2, "Date")
    assert table_counts(store) == before


def test_missing_file_and_empty_file(tmp_path: Path, store: Store) -> None:
    with pytest.raises(InputError):
        import_files(store, [tmp_path / "nope.csv"])
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_files(store, [tmp_path / "empty.csv"])
    assert "empty" in str(err.value)


def test_dry_run_reports_and_keeps_nothing(tmp_path: Path, store: Store) -> None:
    path = _export(tmp_path / "a.csv", _order("#1", 1), _order("#2", 2))
    before = table_counts(store)
    summary = import_files(store, [path], dry_run=True)
    assert (summary.orders_added, summary.lines_added, summary.dry_run) == (2, 2, True)
    assert table_counts(store) == before


def test_cancel_rolls_back_and_progress_is_reported(tmp_path: Path, store: Store) -> None:
    path = _export(tmp_path / "a.csv", _order("#1", 1))
    token = CancelToken()
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append((done, total, message))
        if message.startswith("Saving"):
            token.cancel()

    before = table_counts(store)
    with pytest.raises(Cancelled):
        import_files(store, [path], progress=progress, cancel=token)
    assert table_counts(store) == before
    assert seen[0][2] == "Reading a.csv"

    seen.clear()
    import_files(store, [path], progress=lambda d, t, m: seen.append((d, t, m)))
    dones = [d for d, _t, _m in seen]
    assert dones == sorted(dones) and seen[-1][0] == seen[-1][1]


def test_each_import_bumps_the_data_version(tmp_path: Path, store: Store) -> None:
    path = _export(tmp_path / "a.csv", _order("#1", 1))
    import_files(store, [path])
    import_files(store, [path])
    assert query(store, "SELECT value FROM settings WHERE key = ?", (DATA_VERSION_KEY,)) == [
        ("2",)]
