"""``plan(store, now=...)``: what the flows will send, to whom, when, and why not.

Steps: read the store -> candidates per flow (``candidates``) -> drop those whose
outbox row is settled (sent, failed, in flight, cancelled for good) -> eligibility,
quiet hours, holdout, collisions (``orchestrate``) -> write the difference to the
outbox and explain everything (``reconcile``). Running it twice at the same ``now``
changes nothing; a new import changes only what the new data changes.

Only Live flows are planned (``states``): a Draft flow gets no candidates and its
waiting rows are cancelled as "not Live" (revivable); a Paused flow's rows are left
exactly as they are. ``write=False`` computes the same answer and writes nothing
(the Flows page's preview, ``flows plan`` without ``--write``, the going-Live summary).

The analytics come from one place, ``analytics.evidence`` (complements, timing,
cadence). The rules are testable without them: pass ``timing`` (a frame with
product_id, trigger_day, replenishable, enough_data) and ``complements`` (basket
product keys, n -> product ids) to replace those calls.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from ppdesk.core.analytics.evidence import Evidence, evidence_for
from ppdesk.core.flows import candidates as cand
from ppdesk.core.flows import clock, orchestrate, reconcile, states
from ppdesk.core.flows import model as m
from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import outbox_queries as oq
from ppdesk.core.store import suppression_queries as sq
from ppdesk.core.store.lines import load_lines, load_products

log = logging.getLogger(__name__)

TIMING_COLUMNS = ["product_id", "trigger_day", "trigger_day_first", "trigger_day_repeat",
                  "quantity_scaled", "typical_units", "replenishable", "enough_data"]


def default_timing(evidence: Evidence) -> pd.DataFrame:
    """The analytics' reorder timing (both triggers, the quantity rule)."""
    frame = evidence.timing()
    return frame[TIMING_COLUMNS] if not frame.empty else pd.DataFrame(columns=TIMING_COLUMNS)


def _flow_data(lines: pd.DataFrame, products: pd.DataFrame, orders_all: pd.DataFrame,
               settings: Settings, timing: pd.DataFrame | None,
               evidence: Evidence) -> cand.FlowData:
    tz = settings.store.time_zone
    orders = orders_all[orders_all["included"] & (orders_all["customer_id"] >= 0)].copy()
    orders["at_utc"] = clock.local_to_utc(
        pd.to_datetime(orders["ordered_at"], format="%Y-%m-%d %H:%M:%S"),
        orders["utc_offset_min"], tz)
    if timing is None:
        timing = default_timing(evidence)
    # Tips, gift cards, shipping protection...: never reviewed, reminded or recommended.
    not_products = evidence.kinds.loc[evidence.kinds["not_product"], "product_id"]
    lines = lines[lines["included"] & (lines["customer_id"] >= 0) & (lines["quantity"] > 0)
                  & ~lines["product_id"].isin(not_products)]
    units = lines.groupby(["order_id", "product_id"], sort=False)["quantity"].transform("sum")
    lines = lines.assign(quantity=units).drop_duplicates(["order_id", "product_id"])[
        ["order_id", "customer_id", "product_id", "quantity"]]
    lines = lines.merge(orders[["order_id", "at_utc"]], on="order_id")
    return cand.FlowData(orders=orders[["order_id", "customer_id", "store_order_id", "at_utc"]],
                         lines=lines, products=products, timing=timing, evidence=evidence)


def _history(outbox: pd.DataFrame, now: pd.Timestamp, since: pd.Timestamp) -> pd.DataFrame:
    """Messages that count for caps: handed to the server (or maybe), or held out and past."""
    if outbox.empty:
        return pd.DataFrame(columns=["customer_id", "t", "product_ids", "flow"])
    due = pd.to_datetime(outbox["due_at"], format=clock.UTC_FORMAT)
    sent = pd.to_datetime(outbox["sent_at"], format=clock.UTC_FORMAT, errors="coerce")
    touched = pd.to_datetime(outbox["updated_at"], format=clock.UTC_FORMAT)
    t = sent.fillna(touched.where(outbox["state"].isin(["sending", "unknown"]), due))
    counts = outbox["state"].isin(["sending", "sent", "unknown"]) | (
        outbox["holdout"] & (outbox["state"] == "cancelled") & (due <= now))
    keep = counts & (t >= since)
    hist = pd.DataFrame({"customer_id": outbox.loc[keep, "customer_id"].astype("int64"),
                         "t": t[keep], "flow": outbox.loc[keep, "flow"],
                         "product_ids": [json.loads(p) for p in outbox.loc[keep, "product_ids"]]})
    return hist.reset_index(drop=True)


