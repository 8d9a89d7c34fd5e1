"""What a platform profile is: how to recognise an export by its header, and how to map it.

A profile turns the raw text columns of one export into the *canonical frame*: one
row per order line (or per order, for order-level files), text columns named after
the canonical fields (``order_id``, ``order_date``, ``email``, ``sku``, ...; see
``CANONICAL_FIELDS``) plus a few helper fields, and ``_row``, the spreadsheet row
each line came from. Everything after that (parsing, rejects, grouping into orders,
customer and product keys) is shared and lives in ``importing.normalise``.

Headers are matched by name, never by position (column sets change between
export versions), after normalising case and blanks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from ppdesk.core.importing.parsing import text

#: The fields ``--map FIELD=COLUMN`` accepts (docs/cli-contract.md).
CANONICAL_FIELDS = (
    "order_id", "order_date", "customer_id", "email", "sku", "product_name", "quantity",
    "unit_price", "currency", "financial_status", "cancelled", "discount_code",
    "accepts_marketing", "first_name", "phone",
)
#: Helper fields profiles may fill: a line total instead of a unit price, the order total,
#: a time in its own column, a variant to append to the name, a full name (for first_name),
#: more phones and the countries national phone numbers are read with (importing.identity).
EXTRA_FIELDS = ("line_total", "total", "order_time", "variant", "customer_name",
                "billing_phone", "shipping_phone", "billing_country", "shipping_country")
REQUIRED = ("order_id", "order_date")
# Fields the parsers read; they strip each distinct value themselves, so the (costly)
# per-cell strip of a million-row column is skipped for them.
_PARSED = frozenset({"quantity", "unit_price", "line_total", "total", "accepts_marketing"})


def norm(name: str) -> str:
    """Header name as compared: lower case, single spaces, no BOM."""
    return re.sub(r"\s+", " ", name.replace("\ufeff", "").strip().lower())


@dataclass(frozen=True)
class Profile:
    """One platform's export layout.

    Attributes:
        name: the variant's id (``shopify``, ``etsy_items``, ...).
        platform: what orders are recorded under (``shopify``, ``etsy``, ...).
        label: plain words for the preview ("Shopify orders export").
        signature: normalised headers that must ALL be present to recognise the file.
        excluded: normalised headers whose presence rules the profile out.
        candidates: field -> normalised header names, in order of preference.
        marketing_allowed: False for marketplaces whose buyers may not get marketing email.
        has_lines: False for order-level files (Etsy Sold Orders).
        fill_down_order_id: continuation rows may leave the order id blank.
    """

    name: str
    platform: str
    label: str
    signature: tuple[str, ...]
    candidates: Mapping[str, tuple[str, ...]]
    excluded: tuple[str, ...] = ()
    marketing_allowed: bool = True
    has_lines: bool = True
    fill_down_order_id: bool = False
    synthesize_order_id: bool = False
    notes: tuple[str, ...] = field(default=())

    def score(self, header: list[str]) -> int:
        """How well the header fits (0 = not this profile); more signature columns = surer."""
        names = {norm(h) for h in header}
        if not self.signature or any(s not in names for s in self.signature):
            return 0
        if any(x in names for x in self.excluded):
            return 0
        return 10 * len(self.signature) + len(self.guess_mapping(header))

    def guess_mapping(self, header: list[str]) -> dict[str, str]:
        """Canonical/helper field -> the header as written in the file."""
        by_norm: dict[str, str] = {}
        for h in header:
            by_norm.setdefault(norm(h), h)
        mapping: dict[str, str] = {}
        used: set[str] = set()
        for field_name, names in self.candidates.items():
            for candidate in names:
                actual = by_norm.get(candidate)
                if actual is not None and actual not in used:
                    mapping[field_name] = actual
                    used.add(actual)
                    break
        return mapping

    def missing(self, mapping: Mapping[str, str]) -> list[str]:
        """Required fields the mapping does not provide."""
        need = [f for f in REQUIRED if f not in mapping]
        if self.synthesize_order_id and "order_id" in need:
            need.remove("order_id")
        if self.has_lines and not ({"sku", "product_name", "product_details"} & set(mapping)):
            need.append("sku or product_name")
        return need

    def canonical(self, frame: pd.DataFrame, mapping: Mapping[str, str],
                  rows: np.ndarray) -> pd.DataFrame:
        """The canonical frame: mapped columns as stripped text, ``_row`` and the hook's changes."""
        out = pd.DataFrame({f: frame[col].fillna("").astype("str") if f in _PARSED
                            else text(frame[col]) for f, col in mapping.items()})
        out["_row"] = rows
        if "order_time" in out:
            out["order_date"] = (out["order_date"] + " " + out["order_time"]).str.strip()
        if "variant" in out and "product_name" in out:
            has = out["variant"] != ""
            out["product_name"] = out["product_name"].where(~has, out["product_name"] + " - "
                                                            + out["variant"])
        return self.adjust(out)

    def adjust(self, out: pd.DataFrame) -> pd.DataFrame:
        """Per-platform hook: fix what the generic mapping cannot express."""
        return out


def per_unique(values: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply ``func`` to the distinct values only and broadcast back (a million lines hold
    far fewer distinct names or phones)."""
    codes, uniq = pd.factorize(values, sort=False)
    if len(uniq) == 0:
        return pd.Series("", index=values.index, dtype="str")
    done = pa.array(func(pd.Series(uniq, dtype="str")).to_numpy(dtype=object), type=pa.string())
    # Arrow's take broadcasts without building a million Python strings.
    return pd.Series(pd.arrays.ArrowStringArray(done.take(pa.array(codes))),
                     index=values.index, dtype="str")


def first_word(names: pd.Series) -> pd.Series:
    """First name from a full name ("Jane Doe" -> "Jane")."""
    return per_unique(names, lambda u: u.str.extract(r"^(\S*)", expand=False).fillna(""))


def flag(mask: pd.Series) -> pd.Series:
    """A boolean column the pipeline takes as already decided (no text parsing)."""
    return pd.Series(np.asarray(mask, dtype=bool), index=mask.index)


def synthesize_ids(prefix: str, *parts: pd.Series) -> pd.Series:
    """A stable order id from fields that identify an order when the export has no id.

    Same inputs give the same id in every import, so re-importing stays idempotent.
    """
    joined = parts[0].str.lower()
    for p in parts[1:]:
        joined = joined + "|" + p.str.lower()
    codes, uniq = pd.factorize(joined)
    ids = np.array([prefix + hashlib.sha1(v.encode("utf-8")).hexdigest()[:12] for v in uniq],
                   dtype=object)
    return pd.Series(ids[codes] if len(uniq) else [], index=joined.index, dtype="str")
