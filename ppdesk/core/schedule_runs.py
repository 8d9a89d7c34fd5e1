"""Run reports: each send-due / inbox check records when it ran, what it did and its error.

A scheduled run writes its output to nowhere (cron, Task Scheduler), so a certificate
or login problem used to stop sending without anyone knowing. ``recorded_run`` puts
a row in the store when the run starts and completes it when the run ends, also
when it fails (the error in plain words) or is killed (the row stays unfinished,
which the app shows as "did not finish"). ``latest_runs`` is what ``ppdesk flows
schedule --status`` and the app show.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from ppdesk.core.store import Store, transaction
from ppdesk.core.store import runs_queries as rq

log = logging.getLogger(__name__)
KINDS = ("send-due", "inbox-check")


@dataclass
class RunRecorder:
    """Handed to the run: ``finish(details, sent=, failed=, error=)`` once it knows."""

    details: dict[str, Any] = field(default_factory=dict)
    sent: int = 0
    failed: int = 0
    error: str | None = None

    def finish(self, details: dict[str, Any], *, sent: int = 0, failed: int = 0,
               error: str | None = None) -> None:
        self.details, self.sent, self.failed, self.error = details, sent, failed, error


@contextmanager
def recorded_run(store: Store, kind: str) -> Iterator[RunRecorder]:
    """Record one run; an exception is recorded with its message and raised on."""
    # Imported here: the app reads the last runs while its window first paints, before
    # pandas (which ``clock`` needs) has loaded.
    from ppdesk.core.flows import clock

    recorder = RunRecorder()
    conn = store.connect()
    try:
        with transaction(conn):
            run_id = rq.start(conn, kind, clock.to_text(clock.utc_now()))
    finally:
        conn.close()
    ok = False
    try:
        yield recorder
        ok = recorder.error is None
    except BaseException as exc:
        recorder.error = str(exc) or type(exc).__name__
        raise
    finally:
        conn = store.connect()
        try:
            with transaction(conn):
                rq.finish(conn, run_id, clock.to_text(clock.utc_now()), ok=ok,
                          sent=recorder.sent, failed=recorder.failed, error=recorder.error,
                          details=json.dumps(recorder.details, default=str))
        finally:
            conn.close()
        if recorder.error:
            log.error("%s run failed: %s", kind, recorder.error)
        else:
            log.info("%s run: sent %d, failed %d", kind, recorder.sent, recorder.failed)


@dataclass(frozen=True)
class RunReport:
    kind: str
    started_at: str
    finished_at: str | None
    ok: bool
    sent: int
    failed: int
    error: str | None

    @property
    def sentence(self) -> str:
        if self.finished_at is None:
            return f"The last {self.kind} run ({self.started_at}) did not finish."
        if not self.ok:
            return f"The last {self.kind} run ({self.started_at}) failed: {self.error}"
        return (f"The last {self.kind} run ({self.started_at}) went well: {self.sent} sent, "
                f"{self.failed} failed.")

    def in_words(self, time_zone: str) -> str:
        """``sentence`` for the window: what ran in words, its time in the store's zone."""
        from ppdesk.core import local_time
        from ppdesk.core.errors import for_window

        what = RUN_WORDS.get(self.kind, self.kind)
        when = local_time.moment_text(self.started_at, time_zone)
        if self.finished_at is None:
            return f"The last {what} ({when}) did not finish."
        if not self.ok:
            return f"The last {what} ({when}) failed: {for_window(self.error or '')}"
        return (f"The last {what} ({when}) went well: {self.sent} sent, "
                f"{self.failed} failed.")

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "sentence": self.sentence}


# The run kinds are command names; the window names what they do.
RUN_WORDS = {"send-due": "automatic sending", "inbox-check": "mailbox check"}


def latest_runs(store: Store) -> list[RunReport]:
    """The newest run of each kind that has run at all."""
    conn = store.connect()
    try:
        rows = [r for kind in KINDS for r in rq.latest(conn, kind, 1)]
    finally:
        conn.close()
    return [RunReport(r.kind, r.started_at, r.finished_at, r.ok, r.sent, r.failed, r.error)
            for r in rows]
