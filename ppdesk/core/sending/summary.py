"""``SendSummary``: what one ``send_due`` run did, for the CLI, the app and the log."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SendSummary:
    """Counts of one run. ``stopped`` says in plain words why it ended early, if it did."""

    now: str
    dry_run: bool = False
    recovered_unknown: int = 0   # left in 'sending' by a sender that died: now 'unknown'
    promoted: int = 0            # planned -> due
    attempted: int = 0           # SMTP transactions started (dry run: files written)
    sent: int = 0
    retry_later: int = 0         # 4xx: back to due with a backoff
    failed: int = 0
    unknown: int = 0             # connection lost after the message was handed over
    suppressed: int = 0          # addresses added to the suppression list (hard bounces)
    cancelled: int = 0           # suppressed since planning: not sent
    waiting: int = 0             # still due when the run ended
    stopped: str = ""
    files: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
