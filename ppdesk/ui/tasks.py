"""The one way the GUI runs slow work: a core call on a worker thread, results on the GUI thread.

A :class:`Task` wraps a plain function ``fn(progress, cancel)`` (usually a lambda
around a core function that takes keyword-only ``progress``/``cancel``). It runs
on a QThreadPool and reports through :class:`TaskSignals`, whose receivers live
on the GUI thread, so every slot runs there; the worker never touches a widget.

Store writes go to a separate pool with a single thread (one writer for SQLite,
convention 4); reads and analysis use a small general pool. A task made with
``in_process=True`` runs its function in a spawned child process instead (see
``worker_process.py``: a C call holding the GIL for a second cannot freeze the
window then); the pool thread only relays the child's messages. Such a function
must be picklable (a module-level function or a ``functools.partial`` of one)
and takes ``progress``/``cancel`` as keyword arguments.

A :class:`TaskRunner` belongs to one page: starting a new task cancels the
page's previous one and drops its late results, and it drives the page's
:class:`~ppdesk.ui.widgets.progress_panel.ProgressPanel` (busy cursor first,
progress bar with Cancel after ~500 ms).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

from ppdesk.core.errors import Cancelled, EnvironmentProblem
from ppdesk.core.progress import CancelToken, ProgressFn

log = logging.getLogger("ppdesk.ui.tasks")

TaskFn = Callable[[ProgressFn, CancelToken], Any]

_lock = threading.Lock()
_running: set[Task] = set()
_read_pool: QThreadPool | None = None
_write_pool: QThreadPool | None = None


def _pools() -> tuple[QThreadPool, QThreadPool]:
    global _read_pool, _write_pool
    if _read_pool is None or _write_pool is None:
        _read_pool = QThreadPool()
        # Analysis is CPU-bound pandas/numpy that releases the GIL in places; two
        # threads keep one page's refresh from queueing behind another's.
        _read_pool.setMaxThreadCount(2)
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _read_pool, _write_pool


class TaskSignals(QObject):
    """Signals of one task; created on the GUI thread so queued slots run there.

    Signals:
        progress(int, int, str): done, total, message (per chunk, from the core).
        succeeded(object): the function's return value.
        failed(object): the exception it raised (never ``Cancelled``).
        cancelled(): the user cancelled; the core rolled back its changes.
        finished(): after exactly one of the three above.
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    # The worker emits these; queued signal-to-signal connections re-emit the public
    # ones on this object's (GUI) thread, so plain Python callables connected to
    # the public signals also run there, whatever PySide does for lambdas.
    _w_progress = Signal(int, int, str)
    _w_succeeded = Signal(object)
    _w_failed = Signal(object)
    _w_cancelled = Signal()
    _w_finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        queued = Qt.ConnectionType.QueuedConnection
        self._w_progress.connect(self.progress, queued)
        self._w_succeeded.connect(self.succeeded, queued)
        self._w_failed.connect(self.failed, queued)
        self._w_cancelled.connect(self.cancelled, queued)
        self._w_finished.connect(self.finished, queued)


