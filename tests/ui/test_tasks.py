"""ui/tasks.py: results on the GUI thread, progress, cancel, failure, replacement, cleanup."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from ppdesk.core.errors import InputError
from ppdesk.core.progress import check
from ppdesk.ui.tasks import Task, TaskRunner, running_tasks
from ppdesk.ui.widgets.progress_panel import ProgressPanel


def test_task_reports_progress_and_result_on_gui_thread(qtbot) -> None:
    gate = threading.Event()
    seen: list[tuple[str, object, str]] = []

    def work(progress, cancel):
        for i in range(3):
            progress(i + 1, 3, f"chunk {i + 1}")
        gate.wait(5)
        return sum(range(10))

    task = Task(work, name="sum")
    task.signals.progress.connect(
        lambda d, t, m: seen.append(("progress", (d, t, m), threading.current_thread().name))
    )
    task.signals.succeeded.connect(
        lambda r: seen.append(("ok", r, threading.current_thread().name))
    )
    with qtbot.waitSignal(task.signals.finished, timeout=5000):
        task.start()
        assert task in running_tasks()
        gate.set()
    assert [s[1] for s in seen if s[0] == "progress"] == [
        (1, 3, "chunk 1"),
        (2, 3, "chunk 2"),
        (3, 3, "chunk 3"),
    ]
    assert ("ok", 45, "MainThread") in seen
    assert {s[2] for s in seen} == {"MainThread"}
    assert running_tasks() == []


def test_cancel_stops_between_chunks(qtbot) -> None:
    started = threading.Event()
    chunks: list[int] = []

    def work(progress, cancel):
        for i in range(1000):
            check(cancel)
            chunks.append(i)
            started.set()
            threading.Event().wait(0.005)
        return "finished"

    task = Task(work, name="long")
    results: list[object] = []
    task.signals.succeeded.connect(results.append)
    with qtbot.waitSignal(task.signals.cancelled, timeout=5000):
        task.start()
        assert started.wait(5)
        task.cancel()
    assert results == []
    assert 0 < len(chunks) < 1000


def test_failure_delivers_the_exception(qtbot) -> None:
    def work(progress, cancel):
        raise InputError("no order number column", file="orders.csv")

    task = Task(work, name="bad")
    with qtbot.waitSignal(task.signals.failed, timeout=5000) as blocker:
        task.start()
    exc = blocker.args[0]
    assert isinstance(exc, InputError) and exc.file == "orders.csv"


def test_runner_new_task_cancels_old_and_drops_its_result(qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    panel = ProgressPanel(host, show_after_ms=0)
    runner = TaskRunner(host, panel)
    release = threading.Event()
    got: list[object] = []

    def slow(progress, cancel):
        release.wait(5)
        return "old"

    first = runner.run(slow, name="old", on_success=got.append)
    assert panel.active
    with qtbot.waitSignal(first.signals.finished, timeout=5000):
        second = runner.run(lambda p, c: "new", name="new", on_success=got.append)
        release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert first.cancel_token.cancelled and not second.cancel_token.cancelled
    assert got == ["new"]
    assert not panel.active and panel.isHidden()


def test_progress_panel_shows_rate_and_cancel(qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    now = [100.0]
    panel = ProgressPanel(host, show_after_ms=0, clock=lambda: now[0])
    cancelled: list[bool] = []
    host.show()
    panel.begin("Importing", lambda: cancelled.append(True), "rows")
    qtbot.waitUntil(panel.isVisible, timeout=2000)
    now[0] += 2.0  # two seconds later: 50,000 rows in 2 s
    panel.update_progress(50_000, 100_000, "Reading orders.csv")
    assert panel.bar.value() == 500
    assert panel.rate.text() == "25,000 rows/s"
    assert panel.label.text() == "Reading orders.csv"
    panel.cancel_button.click()
    assert cancelled == [True]
    panel.end()
    assert panel.isHidden()


def test_in_process_task_relays_progress_result_and_typed_errors(qtbot, home, tmp_path) -> None:
    import functools

    from ppdesk.core.store.connection import open_store
    from ppdesk.ui.worker_process import import_and_warm

    store = open_store(home)
    good = tmp_path / "orders.csv"
    good.write_text(
        "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku\n"
        "#1,2026-01-05 10:00:00 -0500,1,Coffee,COF\n"
        "#2,2026-01-06 10:00:00 -0500,2,Filters,FIL\n",
        encoding="utf-8",
    )
    task = Task(
        functools.partial(import_and_warm, store, [good]),
        name="import",
        writes=True,
        in_process=True,
    )
    progress: list[str] = []
    task.signals.progress.connect(lambda _d, _t, text: progress.append(text))
    with qtbot.waitSignal(task.signals.succeeded, timeout=60000) as blocker:
        task.start()
    summary = blocker.args[0]
    assert (summary.orders_added, summary.lines_added) == (2, 2)  # counted in the file above
    assert progress and progress[-1] == "Preparing the analysis"
    bad = tmp_path / "notes.csv"
    bad.write_text("just,some\nwords,here\n", encoding="utf-8")
    task = Task(
        functools.partial(import_and_warm, store, [bad]),
        name="import",
        writes=True,
        in_process=True,
    )
    with qtbot.waitSignal(task.signals.failed, timeout=60000) as blocker:
        task.start()
    exc = blocker.args[0]
    assert isinstance(exc, InputError) and exc.file == "notes.csv"
    qtbot.waitUntil(lambda: not running_tasks(), timeout=5000)


def test_gui_thread_collector_owns_collection(qapp: object) -> None:
    """Automatic gc is off while the collector lives, collects due cycles, and is restored."""
    import gc

    from ppdesk.ui.gc_guard import GuiThreadGarbageCollector

    was_enabled = gc.isenabled()
    gc.enable()
    collector = GuiThreadGarbageCollector(interval_ms=60_000)
    try:
        assert not gc.isenabled()

        class Node:
            pass

        for _ in range(gc.get_threshold()[0] + 50):  # make generation 0 due
            a, b = Node(), Node()
            a.other, b.other = b, a  # type: ignore[attr-defined]
        del a, b
        assert collector.collect_if_due() > 0
    finally:
        collector.stop()
    assert gc.isenabled()
    if not was_enabled:
        gc.disable()
