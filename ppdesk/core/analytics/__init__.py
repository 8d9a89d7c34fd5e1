"""Analytics: which products sell together, and when customers reorder.

- ``evidence``: THE front door. ``evidence_for(store)`` answers pairs, sequential
  pairs, complements (one ranking), timing, purchase histories, cadence and loyalty,
  cached per store and data version; everything outside this package asks it.
- Below it: ``dataset`` (the window and the included lines), ``pairs`` (same-order and
  sequential pairs, p- and q-values), ``parents`` (variants grouped by parent product),
  ``not_products`` (tips, shipping protection, gift cards... left out), ``substitutes``,
  ``complements`` (the ranking), ``timing`` and ``quantity`` (reorder timing, both
  triggers, the quantity rule), ``consumables`` (replenishable or not), ``segments``,
  ``repeat`` (repeat buyers), ``stats`` (vectorised statistics).

Everything here is Qt-free and vectorised; the data comes from ``core.store.lines``.
"""
