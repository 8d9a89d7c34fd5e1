"""Flow states a merchant chooses: Draft, Live, Paused; going Live with its summary; status.

- **Draft** (every flow of a new store): nothing is planned or sent.
- **Live**: the planner plans it (on an explicit action: going Live, ``flows plan
  --write``, ``send-due`` / the schedule) and the sender sends it.
- **Paused**: its planned emails stay in the outbox as they are; nothing is sent and
  nothing new is planned until it is Live again.

Going Live (also resuming a paused flow) is decided after a summary computed without
writing (``preview_go_live``): "12 emails in the next 24 hours; 40 are overdue: skip
them or send them". It counts only emails that would really be sent and says apart how
many the comparison group (holdout) would not get; the preview and ``go_live`` draw that
group with the same generator (``_draw``), so the numbers asked about are the ones that
happen. ``go_live`` then plans, applies the choice for the overdue ones (skipped ones are
cancelled for good with ``OVERDUE_SKIPPED``) and switches the state.
The planner imports this module, so the planner is imported inside the functions here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ppdesk.core.errors import InputError
from ppdesk.core.flows import clock
from ppdesk.core.flows import model as m
from ppdesk.core.settings import Settings, load_settings, save_settings
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import flow_state_queries as fsq
from ppdesk.core.store import outbox_queries as oq

DRAFT, LIVE, PAUSED = "draft", "live", "paused"
STATE_WORDS = {DRAFT: "Draft", LIVE: "Live", PAUSED: "Paused"}
SKIP, SEND = "skip", "send"
OVERDUE_CHOICES = (SKIP, SEND)
_ENABLED = {m.CROSS_SELL: "cross_sell_enabled", m.REPLENISHMENT: "replenishment_enabled",
            m.REVIEW: "review_enabled", m.LOYALTY: "loyalty_enabled"}


def flow_names(names: Iterable[str]) -> list[str]:
    """The machine names asked for, in ``FLOWS`` order; InputError for an unknown one."""
    wanted = [n.strip().lower().replace("-", "_") for n in names]
    bad = [n for n in wanted if n not in m.FLOWS]
    if bad:
        known = ", ".join(f"{f} ({m.FLOW_LABELS[f]})" for f in m.FLOWS)
        raise InputError(f"there is no flow '{bad[0]}'; the flows are {known}")
    return [f for f in m.FLOWS if f in wanted]


def states_in(conn: sqlite3.Connection) -> dict[str, str]:
    """Every flow's state (Draft unless the merchant changed it)."""
    known = fsq.load_states(conn)
    return {f: known.get(f, (DRAFT, ""))[0] for f in m.FLOWS}


def load_states(store: Store) -> dict[str, str]:
    conn = store.connect()
    try:
        return states_in(conn)
    finally:
        conn.close()


def live_in(conn: sqlite3.Connection) -> list[str]:
    """The Live flows (what the sender may send)."""
    return [f for f, st in states_in(conn).items() if st == LIVE]


def only_live(settings: Settings, live: Iterable[str]) -> Settings:
    """``settings`` with every flow that is not in ``live`` switched off for the planner."""
    on, fs = set(live), settings.flows
    flows = replace(fs, cross_sell_enabled=fs.cross_sell_enabled and m.CROSS_SELL in on,
                    replenishment_enabled=fs.replenishment_enabled and m.REPLENISHMENT in on,
                    review_enabled=fs.review_enabled and m.REVIEW in on,
                    loyalty_enabled=fs.loyalty_enabled and m.LOYALTY in on)
    return replace(settings, flows=flows)


def _switched_on(store: Store, flows: Sequence[str]) -> Settings:
    """The store's settings with ``flows`` switched on: making a flow Live is the merchant
    asking for it, so an old "off" in the settings (``flows.review_enabled``) yields."""
    settings = load_settings(store)
    fs = settings.flows
    flows_on = replace(fs, cross_sell_enabled=fs.cross_sell_enabled or m.CROSS_SELL in flows,
                       replenishment_enabled=fs.replenishment_enabled
                       or m.REPLENISHMENT in flows,
                       review_enabled=fs.review_enabled or m.REVIEW in flows,
                       loyalty_enabled=fs.loyalty_enabled or m.LOYALTY in flows)
    return replace(settings, flows=flows_on)


def _now(now: dt.datetime | str | None) -> tuple[dt.datetime, str, str]:
    moment = clock.parse_now(now)
    return moment, clock.to_text(moment), clock.to_text(moment + dt.timedelta(hours=24))


def _emails(n: int) -> str:
    return f"{n:,} email" + ("" if n == 1 else "s")


