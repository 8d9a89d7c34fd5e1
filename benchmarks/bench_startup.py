"""Start-up figures, each beside its anchor measured in the same run (prints them; not a test).

    python benchmarks/bench_startup.py            # CLI and GUI
    python benchmarks/bench_startup.py cli        # `ppdesk --help`, `--version`, `pairs`
    python benchmarks/bench_startup.py gui        # the app's window and first page's charts

CLI: each command is a whole fresh process (``python -m ppdesk ...``), timed from spawn
to exit, alternating with the anchor ``python -c "import pandas"`` (A B A B ...) so a
drift in the machine's speed hits both; the median of the pairwise ratios is printed.
``pairs`` runs on a 10,000-line store imported once into a temporary home.

GUI: a fresh interpreter per run, started the same way for both: the anchor creates a
QApplication and shows a bare QWidget; ppdesk runs ``run_app`` on the 10,000-line store
with "Products & pairs" as the remembered page. Each child prints a line when its window
is exposed (and ppdesk another when the pairs page has its data and drew its charts);
the parent stamps the line on arrival, from the moment it spawned the child. Run under
``QT_QPA_PLATFORM=offscreen`` (the default here) or a real/Xvfb display.
Figures depend on machine load; the ratios are what to quote.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
LINES = 10_000


def _run(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, timeout=300)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-500:]}")
    return wall


def _paired(label: str, cmd: list[str], anchor: list[str], env: dict[str, str]) -> None:
    _run(cmd, env), _run(anchor, env)  # warm the file cache; not counted
    a: list[float] = []
    b: list[float] = []
    for _ in range(RUNS):
        a.append(_run(cmd, env))
        b.append(_run(anchor, env))
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    print(f"{label:34s} {statistics.median(a):6.3f} s   import pandas {statistics.median(b):6.3f} s"
          f"   ratio {ratio:5.2f}x  (median of {RUNS} pairs)")


def _store(tmp: Path, env: dict[str, str]) -> Path:
    sys.path.insert(0, str(ROOT))
    from ppdesk.core.demo_data import write_shopify_export

    export = tmp / f"shopify_{LINES}.csv"
    write_shopify_export(export, lines=LINES)
    home = tmp / "home"
    subprocess.run([PY, "-m", "ppdesk", "--home", str(home), "import", str(export)], env=env,
                   check=True, stdout=subprocess.DEVNULL, timeout=300)
    return home


def cli(tmp: Path, env: dict[str, str]) -> None:
    home = _store(tmp, env)
    pandas = [PY, "-c", "import pandas"]
    print(f"CLI, whole processes ({LINES:,}-line store for pairs):")
    _paired("ppdesk --help", [PY, "-m", "ppdesk", "--help"], pandas, env)
    _paired("ppdesk --version", [PY, "-m", "ppdesk", "--version"], pandas, env)
    _paired("ppdesk pairs", [PY, "-m", "ppdesk", "--home", str(home), "pairs"], pandas, env)
    _paired("ppdesk timing", [PY, "-m", "ppdesk", "--home", str(home), "timing"], pandas, env)


BARE = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
w = QWidget(); w.resize(1200, 780); w.setWindowTitle("bare"); w.show()
def poll():
    h = w.windowHandle()
    if h is not None and h.isExposed():
        print("WINDOW", flush=True); app.quit(); return
    QTimer.singleShot(5, poll)
QTimer.singleShot(0, poll)
app.exec()
"""

PPDESK = r"""
import sys
from PySide6.QtCore import QSettings, QTimer
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ppdesk", "ppdesk")
qs.setValue("ui/last_page", "pairs"); qs.setValue("ui/welcomed", True); qs.sync()
from PySide6.QtWidgets import QApplication
from ppdesk.ui.app import run_app
state = {"window": False}
def poll():
    from ppdesk.ui.main_window import MainWindow
    app = QApplication.instance()
    for w in app.topLevelWidgets() if app else []:
        if not isinstance(w, MainWindow):
            continue
        h = w.windowHandle()
        if not state["window"] and h is not None and h.isExposed():
            state["window"] = True
            print("WINDOW", flush=True)
        page = w.pages.get("pairs")
        if state["window"] and page is not None and page.view_data is not None:
            from ppdesk.ui.tasks import running_tasks
            if not running_tasks():
                page.bar.repaint(); page.heatmap.repaint()
                print("CHARTS", flush=True); app.quit(); return
    # Every 5 ms, like the bare window, until the window shows (the same resolution for both
    # stamps); then every 20 ms: each poll takes the GIL from the page's loading thread.
    QTimer.singleShot(20 if state["window"] else 5, poll)
QTimer.singleShot(0, poll)
sys.exit(run_app(["--home", sys.argv[2], "app"]))
"""


def _stamps(code: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    started = time.perf_counter()
    proc = subprocess.Popen([PY, "-c", code, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    stamps: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        stamps[line.strip()] = time.perf_counter() - started
    proc.wait(timeout=120)
    if "WINDOW" not in stamps:
        raise SystemExit(f"child never showed its window: {proc.stderr.read()[-1500:]}")
    return stamps


def gui(tmp: Path, env: dict[str, str]) -> None:
    home = tmp / "home" if (tmp / "home").exists() else _store(tmp, env)
    # The real preview engine, as a merchant has it: QtWebEngine loads with the first preview,
    # not before the window (ui/app.py), so it must not cost the window anything here.
    env = {k: v for k, v in env.items() if k != "PPDESK_HTML_PREVIEW"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    _stamps(BARE, [], env), _stamps(PPDESK, [str(tmp / "qs"), str(home)], env)  # warm-up
    bare: list[float] = []
    window: list[float] = []
    charts: list[float] = []
    for _ in range(RUNS):
        bare.append(_stamps(BARE, [], env)["WINDOW"])
        got = _stamps(PPDESK, [str(tmp / "qs"), str(home)], env)
        window.append(got["WINDOW"])
        charts.append(got["CHARTS"] - got["WINDOW"])
    ratio = statistics.median(w / b for w, b in zip(window, bare, strict=True))
    print(f"GUI ({env.get('QT_QPA_PLATFORM', 'display')}, "
          f"{LINES:,}-line store, median of {RUNS}):")
    print(f"bare PySide6 window visible        {statistics.median(bare):6.3f} s")
    print(f"ppdesk window visible              {statistics.median(window):6.3f} s"
          f"   ratio {ratio:5.2f}x the bare window")
    print(f"first page's charts after window   {statistics.median(charts):6.3f} s")


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    # Byte-compile ppdesk as an install does (pip writes .pyc): with PYTHONDONTWRITEBYTECODE
    # set, a source tree would otherwise be compiled again in every run, pandas never.
    compileall.compile_dir(str(ROOT / "ppdesk"), quiet=1)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="ppdesk-bench-startup-") as name:
        tmp = Path(name)
        env["PPDESK_HOME"] = str(tmp / "home")
        if what in ("cli", "all"):
            cli(tmp, env)
        if what in ("gui", "all"):
            gui(tmp, env)


if __name__ == "__main__":
    main()
