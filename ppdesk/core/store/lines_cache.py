"""The columnar (Parquet) copy of the lines frame: which file is current, and writing one.

The import writes the copy itself, from the frame it holds in memory, so the first
analysis after an import reads it instead of rebuilding it from SQLite. The copy
and the SQLite data change in one all-or-nothing step; there is no step after
COMMIT that a crash could miss:

1. inside the import's transaction, the new frame is written to
   ``columnar/lines-<random token>.parquet`` (to a temporary name, flushed to disk,
   then renamed), and the settings row ``lines_cache`` is set to
   ``{"version": <the new data_version>, "file": <that name>}``;
2. COMMIT switches both at once. Killed before it, the store still names the old
   file, which is still there, and the new file is an orphan; killed after it, the
   store names a complete file.

A reader uses the named file only while its version equals ``data_version``: any
other change to the orders bumps the version without naming a file, which retires
it. Without a valid named file, ``load_lines`` rebuilds the frame from SQLite and
keeps it as ``lines-v<version>.parquet`` (written from one read snapshot, so it
holds exactly that version). Old files are removed by the next import, which holds
the write lock while it does so; a reader never removes a file an import may be
about to name.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import pandas as pd

from ppdesk.core.store.connection import Store
from ppdesk.core.store.settings_queries import get_setting, put_setting

CACHE_KEY = "lines_cache"
NAMED_GLOB = "lines-*.parquet"
# Temporary files of writers that were killed; anything younger may still be written.
_STALE_TMP_SECONDS = 3600


def named_file(conn: sqlite3.Connection, store: Store, version: int) -> Path | None:
    """The import-written copy if it belongs to the store's current data version."""
    value = get_setting(conn, CACHE_KEY)
    if not value:
        return None
    try:
        entry = json.loads(value)
        named, name = int(entry["version"]), str(entry["file"])
    except (ValueError, KeyError, TypeError):
        return None
    if named != version or Path(name).name != name:
        return None
    path = store.columnar_dir / name
    return path if path.exists() else None


def rebuilt_file(store: Store, version: int) -> Path:
    """Where ``load_lines`` keeps a copy it rebuilt from SQLite at ``version``."""
    return store.columnar_dir / f"lines-v{version}.parquet"


def current_file(conn: sqlite3.Connection, store: Store, version: int) -> Path | None:
    """The copy holding the lines frame of ``version`` (the store's data version), if any."""
    named = named_file(conn, store, version)
    if named is not None:
        return named
    rebuilt = rebuilt_file(store, version)
    return rebuilt if rebuilt.exists() else None


def _durable_write(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` so that the complete file survives a crash or power loss."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        frame.to_parquet(tmp, index=False)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename must be on disk before COMMIT names the file (POSIX; Windows has no
    # directory handles and makes renames durable itself).
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BackgroundWrite:
    """Write ``frame`` as a new, not yet named copy, in a helper thread.

    Call inside the import's transaction; ``result()`` waits and returns the path for
    ``name_file``, ``discard()`` waits and deletes it (the import failed). Parquet
    encoding releases the GIL, so the import's remaining SQLite work runs meanwhile.
    """

    def __init__(self, frame: pd.DataFrame, store: Store) -> None:
        self.path = store.columnar_dir / f"lines-{uuid.uuid4().hex}.parquet"
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(frame,), daemon=True,
                                        name="ppdesk-lines-copy")
        self._thread.start()

    def _run(self, frame: pd.DataFrame) -> None:
        try:
            _durable_write(frame, self.path)
        except BaseException as exc:  # handed to the importing thread by result()
            self._error = exc

    def result(self) -> Path:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.path

    def discard(self) -> None:
        self._thread.join()
        unlink_quietly(self.path)


def name_file(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Make ``path`` the copy of ``version``; takes effect when the transaction commits."""
    put_setting(conn, CACHE_KEY, json.dumps({"version": version, "file": path.name}))


def write_rebuilt(frame: pd.DataFrame, store: Store, version: int) -> None:
    """Keep a frame ``load_lines`` rebuilt from one snapshot at ``version``."""
    _durable_write(frame, rebuilt_file(store, version))


def remove_old(store: Store, keep: set[Path]) -> None:
    """Delete copies not in ``keep`` (call while holding the store's write lock).

    A file another process is reading stays readable on POSIX; on Windows its
    deletion fails and is left to the next import.
    """
    folder = store.columnar_dir
    for path in folder.glob(NAMED_GLOB):
        if path not in keep:
            unlink_quietly(path)
    cutoff = time.time() - _STALE_TMP_SECONDS
    for path in folder.glob("lines-*.tmp"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
