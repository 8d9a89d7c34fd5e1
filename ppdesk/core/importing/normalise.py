"""From a profile's canonical frame to orders, lines, customers and products ready to store.

Shared by every platform, vectorised throughout:

- parse quantities, prices and dates; a row whose cell holds something unreadable
  (a date that is not a date, a quantity that is not a number), or that lacks an
  order id or a product, is rejected with its spreadsheet row, the column's header
  and the reason; nothing is dropped silently;
- order-level fields are the first non-empty value within the order (Shopify writes
  them on an order's first row only);
- a line's number is its position among ALL rows of its order in the file, rejected
  ones included, so a corrected re-export keeps the same numbering;
- keys: product = trimmed SKU, else trimmed name; customer = platform customer id,
  else the lower-cased e-mail, else the E.164 phone, else a guest (``identity``;
  cli-contract.md, "Customer").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ppdesk.core.importing import identity
from ppdesk.core.importing.parsing import parse_bools, parse_dates, parse_numbers
from ppdesk.core.importing.profiles.base import Profile

ORDER_TEXT_FIELDS = ("email", "customer_id", "first_name", "currency",
                     "financial_status", "discount_code")
# Where a phone may be, in order of preference: the customer's own, then billing, shipping.
PHONE_FIELDS = ("phone", "billing_phone", "shipping_phone")
# A file with a million bad rows is still summarised; listing them all helps no one.
MAX_REJECTS_LISTED = 10_000
# Beyond these a cell is a typo or garbage (1e308 units), and sums over it overflow.
MAX_QUANTITY = 1e9
MAX_MONEY = 1e13


@dataclass
class Reject:
    file: str
    row: int | None
    column: str | None
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class Prepared:
    """One file's data, ready for ``store.orders.write_import``."""

    orders: pd.DataFrame
    lines: pd.DataFrame
    customers: pd.DataFrame
    products: pd.DataFrame
    rejects: list[Reject] = field(default_factory=list)
    rows_rejected: int = 0
    dayfirst: bool | None = None
    decimal_comma: bool = False
    phone_country: str | None = None    # country national phone numbers were read with


class _Rejects:
    """Collects (mask, column, reason) and keeps the first reason per row."""

    def __init__(self, n: int, file: str, rows: np.ndarray) -> None:
        self.mask = np.zeros(n, dtype=bool)
        self.file = file
        self.rows = rows
        self.items: list[tuple[int, str | None, str]] = []

    def add(self, mask: np.ndarray, column: str | None, reason: str,
            values: pd.Series | None = None) -> None:
        """Reject rows in ``mask``; ``{}`` in ``reason`` is replaced by the quoted cell."""
        new = mask & ~self.mask
        if not new.any():
            return
        idx = np.flatnonzero(new)
        if values is not None:
            cells = values.to_numpy(dtype=object)[idx]
            reasons = [reason.replace("{}", repr(str(v)[:40])) for v in cells]
        else:
            reasons = [reason] * len(idx)
        self.items.extend(zip(idx.tolist(), [column] * len(idx), reasons, strict=True))
        self.mask |= new

    def listed(self) -> list[Reject]:
        self.items.sort(key=lambda t: t[0])
        return [Reject(self.file, int(self.rows[i]), col, str(reason))
                for i, col, reason in self.items[:MAX_REJECTS_LISTED]]


def _col(c: pd.DataFrame, name: str) -> pd.Series:
    return c[name] if name in c else pd.Series("", index=c.index, dtype="str")


def _first_per_order(codes: np.ndarray, mask: np.ndarray, n_orders: int) -> np.ndarray:
    """Index of the first row (in file order) where ``mask`` holds, per order; -1 if none."""
    first = np.full(n_orders, np.iinfo(np.int64).max, dtype=np.int64)
    idx = np.flatnonzero(mask)
    np.minimum.at(first, codes[idx], idx)
    first[first == np.iinfo(np.int64).max] = -1
    return first


def _take(values: np.ndarray, first: np.ndarray, empty: object) -> np.ndarray:
    out = np.full(len(first), empty, dtype=object if not isinstance(empty, float) else "float64")
    has = first >= 0
    out[has] = values[first[has]]
    return out


