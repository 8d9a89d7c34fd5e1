"""GUI responsiveness and start-up figures (prints them; not a test).

    python benchmarks/bench_gui.py stall      # longest event-loop gap during a 1M-line import
                                              # and a full analysis, both in the background
    python benchmarks/bench_gui.py startup    # `ppdesk app --demo` until the pairs page has
                                              # drawn its charts (cold: demo store built first)

Stall: a 5 ms QTimer ticks on the GUI thread while the Import page's job (in its
child process, as the page runs it) imports ``benchmarks/data/shopify_1000000.csv``
(generated if missing) and then the
Products & pairs and Reorder timing computations run; the longest gap between two
ticks is how long the window could not react. Start-up runs the real ``run_app`` in
a fresh interpreter and reports wall time from process start to charts drawn.
Figures depend on machine load; run on an otherwise idle machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(ROOT))


def _big_file(lines: int) -> Path:
    path = DATA / f"shopify_{lines}.csv"
    if not path.exists():
        from ppdesk.core.demo_data import write_shopify_export

        DATA.mkdir(parents=True, exist_ok=True)
        write_shopify_export(path, lines=lines)
    return path


def stall(lines: int = 1_000_000) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from ppdesk.core.store.connection import open_store
    from ppdesk.ui.pages.import_page import import_job
    from ppdesk.ui.pages.pairs_page import compute_pairs
    from ppdesk.ui.pages.timing_page import compute_timing
    from ppdesk.ui.tasks import TaskRunner, wait_for_all
    from ppdesk.ui.widgets.progress_panel import ProgressPanel

    source = _big_file(lines)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    host = QWidget()
    panel = ProgressPanel(host)
    runner = TaskRunner(host, panel)
    home = Path(tempfile.mkdtemp(prefix="ppdesk-bench-gui-"))
    store = open_store(home)
    clock = QElapsedTimer()
    clock.start()
    gaps: list[int] = []
    last = [clock.elapsed()]

    slow: list[tuple[int, str]] = []

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        if now - last[0] > 200:
            slow.append((now - last[0], panel.label.text()))
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    results: dict[str, object] = {}

    def run(name: str, fn, then) -> None:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        gaps.clear()
        last[0] = clock.elapsed()

        def done(result: object) -> None:
            results[name] = (
                time.perf_counter() - started,
                max(gaps or [0]),
                sum(g > 200 for g in gaps),
                len(gaps),
                result,
            )
            then()

        runner.run(
            fn,
            name=name,
            writes=name == "import",
            in_process=name == "import",
            on_success=done,
            on_failure=lambda exc: (print(f"{name} failed: {exc!r}"), app.quit()),
        )

    def analysis() -> None:
        run(
            "pairs",
            lambda p, c: compute_pairs(
                store, since=None, until=None, min_orders=2, sequential=False, progress=p, cancel=c
            ),
            timing,
        )

    def timing() -> None:
        run("timing", lambda p, c: compute_timing(store, None, progress=p, cancel=c), cold)

    def cold() -> None:
        # The analysis cache is gone (e.g. orders imported with the CLI): the first read
        # of a million lines from SQLite runs in a worker thread of the GUI process.
        for cache in store.columnar_dir.glob("*.parquet"):
            cache.unlink()
        run("cold", lambda p, c: compute_pairs(store, since=None, until=None, min_orders=2,
                                                 sequential=False, progress=p, cancel=c),
            app.quit)

    timer.start()
    run("import", import_job(store, [source]), analysis)
    app.exec()
    timer.stop()
    wait_for_all()
    if os.environ.get("PPDESK_BENCH_VERBOSE"):
        print("gaps > 200 ms (ms, step running):", slow)
    for name, (seconds, worst, over, ticks, result) in results.items():  # type: ignore[misc]
        extra = f", {getattr(result, 'lines_added', 0):,} lines" if name == "import" else ""
        print(
            f"{name:7s} {seconds:7.1f} s in background{extra}; longest GUI gap {worst} ms; "
            f"gaps > 200 ms: {over} of {ticks} ticks"
        )


CHILD = r"""
import sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QSettings, QTimer
from ppdesk.ui.app import prepare_qt_environment, run_app
prepare_qt_environment()
from PySide6.QtWidgets import QApplication
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ppdesk", "ppdesk").setValue(
    "ui/last_page", "pairs")
app = QApplication(sys.argv[:1])
from ppdesk.ui.main_window import MainWindow
from ppdesk.ui.tasks import running_tasks

def poll():
    for w in app.topLevelWidgets():
        page = getattr(w, "pages", {}).get("pairs") if isinstance(w, MainWindow) else None
        if page is not None and w.isVisible() and page.view_data is not None \
                and not running_tasks():
            page.bar.repaint(); page.heatmap.repaint()
            print(f"READY {time.perf_counter() - t0:.2f}", flush=True)
            app.quit()
            return
    QTimer.singleShot(10, poll)

QTimer.singleShot(0, poll)
run_app(["app", "--demo"])
"""


def startup() -> None:
    with tempfile.TemporaryDirectory(prefix="ppdesk-bench-start-") as tmp:
        env = dict(
            os.environ,
            PPDESK_DEMO_HOME=str(Path(tmp) / "demo"),
            PPDESK_HOME=str(Path(tmp) / "home"),
            PPDESK_HTML_PREVIEW="text",
        )
        for label in ("cold (demo store built)", "warm", "warm"):
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(Path(tmp) / "qs")],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                cwd=ROOT,
            )
            wall = time.perf_counter() - started
            ready = [ln for ln in out.stdout.splitlines() if ln.startswith("READY")]
            inner = ready[0].split()[1] if ready else "?"
            print(
                f"startup {label:24s}: {wall:.2f} s process start to pairs charts drawn "
                f"(inside the interpreter {inner} s)"
            )
            if not ready:
                print(out.stderr[-2000:])


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "stall"
    {"stall": stall, "startup": startup}[what]()
