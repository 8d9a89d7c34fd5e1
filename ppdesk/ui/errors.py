"""Rendering errors once, in plain language: never a traceback in the window.

``describe(exc)`` turns any exception into a short title and sentence. Typed core
errors (``InputError``, ``EnvironmentProblem``, ``Cancelled``) say what to do;
anything else is a bug: it is logged with its traceback and the merchant is told
where the log file is. ``show_error`` is the one modal rendering (for "decide
now" moments); pages show recoverable problems inline in their message bar.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from ppdesk.core.errors import (
    Cancelled,
    EnvironmentProblem,
    InputError,
    PpdeskError,
    for_window,
)

log = logging.getLogger("ppdesk.ui")

_log_file: Path | None = None


def set_log_file(path: Path | None) -> None:
    """Remember where the log is, so bug messages can name it."""
    global _log_file
    _log_file = path


def log_file() -> Path | None:
    return _log_file


@dataclass(frozen=True)
class ErrorText:
    title: str
    text: str
    is_bug: bool


def describe(exc: BaseException) -> ErrorText:
    """Plain-language title and text for ``exc`` (logs bugs with their traceback)."""
    if isinstance(exc, Cancelled):
        return ErrorText("Cancelled", str(exc) or "Cancelled; nothing was changed.", False)
    if isinstance(exc, InputError):
        return ErrorText("This file or value cannot be used", for_window(exc.message), False)
    if isinstance(exc, EnvironmentProblem):
        return ErrorText("Your computer is in the way", for_window(str(exc)), False)
    if isinstance(exc, PpdeskError):
        return ErrorText("That did not work", for_window(str(exc)), False)
    if isinstance(exc, PermissionError):
        return ErrorText(
            "No permission",
            f"ppdesk may not open {exc.filename or 'that file'}; check the file's permissions.",
            False,
        )
    if isinstance(exc, FileNotFoundError):
        return ErrorText("File not found", f"{exc.filename or 'The file'} no longer exists.", False)
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        # never "[Errno 28]": the operating system's own words, or a plain fallback
        text = exc.strerror or "the operating system refused the operation"
        return ErrorText("Your computer is in the way", f"{text}.", False)
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    where = f" The details are in the log file {_log_file}." if _log_file else ""
    return ErrorText(
        "Something went wrong inside ppdesk",
        "This is a fault in ppdesk, not something you did; your data is safe." + where,
        True,
    )


def open_log_folder() -> bool:
    """Open the folder holding the log in the system's file manager."""
    if _log_file is None:
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(_log_file.parent)))


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the merchant, in a modal box, what went wrong and what to do next."""
    info = describe(exc)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical if info.is_bug else QMessageBox.Icon.Warning)
    box.setWindowTitle(info.title)
    box.setText(info.text)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    open_button = None
    if info.is_bug and _log_file is not None:
        open_button = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
    box.exec()
    if open_button is not None and box.clickedButton() is open_button:
        open_log_folder()
