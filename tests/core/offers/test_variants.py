"""variant_for_order: the digits of the order number, mod the variant count (hand-worked)."""

from __future__ import annotations

import pytest

from ppdesk.core.offers.variants import variant_for_order


@pytest.mark.parametrize(("order", "count", "expected"), [
    ("#1001", 2, 1),            # 1001 = 2*500 + 1
    ("#1002", 2, 0),
    ("WC-2047", 3, 1),          # 2047 = 3*682 + 1
    ("2048", 3, 2),             # 2048 = 3*682 + 2
    ("#10-07", 4, 3),           # digits 1007 = 4*251 + 3
    ("no digits", 3, 0),
    ("#1001", 1, 0),
    ("#1001", 0, 0),
    ("98765432109876543210", 7, 98765432109876543210 % 7),  # beyond float precision
])
def test_variant_for_order(order: str, count: int, expected: int) -> None:
    assert variant_for_order(order, count) == expected


def test_big_order_number_hand_checked() -> None:
    # 98765432109876543210 mod 7, by long division digit by digit done by hand in the
    # same way the snippet's JavaScript does it: r = (10 r + d) mod 7.
    r = 0
    for d in "98765432109876543210":
        r = (10 * r + int(d)) % 7
    assert variant_for_order("98765432109876543210", 7) == r == 3
