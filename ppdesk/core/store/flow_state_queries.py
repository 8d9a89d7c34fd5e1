"""SQL of flow states (Draft/Live/Paused, migration 7) and the per-flow outbox figures.

A flow without a ``flow_states`` row is Draft: a new store needs no seeding, and a
flow added in a later version starts Draft too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


def load_states(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """flow -> (state, changed_at) for every flow that has left Draft at least once."""
    return {str(f): (str(s), str(at)) for f, s, at in
            conn.execute("SELECT flow, state, changed_at FROM flow_states")}


def set_state(conn: sqlite3.Connection, flow: str, state: str, at: str) -> None:
    conn.execute("INSERT INTO flow_states(flow, state, changed_at) VALUES (?, ?, ?)"
                 " ON CONFLICT(flow) DO UPDATE SET state = excluded.state,"
                 " changed_at = excluded.changed_at", (flow, state, at))


def outbox_figures(conn: sqlite3.Connection, now: str, soon: str) -> dict[str, dict[str, Any]]:
    """Per flow: planned (waiting to be sent, not held out), due_next_24h (due after
    ``now`` up to ``soon``), overdue (due at or before ``now``), sent and last_sent."""
    rows = conn.execute(
        "SELECT flow,"
        " SUM(state IN ('planned', 'due')),"
        " SUM(state IN ('planned', 'due') AND due_at > ? AND due_at <= ?),"
        " SUM(state IN ('planned', 'due') AND due_at <= ?),"
        " SUM(state = 'sent'),"
        " MAX(CASE WHEN state = 'sent' THEN sent_at END)"
        " FROM outbox GROUP BY flow", (now, soon, now)).fetchall()
    return {str(r[0]): {"planned": int(r[1] or 0), "due_next_24h": int(r[2] or 0),
                        "overdue": int(r[3] or 0), "sent": int(r[4] or 0),
                        "last_sent": r[5]} for r in rows}


def waiting_ids(conn: sqlite3.Connection, flows: Sequence[str], *,
                due_until: str | None = None) -> list[int]:
    """Planned/due rows of ``flows`` (only those due at or before ``due_until`` if given)."""
    if not flows:
        return []
    sql = (f"SELECT id FROM outbox WHERE state IN ('planned', 'due')"
           f" AND flow IN ({','.join('?' * len(flows))})")
    params: list[Any] = list(flows)
    if due_until is not None:
        sql += " AND due_at <= ?"
        params.append(due_until)
    return [int(r[0]) for r in conn.execute(sql + " ORDER BY id", params)]
