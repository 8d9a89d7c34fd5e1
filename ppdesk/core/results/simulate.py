"""A simulated month for the demo store, so its Results page has every figure to show.

After the demo export is imported (``demo_store.ensure_demo_store``), ``simulate_month``
plays the month after the export's last order, seeded so it is the same every time:

- two L1 offers on planted pairs (V60 dripper -> filters, moisturizer -> sunscreen),
  each a discount test at 15% / 10% / 0% (a 0% code only tracks), live from day one;
- about 900 customers planned into the cross-sell, replenishment and review flows;
  10% held out (outbox ``holdout = 1``, state cancelled, reason "holdout"), 2% of the
  rest rejected with a 550 reply (bounced), the others sent;
- a *later export* (a Shopify CSV, imported with the real importer like any
  re-import): orders that saw the offers, code orders from some of them (take rates
  falling with the discount), orders from 14% of email recipients and 5% of the
  holdout within 5 days, and background orders through the month;
- cost of goods at 40% of the last price for products that have no cost yet.

It runs once per store: a settings marker makes later calls return without change.
Everything here is demo data; it never runs on a merchant's store unless asked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ppdesk.core.flows import clock
from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.results.offers import variant_positions
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import offers_queries as oq
from ppdesk.core.store import results_queries as q
from ppdesk.core.store import settings_queries as sq
from ppdesk.core.store.lines import load_products

MARKER = "results_demo_month"
PAIRS = (("DBR-V60-WHT", "DBR-FLT-V60"), ("KS-MOIST-NOR", "KS-SPF50"))
LEVELS = ((15.0, 0.16), (10.0, 0.12), (0.0, 0.05))  # (discount %, take rate)
FLOWS = ("cross_sell", "replenishment", "review")
FLOW_SHARE = (0.55, 0.35, 0.10)
UTC_OFFSET_H = -5  # the demo shop is in New York; November is EST
HEADER = ["Name", "Email", "Financial Status", "Accepts Marketing", "Currency", "Subtotal",
          "Total", "Discount Code", "Created at", "Lineitem quantity", "Lineitem name",
          "Lineitem price", "Lineitem sku"]


@dataclass(frozen=True)
class SimulatedMonth:
    """What the simulation added (``already`` when an earlier run had done it)."""

    start: str
    days: int
    sent: int
    bounced: int
    held_out: int
    orders: int
    offer_orders: int
    already: bool = False


# The month's emails were never rendered, but the Outbox lists them: a subject in each
# flow's spirit, so the demo's table does not show an empty Subject column.
_DEMO_SUBJECTS = {
    "cross_sell": "Goes well with your order",
    "replenishment": "Running low? Time for a refill",
    "review": "How do you like it?",
    "loyalty": "Thank you for coming back",
}


def _iso(times: pd.Series) -> pd.Series:
    # the outbox's own UTC text (clock.UTC_FORMAT): the planner parses due_at with that
    # format, and "+00:00" made the Flows page fail on the demo store after the month
    return times.dt.strftime(clock.UTC_FORMAT)


def _local_text(times: pd.Series) -> pd.Series:
    local = times + pd.Timedelta(hours=UTC_OFFSET_H)
    return local.dt.strftime("%Y-%m-%d %H:%M:%S") + f" {UTC_OFFSET_H * 100:+05d}"


def _orders_csv(orders: pd.DataFrame, path: Path) -> None:
    """One line per order (the simulation's orders hold one product each)."""
    price = orders["price"].round(2)
    frame = pd.DataFrame({
        "Name": orders["name"], "Email": orders["email"], "Financial Status": "paid",
        "Accepts Marketing": "yes", "Currency": "USD", "Subtotal": price.map("{:.2f}".format),
        "Total": orders["total"].round(2).map("{:.2f}".format), "Discount Code": orders["code"],
        "Created at": _local_text(orders["utc"]), "Lineitem quantity": "1",
        "Lineitem name": orders["product_name"], "Lineitem price": price.map("{:.2f}".format),
        "Lineitem sku": orders["sku"]})
    frame[HEADER].to_csv(path, index=False)


def _random_times(rng: np.random.Generator, start: pd.Timestamp, n: int, days: float
                  ) -> pd.Series:
    return pd.Series(start + pd.to_timedelta(rng.uniform(0, days, n), unit="D")).dt.floor("s")


def simulate_month(store: Store, *, days: int = 30, seed: int = 11, now: datetime | None = None,
                   work_dir: Path | None = None, progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None) -> SimulatedMonth:
    """Play a month of offers and flows on the demo store (see module doc).

    The month starts the day after the newest imported order and is cut short (to no
    less than 10 days) so that it ends before ``now``: a report never sees the future.
    """
    from ppdesk.core.importing import import_files

    conn = store.connect()
    try:
        done = sq.get_setting(conn, MARKER)
        if done:
            return SimulatedMonth(**{**json.loads(done), "already": True})
        old_orders = q.load_orders(conn)
        customers = q.customers_with_orders(conn)
    finally:
        conn.close()
    products = load_products(store)
    if old_orders.empty or customers.empty:
        return SimulatedMonth("", days, 0, 0, 0, 0, 0)
    rng = np.random.default_rng(seed)
    report(progress, 0, 4, "planning the month")
    start = pd.to_datetime(old_orders["date_s"].max(), unit="s") + pd.Timedelta(days=1, hours=5)
    now_ts = pd.Timestamp(now or datetime.now(UTC)).tz_convert("UTC").tz_localize(None)
    days = max(10, min(days, int((now_ts - start) / pd.Timedelta(days=1))))
    priced = products[products["last_price"].notna() & (products["last_price"] > 0)]
    by_key = priced.set_index("product_key")
    pairs = [(t, c) for t, c in PAIRS if t in by_key.index and c in by_key.index]
    if not pairs:  # a demo export without the planted pairs: the two best sellers
        keys = priced["product_key"].head(4).tolist()
        pairs = [(keys[0], keys[1]), (keys[2], keys[3])]
    # flow customers and shoppers are drawn apart, so the holdout's purchases are its own
    # baseline and not the offers' trigger orders
    order = rng.permutation(len(customers))
    n_flow = min(900, len(customers) // 2)
    pick, rest = order[:n_flow], order[n_flow:]
    all_emails = customers["email"].to_numpy()
    emails = all_emails[rest]

    # --- flows: recipients, holdout, bounces -------------------------------------------------
    sends = pd.DataFrame({"customer_id": customers["customer_id"].to_numpy()[pick],
                          "email": all_emails[pick]})
    sends["flow"] = rng.choice(FLOWS, n_flow, p=FLOW_SHARE)
    sends["holdout"] = rng.random(n_flow) < 0.10
    sends["bounced"] = ~sends["holdout"] & (rng.random(n_flow) < 0.02)
    sends["time"] = _random_times(rng, start, n_flow, days - 6)
    convert_p = np.where(sends["holdout"], 0.05, 0.14)
    sends["converts"] = ~sends["bounced"] & (rng.random(n_flow) < convert_p)

    # --- orders of the later export ----------------------------------------------------------
    conv = sends[sends["converts"]]
    catalogue = priced.sample(n=min(40, len(priced)), random_state=seed)
    conv_products = catalogue.iloc[rng.integers(0, len(catalogue), len(conv))]
    conv_orders = pd.DataFrame({
        "email": conv["email"].to_numpy(),
        "utc": (conv["time"] + pd.to_timedelta(rng.uniform(0.05, 4.9, len(conv)), unit="D")
                ).dt.floor("s").to_numpy(),
        "sku": conv_products["product_key"].to_numpy(),
        "product_name": conv_products["name"].to_numpy(),
        "price": conv_products["last_price"].to_numpy(dtype=float), "code": ""})
    n_bg = 250
    bg_products = catalogue.iloc[rng.integers(0, len(catalogue), n_bg)]
    bg_orders = pd.DataFrame({
        "email": emails[rng.integers(0, len(emails), n_bg)],
        "utc": _random_times(rng, start, n_bg, days).to_numpy(),
        "sku": bg_products["product_key"].to_numpy(),
        "product_name": bg_products["name"].to_numpy(),
        "price": bg_products["last_price"].to_numpy(dtype=float), "code": ""})
    triggers = []
    for i, (trigger, _complement) in enumerate(pairs):  # two offers
        n = 420
        triggers.append(pd.DataFrame({
            "email": emails[rng.integers(0, len(emails), n)],
            "utc": _random_times(rng, start, n, days - 1).to_numpy(),
            "sku": trigger, "product_name": by_key.loc[trigger, "name"],
            "price": float(by_key.loc[trigger, "last_price"]), "code": "", "offer": i}))
    base = pd.concat([conv_orders, bg_orders, *triggers], ignore_index=True)
    base["offer"] = base["offer"].astype("Int64") if "offer" in base else pd.NA
    base = base.sort_values("utc", kind="stable").reset_index(drop=True)
    digits = old_orders["store_order_id"].str.replace(r"[^0-9]", "", regex=True)
    first_number = int(pd.to_numeric(digits, errors="coerce").max()) + 1
    base["name"] = "#" + pd.Series(np.arange(first_number, first_number + len(base))).astype(str)

    # orders that saw an offer: the variant by order number; some take it minutes later
    seen = base[base["offer"].notna()].copy()
    seen["variant"] = variant_positions(seen["name"], np.full(len(seen), len(LEVELS)))
    take_p = np.array([rate for _, rate in LEVELS])[seen["variant"].to_numpy()]
    took = seen[rng.random(len(seen)) < take_p].copy()
    comp = [pairs[int(o)][1] for o in took["offer"]]
    pct = np.array([LEVELS[v][0] for v in took["variant"]])
    codes = [f"THANKS{int(LEVELS[v][0])}-{chr(65 + int(o))}"
             for o, v in zip(took["offer"], took["variant"], strict=True)]
    list_price = by_key.loc[comp, "last_price"].to_numpy(dtype=float)
    takes = pd.DataFrame({
        "email": took["email"].to_numpy(),
        "utc": (took["utc"] + pd.to_timedelta(rng.uniform(2, 25, len(took)), unit="m")
                ).dt.floor("s").to_numpy(),
        "sku": comp, "product_name": by_key.loc[comp, "name"].to_numpy(),
        "price": list_price, "code": codes, "discounted": list_price * (1 - pct / 100)})
    takes["name"] = "#" + pd.Series(np.arange(first_number + len(base),
                                              first_number + len(base) + len(takes))).astype(str)
    # one late order so every attribution window has closed by the export's end
    closing = pd.DataFrame({"email": [emails[0]], "utc": [start + pd.Timedelta(days=days)],
                            "sku": [catalogue.iloc[0]["product_key"]],
                            "product_name": [catalogue.iloc[0]["name"]],
                            "price": [float(catalogue.iloc[0]["last_price"])], "code": [""],
                            "name": [f"#{first_number + len(base) + len(takes)}"]})
    new_orders = pd.concat([base.drop(columns=["offer"]), takes, closing], ignore_index=True)
    new_orders["total"] = new_orders["discounted"].fillna(new_orders["price"]) \
        if "discounted" in new_orders else new_orders["price"]
    check(cancel)

    # --- write: offers, the later export, outbox rows, holdout, costs ----------------------------
    report(progress, 1, 4, "importing the later export")
    # Its own name: reusing ``now`` (the datetime parameter) for this text was a type error.
    written_at = datetime.now(UTC).isoformat(timespec="seconds")
    conn = store.connect()
    try:
        with transaction(conn):
            ids = products.set_index("product_key")["product_id"]
            for i, (trigger, complement) in enumerate(pairs):
                offer_id = oq.upsert_offer(
                    conn, trigger_product_id=int(ids[trigger]),
                    complement_product_id=int(ids[complement]), window_minutes=30,
                    headline="Complete your order", call_to_action="Add to my order",
                    platform="shopify", active=True, now=written_at)
                oq.replace_variants(conn, offer_id, [(pct_, f"THANKS{int(pct_)}-{chr(65 + i)}")
                                                     for pct_, _ in LEVELS])
                oq.set_live_since(conn, offer_id, start.date().isoformat(), written_at)
    finally:
        conn.close()
    folder = work_dir or store.home
    export = Path(folder) / "orders_export_later_demo.csv"
    _orders_csv(new_orders, export)
    import_files(store, [export], platform="shopify", cancel=cancel)
    check(cancel)

    report(progress, 2, 4, "recording the month's emails")
    due = _iso(sends["time"])
    sent_at = _iso(sends["time"] + pd.Timedelta(minutes=3))
    state = np.where(sends["holdout"], "cancelled", np.where(sends["bounced"], "failed", "sent"))
    reason = np.where(sends["holdout"], "holdout",
                      np.where(sends["bounced"], "550 5.1.1 mailbox unavailable", ""))
    rows = pd.DataFrame({
        "plan_key": "demo-month|" + sends["flow"] + "|" + sends["customer_id"].astype(str),
        "flow": sends["flow"], "customer_id": sends["customer_id"].astype(int),
        "email": sends["email"], "trigger_order_id": None, "product_ids": "[]",
        "template": sends["flow"], "due_at": due, "state": state, "reason": reason,
        "holdout": sends["holdout"].astype(int),
        "subject": sends["flow"].map(_DEMO_SUBJECTS).fillna(""), "planned_at": due,
        "sent_at": np.where(state == "sent", sent_at, None), "updated_at": due})
    rows = rows.astype(object).where(rows.notna(), None)
    holdout_rows = list(zip(sends["customer_id"].astype(int).tolist(),
                            sends["holdout"].astype(int).tolist(), due.tolist(), strict=True))
    costless = products[products["unit_cost"].isna() & products["last_price"].notna()]
    costs = dict(zip(costless["product_id"].astype(int),
                     (costless["last_price"].astype(float) * 0.4).round(2), strict=True))
    summary = SimulatedMonth(
        start=start.date().isoformat(), days=days, sent=int((state != "cancelled").sum()),
        bounced=int(sends["bounced"].sum()), held_out=int(sends["holdout"].sum()),
        orders=int(len(new_orders)), offer_orders=int(len(takes)))
    conn = store.connect()
    try:
        with transaction(conn):
            q.insert_outbox_rows(conn, rows.to_dict("records"))
            q.insert_holdout(conn, holdout_rows)
            q.set_unit_costs(conn, costs)
            sq.put_setting(conn, MARKER, json.dumps({k: v for k, v in summary.__dict__.items()
                                                      if k != "already"}))
    finally:
        conn.close()
    report(progress, 4, 4, "done")
    return summary