def plan(store: Store, *, now: dt.datetime | str | None = None, settings: Settings | None = None,
         timing: pd.DataFrame | None = None, complements: cand.ComplementsFn | None = None,
         rng: np.random.Generator | None = None, progress: ProgressFn | None = None,
         cancel: CancelToken | None = None, write: bool = True,
         live: Collection[str] | None = None) -> m.PlanResult:
    """Plan the Live flows at ``now`` (default: the current time) and update the outbox.

    Args:
        timing: reorder-timing frame to use instead of the analytics (tests, GUI cache).
        complements: complements function to use instead of the analytics' one ranking
            (``Evidence.complements_fn``).
        rng: random generator for new holdout draws (default: OS entropy).
        write: False computes the plan and leaves the store untouched (no holdout draws
            kept, no outbox rows); the counts say what a writing run would change.
        live: plan as if exactly these flows were Live (the going-Live preview);
            default: the flows the merchant made Live.
    Returns:
        The :class:`PlanResult` explaining every planned, held-out and skipped message.
    """
    moment = clock.parse_now(now)
    now_ts = clock.naive_utc(moment)
    settings = settings or load_settings(store)
    tz = settings.store.time_zone
    clock.zone(tz)
    warnings: list[str] = [m.SOFT_OPT_IN_WARNING] if settings.flows.soft_opt_in else []
    report(progress, 0, 5, "reading the store")
    conn = store.connect()
    try:
        orders_all = oq.load_flow_orders(conn)
        customers = oq.load_flow_customers(conn)
        suppressions = sq.load(conn)
        forgotten = sq.forgotten_matches(conn, [*customers["email"], *orders_all["order_email"]])
        known_holdout = oq.load_holdout(conn)
        outbox = oq.load_outbox(conn)
        flow_states = states.states_in(conn)
    finally:
        conn.close()
    live_set = set(live) if live is not None else {
        f for f, st in flow_states.items() if st == states.LIVE}
    paused = {f for f, st in flow_states.items() if st == states.PAUSED} - live_set
    settings = states.only_live(settings, live_set)
    fs = settings.flows
    lines, products = load_lines(store), load_products(store)
    evidence = evidence_for(store, settings.analytics)
    data = _flow_data(lines, products, orders_all, settings, timing, evidence)
    if complements is None:
        complements = evidence.complements_fn()
    check(cancel)
    report(progress, 1, 5, "finding candidates")
    cands = cand.all_candidates(data, fs, now_ts, complements)
    check(cancel)

    report(progress, 2, 5, "applying consent, caps and quiet hours")
    settled = reconcile.settled_keys(outbox, now_ts)
    cands = cands[~cands["plan_key"].isin(settled)].reset_index(drop=True)
    invited = reconcile.invited_customers(outbox, now_ts)
    loyal_again = (cands["flow"] == m.LOYALTY) & cands["customer_id"].isin(invited)
    cands.loc[loyal_again, "skip_code"] = m.ALREADY_INVITED
    cands.loc[loyal_again, "skip_reason"] = m.REASON_WORDS[m.ALREADY_INVITED]
    suppressed = dict(zip(suppressions["email"], suppressions["reason"], strict=True))
    suppressed.update(forgotten)   # erased customers re-imported: known by their salted hash
    cands = orchestrate.eligibility(cands, customers, orders_all, suppressed, fs.soft_opt_in)
    quiet, due_eff = clock.quiet_mask_and_next(cands["due"], tz, fs.quiet_start_hour,
                                               fs.quiet_end_hour)
    cands["quiet_moved"], cands["due_eff"] = quiet.to_numpy(), due_eff.to_numpy()
    # The cap compares planned due times (a held-out message keeps counting at its due time
    # in later runs, so using "now" for overdue ones would make re-planning drift).
    cands["t"] = cands["due_eff"]

    eligible = cands["skip_code"] == ""
    known = dict(zip(known_holdout["customer_id"].astype(int), known_holdout["in_holdout"],
                     strict=True))
    drawn = orchestrate.draw_holdout(cands.loc[eligible, "customer_id"].to_numpy(), known,
                                     fs.holdout_share, rng or np.random.default_rng())
    in_holdout = {**known, **drawn} if fs.holdout_share > 0 else {}
    horizon = pd.Timedelta(days=max(fs.frequency_cap_days, fs.same_product_days)
                           + fs.max_late_days + 1)
    history = _history(outbox, now_ts, now_ts - horizon)
    resolved = orchestrate.resolve_collisions(cands[eligible], history, fs)
    cands["chosen"] = pd.Series([None] * len(cands), index=cands.index, dtype="object")
    cands.loc[eligible, "chosen"] = resolved["chosen"]
    cands.loc[eligible, "skip_code"] = resolved["skip_code"]
    cands.loc[eligible, "skip_reason"] = resolved["skip_reason"]
    accepted = cands["skip_code"] == ""
    cands["holdout"] = accepted & cands["customer_id"].map(
        lambda c: in_holdout.get(int(c), False)).astype(bool)
    check(cancel)

    report(progress, 3, 5, "updating the outbox" if write else "comparing with the outbox")
    conn = store.connect()
    try:
        # A paused flow's rows are kept as they are: hide them from the reconciliation.
        mine = outbox[~outbox["flow"].isin(paused)] if paused else outbox
        if write:
            with transaction(conn):
                oq.insert_holdout(conn, drawn.items(), clock.to_text(moment))
                result = reconcile.apply(conn, cands, mine, data, settings, now_ts)
        else:
            result = reconcile.apply(conn, cands, mine, data, settings, now_ts, write=False)
        key_ids = oq.plan_key_ids(conn)
    finally:
        conn.close()
    report(progress, 4, 5, "explaining")
    explained = reconcile.explain(result, cands, key_ids, data, orders_all, tz,
                                  clock.to_text(moment), warnings)
    log.info("flows planned at %s: %s", explained.now, explained.summary())
    report(progress, 5, 5, "done")
    return explained


def as_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict(orient="records") if not frame.empty else []