def prepare(c: pd.DataFrame, profile: Profile, mapping: dict[str, str], file: str, *,
            default_dayfirst: bool = False, country: str | None = None) -> Prepared:
    """Validate and shape one canonical frame (see module doc).

    ``country`` (two letters) reads national phone numbers; without it, the country
    most of the file's billing/shipping country cells name.
    """
    n = len(c)
    rows = c["_row"].to_numpy(dtype=np.int64)
    rej = _Rejects(n, file, rows)
    col_of = mapping.get

    order_id = _col(c, "order_id")
    if profile.fill_down_order_id:
        order_id = order_id.replace("", np.nan).ffill().fillna("").astype("str")
    rej.add((order_id == "").to_numpy(bool), col_of("order_id"), "the order id is empty")

    sku, name = _col(c, "sku"), _col(c, "product_name")
    product_key = sku.where(sku != "", name)
    if profile.has_lines:
        rej.add((product_key == "").to_numpy(bool), col_of("product_name") or col_of("sku"),
                "the line has neither a SKU nor a product name")

    if "quantity" in c:
        qty = parse_numbers(c["quantity"])
        rej.add(qty.bad, col_of("quantity"), "quantity {} is not a number", c["quantity"])
        rej.add(np.abs(np.nan_to_num(qty.values)) > MAX_QUANTITY, col_of("quantity"),
                "quantity {} is not a plausible number of units", c["quantity"])
        rej.add((c["quantity"] == "").to_numpy(bool) & profile.has_lines, col_of("quantity"),
                "the quantity is empty")
        quantity = qty.values
        decimal_comma = qty.decimal_comma
    else:
        quantity = np.ones(n)
        decimal_comma = False
    unit_price = np.full(n, np.nan)
    for fld in ("unit_price", "line_total"):
        if fld in c:
            money = parse_numbers(c[fld])
            rej.add(money.bad, col_of(fld), "price {} is not a number", c[fld])
            rej.add(np.abs(np.nan_to_num(money.values)) > MAX_MONEY, col_of(fld),
                    "price {} is not a plausible amount", c[fld])
            decimal_comma = decimal_comma or money.decimal_comma
            if fld == "unit_price":
                unit_price = money.values
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    per_unit = np.where(quantity != 0, money.values / quantity, np.nan)
                unit_price = np.where(np.isnan(unit_price), per_unit, unit_price)

    dates = parse_dates(_col(c, "order_date"), default_dayfirst=default_dayfirst)
    date_col = col_of("order_date")
    rej.add(dates.out_of_range, date_col, "{} is a date outside the years 1900-2200 "
            "(a placeholder or a typo)", _col(c, "order_date"))
    rej.add(dates.bad, date_col, "{} cannot be read as a date", _col(c, "order_date"))

    # Orders are built from the rows still accepted; an order without any date is rejected.
    codes_all, order_names = pd.factorize(order_id, sort=False)
    n_orders = len(order_names)
    first_date = _first_per_order(codes_all, ~rej.mask & dates.ok, n_orders)
    no_date = (first_date < 0)[codes_all] & (codes_all >= 0)
    rej.add(no_date, date_col, "the order has no date")
    accepted = ~rej.mask
    first_row = _first_per_order(codes_all, accepted, n_orders)
    # Order-level fields may come from any row of the order: a line rejected for its
    # quantity still carries the order's status (Shopify writes it on the first row only).
    of_order = codes_all >= 0
    keep_orders = first_row >= 0

    # Line numbers: position among all rows of the order in the file.
    line_no = pd.Series(codes_all).groupby(codes_all, sort=False).cumcount().to_numpy() + 1

    orders = pd.DataFrame({"store_order_id": np.asarray(order_names, dtype=object)})
    secs = np.where(first_date >= 0, dates.seconds[np.maximum(first_date, 0)], 0)
    offs = np.where(first_date >= 0, dates.offset_min[np.maximum(first_date, 0)], np.nan)
    orders["_secs"] = secs
    orders["utc_offset_min"] = offs
    for fld in ORDER_TEXT_FIELDS:
        values = _col(c, fld)
        first = _first_per_order(codes_all, of_order & (values != "").to_numpy(bool), n_orders)
        # Take from the Arrow-backed column; converting a million strings to objects is slow.
        picked = values.iloc[np.maximum(first, 0)].reset_index(drop=True).where(first >= 0, "")
        orders[fld] = picked.str.lower() if fld == "email" else picked
    phone_country = country or identity.infer_country(
        *(c[f] for f in ("billing_country", "shipping_country") if f in c))
    phone_columns = [c[f] for f in PHONE_FIELDS if f in c]
    if phone_columns:
        anonymous = ((orders["customer_id"] == "") & (orders["email"] == "")).to_numpy(bool)
        phone = np.full(n_orders, "", dtype=object)
        # The customer's own phone beats the billing one, which beats the shipping one;
        # within a column, the order's first row that holds a usable number.
        for rows, numbers in reversed(identity.normalise_phones(
                phone_columns, phone_country, of_order & anonymous[np.maximum(codes_all, 0)])):
            keep = codes_all[rows] >= 0
            rows, numbers = rows[keep], numbers[keep]
            # Rows are ascending: the smallest position per order is its first row.
            first = _first_per_order(codes_all[rows], np.ones(len(rows), dtype=bool), n_orders)
            phone = np.where(first >= 0, _take(numbers, first, ""), phone)
        orders["phone"] = phone
    else:
        orders["phone"] = ""
    for fld in ("cancelled", "accepts_marketing"):
        values = _col(c, fld)
        if values.dtype == bool:  # a profile already decided (Shopify: "Cancelled at" set)
            flags = values.to_numpy(dtype="float64")
        else:
            flags = parse_bools(values)
            if fld == "cancelled":  # a date or other non-boolean text in "cancelled" means yes
                flags = np.where(np.isnan(flags) & (values != "").to_numpy(bool), 1.0, flags)
        orders[fld] = _take(flags, _first_per_order(codes_all, of_order & ~np.isnan(flags),
                                                    n_orders), np.nan)
    total = parse_numbers(_col(c, "total")).values
    orders["total"] = _take(total, _first_per_order(codes_all, of_order & ~np.isnan(total),
                                                    n_orders), np.nan)
    orders = orders[keep_orders].reset_index(drop=True)
    # Whether the file says anything about cancellation: a trimmed export without the
    # column must not un-cancel orders on re-import.
    orders["cancel_known"] = "cancelled" in c
    orders["cancelled"] = orders["cancelled"].fillna(0).astype(int)
    orders["financial_status"] = orders["financial_status"].str.lower().str.replace(
        " ", "_", regex=False)
    # ordered_at/order_date text is formatted by SQLite from ``_secs`` on insert (cheaper).
    customer_codes, customer_keys = pd.factorize(identity.customer_keys(orders,
                                                                        profile.platform))
    orders["customer_idx"] = customer_codes
    customers = _customers(orders, customer_codes, customer_keys)

    if profile.has_lines:
        # Lines point at their order and product by position in those frames (no string joins).
        order_pos = np.cumsum(keep_orders) - 1
        product_codes, product_keys = pd.factorize(product_key[accepted])
        lines = pd.DataFrame({
            "order_idx": order_pos[codes_all[accepted]], "line_no": line_no[accepted],
            "product_idx": product_codes, "quantity": quantity[accepted],
            "unit_price": unit_price[accepted]})
        products = _products(lines, orders, product_keys, sku[accepted],
                             name.where(name != "", sku)[accepted])
    else:
        lines = pd.DataFrame({"order_idx": np.zeros(0, np.int64), "line_no": np.zeros(0, np.int64),
                              "product_idx": np.zeros(0, np.int64), "quantity": np.zeros(0),
                              "unit_price": np.zeros(0)})
        products = pd.DataFrame(columns=["product_key", "sku", "name", "last_price", "currency"])
    return Prepared(
        orders=orders, lines=lines, customers=customers, products=products,
        rejects=rej.listed(), rows_rejected=int(rej.mask.sum()), dayfirst=dates.dayfirst,
        decimal_comma=decimal_comma, phone_country=phone_country,
    )


