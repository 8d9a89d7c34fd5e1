"""Evidence on the shared real exports: non-products and variants as the exports write them."""

from __future__ import annotations

from pathlib import Path

from ppdesk.core.analytics.evidence import evidence_for
from ppdesk.core.importing import import_files
from ppdesk.core.store import open_store


def _store(home: Path, folder: Path):  # type: ignore[no-untyped-def]
    store = open_store(home)
    import_files(store, sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".xlsx")))
    return store


def test_tips_and_gift_wrap_are_left_out(home: Path, real_exports: Path) -> None:
    evidence = evidence_for(_store(home, real_exports / "shopify_danilo_us"))
    left = evidence.not_products()
    assert set(left.loc[left["not_product"], "kind"]) == {"tip", "gift wrap"}
    names = set(evidence.pairs("variant").pairs[["name_a", "name_b"]].to_numpy().ravel())
    assert "Tip" not in names and "Gift wrapping" not in names


def test_shopify_variants_group_under_their_title(home: Path, real_exports: Path) -> None:
    evidence = evidence_for(_store(home, real_exports / "shopify_shopping_at_door_pk_xlsx"))
    table = evidence.parent_table.merge(evidence.products[["product_id", "name"]])
    bags = table.loc[table["name"].str.startswith("Foldable Travel Bag")]
    assert len(bags) >= 5 and set(bags["parent_key"]) == {"Foldable Travel Bag"}
    # Variants of one product never pair at the product level.
    pairs = evidence.pairs("product").pairs
    assert not (pairs["product_a"] == pairs["product_b"]).any()
    assert "Foldable Travel Bag" in set(pairs["product_a"]) | set(pairs["product_b"])
