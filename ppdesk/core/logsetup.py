"""Logging to a rotating file in the home folder; never logs secrets (callers pass none)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_NAME = "ppdesk.log"


def setup_logging(folder: Path, level: int = logging.INFO) -> Path:
    """Send the ``ppdesk`` loggers to ``folder/ppdesk.log`` (idempotent) and return its path."""
    path = folder / LOG_NAME
    root = logging.getLogger("ppdesk")
    root.setLevel(level)
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and Path(
            handler.baseFilename
        ) == path:
            return path
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path
