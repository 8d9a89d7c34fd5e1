"""App start-up pieces: arguments, Qt environment, crash handling, first run, errors in words."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ppdesk.core import paths
from ppdesk.core.errors import EnvironmentProblem, InputError
from ppdesk.core.logsetup import setup_logging
from ppdesk.core.store.connection import open_store
from ppdesk.ui import errors
from ppdesk.ui.app import AppController, CrashHandler, parse_args, prepare_qt_environment
from ppdesk.ui.dialogs.welcome_dialog import WelcomeDialog
from ppdesk.ui.export_help import EXPORT_STEPS
from ppdesk.ui.main_window import ui_settings


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """setup_logging replaces the ppdesk logger's handlers; put the previous ones back."""
    logger = logging.getLogger("ppdesk")
    before, level = list(logger.handlers), logger.level
    yield
    for handler in list(logger.handlers):
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()
    for handler in before:
        if handler not in logger.handlers:
            logger.addHandler(handler)
    logger.setLevel(level)


def test_parse_args() -> None:
    assert parse_args([]).demo is False
    opts = parse_args(["--home", "/tmp/x", "app", "--demo"])
    assert opts.home == "/tmp/x" and opts.demo is True


def test_qt_environment_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--foo")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.delenv("QTWEBENGINE_DISABLE_SANDBOX", raising=False)
    prepare_qt_environment()
    flags = os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    assert flags[0] == "--foo" and "--disable-gpu" in flags
    if os.geteuid() == 0:
        assert "--no-sandbox" in flags and os.environ["QTWEBENGINE_DISABLE_SANDBOX"] == "1"
    prepare_qt_environment()  # idempotent
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split() == flags


def test_crash_in_a_worker_thread_is_logged_and_reported(
    qtbot, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_file = setup_logging(paths.log_dir(home))
    handler = CrashHandler(log_file)
    handler.bridge.crashed.disconnect()  # the modal dialog itself is not driven in tests
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    handler.install()
    assert threading.excepthook == handler._thread_hook

    def boom() -> None:
        raise RuntimeError("kaboom in a thread")

    with qtbot.waitSignal(handler.bridge.crashed, timeout=5000) as blocker:
        worker = threading.Thread(target=boom)
        worker.start()
        worker.join()
    assert blocker.args == ["RuntimeError"]
    text = log_file.read_text(encoding="utf-8")
    assert "kaboom in a thread" in text and "Traceback" in text


def test_errors_are_described_in_plain_words(home: Path) -> None:
    log_file = setup_logging(paths.log_dir(home))
    errors.set_log_file(log_file)
    try:
        info = errors.describe(InputError("no order number column", file="a.csv", row=3))
        assert info.text == "a.csv, row 3: no order number column." and not info.is_bug
        info = errors.describe(EnvironmentProblem("The disk is full."))
        assert info.text == "The disk is full." and not info.is_bug
        bug = errors.describe(ZeroDivisionError("division by zero"))
        assert bug.is_bug and str(log_file) in bug.text and "division" not in bug.text
        assert "ZeroDivisionError" in log_file.read_text(encoding="utf-8")
    finally:
        errors.set_log_file(None)


def test_first_run_until_welcomed(qapp, home: Path) -> None:
    store = open_store(home)
    assert AppController._first_run(store)
    ui_settings().setValue("ui/welcomed", True)
    assert not AppController._first_run(store)


def test_welcome_offers_demo_import_and_export_steps(qtbot) -> None:
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.demo_button.click()
    assert dialog.choice == "demo"
    dialog.import_button.click()
    assert dialog.choice == "import"
    assert set(EXPORT_STEPS) >= {
        "Shopify",
        "WooCommerce",
        "Etsy",
        "Square",
        "BigCommerce",
        "Amazon",
    }
    assert "Orders" in EXPORT_STEPS["Shopify"] and "Export" in EXPORT_STEPS["Shopify"]
    assert "Download Data" in EXPORT_STEPS["Etsy"]
