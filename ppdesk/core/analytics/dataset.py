"""The window and the included order lines that every analytics figure starts from.

Definitions (../shared/guide/cli-contract.md, "Definitions"):

- Window: ``since``/``until`` are inclusive local calendar dates of the order.
  Without them, the ``window_days`` (365) days ending on the newest imported
  order's date, inclusive.
- Included orders: not cancelled and not refunded/voided (``lines.included``);
  lines with quantity <= 0 (or unknown) are ignored; an order counts once per
  product however many lines or units of it it holds.
- Guests (``customer_id == -1``) count for same-order pairs, never per customer.

:class:`Basket` is the encoded form the other modules compute on: integer codes
for orders and products (products ranked by product key in string order, so a
pair ``(i, j)`` with ``i < j`` has ``key_i < key_j``), and whole days since 1970.
Encoding uses presence tables over the store's dense ids rather than hashing or
sorting, so a million lines encode in a few tens of milliseconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ppdesk.core.analytics.stats import group_starts, unique_triples
from ppdesk.core.errors import InputError

GUEST = -1
# The lines-frame columns analytics reads: ``load_lines(store, columns=LINE_COLUMNS)``.
LINE_COLUMNS = ["order_id", "order_date", "customer_id", "product_id", "quantity", "included"]


@dataclass(frozen=True)
class Window:
    """Inclusive local dates; both ``None`` when the store holds no orders."""

    since: dt.date | None
    until: dt.date | None

    def to_json(self) -> dict[str, str | None]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def parse_date(text: str | dt.date | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD date from the user, or ``InputError`` naming the option."""
    if text is None or isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{option} '{text}' is not a date; use YYYY-MM-DD, e.g. 2024-03-31") from None


def day_text(day: dt.date) -> str:
    """"14 Mar 2026": a date no merchant reads the wrong way round."""
    return f"{day.day} {day.strftime('%b %Y')}"


def window_sentence(window: Window, *, chosen: bool = False, window_days: int = 365) -> str:
    """What the figures cover, in words: the default window ends at the newest imported
    order, not at today's date, so an export from last spring still shows its year."""
    if window.since is None or window.until is None:
        return "No orders imported yet: import your order export on the Import page."
    if chosen:
        return (f"Showing {day_text(window.since)} to {day_text(window.until)} "
                "(the dates you chose).")
    span = "12 months" if window_days in (365, 366) else f"{window_days} days"
    return (f"Showing the {span} to {day_text(window.until)}, the newest order you imported "
            f"(from {day_text(window.since)}).")


def resolve_window(lines: pd.DataFrame, since: dt.date | str | None = None,
                   until: dt.date | str | None = None, *, window_days: int = 365) -> Window:
    """The window the figures cover (see module doc); ``InputError`` if since > until."""
    since_d = parse_date(since, "--since")
    until_d = parse_date(until, "--until")
    if until_d is None:
        if len(lines) == 0:
            if since_d is None:
                return Window(None, None)
            until_d = since_d
        else:
            # The newest imported order, whatever its status: the export's end date.
            until_d = pd.Timestamp(lines["order_date"].max()).date()
    if since_d is None:
        since_d = until_d - dt.timedelta(days=max(int(window_days), 1) - 1)
    if since_d > until_d:
        raise InputError(f"--since {since_d} is after --until {until_d}; swap them")
    return Window(since_d, until_d)