def _newest(codes: np.ndarray, secs: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """Per group, the index of the newest (latest ``secs``, then last in file) row in ``mask``."""
    order = np.lexsort((np.arange(len(secs)), secs))
    rank = np.empty(len(secs), dtype=np.int64)
    rank[order] = np.arange(len(secs))
    best = np.full(k, -1, dtype=np.int64)
    sel = mask & (codes >= 0)
    np.maximum.at(best, codes[sel], rank[sel])
    return np.where(best >= 0, order[np.maximum(best, 0)], -1)


def _customers(orders: pd.DataFrame, codes: np.ndarray, keys: pd.Index) -> pd.DataFrame:
    """One row per customer key; e-mail, phone, first name and marketing consent from the
    newest order that states them."""
    k = len(keys)
    secs = orders["_secs"].to_numpy()
    out = pd.DataFrame({"customer_key": np.asarray(keys, dtype=object)})
    for fld in ("email", "phone", "first_name"):
        values = orders[fld].to_numpy(dtype=object)
        out[fld] = _take(values, _newest(codes, secs, values != "", k), "")
    consent = orders["accepts_marketing"].to_numpy(dtype="float64")
    out["accepts_marketing"] = _take(consent, _newest(codes, secs, ~np.isnan(consent), k), np.nan)
    return out


def _products(lines: pd.DataFrame, orders: pd.DataFrame, keys: pd.Index, sku: pd.Series,
              name: pd.Series) -> pd.DataFrame:
    """One row per product key: the newest line's SKU and name, the newest known price."""
    k = len(keys)
    codes = lines["product_idx"].to_numpy()
    order_idx = lines["order_idx"].to_numpy()
    secs = orders["_secs"].to_numpy()[order_idx]
    price = lines["unit_price"].to_numpy()
    newest = _newest(codes, secs, np.ones(len(codes), dtype=bool), k)
    priced = _newest(codes, secs, ~np.isnan(price), k)
    currency = orders["currency"].to_numpy(dtype=object)[order_idx]
    return pd.DataFrame({
        "product_key": np.asarray(keys, dtype=object),
        "sku": sku.iloc[newest].to_numpy(dtype=object),
        "name": name.iloc[newest].to_numpy(dtype=object),
        "last_price": _take(price, priced, np.nan), "currency": _take(currency, priced, ""),
    })
