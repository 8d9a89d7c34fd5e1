"""The mailbox log the merchant reads: each processed message, what it was, what ppdesk did."""

from __future__ import annotations

import pandas as pd

from ppdesk.core.store import Store
from ppdesk.core.store import inbox_queries as iq


def recent(store: Store, *, limit: int = 500) -> pd.DataFrame:
    """Newest first: processed_at, folder, uid, kind, action, email, sender, subject, detail,
    outbox_id, moved (``kind`` is unsubscribe, hard_bounce, soft_bounce, complaint,
    auto_reply, forged or malformed)."""
    conn = store.connect()
    try:
        return iq.load_log(conn, limit=limit)
    finally:
        conn.close()
