"""``forget_customer``: erase one person's data on request (GDPR article 17).

What goes: the address and name on their customer rows and orders, on outbox rows
and in events, the inbox log and the log files; preview ``.eml`` files that name them
are deleted. What stays: their orders as anonymous lines (so sales figures, pairs and
results still add up), the outbox rows' states (so sent/failed counts hold), and on
the suppression list only a salted hash of the address, so that a later import of
the same export never mails them again (checked by the planner and the sender).
The SQLite file is then vacuumed with ``secure_delete`` so erased values do not
linger in free pages or the write-ahead log.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ppdesk.core import paths
from ppdesk.core.customers.record import normalise
from ppdesk.core.flows import clock
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import customer_queries as cq
from ppdesk.core.store import suppression_queries as sq

log = logging.getLogger(__name__)
_SKIP_FILES = {"store.sqlite3", "store.sqlite3-wal", "store.sqlite3-shm"}


@dataclass
class ForgetSummary:
    customers: int = 0
    orders: int = 0
    emails: int = 0
    text_fields: int = 0
    files_scrubbed: list[str] = field(default_factory=list)
    files_deleted: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"customers": self.customers, "orders": self.orders, "emails": self.emails,
                "text_fields": self.text_fields, "files_scrubbed": self.files_scrubbed,
                "files_deleted": self.files_deleted}


def _scrub_files(home: Path, needles: list[str], summary: ForgetSummary) -> None:
    pattern = re.compile("|".join(re.escape(n) for n in needles).encode(), re.IGNORECASE)
    db = paths.store_path(home)
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        if path.name in _SKIP_FILES or path == db or path.suffix == ".parquet":
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not pattern.search(data):
            continue
        if path.suffix == ".eml":   # a rendered email to them: nothing else in it to keep
            path.unlink()
            summary.files_deleted.append(str(path))
        else:
            path.write_bytes(pattern.sub(cq.FORGOTTEN.encode(), data))
            summary.files_scrubbed.append(str(path))


def forget_customer(store: Store, email: str) -> ForgetSummary:
    """Erase the person with this address (see the module doc); idempotent."""
    address = normalise(email)
    summary = ForgetSummary()
    conn = store.connect()
    try:
        conn.execute("PRAGMA secure_delete = ON")
        with transaction(conn):
            ids = cq.customer_ids(conn, address)
            oids = cq.order_ids(conn, ids, address)
            outbox = cq.outbox(conn, ids, address)
            salt = sq.erasure_salt(conn, create=True)
            assert salt is not None
            hashed = sq.address_hash(salt, address)
            cq.erase(conn, ids, oids, address, f"forgotten:{hashed[7:23]}")
            # Names are erased with their columns (customers, orders, outbox subjects);
            # the address is also searched for in every other text column.
            summary.text_fields = cq.scrub_text(conn, [address])
            cq.replace_suppression(conn, address, hashed, clock.to_text(clock.utc_now()))
        cq.compact(conn)
    finally:
        conn.close()
    summary.customers, summary.orders, summary.emails = len(ids), len(oids), len(outbox)
    _scrub_files(store.home, [address], summary)
    log.info("a customer was forgotten on request: %d customer rows, %d orders, %d emails",
             summary.customers, summary.orders, summary.emails)
    return summary
