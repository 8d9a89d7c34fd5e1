"""Typed errors of the core; the CLI maps them to exit codes, the GUI renders them once.

- ``InputError``: the user's input is unusable (exit code 2). It names the file,
  and the row and column where they apply, in one plain sentence.
- ``EnvironmentProblem``: the machine is in the way (disk full, store locked,
  read-only folder, corrupt store, no keyring). Not a bug, not the user's input.
- ``Cancelled``: the user pressed Cancel; nothing was changed.
Anything else escaping the core is a bug (exit code 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class PpdeskError(Exception):
    """Base class of every error the core raises on purpose."""


@dataclass
class InputError(PpdeskError):
    """The user's input cannot be used; nothing in the store has changed.

    Attributes:
        reason: plain-language sentence fragment saying what is wrong.
        file: the file concerned (name or path), if any.
        row: 1-based row number as a spreadsheet shows it (header is row 1), if any.
        column: the column's header text, if any.
    """

    reason: str
    file: str | None = None
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.file:
            where.append(printable(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        text = f"{prefix}: {self.reason}" if prefix else self.reason
        return text if text.endswith(".") else text + "."

    def __str__(self) -> str:
        return self.message


def printable(name: str) -> str:
    """A file name safe to show on one line: control and direction-override characters as
    escapes (a name may hold a newline, or U+202E, which makes "txt.exe" read "exe.txt")."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in name)


class EnvironmentProblem(PpdeskError):
    """The environment prevents the operation (disk full, locked, read-only, corrupt)."""


class Cancelled(PpdeskError):
    """The user cancelled a long operation; its changes were rolled back."""

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


# The core writes the terminal's way to fix something as a trailing "(or run 'ppdesk ...')"
# after the words for the app's own place ("fill in Settings > Email account"), so one
# message serves both; the window drops the clause, since a merchant there has no terminal.
COMMAND_CLAUSE = re.compile(r"\s*\(or run '(?:ppdesk )?[^']*'(?:, [^)]*)?\)")


def for_window(text: str) -> str:
    """``text`` without its command-line alternative, for the desktop app."""
    return COMMAND_CLAUSE.sub("", text)
