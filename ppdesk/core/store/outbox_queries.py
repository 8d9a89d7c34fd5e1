"""SQL of the flows area: planner inputs, the outbox and its events, holdout, the sender lock.

Times are UTC text ``YYYY-MM-DDTHH:MM:SSZ`` (sortable as text). Every state change
of an outbox row goes through :func:`transition` or :func:`bulk_transition`, which
update the row only if it is still in one of the expected states (so a planner and a
sender never overwrite each other) and write an ``outbox_events`` row with the detail
(SMTP code and text, never a secret). Suppressions have their own module,
``suppression_queries``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

FIXED_STATES = ("sending", "sent", "failed", "unknown")

_FLOW_ORDERS_SQL = """
SELECT o.id AS order_id, COALESCE(o.customer_id, -1) AS customer_id,
       o.store_order_id AS store_order_id, o.platform AS platform, o.ordered_at AS ordered_at,
       o.utc_offset_min AS utc_offset_min,
       (o.cancelled = 0 AND COALESCE(lower(o.financial_status), '') NOT IN ('refunded', 'voided'))
           AS included,
       o.marketing_allowed AS marketing_allowed, o.accepts_marketing AS accepts_marketing,
       COALESCE(o.email, '') AS order_email, COALESCE(o.first_name, '') AS order_first_name
FROM orders o
ORDER BY o.id
"""

_FLOW_CUSTOMERS_SQL = """
SELECT id AS customer_id, COALESCE(email, '') AS email, COALESCE(first_name, '') AS first_name,
       accepts_marketing AS accepts_marketing
FROM customers ORDER BY id
"""

_OUTBOX_COLUMNS = """
id, plan_key, flow, customer_id, email, trigger_order_id, product_ids, template, due_at,
state, COALESCE(reason, '') AS reason, COALESCE(reason_code, '') AS reason_code, holdout,
COALESCE(subject, '') AS subject, message_id, attempts, next_attempt_at, planned_at, sent_at,
updated_at, COALESCE(details, '{}') AS details
"""


def load_flow_orders(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every order with what the flows need: time, offset, inclusion, consent, marketplace."""
    frame = pd.read_sql_query(_FLOW_ORDERS_SQL, conn)
    frame["included"] = frame["included"].astype(bool)
    frame["marketing_allowed"] = frame["marketing_allowed"].astype(bool)
    for col in ("order_id", "customer_id"):
        frame[col] = frame[col].astype("int64")
    return frame


