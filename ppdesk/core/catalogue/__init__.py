"""The store's own catalogue: product exports read into one entry per sellable variant.

- ``fields``: the canonical catalogue fields (``--map``) and the variant frame's columns.
- ``layouts``: recognising a catalogue export by its header (Shopify, WooCommerce, Etsy,
  Square, BigCommerce, or any table through ``--map``).
- ``shopify``, ``woocommerce``, ``others``: each layout's rows turned into variants,
  parent products and images.
- ``cleaning``: what every layout shares (numbers, https-only URLs, rejects).
- ``loading``: reading a file and building its variants without touching the store.
- ``matching``: ordered products joined to catalogue variants (SKU, name, handle).
- ``writing``: the catalogue's part of an import inside the importer's transaction.
- ``listing``: the products listing (CLI ``ppdesk products``, the Products page).
- ``fetch_ids``: Shopify variant ids from the store's public ``/products/{handle}.js``.

Parent key (``products.parent_key``): the Shopify handle, the WooCommerce parent's ID
(a simple product's own ID), the Etsy listing's SKU else title, the Square item name,
the BigCommerce product ID, or the mapped ``parent`` column; stable across re-imports.
"""
