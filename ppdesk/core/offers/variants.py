"""Which discount variant an order sees: the digits of its order number, mod the count.

The same rule runs in the snippet's JavaScript (digit by digit, so long order numbers
never lose precision in a JS number) and in results, so the report knows which
variant every order saw, the orders that did not take the offer included.
"""

from __future__ import annotations


def order_digits(order_number: str) -> str:
    """The decimal digits of an order number, in order (``"#1001"`` -> ``"1001"``)."""
    return "".join(ch for ch in str(order_number) if "0" <= ch <= "9")


def variant_for_order(order_number: str, count: int) -> int:
    """Position (0-based) of the variant shown to ``order_number`` among ``count`` variants.

    The order number's digits read as one integer, modulo ``count``. An order number
    without digits, or a single variant, gives 0.
    """
    if count <= 1:
        return 0
    digits = order_digits(order_number)
    if not digits:
        return 0
    return int(digits) % count