def load_flow_customers(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every customer: id, email, first name, accepts_marketing (1/0/None)."""
    frame = pd.read_sql_query(_FLOW_CUSTOMERS_SQL, conn)
    frame["customer_id"] = frame["customer_id"].astype("int64")
    return frame


def load_outbox(conn: sqlite3.Connection, *, states: Sequence[str] | None = None,
                limit: int | None = None) -> pd.DataFrame:
    """Outbox rows (all, or those in ``states``), newest due first when limited."""
    sql = f"SELECT {_OUTBOX_COLUMNS} FROM outbox"
    params: list[Any] = []
    if states:
        sql += f" WHERE state IN ({','.join('?' * len(states))})"
        params += list(states)
    sql += " ORDER BY due_at, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    frame = pd.read_sql_query(sql, conn, params=params)
    frame["holdout"] = frame["holdout"].astype(bool)
    return frame


def outbox_row(conn: sqlite3.Connection, outbox_id: int) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE id = ?",
                       (int(outbox_id),)).fetchone()
    return None if row is None else dict(row)


def outbox_events(conn: sqlite3.Connection, outbox_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, at, from_state, to_state, COALESCE(detail, '') AS detail FROM outbox_events"
        " WHERE outbox_id = ? ORDER BY id", (int(outbox_id),)).fetchall()
    return [dict(r) for r in rows]


@dataclass(frozen=True)
class NewRow:
    """One row the planner inserts (state ``planned``, or ``cancelled`` for holdout)."""

    plan_key: str
    flow: str
    customer_id: int
    email: str
    trigger_order_id: int | None
    product_ids: list[int]
    template: str
    due_at: str
    state: str
    reason_code: str | None
    reason: str | None
    holdout: bool
    details: dict[str, Any]


def insert_rows(conn: sqlite3.Connection, rows: Sequence[NewRow], at: str) -> int:
    """Insert planner rows and their first event (inside the caller's transaction).

    A plan_key already present (another planner got there first) is left as it is.
    Returns how many rows were inserted.
    """
    inserted = 0
    for r in rows:
        cur = conn.execute(
            "INSERT INTO outbox(plan_key, flow, customer_id, email, trigger_order_id,"
            " product_ids, template, due_at, state, reason_code, reason, holdout, details,"
            " planned_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(plan_key) DO NOTHING",
            (r.plan_key, r.flow, r.customer_id, r.email, r.trigger_order_id,
             json.dumps(r.product_ids), r.template, r.due_at, r.state, r.reason_code, r.reason,
             int(r.holdout), json.dumps(r.details, sort_keys=True), at, at))
        if cur.rowcount:
            inserted += 1
            conn.execute("INSERT INTO outbox_events(outbox_id, at, from_state, to_state, detail)"
                         " VALUES (?, ?, NULL, ?, ?)",
                         (cur.lastrowid, at, r.state, r.reason or "planned"))
    return inserted


def update_planned(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]], at: str) -> None:
    """Refresh the content of rows the planner keeps.

    Each change is (id, email, product_ids_json, due_at, details_json).
    """
    conn.executemany(
        "UPDATE outbox SET email = ?, product_ids = ?, due_at = ?, details = ?, updated_at = ?"
        " WHERE id = ? AND state IN ('planned', 'due', 'cancelled')",
        [(email, products, due, details, at, oid) for oid, email, products, due, details in rows])


def bulk_transition(conn: sqlite3.Connection, changes: Sequence[tuple[Any, ...]],
                    from_states: Sequence[str], to_state: str, at: str) -> int:
    """Move rows (id, reason_code, reason, holdout) from ``from_states`` to ``to_state``.

    Each change writes one event whose detail is the reason. Returns rows changed.
    """
    placeholders = ",".join("?" * len(from_states))
    changed = 0
    for oid, code, reason, holdout in changes:
        prev = conn.execute(f"SELECT state FROM outbox WHERE id = ? AND state IN ({placeholders})",
                            (oid, *from_states)).fetchone()
        if prev is None:
            continue
        conn.execute("UPDATE outbox SET state = ?, reason_code = ?, reason = ?, holdout = ?,"
                     " updated_at = ? WHERE id = ?",
                     (to_state, code, reason, int(holdout), at, oid))
        conn.execute("INSERT INTO outbox_events(outbox_id, at, from_state, to_state, detail)"
                     " VALUES (?, ?, ?, ?, ?)", (oid, at, prev[0], to_state, reason))
        changed += 1
    return changed


def transition(conn: sqlite3.Connection, outbox_id: int, from_states: Sequence[str],
               to_state: str, at: str, *, detail: str | None = None,
               reason_code: str | None = None, reason: str | None = None,
               **columns: Any) -> bool:
    """Move one row to ``to_state`` if it is in ``from_states``; record the event.

    ``columns`` may set attempts, next_attempt_at, sent_at, message_id, subject.
    Returns False (and changes nothing) if the row was not in an expected state.
    """
    allowed = {"attempts", "next_attempt_at", "sent_at", "message_id", "subject"}
    assert set(columns) <= allowed, columns
    sets = ["state = ?", "updated_at = ?", "reason_code = ?", "reason = ?"]
    params: list[Any] = [to_state, at, reason_code, reason]
    for name, value in columns.items():
        sets.append(f"{name} = ?")
        params.append(value)
    placeholders = ",".join("?" * len(from_states))
    prev = conn.execute(f"SELECT state FROM outbox WHERE id = ? AND state IN ({placeholders})",
                        (int(outbox_id), *from_states)).fetchone()
    if prev is None:
        return False
    conn.execute(f"UPDATE outbox SET {', '.join(sets)} WHERE id = ?", (*params, int(outbox_id)))
    conn.execute("INSERT INTO outbox_events(outbox_id, at, from_state, to_state, detail)"
                 " VALUES (?, ?, ?, ?, ?)",
                 (int(outbox_id), at, prev[0], to_state, detail if detail is not None else reason))
    return True


def _flow_filter(flows: Sequence[str] | None) -> tuple[str, list[str]]:
    """SQL condition (and its parameters) keeping rows of ``flows`` only (None: every flow)."""
    if flows is None:
        return "", []
    return f" AND flow IN ({','.join('?' * len(flows)) or 'NULL'})", list(flows)


def promote_due(conn: sqlite3.Connection, now: str, flows: Sequence[str] | None = None) -> int:
    """planned -> due for every row (of ``flows``) whose due time has come (one event each)."""
    cond, extra = _flow_filter(flows)
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM outbox WHERE state = 'planned' AND due_at <= ?" + cond, (now, *extra))]
    conn.executemany("UPDATE outbox SET state = 'due', updated_at = ? WHERE id = ?",
                     [(now, i) for i in ids])
    conn.executemany("INSERT INTO outbox_events(outbox_id, at, from_state, to_state, detail)"
                     " VALUES (?, ?, 'planned', 'due', 'due time reached')",
                     [(i, now) for i in ids])
    return len(ids)


def due_batch(conn: sqlite3.Connection, now: str, limit: int,
              flows: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Rows ready to send now: state due, retry time (if any) reached; oldest first."""
    cond, extra = _flow_filter(flows)
    rows = conn.execute(
        f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE state = 'due' AND due_at <= ?"
        f" AND (next_attempt_at IS NULL OR next_attempt_at <= ?){cond} ORDER BY due_at, id"
        " LIMIT ?", (now, now, *extra, int(limit))).fetchall()
    return [dict(r) for r in rows]


def count_waiting(conn: sqlite3.Connection, now: str, flows: Sequence[str] | None = None) -> int:
    cond, extra = _flow_filter(flows)
    row = conn.execute(
        "SELECT COUNT(*) FROM outbox WHERE state = 'due' AND due_at <= ?"
        " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)" + cond,
        (now, now, *extra)).fetchone()
    return int(row[0])


def sending_ids(conn: sqlite3.Connection) -> list[int]:
    return [int(r[0]) for r in conn.execute("SELECT id FROM outbox WHERE state = 'sending'")]


def count_sent_since(conn: sqlite3.Connection, since: str) -> int:
    """Messages handed to the server at or after ``since`` (for per-minute/per-day caps)."""
    row = conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at >= ? AND state IN"
                       " ('sent', 'unknown')", (since,)).fetchone()
    return int(row[0])


def sent_times_since(conn: sqlite3.Connection, since: str) -> list[str]:
    return [str(r[0]) for r in conn.execute(
        "SELECT sent_at FROM outbox WHERE sent_at >= ? AND state IN ('sent', 'unknown')"
        " ORDER BY sent_at", (since,))]


# --- holdout ---------------------------------------------------------------------------------

def load_holdout(conn: sqlite3.Connection) -> pd.DataFrame:
    frame = pd.read_sql_query("SELECT customer_id, in_holdout FROM holdout", conn)
    frame["customer_id"] = frame["customer_id"].astype("int64")
    frame["in_holdout"] = frame["in_holdout"].astype(bool)
    return frame


def insert_holdout(conn: sqlite3.Connection, rows: Iterable[tuple[int, bool]], at: str) -> None:
    """Assign customers once; an existing assignment is never changed."""
    conn.executemany("INSERT INTO holdout(customer_id, in_holdout, assigned_at) VALUES (?, ?, ?)"
                     " ON CONFLICT(customer_id) DO NOTHING",
                     [(int(c), int(h), at) for c, h in rows])


# --- small key/value facts in the settings table ---------------------------------------------

def get_value(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def put_value(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO settings(key, value) VALUES (?, ?)"
                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def delete_value(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM settings WHERE key = ?", (key,))


def plan_key_ids(conn: sqlite3.Connection) -> dict[str, int]:
    """plan_key -> outbox id for every row."""
    return {str(k): int(i) for k, i in conn.execute("SELECT plan_key, id FROM outbox")}
