"""While the app is open: read the mailbox every few minutes, and say when a run failed.

``MailboxTimer`` runs ``inbox.check.check_inbox`` in the background every
``EVERY_MINUTES`` once the mailbox is set up (recorded like a scheduled run). At
start it reads the last run reports (``schedule_runs.latest_runs``): a failed
send-due or inbox check is shown in the status bar and, where the desktop offers a
notification area, as a notification, so a schedule that stopped is not missed.

Signals: ``checked(str)``: a plain-words line after each background check.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from ppdesk.ui.context import AppContext
from ppdesk.ui.tasks import TaskRunner

EVERY_MINUTES = 10
log = logging.getLogger(__name__)


def failed_run_sentences(ctx: AppContext) -> list[str]:
    from ppdesk.core.schedule_runs import latest_runs

    tz = ctx.settings().store.time_zone
    return [r.in_words(tz) for r in latest_runs(ctx.store) if not r.ok and r.finished_at]


def background_check(store: object) -> str:
    """Worker side: one recorded inbox check; its outcome in one line."""
    from ppdesk.core.inbox.check import check_inbox
    from ppdesk.core.schedule_runs import recorded_run

    with recorded_run(store, "inbox-check") as record:  # type: ignore[arg-type]
        found = check_inbox(store)  # type: ignore[arg-type]
        record.finish(found.to_json(), error="; ".join(found.errors[:3]) or None)
    return (f"Mailbox checked: {found.unsubscribes} unsubscribes, {found.bounces} bounces, "
            f"{found.complaints} complaints.")


class MailboxTimer(QObject):
    checked = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = TaskRunner(self)
        self.timer = QTimer(self)
        self.timer.setInterval(EVERY_MINUTES * 60 * 1000)
        self.timer.timeout.connect(self.check_now)
        self.tray: QSystemTrayIcon | None = None

    def start(self) -> list[str]:
        """Start the timer; returns the failed-run sentences to show now."""
        self.timer.start()
        failed = failed_run_sentences(self.ctx)
        if failed and QSystemTrayIcon.isSystemTrayAvailable() and \
                QSystemTrayIcon.supportsMessages():
            app = QApplication.instance()
            icon = app.windowIcon() if isinstance(app, QApplication) else None
            self.tray = QSystemTrayIcon(icon) if icon is not None else QSystemTrayIcon()
            self.tray.show()
            self.tray.showMessage("ppdesk: a background run failed", failed[0])
        return failed

    def check_now(self) -> None:
        if self.ctx.demo or not self.ctx.settings().inbox.host or self.runner.busy:
            return
        store = self.ctx.store
        self.runner.run(lambda _p, _c: background_check(store), name="Reading the mailbox",
                        writes=True, on_success=lambda text: self.checked.emit(str(text)),
                        on_failure=lambda exc: self.checked.emit(f"Mailbox check failed: {exc}"))

    def shutdown(self) -> None:
        self.timer.stop()
        self.runner.cancel()
        if self.tray is not None:
            self.tray.hide()
