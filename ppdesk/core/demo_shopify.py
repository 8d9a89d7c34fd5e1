"""Formats a demo :class:`~ppdesk.core.demo_data.Simulation` as Shopify's orders export.

Reproduces the layout and quirks of the real export (see FORMATS.md section 1 in the
shared data notes): the 79-column header, one row per line item newest order first,
order-level fields only on each order's first row (continuation rows keep Name, Email,
Created at, the Lineitem fields and Vendor), ``2025-05-01 10:22:33 -0400`` times whose
offset follows US Eastern daylight saving, money as ``12.50``, ``yes``/``no`` for
Accepts Marketing, quoted multi-line Notes, Excel-proof zips (``'07030``), blank SKUs.

Columns are built as pyarrow arrays per order (or per product) and expanded to lines
with ``take``; a null index gives an empty cell, which is how continuation rows are made.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ppdesk.core import demo_catalog as dc
from ppdesk.core.demo_data import ORDER_STATUSES, Simulation

SHOPIFY_HEADER: tuple[str, ...] = (
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes",
    "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor",
    "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags", "Risk Level",
    "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name", "Tax 2 Value",
    "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name", "Tax 5 Value", "Phone",
    "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name", "Payment ID",
    "Payment Terms Name", "Next Payment Due At", "Payment References",
)
# Columns repeated on every row of an order (the rest are on its first row only).
EVERY_ROW = frozenset({"Name", "Email", "Created at", "Lineitem quantity", "Lineitem name",
                       "Lineitem price", "Lineitem compare at price", "Lineitem sku",
                       "Lineitem requires shipping", "Lineitem taxable",
                       "Lineitem fulfillment status", "Vendor", "Lineitem discount"})
_DISCOUNT_PCT = {"WELCOME10": 10, "SPRING15": 15, "FREESHIP": 0, "BEANS20": 20,
                 "PETPALS10": 10, "GLOW15": 15}
_TAX_RATE = 0.06
_SHIPPING_CENTS = 695
_FREE_SHIPPING_FROM = 5000


def money(cents: np.ndarray) -> pa.Array:
    """Cents as Shopify's plain decimals: ``1250`` -> ``"12.50"``."""
    cents = np.asarray(cents, dtype=np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0")
    return pc.binary_join_element_wise(whole, frac, ".")


def _eastern_dst(start: date, secs: np.ndarray) -> np.ndarray:
    """True where a local time (seconds since ``start`` 00:00) is US Eastern daylight time."""
    dst = np.zeros(len(secs), dtype=bool)
    last_year = start.year + int(secs.max(initial=0) // (365 * 86400)) + 1
    for year in range(start.year, last_year + 1):
        march = date(year, 3, 1)
        begin = march + timedelta(days=(6 - march.weekday()) % 7 + 7)  # 2nd Sunday of March
        nov = date(year, 11, 1)
        end = nov + timedelta(days=(6 - nov.weekday()) % 7)  # 1st Sunday of November
        lo = (begin - start).days * 86400 + 7200
        hi = (end - start).days * 86400 + 7200
        dst |= (secs >= lo) & (secs < hi)
    return dst


def format_times(start: date, secs: np.ndarray) -> pa.Array:
    """Local times as ``YYYY-MM-DD HH:MM:SS -0400`` (offset by daylight saving)."""
    base = np.datetime64(start.isoformat(), "s")
    text = np.datetime_as_string(base + secs.astype("timedelta64[s]"), unit="s")
    stamps = pc.replace_substring(pa.array(text), "T", " ")
    offsets = pa.array(np.where(_eastern_dst(start, secs), "-0400", "-0500"))
    return pc.binary_join_element_wise(stamps, offsets, " ")


def _customer_columns(sim: Simulation) -> dict[str, pa.Array]:
    n = len(sim.guest)
    first = np.asarray(dc.FIRST_NAMES, dtype=object)[sim.first]
    last = np.asarray(dc.LAST_NAMES, dtype=object)[sim.last]
    ids = np.arange(n)
    email = [None if g else f"{f.lower()}.{s.lower()}{i}@example.com"
             for f, s, i, g in zip(first, last, ids, sim.guest, strict=True)]
    email_caps = [None if g else f"{f}.{s}{i}@example.com"
                  for f, s, i, g in zip(first, last, ids, sim.guest, strict=True)]
    city = [dc.CITIES[c] for c in sim.city]
    zips = [f"{c[3]}{i % 97:02d}" for c, i in zip(city, ids, strict=True)]
    street = [f"{(i * 37) % 9800 + 12} {dc.STREETS[i % len(dc.STREETS)]}" for i in ids]
    has_phone = (ids * 7) % 10 < 6
    phone = [f"+1555{(i * 7919 + 1234567) % 10**7:07d}" if p else None
             for i, p in zip(ids, has_phone, strict=True)]
    return {
        "email": pa.array(email, pa.string()),
        "email_caps": pa.array(email_caps, pa.string()),
        "name": pc.binary_join_element_wise(pa.array(first, pa.string()),
                                            pa.array(last, pa.string()), " "),
        "street": pa.array(street, pa.string()),
        "address2": pa.array([f"Apt {i % 40 + 1}" if i % 7 == 3 else None for i in ids],
                             pa.string()),
        "city": pa.array([c[0] for c in city], pa.string()),
        # Excel-proof zips: Shopify writes a leading apostrophe on zips starting with 0.
        "zip": pa.array([f"'{z}" if z.startswith("0") else z for z in zips], pa.string()),
        "province": pa.array([c[1] for c in city], pa.string()),
        "province_name": pa.array([c[2] for c in city], pa.string()),
        "phone": pa.array(phone, pa.string()),
        "accepts": pa.array(np.where(sim.accepts, "yes", "no")),
    }


def _order_money(sim: Simulation) -> dict[str, np.ndarray]:
    cat = sim.catalog
    n = len(sim.order_customer)
    line_cents = sim.line_qty * cat.price_cents[sim.line_product]
    gross = np.bincount(sim.line_order, weights=line_cents, minlength=n).round().astype(np.int64)
    ships = np.bincount(sim.line_order, weights=cat.requires_shipping[sim.line_product],
                        minlength=n) > 0
    pct = np.array([_DISCOUNT_PCT[c] for c in dc.DISCOUNT_CODES] + [0])[sim.order_discount]
    discount = np.rint(gross * pct / 100).astype(np.int64)
    subtotal = gross - discount
    free = dc.DISCOUNT_CODES.index("FREESHIP")
    shipping = np.where(ships & (subtotal < _FREE_SHIPPING_FROM) & (sim.order_discount != free),
                        _SHIPPING_CENTS, 0)
    taxes = np.rint(subtotal * _TAX_RATE).astype(np.int64)
    total = subtotal + shipping + taxes
    status = np.asarray(ORDER_STATUSES)[sim.order_status]
    refunded = np.where(np.isin(status, ("refunded", "cancelled_refunded")), total,
                        np.where(status == "partially_refunded", np.rint(total * 0.3), 0))
    return {"subtotal": subtotal, "discount": discount, "shipping": shipping, "taxes": taxes,
            "total": total, "refunded": refunded.astype(np.int64), "ships": ships,
            "status": status}


def _null_where(values: pa.Array, blank: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(blank), pa.scalar(None, values.type), values)


def _order_columns(sim: Simulation, cust: dict[str, pa.Array]) -> dict[str, pa.Array]:
    """One array per first-row column, one entry per order."""
    n = len(sim.order_customer)
    m = _order_money(sim)
    status = m["status"]
    idx = np.arange(n)
    times = sim.order_time
    created = format_times(sim.start, times)
    cancelled = np.char.startswith(status.astype(str), "cancelled")
    unpaid = (status == "pending") | (status == "cancelled_voided")
    recent = times > (sim.days - 2) * 86400
    fulfilled = ~cancelled & ~recent
    fulfil_time = times + 43200 + (idx * 7919) % (2 * 86400)
    cancel_time = times + 7200 + (idx * 104729) % 86400
    by_cust = pa.array(sim.order_customer)
    financial = np.select([status == "cancelled_voided", status == "cancelled_refunded"],
                          ["voided", "refunded"], status)
    codes = np.asarray(list(dc.DISCOUNT_CODES) + [""], dtype=object)[sim.order_discount]
    notes = np.asarray(list(dc.GIFT_NOTES) + [""], dtype=object)[sim.order_note]
    order_id = 6_103_250_000_000 + idx * 1337 + times % 1000
    reference = pc.binary_join_element_wise(
        "c", pc.cast(pa.array(26_000_000_000 + idx * 7), pa.string()), ".1", "")
    ship_method = np.where(~m["ships"], "", np.where(m["shipping"] > 0, "Standard Shipping",
                                                      "Free Shipping"))
    tax_name = "Sales Tax 6%"
    cols: dict[str, pa.Array] = {
        "Financial Status": pa.array(financial.astype(str)),
        "Paid at": _null_where(created, unpaid),
        "Fulfillment Status": pa.array(np.where(fulfilled, "fulfilled", "unfulfilled")),
        "Fulfilled at": _null_where(format_times(sim.start, fulfil_time), ~fulfilled),
        "Accepts Marketing": cust["accepts"].take(by_cust),
        "Currency": pa.array(np.full(n, "USD")),
        "Subtotal": money(m["subtotal"]),
        "Shipping": money(m["shipping"]),
        "Taxes": money(m["taxes"]),
        "Total": money(m["total"]),
        # Shopify writes "" (quoted empty) for a first row without code, tags or attributes.
        "Discount Code": pa.array(codes.astype(str)),
        "Tags": pa.array(np.full(n, "")),
        "Note Attributes": pa.array(np.full(n, "")),
        "Discount Amount": money(m["discount"]),
        "Shipping Method": _null_where(pa.array(ship_method), ship_method == ""),
        "Notes": _null_where(pa.array(notes.astype(str)), notes == ""),
        "Cancelled at": _null_where(format_times(sim.start, cancel_time), ~cancelled),
        "Payment Method": pa.array(np.where(idx % 9 == 4, "PayPal Express Checkout",
                                            "Shopify Payments")),
        "Payment Reference": reference,
        "Refunded Amount": money(m["refunded"]),
        "Outstanding Balance": money(np.zeros(n, dtype=np.int64)),
        "Id": pc.cast(pa.array(order_id), pa.string()),
        "Risk Level": pa.array(np.full(n, "Low")),
        "Source": pa.array(np.full(n, "web")),
        "Tax 1 Name": pa.array(np.full(n, tax_name)),
        "Tax 1 Value": money(m["taxes"]),
        "Payment ID": reference,
        "Payment References": reference,
    }
    for side in ("Billing", "Shipping"):
        cols[f"{side} Name"] = cust["name"].take(by_cust)
        cols[f"{side} Street"] = cust["street"].take(by_cust)
        cols[f"{side} Address1"] = cust["street"].take(by_cust)
        cols[f"{side} Address2"] = cust["address2"].take(by_cust)
        cols[f"{side} City"] = cust["city"].take(by_cust)
        cols[f"{side} Zip"] = cust["zip"].take(by_cust)
        cols[f"{side} Province"] = cust["province"].take(by_cust)
        cols[f"{side} Country"] = pa.array(np.full(n, "US"))
        cols[f"{side} Phone"] = cust["phone"].take(by_cust)
        cols[f"{side} Province Name"] = cust["province_name"].take(by_cust)
    # Every-row order fields (Name, Email, Created at), still one entry per order here.
    caps = (idx * 2654435761) % 100 < 3  # the same person sometimes types capitals
    cols["Name"] = pc.binary_join_element_wise("#", pc.cast(pa.array(1001 + idx), pa.string()),
                                               "")
    cols["Email"] = pc.if_else(pa.array(caps), cust["email_caps"].take(by_cust),
                               cust["email"].take(by_cust))
    cols["Created at"] = created
    cols["_fulfilled"] = pa.array(fulfilled)
    return cols


def _product_columns(sim: Simulation) -> dict[str, pa.Array]:
    cat = sim.catalog
    sku = cat.sku.astype(str)
    gift_card = np.char.startswith(cat.name.astype(str), "Gift Card")
    return {
        "Lineitem name": pa.array(cat.name.astype(str)),
        "Lineitem price": money(cat.price_cents),
        "Lineitem compare at price": _null_where(money(cat.compare_cents), cat.compare_cents == 0),
        "Lineitem sku": pa.array(sku),  # blank SKUs are written as ""
        "Lineitem requires shipping": pa.array(np.where(cat.requires_shipping, "true", "false")),
        "Lineitem taxable": pa.array(np.where(gift_card, "false", "true")),
        "Vendor": pa.array(cat.vendor.astype(str)),
    }


def format_table(sim: Simulation) -> pa.Table:
    """The export as a pyarrow Table of strings (nulls = empty cells), newest order first."""
    n_lines = len(sim.line_order)
    # Lines come sorted oldest order first; Shopify lists the newest order first.
    newest_first = np.argsort(-sim.line_order, kind="stable")
    l_order = sim.line_order[newest_first]
    l_prod = sim.line_product[newest_first]
    l_qty = sim.line_qty[newest_first]
    first_row = np.ones(n_lines, dtype=bool)
    first_row[1:] = l_order[1:] != l_order[:-1]
    cust = _customer_columns(sim)
    orders = _order_columns(sim, cust)
    products = _product_columns(sim)
    every = pa.array(l_order)
    first_only = pa.array(l_order, mask=~first_row)
    by_product = pa.array(l_prod)
    fulfilled = orders.pop("_fulfilled").take(every)
    columns: list[pa.Array] = []
    for name in SHOPIFY_HEADER:
        if name in products:
            col = products[name].take(by_product)
        elif name == "Lineitem quantity":
            col = pc.cast(pa.array(l_qty), pa.string())
        elif name == "Lineitem fulfillment status":
            col = pc.if_else(fulfilled, "fulfilled", "pending")
        elif name == "Lineitem discount":
            col = pa.array(np.full(n_lines, "0.00"))
        elif name in orders:
            col = orders[name].take(every if name in EVERY_ROW else first_only)
        else:
            col = pa.nulls(n_lines, pa.string())
        columns.append(col)
    return pa.Table.from_arrays(columns, names=list(SHOPIFY_HEADER))


def _csv_cells(col: pa.Array) -> pa.Array:
    """CSV text of one column the way Shopify writes it.

    Quotes only cells that need it (comma, quote, line break) and writes an empty
    string as ``""`` while a null stays an empty cell: the export has both.
    """
    col = col.cast(pa.string())
    if col.null_count == len(col):
        return pc.fill_null(col, "")
    needs = pc.or_(pc.match_substring_regex(col, '[",\\r\\n]'), pc.equal(col, ""))
    if not pc.any(needs).as_py():  # most columns: skip the quoting kernels
        return pc.fill_null(col, "")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(col, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(needs, quoted, col), "")


def _write_csv(table: pa.Table, path: Path, *, chunk_rows: int = 100_000) -> None:
    # pyarrow's CSV writer quotes every string cell, which no real export does; joining
    # the cells with compute kernels keeps it vectorised and about as fast.
    with path.open("wb") as out:
        out.write((",".join(table.column_names) + "\n").encode())
        for offset in range(0, table.num_rows, chunk_rows):
            part = table.slice(offset, chunk_rows)
            cells = [_csv_cells(pa.concat_arrays(c.chunks) if c.num_chunks else
                                pa.array([], pa.string())) for c in part.columns]
            rows = pc.binary_join_element_wise(*cells, ",")
            rows = pc.binary_join_element_wise(rows, "\n", "")
            offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32,
                                    count=len(rows) + 1, offset=rows.offset * 4)
            out.write(memoryview(rows.buffers()[2])[offsets[0]:offsets[-1]])


def write_table(table: pa.Table, path: Path, *, fmt: str = "csv") -> None:
    """Write as CSV (quoted only where needed, like Shopify) or as a one-sheet XLSX."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        _write_csv(table, path)
        return
    frame = table.to_pandas()
    frame.to_excel(path, sheet_name="orders_export_1", index=False, engine="openpyxl")
