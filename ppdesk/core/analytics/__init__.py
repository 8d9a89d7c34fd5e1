"""Analytics: which products sell together, and when customers reorder.

- ``dataset``: the window and the included lines every figure is computed from.
- ``pairs``: same-order and sequential product pairs, with the fluke guard.
- ``complements``: the best complements of a product or basket (used by offers and flows).
- ``timing``: reorder timing per product; ``consumables``: replenishable or not.
- ``segments``: timing split by customer type and first product; ``repeat``: repeat buyers.

Everything here is Qt-free and vectorised; the data comes from ``core.store.lines``.
"""
