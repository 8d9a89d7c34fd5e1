"""The merchant journey through the ``ppdesk`` command line, end to end.

A new merchant imports a Shopify orders export, re-imports it, looks at pairs and
reorder timing, builds the thank-you offer, plans the flows, sets up SMTP (a real
aiosmtpd server on loopback with STARTTLS and AUTH, a file keyring under tmp),
sends what is due, re-imports a later export and reads the report. Each step goes
through ``ppdesk.__main__.main`` (the console script's entry point) and checks the
figures against values worked out by hand from the planted export below, with a
plain-Python reference where a count is easier to brute-force than to read.

The export (newest order first, as Shopify writes it; order-level fields on an
order's first row only), T = 2026-03-10:

- the planted pair: 5 customers bought DRIP-01 + FILT-100 in one order, plus a guest
  (no email) and a cancelled order with the same two products (not counted);
- a second complement: 4 customers bought DRIP-01 + SCALE-1;
- noise: one DRIP-01 alone, one FILT-100 alone, four MUG-S alone;
- the consumable: six customers buy BEAN-250 with the day gaps in ``BEAN_GAPS``; b6's
  last purchase is T - 15 days (15 = its trigger day), the others' long before;
- newbie@ bought DRIP-01 alone on T - 2 days at 10:00, so the cross-sell is due at
  T 10:00; the later export adds newbie's second order 2 days after the send, and
  b6's next beans 6 days after it (outside the 5-day attribution window).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import statistics
from collections.abc import Iterator
from datetime import datetime, timedelta
from math import comb
from pathlib import Path

import pytest
from loopback_smtp import PASSWORD, USER, LoopbackSmtp, file_keyring  # noqa: F401

from ppdesk.__main__ import main
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store.connection import open_store

T = datetime(2026, 3, 10)
NOW = "2026-03-10T12:00:00Z"
HEADER = ["Name", "Email", "Financial Status", "Accepts Marketing", "Currency", "Total",
          "Discount Code", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
          "Lineitem sku", "Cancelled at", "Billing Name"]
PRODUCTS = {"DRIP-01": ("Pour-Over Dripper", 30.0), "FILT-100": ("Paper Filters (100)", 8.0),
            "MUG-S": ("Stoneware Mug", 18.0), "SCALE-1": ("Coffee Scale", 25.0),
            "BEAN-250": ("House Beans 250g", 12.0)}
BEAN_GAPS = {"b1": [20, 22], "b2": [18, 20], "b3": [20], "b4": [24], "b5": [19, 21], "b6": [20]}
# The later export's new orders: newbie 2 days after the email (credited), b6 6 days
# after it (outside the 5-day attribution window: not credited).
LATER_ORDERS = [("newbie@example.com", T + timedelta(days=2, hours=11), ["FILT-100"], False),
                ("b6@example.com", T + timedelta(days=6, hours=13), ["BEAN-250"], False)]


def _at(days_before: float, hour: int) -> datetime:
    return T - timedelta(days=days_before) + timedelta(hours=hour)


def planted_orders() -> list[tuple[str, datetime, list[str], bool]]:
    """(email, created at UTC, SKUs, cancelled) of the first export."""
    out: list[tuple[str, datetime, list[str], bool]] = []
    out += [(f"pair{i}@example.com", _at(90 - i, 10), ["DRIP-01", "FILT-100"], False)
            for i in range(5)]
    out.append(("", _at(80, 11), ["DRIP-01", "FILT-100"], False))             # a guest
    out.append(("gone@example.com", _at(79, 11), ["DRIP-01", "FILT-100"], True))
    out += [(f"scale{i}@example.com", _at(75 - i, 10), ["DRIP-01", "SCALE-1"], False)
            for i in range(4)]
    out.append(("solo@example.com", _at(70, 10), ["DRIP-01"], False))
    out.append(("filt@example.com", _at(69, 10), ["FILT-100"], False))
    out += [(f"mug{i}@example.com", _at(65 - i, 10), ["MUG-S"], False) for i in range(4)]
    for who, gaps in BEAN_GAPS.items():
        last = 15 if who == "b6" else 50
        span = sum(gaps)
        offsets = [0] + [sum(gaps[:k + 1]) for k in range(len(gaps))]
        out += [(f"{who}@example.com", _at(last + span - d, 10), ["BEAN-250"], False)
                for d in offsets]
    out.append(("newbie@example.com", _at(2, 10), ["DRIP-01"], False))
    return out


def write_export(path: Path, orders: list[tuple[str, datetime, list[str], bool]]) -> None:
    numbered = list(enumerate(orders, start=1001))
    numbered.sort(key=lambda item: item[1][1], reverse=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for number, (email, when, skus, cancelled) in numbered:
            total = sum(PRODUCTS[s][1] for s in skus)
            stamp = when.strftime("%Y-%m-%d %H:%M:%S +0000")
            for k, sku in enumerate(skus):
                first = k == 0
                cancel_at = (when + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S +0000")
                w.writerow([
                    f"#{number}", email if first else "", "paid" if first else "",
                    "yes" if first else "", "USD" if first else "",
                    f"{total:.2f}" if first else "", "", stamp, 1, PRODUCTS[sku][0],
                    f"{PRODUCTS[sku][1]:.2f}", sku, cancel_at if cancelled and first else "",
                    ("Guest Shopper" if not email else "Pat Example") if first else ""])


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def table_counts(home: Path) -> dict[str, int]:
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[LoopbackSmtp]:
    """A real SMTP server on loopback: STARTTLS with a test CA, AUTH required."""
    with LoopbackSmtp(tmp_path, mode="starttls") as server:
        yield server


# Plain-Python references, independent of ppdesk.

def included(orders: list[tuple[str, datetime, list[str], bool]]) -> list[set[str]]:
    return [set(skus) for _, _, skus, cancelled in orders if not cancelled]


def hypergeom_tail(total: int, with_a: int, with_b: int, together: int) -> float:
    top = min(with_a, with_b)
    return sum(comb(with_a, i) * comb(total - with_a, with_b - i)
               for i in range(together, top + 1)) / comb(total, with_b)


@pytest.mark.usefixtures("file_keyring")     # a keyring file under tmp, never the user's
def test_merchant_journey(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          smtp: LoopbackSmtp, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "shop"
    orders = planted_orders()
    first = tmp_path / "orders_export_1.csv"
    write_export(first, orders)

    # 1. Import: 33 orders, 44 rows (11 two-product orders), each row a line.
    code, out, err = run(capsys, home, "import", str(first), "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    rows = sum(len(skus) for _, _, skus, _ in orders)
    assert (len(orders), rows) == (33, 44)
    assert summary["orders_added"] == 33
    assert summary["lines_added"] == summary["rows_read"] == 44
    assert summary["rejected"] == []

    # 2. The same file again: nothing doubled.
    before = table_counts(home)
    code, out, err = run(capsys, home, "import", str(first), "--format", "json")
    assert code == 0, err
    again = json.loads(out)
    assert (again["orders_added"], again["lines_added"], again["customers_added"]) == (0, 0, 0)
    assert again["duplicates_skipped"] == 44
    after = table_counts(home)
    for table in ("orders", "order_lines", "customers", "products"):
        assert after[table] == before[table]

    # The merchant's choices in the app's Settings: no holdout (so every eligible
    # message is sent), only cross-sell and replenishment, the shop's address.
    store = open_store(home)
    settings = load_settings(store)
    settings.flows.holdout_share = 0.0
    settings.flows.review_enabled = False
    settings.flows.loyalty_enabled = False
    settings.store.store_url = "https://shop.example"
    settings.store.time_zone = "UTC"
    save_settings(store, settings)

    # 3. Pairs. Included orders: 33 less the cancelled one = 32; the guest counts.
    baskets = included(orders)
    total = len(baskets)
    with_drip = sum("DRIP-01" in b for b in baskets)
    with_filt = sum("FILT-100" in b for b in baskets)
    together = sum({"DRIP-01", "FILT-100"} <= b for b in baskets)
    assert (total, with_drip, with_filt, together) == (32, 12, 7, 6)   # by hand, too
    code, out, err = run(capsys, home, "pairs", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["orders_total"] == 32
    assert (doc["since"], doc["until"]) == ("2025-03-09", "2026-03-08")
    by_pair = {(p["product_a"], p["product_b"]): p for p in doc["pairs"]}
    assert set(by_pair) == {("DRIP-01", "FILT-100"), ("DRIP-01", "SCALE-1")}
    pair = by_pair[("DRIP-01", "FILT-100")]
    assert (pair["orders_with_a"], pair["orders_with_b"], pair["orders_together"]) == (12, 7, 6)
    assert pair["lift"] == pytest.approx(6 * 32 / (12 * 7))             # 2.2857
    assert pair["support"] == pytest.approx(6 / 32)
    assert pair["confidence_a_b"] == pytest.approx(6 / 12)
    assert pair["confidence_b_a"] == pytest.approx(6 / 7)
    assert pair["p_value"] == pytest.approx(hypergeom_tail(32, 12, 7, 6))
    scale = by_pair[("DRIP-01", "SCALE-1")]
    assert (scale["orders_together"], scale["lift"]) == (4, pytest.approx(4 * 32 / (12 * 4)))
    assert hypergeom_tail(32, 12, 4, 4) > pair["p_value"]    # the planted pair ranks first

    code, out, err = run(capsys, home, "pairs", "--format", "csv")
    assert code == 0, err
    csv_rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["product_a"], r["product_b"], r["orders_together"]) for r in csv_rows] == [
        ("DRIP-01", "FILT-100", "6"), ("DRIP-01", "SCALE-1", "4")]

    # 4. Timing: BEAN-250's gaps; every other product is listed with no figures.
    gaps = [g for gs in BEAN_GAPS.values() for g in gs]
    firsts = [gs[0] for gs in BEAN_GAPS.values()]
    median_between = statistics.median(gaps)
    assert median_between == 20 and statistics.median(firsts) == 20
    code, out, err = run(capsys, home, "timing", "--format", "json")
    assert code == 0, err
    products = {p["product"]: p for p in json.loads(out)["products"]}
    assert set(products) == set(PRODUCTS)
    bean = products["BEAN-250"]
    assert (bean["customers"], bean["repeat_customers"]) == (6, 6)
    assert bean["median_days_between"] == median_between
    assert bean["median_days_first_to_second"] == 20
    assert bean["trigger_day"] == round(0.75 * median_between) == 15
    assert bean["enough_data"] is True
    mug = products["MUG-S"]
    assert (mug["customers"], mug["repeat_customers"], mug["trigger_day"]) == (4, 0, None)
    assert mug["enough_data"] is False

    # 5. The thank-you offer for the dripper offers the filters, with a WooCommerce link.
    offer_file = tmp_path / "offer.html"
    code, out, err = run(capsys, home, "offer", "--product", "DRIP-01", "--platform",
                         "woocommerce", "--woo-product-id", "42", "--out", str(offer_file))
    assert code == 0, err
    html = offer_file.read_text(encoding="utf-8")
    assert "Paper Filters (100)" in html
    assert "Coffee Scale" not in html
    assert "https://shop.example/?add-to-cart=42" in html.replace("\\u0026", "&")

    # 6. Every flow of a new store is a Draft: nothing is planned until the merchant has
    # seen what going Live does and chosen; both emails below are already due at NOW.
    code, out, err = run(capsys, home, "flows", "plan", "--now", NOW, "--format", "json")
    assert code == 0 and json.loads(out)["messages"] == [], err
    flows = ["cross_sell", "replenishment"]   # review and loyalty stay Draft
    code, out, err = run(capsys, home, "flows", "live", *flows, "--dry-run", "--now", NOW,
                         "--format", "json")
    assert code == 0, err
    would = {f["name"]: (f["overdue"], f["due_next_24h"], f["later"])
             for f in json.loads(out)["flows"]}
    assert would == {"cross_sell": (1, 0, 0), "replenishment": (1, 0, 0)}
    code, out, err = run(capsys, home, "flows", "live", *flows, "--overdue", "send", "--now",
                         NOW)
    assert code == 0 and "2 overdue go out with the next send" in out, err
    # The plan: the cross-sell due 48 h after newbie's order, and b6's reminder due
    # trigger_day (15) days after the last purchase; nothing else is due now.
    code, out, err = run(capsys, home, "flows", "plan", "--now", NOW, "--format", "json")
    assert code == 0, err
    plan = json.loads(out)
    planned = {(m["flow"], m["email"]): m for m in plan["messages"]}
    assert set(planned) == {("cross_sell", "newbie@example.com"),
                            ("replenishment", "b6@example.com")}
    cross = planned[("cross_sell", "newbie@example.com")]
    newbie_order = _at(2, 10)
    assert cross["due_at"] == (newbie_order + timedelta(hours=48)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(cross["products"].split(", ")) == {"Paper Filters (100)", "Coffee Scale"}
    reminder = planned[("replenishment", "b6@example.com")]
    assert reminder["due_at"] == (_at(15, 10) + timedelta(days=15)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    assert reminder["products"] == "House Beans 250g"

    # 7. SMTP account: password from stdin into the (tmp file) keyring, then a live test.
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp.ca_file))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, _, err = run(capsys, home, "smtp", "set", "--host", "127.0.0.1", "--port",
                       str(smtp.port), "--security", "starttls", "--username", USER,
                       "--from", "shop@example.com", "--per-minute", "100",
                       "--password-stdin", "--allow-plaintext-keyring")
    assert code == 0, err
    for stored in (f for f in home.rglob("*") if f.is_file()):   # store, WAL, settings, logs
        assert PASSWORD.encode() not in stored.read_bytes(), stored
    code, out, err = run(capsys, home, "smtp", "test")
    assert code == 0, err
    assert smtp.received == []             # a login test sends nothing

    # 8. Without the store's postal address (CAN-SPAM) nothing is sent: exit 2, one sentence.
    code, _, err = run(capsys, home, "send-due", "--now", NOW)
    assert code == 2 and "postal address" in err and smtp.received == []
    code, _, err = run(capsys, home, "settings", "set",
                       "store.postal_address=1 Bean Lane, Portland OR 97201, USA")
    assert code == 0, err

    # send-due delivers exactly the two due messages, once.
    code, _, err = run(capsys, home, "send-due", "--now", NOW)
    assert code == 0, err
    received = smtp.received
    assert sorted(r.rcpt_tos[0] for r in received) == ["b6@example.com", "newbie@example.com"]
    to_newbie = next(r.message for r in received if r.rcpt_tos == ["newbie@example.com"])
    assert "Pour-Over Dripper" in str(to_newbie["Subject"])
    body = to_newbie.get_body(preferencelist=("plain",))
    assert body is not None and "Paper Filters (100)" in body.get_content()
    assert len({r.message_id for r in received}) == 2
    code, _, err = run(capsys, home, "send-due", "--now", NOW)
    assert code == 0, err
    assert len(smtp.received) == 2         # the second run sends nothing

    # 9. A later export (overlapping, plus LATER_ORDERS) shows one cross-sell conversion
    # worth newbie's order; b6 reordered, but after the 5-day window.
    later = tmp_path / "orders_export_2.csv"
    write_export(later, [*orders, *LATER_ORDERS])
    code, out, err = run(capsys, home, "import", str(later), "--format", "json")
    assert code == 0, err
    assert (json.loads(out)["orders_added"], json.loads(out)["lines_added"]) == (2, 2)
    code, out, err = run(capsys, home, "report", "--format", "json",
                         "--now", "2026-03-20T12:00:00Z")
    assert code == 0, err
    report = json.loads(out)
    overall = {f["flow"]: f for f in report["flows"] if f["week"] == "all"}
    assert set(overall) == {"cross_sell", "replenishment"}
    assert (overall["cross_sell"]["sent"], overall["cross_sell"]["conversions"]) == (1, 1)
    assert overall["cross_sell"]["revenue"] == pytest.approx(PRODUCTS["FILT-100"][1])
    assert (overall["replenishment"]["sent"], overall["replenishment"]["conversions"]) == (1, 0)
    # the newest order (b6's, T + 6 d) is past both windows (T 12:00 + 5 d): none open
    assert overall["cross_sell"]["open_windows"] == overall["replenishment"]["open_windows"] == 0
    lift = {row["flow"]: row for row in report["lift"]}
    assert (lift["cross_sell"]["received"], lift["cross_sell"]["pending"]) == (1, 0)


def _bad_inputs(folder: Path) -> dict[str, tuple[list[str], list[str]]]:
    """name -> (import arguments, words the one-sentence message must hold)."""
    (folder / "empty.csv").write_bytes(b"")
    (folder / "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "no_order_id.csv").write_text("Email,Lineitem name,Lineitem quantity\n"
                                            "a@example.com,Tea,1\n", encoding="utf-8")
    good = folder / "good.csv"
    write_export(good, [("x@example.com", _at(1, 10), ["MUG-S"], False)])
    return {
        "missing": ([str(folder / "missing.csv")], ["missing.csv"]),
        "empty": ([str(folder / "empty.csv")], ["empty.csv"]),
        "png": ([str(folder / "image.csv")], ["image.csv"]),
        "no order id": ([str(folder / "no_order_id.csv")], ["no_order_id.csv", "order_id"]),
        "unknown field": ([str(good), "--map", "colour=Name"], ["colour"]),
        "unknown column": ([str(good), "--map", "sku=Nope"], ["good.csv", "Nope"]),
        "good then bad": ([str(good), str(folder / "empty.csv")], ["empty.csv"]),
    }


@pytest.mark.parametrize("case", ["missing", "empty", "png", "no order id", "unknown field",
                                  "unknown column", "good then bad"])
def test_unusable_input_is_one_sentence_exit_2_and_changes_nothing(
        case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "shop"
    first = tmp_path / "orders_export_1.csv"
    write_export(first, planted_orders())
    assert run(capsys, home, "import", str(first))[0] == 0
    before = table_counts(home)
    args, words = _bad_inputs(tmp_path)[case]
    code, out, err = run(capsys, home, "import", *args)
    assert code == 2
    assert "Traceback" not in err and out == ""
    assert len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err
    assert table_counts(home) == before


@pytest.mark.parametrize("args", [["pairs", "--since", "2026-13-45"],
                                  ["timing", "--until", "yesterday"],
                                  ["flows", "plan", "--now", "soon"]])
def test_bad_dates_are_exit_2(args: list[str], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "shop"
    first = tmp_path / "orders_export_1.csv"
    write_export(first, planted_orders())
    assert run(capsys, home, "import", str(first))[0] == 0
    before = table_counts(home)
    code, out, err = run(capsys, home, *args)
    assert code == 2 and out == "" and "Traceback" not in err
    assert args[-1] in err and len(err.strip().splitlines()) == 1
    assert table_counts(home) == before


def test_a_guest_order_is_not_a_customer(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "shop"
    first = tmp_path / "orders_export_1.csv"
    orders = planted_orders()
    write_export(first, orders)
    code, out, _ = run(capsys, home, "import", str(first), "--format", "json")
    emails = {email for email, _, _, _ in orders if email}
    assert code == 0 and json.loads(out)["customers_added"] == len(emails) == 23
    code, out, _ = run(capsys, home, "timing", "--format", "json")
    drip = next(p for p in json.loads(out)["products"] if p["product"] == "DRIP-01")
    # pair0-4, scale0-3, solo, newbie: the guest's DRIP-01 order is not a customer's
    assert drip["customers"] == 11
