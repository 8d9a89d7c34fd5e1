"""What every page shares: the open store, its settings, and "something changed" signals.

Pages never talk to each other; they listen here. The Import page says
``data_changed`` after an import, the Settings page ``settings_changed`` after a
save, Flows/Outbox ``outbox_changed`` after planning or an outbox action, the automatic-sending
switch ``schedule_changed``; the
pages showing those things mark themselves stale and refresh when next shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ppdesk.core.settings import Settings, load_settings, save_settings
from ppdesk.core.store import Store
from ppdesk.core.store.connection import open_store
from ppdesk.ui.tasks import Task


class AppContext(QObject):
    """The open store and its change signals.

    Signals:
        data_changed(): orders were imported or the store was replaced.
        settings_changed(): settings were saved.
        outbox_changed(): the outbox was planned, sent, or edited.
        schedule_changed(): automatic sending was read, turned on or off; the new state
            is ``schedule_status`` (a ``core.schedule_switch.SwitchStatus``), so every
            switch shows it without asking the OS again.
        navigate(str): a page asks the window to show another page by key.
    """

    data_changed = Signal()
    settings_changed = Signal()
    outbox_changed = Signal()
    schedule_changed = Signal()
    navigate = Signal(str)

    def __init__(self, store: Store, *, demo: bool = False, log_file: Path | None = None) -> None:
        super().__init__()
        self.store = store
        self.demo = demo
        self.log_file = log_file
        self._settings: Settings | None = None
        self.schedule_status: object | None = None   # the last SwitchStatus anyone read

    @classmethod
    def for_home(cls, home: Path, *, demo: bool = False) -> AppContext:
        return cls(open_store(home), demo=demo)

    def settings(self) -> Settings:
        """The saved settings (one small read, cached until the next save)."""
        if self._settings is None:
            self._settings = load_settings(self.store)
        return self._settings

    def settings_written(self) -> None:
        """Core wrote the settings itself (an import set the platform): read them again
        and tell the pages, as after a save."""
        self._settings = None
        self.settings_changed.emit()

    def save_settings(
        self,
        settings: Settings,
        *,
        on_done: Callable[[], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Task:
        """Save on the writer thread (an import may hold the write lock), then announce it."""
        store = self.store

        def work(_progress: object, _cancel: object) -> None:
            save_settings(store, settings)

        task = Task(work, name="Saving settings", writes=True)

        def saved(_result: object) -> None:
            self._settings = settings
            self.settings_changed.emit()
            if on_done is not None:
                on_done()

        task.signals.succeeded.connect(saved)
        if on_error is not None:
            task.signals.failed.connect(on_error)
        return task.start()
