"""Who counts as a customer: platform id, else e-mail, else the phone in E.164, else a guest.

Every expected key below is worked out by hand: a Pakistani mobile written nationally
as 0300 1234567 is +92 300 1234567, i.e. ``+923001234567``; a London number
020 7946 0958 is ``+442079460958``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from import_helpers import SHOPIFY_HEADER, WOO_ALGOLPLUS_HEADER, orders_by_id, query, write_export

from ppdesk.cli.main import run_cli
from ppdesk.core.importing import import_files
from ppdesk.core.importing.identity import e164, infer_country
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import open_store


def _line(name: str, date: str, **cells: str) -> dict[str, str]:
    row = {"Name": name, "Created at": date, "Lineitem quantity": "1",
           "Lineitem name": cells.pop("item", "Rose Oil"), "Lineitem price": "1500.00",
           "Currency": "PKR", "Financial Status": "paid"}
    row.update(cells)
    return row


COD_ORDERS = [
    _line("#1", "2024-03-01 10:00:00 +0500", **{"Email": "Ana@Example.com ",
                                                  "Billing Phone": "0333 1111111",
                                                  "Billing Country": "PK"}),
    # No e-mail: the national number with the file's country (PK) is the customer.
    _line("#2", "2024-03-02 10:00:00 +0500", **{"Billing Phone": "0300 1234567",
                                                  "Billing Country": "PK"}),
    # The same buyer writing the number internationally, and on the shipping side only.
    _line("#3", "2024-03-09 10:00:00 +0500", **{"Shipping Phone": "+92 300 1234567",
                                                  "Billing Country": "PK"}),
    # The customer's own Phone beats the billing phone (a gift billed to someone else).
    _line("#4", "2024-03-10 10:00:00 +0500", **{"Phone": "'0321-7654321",
                                                  "Billing Phone": "0300 1234567",
                                                  "Billing Country": "PK"}),
    _line("#4", "2024-03-10 10:00:00 +0500", item="Soap"),
    # Excel rounded this number ("4.30326E+11"): the digits are gone, so it is a guest.
    _line("#5", "2024-03-11 10:00:00 +0500", **{"Billing Phone": "4.30326E+11",
                                                  "Billing Country": "PK"}),
    # Nothing at all: a guest.
    _line("#6", "2024-03-12 10:00:00 +0500", **{"Billing Name": "Walk-in"}),
]


def _import(tmp_path: Path, home: Path, records: list[dict[str, str]], header: list[str]
            = SHOPIFY_HEADER, name: str = "orders_export_1.csv") -> None:
    path = write_export(tmp_path / name, header, records)
    import_files(open_store(home), [path])


def test_cash_on_delivery_orders_are_customers_by_phone(tmp_path: Path, home: Path) -> None:
    _import(tmp_path, home, COD_ORDERS)
    store = open_store(home)
    keys = {oid: o["customer_key"] for oid, o in orders_by_id(store).items()}
    assert keys == {"#1": "ana@example.com", "#2": "+923001234567", "#3": "+923001234567",
                    "#4": "+923217654321", "#5": None, "#6": None}
    customers = dict(query(store, "SELECT customer_key, phone FROM customers"))
    # Few distinct numbers: the e-mail customer's phone is stored too.
    assert customers == {"ana@example.com": "+923331111111", "+923001234567": "+923001234567",
                         "+923217654321": "+923217654321"}


def test_reimport_adds_no_customer_twice(tmp_path: Path, home: Path) -> None:
    _import(tmp_path, home, COD_ORDERS)
    _import(tmp_path, home, COD_ORDERS)
    assert query(open_store(home), "SELECT COUNT(*) FROM customers") == [(3,)]


def test_the_country_setting_reads_national_numbers(tmp_path: Path, home: Path) -> None:
    records = [_line("#7", "2024-03-01 10:00:00 +0000", **{"Billing Phone": "020 7946 0958"}),
               _line("#8", "2024-03-02 10:00:00 +0000", **{"Billing Phone": "+1 415 555 2671"})]
    # No setting and no country column: only the number written with its country code.
    _import(tmp_path, home, records)
    assert {o: v["customer_key"] for o, v in orders_by_id(open_store(home)).items()} == {
        "#7": None, "#8": "+14155552671"}
    other = home.parent / "gb-home"
    other.mkdir()
    store = open_store(other)
    settings = load_settings(store)
    settings.store.country = "GB"
    save_settings(store, settings)
    _import(tmp_path, other, records)
    assert {o: v["customer_key"] for o, v in orders_by_id(store).items()} == {
        "#7": "+442079460958", "#8": "+14155552671"}


def test_woocommerce_billing_phone_and_country_code(tmp_path: Path, home: Path) -> None:
    rows = [{"Order Number": "101", "Order Status": "wc-processing",
             "Order Date": "2024-05-01 10:00", "Phone (Billing)": "01712-345678",
             "Country Code (Billing)": "BD", "Name": "Tea", "Quantity": "1"},
            {"Order Number": "102", "Order Status": "wc-completed",
             "Order Date": "2024-05-20 10:00", "Phone (Billing)": "+880 1712 345678",
             "Country Code (Billing)": "BD", "Name": "Cup", "Quantity": "2"}]
    _import(tmp_path, home, rows, WOO_ALGOLPLUS_HEADER, "woo.csv")
    keys = {o: v["customer_key"] for o, v in orders_by_id(open_store(home)).items()}
    assert keys == {"101": "+8801712345678", "102": "+8801712345678"}


def test_country_setting_is_checked(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--home", str(home), "settings", "set", "store.country=pk"]) == 2
    assert "store.country" in capsys.readouterr().err
    assert run_cli(["--home", str(home), "settings", "set", "store.country=PK"]) == 0
    assert load_settings(open_store(home)).store.country == "PK"


@pytest.mark.parametrize(("raw", "country", "expected"), [
    ("0300 1234567", "PK", "+923001234567"),
    ("'+92 300 1234567", None, "+923001234567"),
    ("0092 300 1234567", None, "+923001234567"),
    ("(415) 555-2671", "US", "+14155552671"),
    ("4.30326E+11", "PK", ""),
    ("n/a", "PK", ""),
    ("12", "PK", ""),
    ("0" * 40, "PK", ""),
])
def test_e164(raw: str, country: str | None, expected: str) -> None:
    assert e164(raw, country) == expected


def test_country_is_what_most_cells_name() -> None:
    billing = pd.Series(["PK", "PK", "", "US", "Pakistan"])
    shipping = pd.Series(["pk", "", "", "US", ""])
    assert infer_country(billing, shipping) == "PK"        # PK 3 cells, US 2
    assert infer_country(pd.Series(["", "Pakistan", "XX"])) is None