def _draw(store: Store) -> np.random.Generator:
    """The generator for new comparison-group draws when going Live: seeded by the store's
    file, so the preview's question and the going Live that follows draw the same customers
    (a fresh OS-entropy draw each time made "6 overdue" become 4 sent and 2 held out)."""
    seed = hashlib.sha256(str(store.db_path.resolve()).encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(seed[:8], "big"))


@dataclass(frozen=True)
class FlowPreview:
    """What going Live would do for one flow."""

    flow: str
    state: str            # the state before
    due_next_24h: int
    overdue: int          # only emails that would really be sent
    later: int
    held_out: int = 0     # would-be emails the comparison group does not get
    held_out_overdue: int = 0

    @property
    def label(self) -> str:
        return m.FLOW_LABELS[self.flow]


@dataclass
class GoLivePreview:
    """What going Live would do at ``now``, per flow, and in one sentence."""

    now: str
    flows: list[FlowPreview]
    warnings: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(f.overdue for f in self.flows)

    @property
    def due_next_24h(self) -> int:
        return sum(f.due_next_24h for f in self.flows)

    @property
    def later(self) -> int:
        return sum(f.later for f in self.flows)

    @property
    def held_out(self) -> int:
        return sum(f.held_out for f in self.flows)

    @property
    def held_out_overdue(self) -> int:
        return sum(f.held_out_overdue for f in self.flows)

    def sentence(self) -> str:
        """E.g. "12 emails in the next 24 hours, 30 later; 4 are overdue (...): skip them or
        send them. 3 more are for customers in the comparison group, who get nothing ...".
        """
        text = f"{_emails(self.due_next_24h)} in the next 24 hours, {self.later:,} later"
        if self.overdue:
            verb = "is" if self.overdue == 1 else "are"
            text += (f"; {self.overdue:,} {verb} overdue (their time has passed): "
                     "skip them or send them")
        text += "."
        if self.held_out:
            text += (f" {self.held_out:,} more {'is' if self.held_out == 1 else 'are'} for "
                     "customers in the comparison group, who get nothing (so we can measure "
                     "what the emails add)")
            if self.held_out_overdue:
                text += f"; {self.held_out_overdue:,} of them overdue"
            text += "."
        return text

    def to_json(self) -> dict[str, Any]:
        return {"now": self.now, "summary": self.sentence(),
                "flows": [{"name": f.flow, "label": f.label, "state_before": f.state,
                           "due_next_24h": f.due_next_24h, "overdue": f.overdue,
                           "later": f.later, "held_out": f.held_out,
                           "held_out_overdue": f.held_out_overdue} for f in self.flows]}


def preview_go_live(store: Store, flows: Sequence[str], *, now: dt.datetime | str | None = None,
                    **plan_options: Any) -> GoLivePreview:
    """What making ``flows`` Live at ``now`` would plan; writes nothing.

    ``plan_options`` go to ``planner.plan`` (settings, timing, complements, progress, cancel).
    """
    from ppdesk.core.flows.planner import plan

    flows = flow_names(flows)
    moment, now_text, soon = _now(now)
    before = load_states(store)
    live = {f for f, st in before.items() if st == LIVE} | set(flows)
    plan_options.setdefault("settings", _switched_on(store, flows))
    plan_options.setdefault("rng", _draw(store))
    result = plan(store, now=moment, write=False, live=live, **plan_options)
    messages, held = result.messages, result.held_out
    previews = []
    for flow in flows:
        due = messages.loc[messages["flow"] == flow, "due_at"]
        overdue = int((due <= now_text).sum())
        next_day = int(((due > now_text) & (due <= soon)).sum())
        held_due = held.loc[held["flow"] == flow, "due_at"] if not held.empty else held
        previews.append(FlowPreview(flow, before[flow], next_day, overdue,
                                    int(len(due)) - overdue - next_day, int(len(held_due)),
                                    int((held_due <= now_text).sum()) if len(held_due) else 0))
    return GoLivePreview(result.now, previews, list(result.warnings))


