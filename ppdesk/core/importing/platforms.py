"""The platform names ``--platform`` accepts (no pandas: the CLI's parser needs them)."""

from __future__ import annotations

PLATFORMS = ("shopify", "woocommerce", "etsy", "square", "bigcommerce", "amazon",
             "squarespace", "generic")