def to_days(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Whole calendar days since 1970-01-01 as int64 (dates are local midnights)."""
    values = np.asarray(dates)
    if values.dtype.kind != "M":
        values = values.astype("datetime64[ns]")
    return values.astype("datetime64[D]").astype(np.int64)


def day_to_date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


@dataclass(frozen=True)
class Basket:
    """Included lines of the window, integer-encoded, one row per line.

    An order holding a product on several lines has several rows here; every
    consumer counts distinct orders, customers or days, never rows.

    Attributes:
        window: the dates covered.
        order: order code per row (0..n_orders-1).
        product: product code per row (0..n_products-1, ranked by product key).
        customer: ``customers.id`` per row, -1 for guests.
        day: local order date per row, days since 1970.
        n_orders: included orders in the window (``orders_total``).
        products: one row per product code: ``product_id, product_key, name``.
    """

    window: Window
    order: np.ndarray
    product: np.ndarray
    customer: np.ndarray
    day: np.ndarray
    n_orders: int
    products: pd.DataFrame
    quantity: np.ndarray | None = None  # units per row, when the lines frame had them

    @property
    def n_products(self) -> int:
        return len(self.products)

    @cached_property
    def occasions(self) -> pd.DataFrame:
        """The purchase occasions (:func:`purchase_occasions`), computed once."""
        return purchase_occasions(self)


def purchase_occasions(basket: Basket) -> pd.DataFrame:
    """Purchase occasions: ``product, customer, customer_code, day, occasion, gap``.

    One row per distinct (product, customer, local date), guests left out, sorted by
    product, customer and day: a window-function layout where ``occasion`` counts
    from 0 per (customer, product) and ``gap`` is the whole days since the previous
    occasion (NaN on the first). ``customer_code`` numbers the customers 0..m-1.
    """
    known = basket.customer != GUEST
    cust_code, cust_ids = dense_codes(basket.customer[known])
    prod, day = basket.product[known], basket.day[known]
    first_day = int(day.min()) if len(day) else 0
    # Sorted distinct (product, customer, day): same-day repeats collapse into one occasion.
    prod, cust_code, day = unique_triples(prod, cust_code, day - first_day)
    new_pair = group_starts(prod, cust_code)
    idx = np.arange(len(prod))
    pair_start = np.maximum.accumulate(np.where(new_pair, idx, 0)) if len(idx) else idx
    previous = np.r_[day[:1], day[:-1]]
    gap = np.where(new_pair, np.nan, (day - previous).astype(np.float64))
    return pd.DataFrame({"product": prod, "customer": cust_ids[cust_code],
                         "customer_code": cust_code, "day": day + first_day,
                         "occasion": idx - pair_start, "gap": gap})


def occasion_units(basket: Basket) -> np.ndarray:
    """Units bought on each purchase occasion, aligned with ``basket.occasions`` rows."""
    occ = basket.occasions
    if basket.quantity is None or len(occ) == 0:
        return np.ones(len(occ))
    known = basket.customer != GUEST
    cust_code, _ = dense_codes(basket.customer[known])
    first_day = int(basket.day[known].min())
    day = basket.day[known] - first_day
    n_cust, span = int(cust_code.max()) + 1, int(day.max()) + 1
    # The occasions are sorted by (product, customer, day), so their packed keys ascend:
    # each line finds its occasion by binary search, no second sort of the lines.
    occ_key = (occ["product"].to_numpy() * n_cust + occ["customer_code"].to_numpy()) * span \
        + (occ["day"].to_numpy() - first_day)
    key = (basket.product[known] * n_cust + cust_code) * span + day
    qty = basket.quantity[known]
    # Sorted needles make the binary search cache-friendly (3x faster on 1M lines);
    # whole small quantities ride along in the key, so one plain sort does it.
    top = int(qty.max()) + 1 if len(qty) else 1
    if np.array_equal(qty, np.floor(qty)) and (int(key.max()) + 1) * top < 2 ** 62:
        packed = np.sort(key * top + qty.astype(np.int64))
        key, qty = np.divmod(packed, top)
    else:
        order = np.argsort(key, kind="stable")
        key, qty = key[order], qty[order]
    return np.bincount(np.searchsorted(occ_key, key), weights=qty.astype(np.float64),
                       minlength=len(occ))


def _window_mask(lines: pd.DataFrame, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """Which rows are included lines of the window, and every row's day number."""
    day = to_days(lines["order_date"])
    if window.since is None or window.until is None or len(lines) == 0:
        return np.zeros(len(lines), dtype=bool), day
    qty = lines["quantity"].to_numpy(dtype=np.float64, na_value=np.nan)
    keep = (lines["included"].to_numpy(dtype=bool) & (qty > 0)
            & (day >= _day(window.since)) & (day <= _day(window.until)))
    return keep, day


def included_frame(lines: pd.DataFrame, window: Window) -> pd.DataFrame:
    """``order_id, customer_id, product_id, day`` of the included lines of the window."""
    keep, day = _window_mask(lines, window)
    return pd.DataFrame({
        "order_id": lines["order_id"].to_numpy(dtype=np.int64)[keep],
        "customer_id": lines["customer_id"].to_numpy(dtype=np.int64)[keep],
        "product_id": lines["product_id"].to_numpy(dtype=np.int64)[keep],
        "day": day[keep],
    })


def _day(date: dt.date) -> int:
    return (date - dt.date(1970, 1, 1)).days


def dense_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..m-1 for the distinct ``values`` (in increasing order) and those values.

    Store ids are small dense integers, so a presence table beats hashing or sorting;
    sparse ids fall back to ``np.unique``.
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low = int(values.min())
    span = int(values.max()) - low + 1
    if span > 4 * len(values) + 4096:
        uniques, codes = np.unique(values, return_inverse=True)
        return codes.astype(np.int64), uniques.astype(np.int64)
    present = np.zeros(span, dtype=bool)
    present[values - low] = True
    code_of = np.cumsum(present, dtype=np.int64) - 1
    return code_of[values - low], np.flatnonzero(present).astype(np.int64) + low


def build_basket(lines: pd.DataFrame, products: pd.DataFrame, window: Window) -> Basket:
    """Encode the window's included lines (see :class:`Basket`)."""
    keep, day = _window_mask(lines, window)
    order_id = lines["order_id"].to_numpy(dtype=np.int64)[keep]
    product_id = lines["product_id"].to_numpy(dtype=np.int64)[keep]
    customer = lines["customer_id"].to_numpy(dtype=np.int64)[keep]
    day = day[keep]
    order, order_ids = dense_codes(order_id)
    code, present = dense_codes(product_id)
    # Products present, ranked by key in plain string (code point) order.
    meta = _product_meta(products, present)
    by_key = np.argsort(meta["product_key"].to_numpy(dtype=object), kind="stable")
    meta = meta.iloc[by_key].reset_index(drop=True)
    rank = np.empty(len(by_key), dtype=np.int64)
    rank[by_key] = np.arange(len(by_key))
    quantity = (lines["quantity"].to_numpy(dtype=np.float64, na_value=np.nan)[keep]
                if "quantity" in lines.columns else None)
    return Basket(window, order, rank[code], customer, day, len(order_ids), meta, quantity)


def _product_meta(products: pd.DataFrame, present: np.ndarray) -> pd.DataFrame:
    """``product_id, product_key, name`` for ``present`` ids; unknown ids get their id as key."""
    keys = present.astype(str).astype(object)
    names = keys.copy()
    if len(products) and len(present):
        ids = products["product_id"].to_numpy(dtype=np.int64)
        where = pd.Index(ids).get_indexer(present)  # -1 where the id has no products row
        found = where >= 0
        known_keys = products["product_key"].to_numpy(dtype=object)[where[found]]
        known_names = products["name"].to_numpy(dtype=object)[where[found]]
        keys[found] = known_keys
        names[found] = np.where(pd.isna(known_names), known_keys, known_names)
    return pd.DataFrame({"product_id": present, "product_key": pd.Series(keys, dtype=object),
                         "name": pd.Series(names, dtype=object)})
