"""GUI test fixtures: offscreen Qt, QSettings in tmp, no dangling workers, a demo store copy.

The HTML preview uses its QTextBrowser fallback here (``PPDESK_HTML_PREVIEW=text``):
QtWebEngine on a machine without GL prints Qt warnings that would fail every
test under ``qt_log_level_fail``; the real engine is exercised by the app itself.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PPDESK_HTML_PREVIEW"] = "text"

from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402

from ppdesk.core.store import Store  # noqa: E402
from ppdesk.core.store.connection import open_store  # noqa: E402
from ppdesk.ui.context import AppContext  # noqa: E402
from ppdesk.ui.tasks import running_tasks, wait_for_all  # noqa: E402


@pytest.fixture(autouse=True)
def _tmp_qsettings(tmp_path: Path) -> Iterator[Path]:
    """Window state goes to an INI file under tmp, never the developer's real settings."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def _gc_on_gui_thread() -> Iterator[None]:
    """As in the app (ui/gc_guard.py): no automatic collection in worker threads."""
    import gc

    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture(autouse=True)
def _no_dangling_workers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves a background task running after it ends."""
    yield
    if "qapp" not in request.fixturenames and "qtbot" not in request.fixturenames:
        return
    finished = wait_for_all(20000)
    deadline = time.monotonic() + 5
    while running_tasks() and time.monotonic() < deadline:
        QCoreApplication.processEvents()  # deliver the queued "finished" signals
    assert finished and not running_tasks(), f"tasks still running: {running_tasks()}"


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the demo store once per session; tests get a copy of its folder."""
    from ppdesk.core.demo_store import ensure_demo_store

    folder = tmp_path_factory.mktemp("demo-template")
    previous = os.environ.get("PPDESK_DEMO_HOME")
    os.environ["PPDESK_DEMO_HOME"] = str(folder)
    try:
        store = ensure_demo_store()
    finally:
        if previous is None:
            os.environ.pop("PPDESK_DEMO_HOME", None)
        else:
            os.environ["PPDESK_DEMO_HOME"] = previous
    return store.home


@pytest.fixture
def demo_store(_demo_template: Path, tmp_path: Path) -> Store:
    home = tmp_path / "demo-copy"
    shutil.copytree(_demo_template, home)
    return open_store(home)


@pytest.fixture
def demo_ctx(demo_store: Store, qapp: object) -> AppContext:
    return AppContext(demo_store, demo=True)


@pytest.fixture
def empty_ctx(home: Path, qapp: object) -> AppContext:
    return AppContext(open_store(home))
