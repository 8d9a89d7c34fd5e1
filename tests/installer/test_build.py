"""Builds the standalone Linux app from this checkout and runs it (marked slow: minutes).

The built executable must report the pyproject.toml version, pass its own --self-test
without a screen, stay under 400 MB, and open the GUI on the demo store offscreen.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux app"),
]


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("PyInstaller", reason="install the build extra: pip install -e .[build]")
    out = tmp_path_factory.mktemp("installer")
    subprocess.run([sys.executable, str(ROOT / "installer" / "build.py"), "--no-archive",
                    "--dist", str(out / "dist"), "--work", str(out / "work")],
                   cwd=ROOT, check=True, timeout=1800)
    return out / "dist" / "ppdesk"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", PPDESK_HOME=str(tmp_path / "home"),
               PPDESK_DEMO_HOME=str(tmp_path / "demo"), HOME=str(tmp_path))
    return env


def test_version_matches_the_package(app_dir: Path, tmp_path: Path) -> None:
    # The one written version (pyproject.toml reads it as a dynamic attr).
    found = re.search(r'^__version__ = "([^"]+)"$',
                      (ROOT / "ppdesk" / "__init__.py").read_text(encoding="utf-8"), re.M)
    assert found
    version = found.group(1)
    out = subprocess.run([str(app_dir / "ppdesk"), "--version"], capture_output=True, text=True,
                         env=_env(tmp_path), timeout=120, check=True)
    assert out.stdout.strip() == f"ppdesk {version}"


def test_frozen_self_test_passes_offscreen(app_dir: Path, tmp_path: Path) -> None:
    out = subprocess.run([str(app_dir / "ppdesk"), "--self-test"], capture_output=True,
                         text=True, env=_env(tmp_path), timeout=600)
    assert out.returncode == 0, out.stderr
    assert "ppdesk self-test passed" in out.stderr


def test_folder_is_under_400_mb_and_carries_resources(app_dir: Path) -> None:
    size = sum(p.stat().st_size for p in app_dir.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 400e6, f"{size / 1e6:.0f} MB"
    internal = app_dir / "_internal"
    assert (internal / "ppdesk" / "resources" / "demo" / "orders_export_demo.csv").is_file()
    assert (internal / "ppdesk" / "resources" / "icons" / "ppdesk.png").is_file()
    plugins = internal / "PySide6" / "Qt" / "plugins" / "platforms"
    assert {p.name for p in plugins.iterdir()} >= {"libqoffscreen.so", "libqxcb.so"}
    assert not (internal / "PySide6" / "Qt" / "qml").exists()


def test_gui_opens_the_demo_store_offscreen(app_dir: Path, tmp_path: Path) -> None:
    """The frozen GUI starts, builds the demo store in a worker, and is still running."""
    env = _env(tmp_path)
    proc = subprocess.Popen([str(app_dir / "ppdesk"), "app", "--demo"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    store = Path(env["PPDESK_DEMO_HOME"]) / "store.sqlite3"
    orders = 0
    try:
        deadline = time.monotonic() + 300  # a limit for a hung build, not a measurement
        while time.monotonic() < deadline and proc.poll() is None and orders == 0:
            if store.exists():
                with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as conn:
                    try:
                        orders = conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
                    except sqlite3.OperationalError:  # tables not created yet
                        orders = 0
            time.sleep(0.5)
        assert proc.poll() is None, proc.communicate()[1]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    assert orders == 5000, err
    assert "Could not load the Qt platform plugin" not in err
