"""The catalogue's part of an import, inside the importer's one transaction.

``write_catalogue`` stores one loaded file (an import batch of its own, its variants,
parents, images and the rows it rejected); ``rematch`` then joins every ordered
product to the catalogue and fills the products' parent, type, category, photo,
link, platform ids and cost (see ``store.catalogue_queries.apply_matches`` for who
wins). ``rematch`` also runs after an orders-only import, so orders imported after
the catalogue are matched too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ppdesk.core.catalogue import matching
from ppdesk.core.catalogue.built import store_base
from ppdesk.core.catalogue.loading import LoadedCatalogue
from ppdesk.core.store import catalogue_queries as q
from ppdesk.core.store import orders as store_orders

UNMATCHED_LISTED = 200


@dataclass
class CatalogueFileResult:
    """What one catalogue file held and what importing it did."""

    file: str
    platform: str
    layout: str
    label: str
    rows_read: int
    rows_rejected: int
    parents: int
    variants: int
    variants_added: int
    variants_updated: int
    images: int
    cells_dropped: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class MatchReport:
    """How many ordered products the catalogue holds, and the ones it lacks.

    ``unmatched`` is sorted by revenue, largest first (at most ``UNMATCHED_LISTED``)."""

    ordered_products: int = 0
    matched: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    unmatched_total: int = 0

    @property
    def message(self) -> str | None:
        """One plain sentence when the catalogue and the orders do not meet."""
        if self.ordered_products == 0:
            return ("No orders are imported yet; the catalogue's products will be matched to "
                    "them when orders are imported.")
        if self.matched == 0:
            return (f"The catalogue matches none of the {self.ordered_products} ordered "
                    "products; check that it is the same store's export (SKUs or product names "
                    "must agree).")
        return None

    def to_json(self) -> dict[str, Any]:
        return {"ordered_products": self.ordered_products, "matched": self.matched,
                "by_rule": self.by_rule, "unmatched_total": self.unmatched_total,
                "unmatched": self.unmatched, "message": self.message}


def write_catalogue(conn: sqlite3.Connection, item: LoadedCatalogue) -> CatalogueFileResult:
    info, built, notes = item.info, item.built, item.notes
    platform = item.layout.platform
    batch = store_orders.begin_batch(
        conn, file_name=info.name, file_path=str(info.path.resolve()), file_hash=item.sha256,
        sheet=info.sheet, platform=platform,
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        mapping={"catalogue": item.layout.name, **item.mapping})
    added, updated = q.write_variants(conn, platform, built.variants, batch)
    parents = built.parent_keys()
    q.write_parents(conn, platform, parents, batch)
    q.replace_images(conn, platform, parents, built.images)
    listed = notes.rejected + notes.dropped
    store_orders.write_rejects(conn, batch, ((r.file, r.row, r.column, r.reason)
                                             for r in listed))
    store_orders.finish_batch(conn, batch, rows_read=item.rows_read,
                              counts=store_orders.WriteCounts(),
                              rows_rejected=notes.rows_rejected)
    return CatalogueFileResult(
        file=info.name, platform=platform, layout=item.layout.name, label=item.layout.label,
        rows_read=item.rows_read, rows_rejected=notes.rows_rejected, parents=len(parents),
        variants=len(built.variants), variants_added=added, variants_updated=updated,
        images=len(built.images), cells_dropped=notes.cells_dropped)


def rematch(conn: sqlite3.Connection, store_url: str = "") -> MatchReport | None:
    """Match every product to the catalogue (None when no catalogue is imported)."""
    if q.catalogue_size(conn) == 0:
        return None
    q.fill_shopify_links(conn, store_base(store_url))
    if not q.has_products(conn):
        return MatchReport()  # nothing ordered yet: no need to read the catalogue back
    products = q.ordered_products(conn)
    found = matching.match(products, q.variants_for_matching(conn))
    q.apply_matches(conn, found)
    ordered = products[products["orders"] > 0]
    hit = ordered["product_id"].isin(found["product_id"])
    missing = ordered[~hit].sort_values(["revenue", "product_key"], ascending=[False, True])
    rules = found[found["product_id"].isin(ordered["product_id"])]["rule"].value_counts()
    return MatchReport(
        ordered_products=len(ordered), matched=int(hit.sum()),
        by_rule={str(k): int(v) for k, v in rules.items()},
        unmatched=[{"product_key": str(r.product_key), "name": str(r.name),
                    "orders": int(r.orders), "revenue": round(float(r.revenue), 2)}
                   for r in missing.head(UNMATCHED_LISTED).itertuples()],
        unmatched_total=len(missing))
