"""Writing a plan into the outbox without ever doubling a message, and explaining it.

Each candidate has a ``plan_key``; its outbox row, once created, keeps its id for
ever. Rows in flight or done (sending, sent, failed, unknown) and rows cancelled for
good (too late, by the merchant, a holdout message whose time has passed) are
*settled*: the planner leaves them alone. Every other row follows the plan:

- planned/due and still wanted -> content refreshed if it changed (same id);
- planned/due and now skipped or held out -> cancelled with the reason;
- planned/due and no longer a candidate -> cancelled with why (reordered, order
  cancelled, flow switched off, too late, ...);
- cancelled by the planner and wanted again -> planned again (revived, same id).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ppdesk.core.flows import candidates as cand
from ppdesk.core.flows import clock
from ppdesk.core.flows import model as m
from ppdesk.core.settings import Settings
from ppdesk.core.store import outbox_queries as oq

_FLOW_ENABLED = {m.CROSS_SELL: "cross_sell_enabled", m.REPLENISHMENT: "replenishment_enabled",
                 m.REVIEW: "review_enabled", m.LOYALTY: "loyalty_enabled"}
_LIVE = ("planned", "due")


def _settled_mask(outbox: pd.DataFrame, now: pd.Timestamp) -> pd.Series:
    if outbox.empty:
        return pd.Series(dtype=bool)
    due = pd.to_datetime(outbox["due_at"], format=clock.UTC_FORMAT)
    cancelled = outbox["state"] == "cancelled"
    revivable = outbox["reason_code"].isin(m.REVIVABLE) & ~(outbox["holdout"] & (due <= now))
    return outbox["state"].isin(oq.FIXED_STATES) | (cancelled & ~revivable)


def settled_keys(outbox: pd.DataFrame, now: pd.Timestamp) -> set[str]:
    if outbox.empty:
        return set()
    return set(outbox.loc[_settled_mask(outbox, now), "plan_key"])


def invited_customers(outbox: pd.DataFrame, now: pd.Timestamp) -> set[int]:
    """Customers who got (or, held out, would have got) a loyalty invitation already."""
    if outbox.empty:
        return set()
    loyal = outbox[(outbox["flow"] == m.LOYALTY) & _settled_mask(outbox, now)
                   & (outbox["state"].isin(["sending", "sent", "unknown"]) | outbox["holdout"])]
    return set(loyal["customer_id"].astype(int))


@dataclass
class Applied:
    inserted: int = 0
    updated: int = 0
    revived: int = 0
    cancelled: list[dict[str, Any]] = field(default_factory=list)


def _details(row: Any, products: list[int]) -> dict[str, Any]:
    details = dict(row.details)
    if row.flow == m.REVIEW:
        details["reviewed"] = [p for p in details.get("reviewed", []) if p in products]
        details["complements"] = [p for p in details.get("complements", []) if p in products]
    return details


class _WhyGone:
    """Why live outbox rows are no longer candidates, in plain words (lookups built once)."""

    def __init__(self, rows: list[Any], data: cand.FlowData, settings: Settings,
                 now: pd.Timestamp) -> None:
        self.settings, self.now = settings, now
        self.included = set(data.orders["order_id"].astype(int))
        order_at = data.orders.set_index("order_id")["at_utc"]
        wanted = pd.DataFrame(
            [(int(r.customer_id), p, int(r.trigger_order_id)) for r in rows
             if r.flow == m.REPLENISHMENT and pd.notna(r.trigger_order_id)
             for p in json.loads(r.product_ids)],
            columns=["customer_id", "product_id", "trigger_order_id"])
        self.reordered: dict[tuple[int, int, int], pd.Timestamp] = {}
        if not wanted.empty:
            wanted["trigger_at"] = wanted["trigger_order_id"].map(order_at)
            later = wanted.merge(data.lines[["customer_id", "product_id", "at_utc"]],
                                 on=["customer_id", "product_id"])
            later = later[later["trigger_at"].isna() | (later["at_utc"] > later["trigger_at"])]
            first = later.groupby(["customer_id", "product_id", "trigger_order_id"])["at_utc"].min()
            self.reordered = {(int(c), int(p), int(o)): t for (c, p, o), t in first.items()}

    def __call__(self, row: Any) -> tuple[str, str]:
        flow = str(row.flow)
        if not getattr(self.settings.flows, _FLOW_ENABLED.get(flow, ""), True):
            return m.FLOW_OFF, f"the {m.FLOW_LABELS.get(flow, flow)} flow is not Live"
        if clock.from_text(row.due_at).replace(tzinfo=None) < self.now - pd.Timedelta(
                days=self.settings.flows.max_late_days):
            return m.TOO_LATE, f"{m.REASON_WORDS[m.TOO_LATE]} (was due {row.due_at[:16]})"
        order_id = row.trigger_order_id
        if pd.notna(order_id) and int(order_id) not in self.included:
            return m.ORDER_CANCELLED, m.REASON_WORDS[m.ORDER_CANCELLED]
        if flow == m.REPLENISHMENT and pd.notna(order_id):
            dates = [self.reordered[key] for p in json.loads(row.product_ids)
                     if (key := (int(row.customer_id), int(p), int(order_id))) in self.reordered]
            if dates:
                return m.REORDERED, (f"{m.REASON_WORDS[m.REORDERED]} (reordered on "
                                     f"{min(dates):%Y-%m-%d})")
        return m.GONE, m.REASON_WORDS[m.GONE]


def apply(conn: sqlite3.Connection, cands: pd.DataFrame, outbox: pd.DataFrame,
          data: cand.FlowData, settings: Settings, now: pd.Timestamp, *,
          write: bool = True) -> Applied:
    """Write the plan (inside the caller's transaction). See the module doc.

    ``write=False`` decides the same and writes nothing: the counts are what a writing
    run would change (a preview).
    """
    at = clock.to_text(now.to_pydatetime())
    done = Applied()
    existing = {} if outbox.empty else {
        r.plan_key: r for r in outbox[~_settled_mask(outbox, now)].itertuples(index=False)}
    new_rows: list[oq.NewRow] = []
    updates: list[tuple[Any, ...]] = []
    to_cancel: list[tuple[Any, ...]] = []
    to_plan: list[tuple[Any, ...]] = []
    retag: list[tuple[Any, ...]] = []
    for row in cands.itertuples(index=False):
        code = str(row.skip_code)
        products = list(row.chosen) if code == "" else list(row.pool)[: int(row.take)]
        due_text = clock.to_text(pd.Timestamp(row.due_eff))
        details = _details(row, products)
        held = bool(row.holdout)
        old = existing.pop(row.plan_key, None)
        if old is None:
            if code == "":
                new_rows.append(oq.NewRow(
                    row.plan_key, row.flow, int(row.customer_id), row.email,
                    int(row.trigger_order_id), products, row.flow, due_text,
                    "cancelled" if held else "planned", m.HOLDOUT if held else None,
                    m.REASON_WORDS[m.HOLDOUT] if held else None, held, details))
            continue
        content = (old.id, row.email, json.dumps(products), due_text,
                   json.dumps(details, sort_keys=True))
        changed = (old.email, old.product_ids, old.due_at, old.details) != content[1:]
        if code == "" and not held:
            if old.state == "cancelled":
                to_plan.append((old.id, None, None, False))
                updates.append(content)
            elif changed:
                updates.append(content)
            continue
        code = m.HOLDOUT if code == "" else code
        words = m.REASON_WORDS[m.HOLDOUT] if code == m.HOLDOUT else str(row.skip_reason)
        if old.state in _LIVE:
            to_cancel.append((old.id, code, words, held))
            done.cancelled.append({"outbox_id": int(old.id), "plan_key": old.plan_key,
                                   "flow": old.flow, "email": old.email,
                                   "reason_code": code, "reason": words})
        elif old.reason_code != code:
            retag.append((old.id, code, words, held))
        if held and changed:
            updates.append(content)
    gone = [old for old in existing.values() if old.state in _LIVE]  # no candidate wants them
    why_gone = _WhyGone(gone, data, settings, now)
    for old in gone:
        code, words = why_gone(old)
        to_cancel.append((old.id, code, words, bool(old.holdout)))
        done.cancelled.append({"outbox_id": int(old.id), "plan_key": old.plan_key,
                               "flow": old.flow, "email": old.email,
                               "reason_code": code, "reason": words})
    if not write:
        done.inserted, done.revived = len(new_rows), len(to_plan)
        done.updated = len(updates) - done.revived
        return done
    done.inserted = oq.insert_rows(conn, new_rows, at)
    oq.bulk_transition(conn, to_cancel, _LIVE, "cancelled", at)
    oq.bulk_transition(conn, retag, ("cancelled",), "cancelled", at)
    done.revived = oq.bulk_transition(conn, to_plan, ("cancelled",), "planned", at)
    # revived rows are planned again: their content may have to be refreshed too
    oq.update_planned(conn, updates, at)
    done.updated = len(updates) - done.revived
    return done


def _names(product_ids: pd.Series, names: dict[int, str]) -> list[str]:
    return [", ".join(names.get(int(p), str(p)) for p in ids) for ids in product_ids]


def explain(done: Applied, cands: pd.DataFrame, key_ids: dict[str, int], data: cand.FlowData,
            orders_all: pd.DataFrame, tz: str, now_text: str,
            warnings: list[str]) -> m.PlanResult:
    """The PlanResult frames from the decided candidates."""
    names = dict(zip(data.products["product_id"].astype(int), data.products["name"],
                     strict=True))
    order_numbers = orders_all.set_index("order_id")["store_order_id"]
    frame = pd.DataFrame({
        "outbox_id": cands["plan_key"].map(key_ids).astype("Int64"),
        "plan_key": cands["plan_key"], "flow": cands["flow"],
        "customer_id": cands["customer_id"].astype("int64"), "email": cands["email"],
        "trigger_order_id": cands["trigger_order_id"].astype("int64"),
        "store_order_id": cands["trigger_order_id"].map(order_numbers),
    })
    accepted = cands["skip_code"] == ""
    frame["product_ids"] = [list(c) if ok else list(p)[: int(k)] for c, p, k, ok in zip(
        cands["chosen"], cands["pool"], cands["take"], accepted, strict=True)]
    frame["products"] = _names(frame["product_ids"], names)
    frame["template"] = cands["flow"]
    due = pd.to_datetime(cands["due_eff"])
    frame["due_at"] = due.dt.strftime(clock.UTC_FORMAT)
    frame["due_local"] = (due.dt.tz_localize("UTC").dt.tz_convert(tz)
                          .dt.strftime("%Y-%m-%d %H:%M") if not due.empty else due)
    frame["state"] = "planned"
    frame.loc[cands["holdout"].astype(bool), "state"] = "held out"
    original = pd.to_datetime(cands["due"]).dt.tz_localize("UTC").dt.tz_convert(tz)
    frame["note"] = ""
    moved = cands["quiet_moved"].astype(bool)
    if moved.any():
        frame.loc[moved, "note"] = ("moved out of quiet hours (was "
                                    + original[moved].dt.strftime("%H:%M") + ")")
    frame["reason_code"] = cands["skip_code"]
    frame["reason"] = cands["skip_reason"]
    held = accepted & cands["holdout"].astype(bool)
    cols = [c for c in frame.columns if c not in ("reason_code", "reason")]
    messages = frame.loc[accepted & ~held, cols].sort_values(["due_at", "outbox_id"])
    held_out = frame.loc[held, cols].sort_values(["due_at", "outbox_id"])
    skipped = frame.loc[~accepted].drop(columns=["outbox_id", "state"]).sort_values(
        ["due_at", "plan_key"])
    cancelled = pd.DataFrame(done.cancelled, columns=["outbox_id", "plan_key", "flow", "email",
                                                      "reason_code", "reason"])
    return m.PlanResult(now=now_text, messages=messages.reset_index(drop=True),
                        held_out=held_out.reset_index(drop=True),
                        skipped=skipped.reset_index(drop=True), cancelled=cancelled,
                        inserted=done.inserted, updated=done.updated, revived=done.revived,
                        warnings=warnings)
