"""Orchestration rules over candidates from all flows, applied in this order:

1. eligibility (vectorised): marketplace order (Amazon/Etsy: analytics only) -> no
   usable email -> suppression list -> consent (``accepts_marketing`` = 1 on the
   customer, else on the triggering order; everyone when soft opt-in is on);
2. holdout: each eligible customer is drawn once (``holdout_share``) and kept;
3. collisions per customer, by priority (default replenishment > cross_sell >
   review > loyalty) then due time: at most ``frequency_cap_emails`` in any
   ``frequency_cap_days`` window, counting what was already sent; a product is never
   featured twice to one customer within ``same_product_days`` (a multi-product
   message drops the clashing products and is skipped only below its minimum).

Customers with a single candidate and no recent history cannot collide and skip the
per-customer loop, which therefore runs only for the few who can.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ppdesk.core.flows import model as m
from ppdesk.core.settings import FlowSettings

_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def normalise_email(text: str) -> str:
    return (text or "").strip().lower()


def eligibility(cands: pd.DataFrame, customers: pd.DataFrame, orders: pd.DataFrame,
                suppressed: dict[str, str], soft_opt_in: bool) -> pd.DataFrame:
    """Add ``email`` and set skip_code/skip_reason for ineligible candidates."""
    out = cands.copy()
    cust = customers.set_index("customer_id")
    ords = orders.set_index("order_id")
    cust_email = out["customer_id"].map(cust["email"]).fillna("").astype(str)
    order_email = out["trigger_order_id"].map(ords["order_email"]).fillna("").astype(str)
    email = cust_email.where(cust_email.str.strip() != "", order_email).str.strip().str.lower()
    out["email"] = email
    out["first_name"] = out["customer_id"].map(cust["first_name"]).fillna("").astype(str)
    consent = out["customer_id"].map(cust["accepts_marketing"])
    consent = consent.where(consent.notna(), out["trigger_order_id"].map(ords["accepts_marketing"]))
    has_consent = pd.to_numeric(consent, errors="coerce").fillna(0).astype(int) == 1
    marketplace = ~out["trigger_order_id"].map(ords["marketing_allowed"]).fillna(True).astype(bool)
    no_email = ~email.str.match(_EMAIL)
    supp_reason = email.map(suppressed).astype(object)
    is_supp = supp_reason.notna()

    code = out["skip_code"].astype(str).copy()
    words = out["skip_reason"].astype(str).copy()
    # Later assignments win, so apply from least to most fundamental.
    if not soft_opt_in:
        code = code.mask(~has_consent, m.NO_CONSENT)
        words = words.mask(~has_consent, m.REASON_WORDS[m.NO_CONSENT])
    code = code.mask(is_supp, m.SUPPRESSED)
    words = words.mask(is_supp, m.REASON_WORDS[m.SUPPRESSED] + " (" +
                       supp_reason.fillna("").str.replace("_", " ") + ")")
    code = code.mask(no_email, m.NO_EMAIL)
    words = words.mask(no_email, m.REASON_WORDS[m.NO_EMAIL])
    code = code.mask(marketplace, m.MARKETPLACE)
    words = words.mask(marketplace, m.REASON_WORDS[m.MARKETPLACE])
    out["skip_code"], out["skip_reason"] = code, words
    return out


def draw_holdout(customers: np.ndarray, known: dict[int, bool], share: float,
                 rng: np.random.Generator) -> dict[int, bool]:
    """New assignments for customers not drawn yet (share 0 disables the holdout)."""
    if share <= 0:
        return {}
    new = np.array(sorted(set(int(c) for c in customers) - set(known)), dtype=np.int64)
    if new.size == 0:
        return {}
    picks = rng.random(new.size) < share
    return {int(c): bool(h) for c, h in zip(new, picks, strict=True)}


def _cap_fits(times: list[pd.Timestamp], t: pd.Timestamp, cap: int, span: pd.Timedelta) -> bool:
    """Whether adding ``t`` keeps every window of length ``span`` holding it at <= cap."""
    near = sorted([x for x in times if abs(x - t) < span] + [t])
    j = 0
    for i, x in enumerate(near):
        while x - near[j] >= span:
            j += 1
        if near[j] <= t <= x and i - j + 1 > cap:
            return False
    return True


def cap_words(cap: int, days: int, other_flow: str, other_at: pd.Timestamp) -> str:
    """The frequency-cap reason as a merchant reads it, what differs first (a narrow column
    cuts the end): "the Review request of 2026-11-03 comes first (at most 1 email every 3 days
    per customer)"."""
    emails = "1 email" if cap == 1 else f"{cap} emails"
    every = "day" if days == 1 else f"{days} days"
    label = m.FLOW_LABELS.get(other_flow, other_flow.replace("_", " "))
    return (f"the {label} of {other_at:%Y-%m-%d} comes first (at most {emails} every {every} "
            "per customer)")


