"""What the email tests look for in a rendered or sent email, and the demo store with a
stand-in catalogue (photos, product pages, Shopify variant ids) so the emails are real.

The demo export carries no catalogue on this branch; ``fill_demo_catalogue`` enters the
fields a merchant would type (``offers.set_product_details``): an https photo on
Shopify's CDN, the product page, and the variant id ``VARIANT_BASE + product id``.
"""

from __future__ import annotations

import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ppdesk.core.demo_store import apply_demo_profile, demo_export_path
from ppdesk.core.importing import import_files
from ppdesk.core.offers import set_product_details
from ppdesk.core.store import Store, open_store

VARIANT_BASE = 40_000_000_000
DEMO_SHOP = "https://daybreak-and-hound.example.com"
# Words that belong to the merchant's statistics, never to a customer's email.
STATS_WORDS = re.compile(
    r"(?i)\b(p-?values?|q-?values?|lift|confidence|coincidence|chance|fluke|statistic\w*|"
    r"significan\w*|probabilit\w*|hypergeometric|orders holding it)\b")


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def fill_demo_catalogue(store: Store) -> dict[int, str]:
    """Photo, page and variant id for every product; returns product id -> name."""
    conn = sqlite3.connect(store.db_path)
    try:
        rows = conn.execute("SELECT id, product_key, name FROM products").fetchall()
    finally:
        conn.close()
    for pid, key, name in rows:
        set_product_details(store, key,
                            image_url=f"https://cdn.shopify.com/s/files/1/0001/demo/{slug(name)}.jpg",
                            url=f"{DEMO_SHOP}/products/{slug(name)}",
                            platform_variant_id=str(VARIANT_BASE + pid))
    return {int(pid): str(name) for pid, _, name in rows}


def demo_store(home: Path) -> Store:
    """The demo store built as ``ppdesk demo`` builds it, in ``home``, with the catalogue."""
    home.mkdir(parents=True, exist_ok=True)
    store = open_store(home)
    import_files(store, [demo_export_path()], platform="shopify")
    apply_demo_profile(store)
    fill_demo_catalogue(store)
    return store


class Parsed(HTMLParser):
    """Images, links (with their class) and visible text of an HTML email."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._hidden = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.images.append(values)
        elif tag == "a":
            self.links.append(values)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def buttons(self) -> list[str]:
        return [str(a.get("href")) for a in self.links if "btn" in str(a.get("class") or "")]


def cart_lines(url: str) -> list[tuple[int, int]]:
    """``(variant id, quantity)`` of a Shopify cart permalink (``[]`` for other links)."""
    path = urlsplit(url).path
    if not path.startswith("/cart/"):
        return []
    out = []
    for item in path[len("/cart/"):].split(","):
        variant, _, qty = item.partition(":")
        out.append((int(variant), int(qty)))
    return out


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def store_links(html: str, text: str) -> list[str]:
    """Every http(s) link of both parts (the unsubscribe is mailto: and not a store link)."""
    found = [str(a.get("href")) for a in Parsed(html).links
             if str(a.get("href") or "").startswith("http")]
    found += re.findall(r"https?://\S+", text)
    return found


def _family(conn: sqlite3.Connection, product_id: int) -> list[int]:
    """The product's variants: same catalogue parent, else the same title before
    " - " in a "Title - Variant" name (the contract's parent product)."""
    rows = conn.execute("SELECT id, parent_key, name FROM products").fetchall()
    parent = {int(i): pk or str(name).split(" - ")[0].strip() for i, pk, name in rows}
    return [i for i, pk in parent.items() if pk == parent[product_id]]


def pair_evidence(store: Store, a: int, b: int) -> int:
    """Orders holding both products, or customers who bought ``a`` and later ``b``, at the
    parent-product level recommendations are made at (variants of one product count as
    that product): counted straight from the tables, independently of the ranker."""
    conn = sqlite3.connect(store.db_path)
    try:
        fa, fb = _family(conn, a), _family(conn, b)
        ina, inb = ",".join("?" * len(fa)), ",".join("?" * len(fb))
        together = conn.execute(
            "SELECT COUNT(DISTINCT x.order_id) FROM order_lines x JOIN order_lines y "
            f"ON y.order_id = x.order_id WHERE x.product_id IN ({ina}) "
            f"AND y.product_id IN ({inb})", (*fa, *fb)).fetchone()[0]
        later = conn.execute(
            "SELECT COUNT(DISTINCT oa.customer_id) FROM orders oa "
            f"JOIN order_lines la ON la.order_id = oa.id AND la.product_id IN ({ina}) "
            "JOIN orders ob ON ob.customer_id = oa.customer_id AND ob.ordered_at > oa.ordered_at "
            f"JOIN order_lines lb ON lb.order_id = ob.id AND lb.product_id IN ({inb})",
            (*fa, *fb)).fetchone()[0]
        return int(max(together, later))
    finally:
        conn.close()
