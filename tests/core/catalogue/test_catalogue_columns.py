"""Reading only a layout's columns, and the vectorised cell helpers behind the fast paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from catalogue_helpers import SHOPIFY_HEADER

from ppdesk.core.catalogue.built import links
from ppdesk.core.catalogue.cleaning import (
    Columns,
    Notes,
    fill_within,
    group_codes,
    https_only,
    numbers,
)
from ppdesk.core.catalogue.layouts import SHOPIFY_PRODUCTS
from ppdesk.core.catalogue.loading import _wanted


def test_shopify_parses_only_the_columns_it_reads() -> None:
    wanted = _wanted(SHOPIFY_HEADER, SHOPIFY_PRODUCTS.reads)
    assert "Body (HTML)" not in wanted and "Vendor" not in wanted
    assert "Option1 Name" not in wanted and "Option2 Name" not in wanted
    assert {"Handle", "Option2 Value", "Price / Poland", "Variant Image"} <= set(wanted)


def test_a_column_left_unread_cannot_be_read_by_mistake() -> None:
    cols = Columns(pd.DataFrame({"Handle": ["a"]}, dtype="str"), np.array([2]),
                   frozenset({"vendor"}))
    assert cols.get("handle").tolist() == ["a"]
    assert cols.get("not in the file").tolist() == [""]
    with pytest.raises(RuntimeError, match="vendor"):
        cols.get("vendor")
    with pytest.raises(RuntimeError, match="vendor"):
        cols.matching(r"vend.+")


def test_money_plain_and_spelled_out() -> None:
    rows = np.array([2, 3, 4])
    plain = numbers(pd.Series(["12.50", "", "3"], dtype="str"), rows, "Price", Notes("f"), "p")
    assert plain[0] == 12.5 and np.isnan(plain[1]) and plain[2] == 3.0
    notes = Notes("f")
    mixed = numbers(pd.Series(["1,234.50", "abc", "7"], dtype="str"), rows, "Price", notes, "p")
    assert mixed[0] == 1234.5 and np.isnan(mixed[1]) and mixed[2] == 7.0
    assert [(d.row, d.column) for d in notes.dropped] == [(3, "Price")]


def test_fill_within_takes_each_groups_first_filled_value() -> None:
    groups = pd.Series(["a", "a", "b", "a", "c"], dtype="str")
    values = pd.Series(["", "x", "y", "z", ""], dtype="str")
    out = fill_within(values, group_codes(groups))
    assert out.tolist() == ["x", "x", "y", "x", ""]


def test_links_quote_only_what_needs_it() -> None:
    paths = pd.Series(["/products/mug", "/products/a b", "", "/products/ż"], dtype="str")
    assert links("https://shop.example", paths).tolist() == [
        "https://shop.example/products/mug", "https://shop.example/products/a%20b", "",
        "https://shop.example/products/%C5%BC"]


def test_https_only_drops_every_blank_python_knows_and_keeps_good_urls() -> None:
    blanks = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    good = ["https://cdn.example.com/a.png", "https://cdn.example.com:8443/a b".replace(" ", "%20"),
            "https://cdn.example.com/p?x=1&y=2#top", "https://cdn.example.com/ż.png"]
    bad = [f"https://cdn.example.com/a{b}b.png" for b in blanks] + [
        "http://cdn.example.com/a.png", "https://cdn.example.com/a\"b", "//cdn.example.com/a",
        "https:///a.png", "https://cdn.example.com/<script>"]
    values = pd.Series(good + bad + [""], dtype="str")
    notes = Notes("f")
    out = https_only(values, np.arange(2, len(values) + 2), "Image Src", notes, "image")
    assert out.tolist() == good + [""] * (len(bad) + 1)
    assert notes.cells_dropped == len(bad)
