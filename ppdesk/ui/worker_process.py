"""The child side of a task run in its own process (no Qt here: the child never loads PySide6).

Threads share the GIL: a core step that spends a second inside one C call that
holds it (building a million tuples for ``executemany``, ``fetchall`` of a million
rows) freezes the window for that second, whatever the worker thread does. The
longest jobs (imports) therefore run in a spawned process; ``ui/tasks.py`` starts
it, relays its progress as Qt signals and forwards Cancel through an event.

Messages on the queue: ``("progress", done, total, text)``, then exactly one of
``("ok", result)``, ``("cancelled",)`` or ``("error", exception, traceback_text)``.
"""

from __future__ import annotations

import pickle
import traceback
from collections.abc import Callable
from typing import Any, Protocol

from ppdesk.core.errors import Cancelled
from ppdesk.core.progress import CancelToken


class _Event(Protocol):
    def is_set(self) -> bool: ...
    def set(self) -> None: ...


class _Queue(Protocol):
    def put(self, item: Any) -> None: ...


class EventCancelToken(CancelToken):
    """A CancelToken backed by a multiprocessing event the GUI process sets."""

    def __init__(self, event: _Event) -> None:
        self._event = event  # type: ignore[assignment]


def child_main(fn: Callable[..., Any], queue: _Queue, cancel_event: _Event) -> None:
    """Run ``fn(progress=..., cancel=...)`` and report through ``queue``."""
    token = EventCancelToken(cancel_event)

    def progress(done: int, total: int, text: str) -> None:
        queue.put(("progress", int(done), int(total), str(text)))

    try:
        result = fn(progress=progress, cancel=token)
    except Cancelled:
        queue.put(("cancelled",))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI process
        text = traceback.format_exc()
        try:
            pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - an exception that cannot travel is sent as text
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        queue.put(("error", exc, text))
    else:
        queue.put(("ok", result))


def import_and_warm(
    store: Any, files: list[Any], *, progress: Any, cancel: Any, **options: Any
) -> Any:
    """Import, then build the analytics cache in the same process (the pages read it next)."""
    from ppdesk.core.importing import import_files
    from ppdesk.core.store.lines import load_lines

    summary = import_files(store, files, progress=progress, cancel=cancel, **options)
    if not options.get("dry_run"):
        progress(1, 1, "Preparing the analysis")
        load_lines(store)
    return summary
