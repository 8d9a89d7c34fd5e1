"""Progress reporting and cancellation for long core functions, without Qt.

Long functions take keyword-only ``progress`` and ``cancel`` arguments. They call
``progress(done, total, message)`` once per chunk (never per row) and call
``check(cancel)`` between chunks, which raises :class:`Cancelled`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ppdesk.core.errors import Cancelled

ProgressFn = Callable[[int, int, str], None]


class CancelToken:
    """A thread-safe flag the GUI (or a signal handler) sets to stop a long operation."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


def check(cancel: CancelToken | None) -> None:
    """Raise :class:`Cancelled` if ``cancel`` has been set."""
    if cancel is not None and cancel.cancelled:
        raise Cancelled()


def report(progress: ProgressFn | None, done: int, total: int, message: str = "") -> None:
    """Call ``progress`` if one was given."""
    if progress is not None:
        progress(done, total, message)
