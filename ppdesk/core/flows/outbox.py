"""The merchant's view of and actions on the outbox (the GUI's Outbox page and the CLI).

- ``list_messages``: rows with product names, newest due first, filtered by state;
- ``resolve_unknown``: a message whose fate is unknown (the sender stopped or the
  line dropped after the message was handed over) is marked ``sent`` (it arrived,
  e.g. it is in the Sent folder or the customer got it) or ``due`` (send it now);
- ``cancel``: the merchant stops a planned/due message; the planner never revives it;
  ``undo_cancel`` puts it back in the state it had (the app's Undo);
- ``retry_failed``: a message the server refused for good is sent again once the
  merchant fixed the cause (e.g. the account's sending limit); refused while the
  address is on the suppression list;
- ``history``: the events of one message (with the SMTP replies).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ppdesk.core.errors import InputError
from ppdesk.core.flows import clock
from ppdesk.core.flows import model as m
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import outbox_queries as oq
from ppdesk.core.store import suppression_queries as sq
from ppdesk.core.store.lines import load_products

STATES = ("planned", "due", "sending", "sent", "failed", "cancelled", "unknown")


def list_messages(store: Store, *, states: Sequence[str] | None = None,
                  limit: int | None = None) -> pd.DataFrame:
    """Outbox rows with ``products`` (names) added; ``states`` filters (None: all)."""
    bad = [s for s in states or () if s not in STATES]
    if bad:
        raise InputError(f"unknown outbox state '{bad[0]}'; use one of {', '.join(STATES)}")
    conn = store.connect()
    try:
        frame = oq.load_outbox(conn, states=states, limit=limit)
    finally:
        conn.close()
    names = dict(zip(load_products(store)["product_id"].astype(int),
                     load_products(store)["name"], strict=True))
    frame["products"] = [", ".join(names.get(int(p), str(p)) for p in json.loads(ids))
                         for ids in frame["product_ids"]]
    return frame


def history(store: Store, outbox_id: int) -> list[dict[str, Any]]:
    conn = store.connect()
    try:
        if oq.outbox_row(conn, outbox_id) is None:
            raise InputError(f"there is no outbox message {outbox_id}")
        return oq.outbox_events(conn, outbox_id)
    finally:
        conn.close()


def resolve_unknown(store: Store, outbox_id: int, *, delivered: bool) -> str:
    """Mark an ``unknown`` message as sent (``delivered``) or due again; returns the new state."""
    at = clock.to_text(clock.utc_now())
    conn = store.connect()
    try:
        with transaction(conn):
            row = oq.outbox_row(conn, outbox_id)
            if row is None or row["state"] != "unknown":
                raise InputError(f"outbox message {outbox_id} is not in the 'unknown' state")
            if delivered:
                oq.transition(conn, outbox_id, ("unknown",), "sent", at,
                              detail="merchant: it was sent", sent_at=row["updated_at"])
                return "sent"
            oq.transition(conn, outbox_id, ("unknown",), "due", at,
                          detail="merchant: it was not sent; send again", next_attempt_at=None)
            return "due"
    finally:
        conn.close()


def cancel(store: Store, outbox_id: int) -> str:
    """Cancel a planned or due message for good; returns the state it had (for an undo)."""
    at = clock.to_text(clock.utc_now())
    conn = store.connect()
    try:
        with transaction(conn):
            row = oq.outbox_row(conn, outbox_id)
            if row is None or not oq.transition(
                    conn, outbox_id, ("planned", "due"), "cancelled", at,
                    reason_code=m.MERCHANT, reason=m.REASON_WORDS[m.MERCHANT]):
                raise InputError(f"outbox message {outbox_id} is not planned or due")
            return str(row["state"])
    finally:
        conn.close()


def undo_cancel(store: Store, outbox_id: int, previous_state: str) -> None:
    """Put a message the merchant cancelled back in ``previous_state`` (planned or due)."""
    if previous_state not in ("planned", "due"):
        raise InputError(f"a cancelled message can only go back to planned or due, "
                         f"not '{previous_state}'")
    at = clock.to_text(clock.utc_now())
    conn = store.connect()
    try:
        with transaction(conn):
            row = oq.outbox_row(conn, outbox_id)
            if row is None or row["state"] != "cancelled" or row["reason_code"] != m.MERCHANT:
                raise InputError(f"outbox message {outbox_id} was not cancelled by you")
            oq.transition(conn, outbox_id, ("cancelled",), previous_state, at,
                          detail="merchant: undo 'don't send'")
    finally:
        conn.close()


def retry_failed(store: Store, outbox_id: int) -> None:
    """Make a ``failed`` message due again (attempts start over)."""
    at = clock.to_text(clock.utc_now())
    conn = store.connect()
    try:
        with transaction(conn):
            row = oq.outbox_row(conn, outbox_id)
            if row is None or row["state"] != "failed":
                raise InputError(f"outbox message {outbox_id} has not failed")
            suppressed = sq.reason_for(conn, str(row["email"]).strip().lower())
            if suppressed:
                raise InputError(
                    f"{row['email']} is on the suppression list ({suppressed.replace('_', ' ')});"
                    " remove it there first if you are sure the address works"
                )
            oq.transition(conn, outbox_id, ("failed",), "due", at,
                          detail="merchant: send it again", attempts=0, next_attempt_at=None)
    finally:
        conn.close()