class Task:
    """One call of ``fn(progress, cancel)`` on a worker thread.

    Submitted as a plain callable (``QThreadPool.start(self.run)``): Qt wraps it in
    a runnable the pool owns and deletes itself, so no Python-owned QRunnable can
    be collected while the pool thread still touches it after ``run`` returns.

    Args:
        fn: the work; must not touch Qt widgets.
        name: short label for logs and the progress panel.
        writes: True when it changes the store (runs on the single writer thread).
    """

    def __init__(
        self, fn: TaskFn, *, name: str, writes: bool = False, in_process: bool = False
    ) -> None:
        self.fn = fn
        self.name = name
        self.writes = writes
        self.in_process = in_process
        self.cancel_token = CancelToken()
        self.signals = TaskSignals()
        self.signals.finished.connect(self._forget)

    def start(self) -> Task:
        read_pool, write_pool = _pools()
        with _lock:
            _running.add(self)
        (write_pool if self.writes else read_pool).start(self.run)
        return self

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def run(self) -> None:  # worker thread
        sig = self.signals
        try:
            if self.in_process:
                result = self._run_in_child()
            else:
                result = self.fn(self._progress, self.cancel_token)
        except Cancelled:
            sig._w_cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the GUI, typed there
            if not isinstance(exc, Exception):
                log.error("task %s stopped by %r", self.name, exc)
            sig._w_failed.emit(exc)
        else:
            if self.cancel_token.cancelled and not self.writes:
                # A read finished after Cancel: its result is stale, say cancelled.
                sig._w_cancelled.emit()
            else:
                sig._w_succeeded.emit(result)
        sig._w_finished.emit()

    def _run_in_child(self) -> Any:
        """Run ``fn`` in a spawned process; relay progress, forward Cancel, return its result."""
        # Imported here: multiprocessing and pickle cost the window's start-up ~15 ms, and only
        # the few tasks that run in a child process need them.
        import multiprocessing
        from queue import Empty

        from ppdesk.ui.worker_process import child_main

        mp = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
        queue = mp.Queue()
        cancel_event = mp.Event()
        child = mp.Process(
            target=child_main,
            args=(self.fn, queue, cancel_event),
            daemon=True,
            name=f"ppdesk: {self.name}",
        )
        child.start()
        try:
            while True:
                if self.cancel_token.cancelled:
                    cancel_event.set()
                try:
                    message = queue.get(timeout=0.1)
                except Empty:
                    if not child.is_alive() and queue.empty():
                        raise EnvironmentProblem(
                            f"The background process for '{self.name}' stopped unexpectedly "
                            f"(exit code {child.exitcode}); nothing was changed."
                        ) from None
                    continue
                kind = message[0]
                if kind == "progress":
                    self._progress(*message[1:])
                elif kind == "ok":
                    return message[1]
                elif kind == "cancelled":
                    raise Cancelled()
                else:
                    log.error("task %s failed in its process:\n%s", self.name, message[2])
                    raise message[1]
        finally:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
            queue.close()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.signals._w_progress.emit(int(done), int(total), str(message))

    def _forget(self) -> None:
        with _lock:
            _running.discard(self)


def running_tasks() -> list[Task]:
    """Tasks started and not yet finished (tests assert this is empty at the end)."""
    with _lock:
        return list(_running)


def wait_for_all(msecs: int = 30000) -> bool:
    """Block until every pool is idle (application shutdown and tests)."""
    read_pool, write_pool = _pools()
    ok_read = read_pool.waitForDone(msecs)
    return write_pool.waitForDone(msecs) and ok_read


class ProgressView(Protocol):
    """What a runner needs from a progress panel (see ``widgets/progress_panel.py``)."""

    def begin(self, label: str, cancel: Callable[[], None], unit: str) -> None: ...
    def update_progress(self, done: int, total: int, message: str) -> None: ...
    def end(self) -> None: ...


class TaskRunner(QObject):
    """Runs one task at a time for a page; a new task cancels the previous one.

    Late signals of a replaced task are ignored, so a slow old analysis can never
    overwrite the result of the newer one.
    """

    def __init__(self, parent: QObject | None = None, panel: ProgressView | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.current: Task | None = None

    @property
    def busy(self) -> bool:
        return self.current is not None

    def run(
        self,
        fn: TaskFn,
        *,
        name: str,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        writes: bool = False,
        unit: str = "",
        in_process: bool = False,
    ) -> Task:
        """Start ``fn`` in the background and call the handlers on the GUI thread."""
        self.cancel()
        task = Task(fn, name=name, writes=writes, in_process=in_process)
        self.current = task
        sig = task.signals

        def mine() -> bool:
            return self.current is task

        def finished() -> None:
            if mine():
                self.current = None
                if self.panel is not None:
                    self.panel.end()

        def succeeded(result: object) -> None:
            if mine():
                finished()
                on_success(result)

        def failed(exc: object) -> None:
            if mine():
                finished()
                if on_failure is not None:
                    on_failure(exc)  # type: ignore[arg-type]
                else:
                    log.error("task %s failed: %r", name, exc)

        def cancelled() -> None:
            if mine():
                finished()
                if on_cancel is not None:
                    on_cancel()

        def progressed(done: int, total: int, message: str) -> None:
            if mine() and self.panel is not None:
                self.panel.update_progress(done, total, message)

        sig.succeeded.connect(succeeded)
        sig.failed.connect(failed)
        sig.cancelled.connect(cancelled)
        sig.progress.connect(progressed)
        if self.panel is not None:
            self.panel.begin(name, self.request_cancel, unit)
        return task.start()

    def request_cancel(self) -> None:
        """Cancel pressed: ask the core to stop; the handlers run when it has rolled back."""
        if self.current is not None:
            self.current.cancel()

    def cancel(self) -> None:
        """Cancel the current task and forget it (its late results are dropped)."""
        task, self.current = self.current, None
        if task is not None:
            task.cancel()
            if self.panel is not None:
                self.panel.end()