@dataclass
class GoLiveResult:
    """What going Live did: the flows switched, the overdue choice and its count."""

    now: str
    flows: list[str]
    overdue: str
    overdue_count: int
    figures: dict[str, dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        names = ", ".join(m.FLOW_LABELS[f] for f in self.flows)
        due = sum(self.figures.get(f, {}).get("due_next_24h", 0) for f in self.flows)
        waiting = sum(self.figures.get(f, {}).get("planned", 0) for f in self.flows)
        text = (f"{names} {'is' if len(self.flows) == 1 else 'are'} Live: {_emails(waiting)} "
                f"planned, {due:,} of them in the next 24 hours.")
        if self.overdue_count and self.overdue == SKIP:
            text += f" Skipped {self.overdue_count:,} overdue (not sent late)."
        elif self.overdue_count:
            text += f" {self.overdue_count:,} overdue go out with the next send."
        return text

    def to_json(self) -> dict[str, Any]:
        return {"now": self.now, "flows": list(self.flows), "overdue": self.overdue,
                "overdue_count": self.overdue_count, "summary": self.sentence()}


def go_live(store: Store, flows: Sequence[str], *, overdue: str = SKIP,
            now: dt.datetime | str | None = None, **plan_options: Any) -> GoLiveResult:
    """Make ``flows`` Live at ``now``: plan them, skip or keep the overdue ones, switch.

    The plan is written before the state changes: should anything stop in between,
    the rows belong to a flow that is not Live yet, so nothing is sent and the next
    plan parks them again.
    """
    from ppdesk.core.flows.planner import plan

    if overdue not in OVERDUE_CHOICES:
        raise InputError(f"--overdue must be skip or send, not '{overdue}'")
    flows = flow_names(flows)
    if not flows:
        raise InputError("name at least one flow to make Live")
    moment, now_text, soon = _now(now)
    live = set(live_flows(store)) | set(flows)
    if "settings" not in plan_options:
        settings = _switched_on(store, flows)
        if settings != load_settings(store):
            save_settings(store, settings)
        plan_options["settings"] = settings
    plan_options.setdefault("rng", _draw(store))
    result = plan(store, now=moment, write=True, live=live, **plan_options)
    conn = store.connect()
    try:
        with transaction(conn):
            late = fsq.waiting_ids(conn, flows, due_until=now_text)
            if overdue == SKIP and late:
                words = m.REASON_WORDS[m.OVERDUE_SKIPPED]
                oq.bulk_transition(conn, [(i, m.OVERDUE_SKIPPED, words, False) for i in late],
                                   ("planned", "due"), "cancelled", now_text)
            for flow in flows:
                fsq.set_state(conn, flow, LIVE, now_text)
        figures = fsq.outbox_figures(conn, now_text, soon)
    finally:
        conn.close()
    return GoLiveResult(now_text, flows, overdue, len(late), figures, list(result.warnings))


def live_flows(store: Store) -> list[str]:
    conn = store.connect()
    try:
        return live_in(conn)
    finally:
        conn.close()


def pause(store: Store, flows: Sequence[str], *,
          now: dt.datetime | str | None = None) -> dict[str, str]:
    """Pause the Live ones among ``flows``; returns each named flow's state afterwards.

    A Draft flow stays Draft (it has nothing planned to keep).
    """
    flows = flow_names(flows)
    at = clock.to_text(clock.parse_now(now))
    conn = store.connect()
    try:
        with transaction(conn):
            current = states_in(conn)
            for flow in flows:
                if current[flow] == LIVE:
                    fsq.set_state(conn, flow, PAUSED, at)
                    current[flow] = PAUSED
        return {f: current[f] for f in flows}
    finally:
        conn.close()


@dataclass(frozen=True)
class FlowStatus:
    """One flow as the merchant sees it (``flows status``, the Flows page)."""

    name: str
    state: str
    since: str | None
    planned: int
    due_next_24h: int
    overdue: int
    sent: int
    last_sent: str | None
    enabled: bool

    @property
    def label(self) -> str:
        return m.FLOW_LABELS[self.name]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "state": self.state,
                "since": self.since, "planned": self.planned,
                "due_next_24h": self.due_next_24h, "overdue": self.overdue,
                "sent": self.sent, "last_sent": self.last_sent, "enabled": self.enabled}


def status(store: Store, *, now: dt.datetime | str | None = None,
           settings: Settings | None = None) -> list[FlowStatus]:
    """Every flow's state and outbox figures at ``now``; reads only."""
    settings = settings or load_settings(store)
    _, now_text, soon = _now(now)
    conn = store.connect()
    try:
        known = fsq.load_states(conn)
        figures = fsq.outbox_figures(conn, now_text, soon)
    finally:
        conn.close()
    empty = {"planned": 0, "due_next_24h": 0, "overdue": 0, "sent": 0, "last_sent": None}
    out = []
    for flow in m.FLOWS:
        state, since = known.get(flow, (DRAFT, None))
        fig = figures.get(flow, empty)
        out.append(FlowStatus(flow, state, since, fig["planned"], fig["due_next_24h"],
                              fig["overdue"], fig["sent"], fig["last_sent"],
                              bool(getattr(settings.flows, _ENABLED[flow]))))
    return out
