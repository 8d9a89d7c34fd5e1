#!/usr/bin/env python3
"""Prints size and start-up figures of a built app folder (for installer/README.md).

    .venv/bin/python installer/measure.py dist/ppdesk [--runs 3]

Runs offscreen in a throw-away home: ``ppdesk --version`` and ``ppdesk --self-test``
(wall time, median of runs), and the GUI: time from launch until the log says the app
started (Python, Qt and the QApplication are up), and until the demo store it opens has
been built (the main window then shows its data).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _env(base: Path) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PPDESK_HOME=str(base / "home"),
                PPDESK_DEMO_HOME=str(base / "demo"))


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - t0


def _gui(exe: Path, base: Path) -> tuple[float, float]:
    env = _env(base)
    log = base / "home" / "logs" / "ppdesk.log"
    ready = base / "demo" / "columnar"
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(exe), "app", "--demo"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    started = built = float("nan")
    try:
        while time.perf_counter() - t0 < 300 and proc.poll() is None:
            now = time.perf_counter() - t0
            if started != started and log.exists() and "app started" in log.read_text():
                started = now
            if ready.exists() and any(ready.iterdir()):
                built = now
                break
            time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return started, built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app_dir", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = args.app_dir / ("ppdesk.exe" if os.name == "nt" else "ppdesk")
    size = sum(p.stat().st_size for p in args.app_dir.rglob("*")
               if p.is_file() and not p.is_symlink())
    print(f"folder size: {size / 1e6:.0f} MB ({size / 2**20:.0f} MiB)")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        versions = [_timed([str(exe), "--version"], _env(base)) for _ in range(args.runs)]
        print(f"--version: median {statistics.median(versions):.2f} s "
              f"(runs: {', '.join(f'{v:.2f}' for v in versions)})")
        tests = [_timed([str(exe), "--self-test"], _env(base)) for _ in range(args.runs)]
        print(f"--self-test: median {statistics.median(tests):.2f} s "
              f"(runs: {', '.join(f'{v:.2f}' for v in tests)})")
        guis = []
        for i in range(args.runs):
            run_base = base / f"gui{i}"
            run_base.mkdir()
            guis.append(_gui(exe, run_base))
        print("GUI to 'app started': median "
              f"{statistics.median(g[0] for g in guis):.2f} s; to demo store built: median "
              f"{statistics.median(g[1] for g in guis):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
