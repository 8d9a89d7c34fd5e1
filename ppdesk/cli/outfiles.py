"""Output files of a command (``--out``, ``--html``, ``--xlsx``): all or nothing.

A command that fails must leave no output file behind, and never half of one: a
merchant who pastes a truncated snippet, or opens last week's report thinking it is
today's, is worse off than with an error. So each file is written to a temporary
file beside its target and moved into place (``os.replace``, atomic on one file
system) only when the whole command has succeeded::

    with OutputFiles() as files:
        files.stage(out).write_text(body, encoding="utf-8")
        ...                      # anything raising here discards every staged file
    # here every target holds its new content

A target whose folder is missing or not writable is refused at ``stage`` with an
``InputError`` naming it (exit 2), before any work is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from ppdesk.core.errors import InputError


class OutputFiles:
    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def stage(self, target: Path) -> Path:
        """The temporary path to write ``target``'s content to (same folder, same suffix)."""
        target = Path(target).expanduser()
        folder = target.parent
        if not folder.is_dir():
            raise InputError(f"the folder {folder} does not exist", file=str(target))
        if target.is_dir():
            raise InputError("this is a folder, not a file name", file=str(target))
        if not os.access(folder, os.W_OK):
            raise InputError(f"the folder {folder} is not writable", file=str(target))
        temp = target.with_name(f".{target.name}.{os.getpid()}.partial{target.suffix}")
        self._staged.append((temp, target))
        return temp

    def commit(self) -> None:
        for temp, target in self._staged:
            os.replace(temp, target)
        self._staged.clear()

    def discard(self) -> None:
        for temp, _target in self._staged:
            temp.unlink(missing_ok=True)
        self._staged.clear()

    def __enter__(self) -> OutputFiles:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()