def resolve_collisions(cands: pd.DataFrame, history: pd.DataFrame,
                       settings: FlowSettings) -> pd.DataFrame:
    """Choose products and drop colliding messages among eligible candidates.

    ``cands`` needs customer_id, flow, t (time used for the cap), pool, take,
    min_take; ``history`` (customer_id, t, product_ids, flow) is what was already
    sent or held out. Adds ``chosen`` (list of product ids) and fills skip_code /
    skip_reason for the losers.
    """
    out = cands.copy()
    out["chosen"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    if out.empty:
        return out
    order = {flow: i for i, flow in enumerate(settings.priority)}
    out["_rank"] = out["flow"].map(lambda f: order.get(f, len(order)))
    cap = max(1, int(settings.frequency_cap_emails))
    span = pd.Timedelta(days=max(0, int(settings.frequency_cap_days)))
    product_span = pd.Timedelta(days=max(0, int(settings.same_product_days)))
    horizon = max(span, product_span)

    counts = out["customer_id"].value_counts()
    hist_customers = set(history["customer_id"].astype(int)) if not history.empty else set()
    simple = out["customer_id"].map(counts).eq(1) & ~out["customer_id"].isin(hist_customers)
    out.loc[simple, "chosen"] = pd.Series(
        [list(p[:k]) for p, k in zip(out.loc[simple, "pool"], out.loc[simple, "take"],
                                     strict=True)], index=out.index[simple], dtype="object")

    rows = out[~simple].sort_values(["customer_id", "_rank", "t", "plan_key"])
    hist_by_customer: dict[int, list[tuple[pd.Timestamp, list[int], str]]] = {}
    if not history.empty:
        recent = history[history["customer_id"].isin(rows["customer_id"])]
        for c, t, products, flow in zip(recent["customer_id"].tolist(), recent["t"].tolist(),
                                        recent["product_ids"].tolist(), recent["flow"].tolist(),
                                        strict=True):
            hist_by_customer.setdefault(int(c), []).append((t, list(products), str(flow)))
    chosen: dict[Any, list[int]] = {}
    skips: dict[Any, tuple[str, str]] = {}
    accepted: list[tuple[pd.Timestamp, list[int], str]] = []
    current = None
    # Plain lists, not itertuples/.at: this loop is the planner's hot spot on big stores.
    for idx, customer, t, flow, pool, take, min_take in zip(
            rows.index.tolist(), rows["customer_id"].tolist(), rows["t"].tolist(),
            rows["flow"].tolist(), rows["pool"].tolist(), rows["take"].tolist(),
            rows["min_take"].tolist(), strict=True):
        if customer != current:
            current = customer
            accepted = list(hist_by_customer.get(int(customer), []))
        near = [a for a in accepted if abs(a[0] - t) < horizon]
        if span > pd.Timedelta(0) and not _cap_fits([a[0] for a in near if abs(a[0] - t) < span],
                                                    t, cap, span):
            other = min(near, key=lambda a: abs(a[0] - t))
            skips[idx] = (m.FREQUENCY_CAP, cap_words(cap, span.days, str(other[2]), other[0]))
            continue
        recent_products = {p: a for a in near if abs(a[0] - t) < product_span for p in a[1]}
        pick = [p for p in pool if p not in recent_products][: int(take)]
        if len(pick) < int(min_take):
            clash = next((recent_products[p] for p in pool if p in recent_products), None)
            when = f" on {clash[0]:%Y-%m-%d}" if clash else ""
            skips[idx] = (m.SAME_PRODUCT, f"{m.REASON_WORDS[m.SAME_PRODUCT]}"
                          f" (within {product_span.days} days{when})")
            continue
        chosen[idx] = pick
        accepted.append((t, pick, str(flow)))
    if chosen:
        out.loc[list(chosen), "chosen"] = pd.Series(list(chosen.values()), index=list(chosen),
                                                    dtype="object")
    if skips:
        where = list(skips)
        out.loc[where, "skip_code"] = [code for code, _ in skips.values()]
        out.loc[where, "skip_reason"] = [words for _, words in skips.values()]
    return out.drop(columns="_rank")
