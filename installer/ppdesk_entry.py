"""Entry script of the frozen app (PyInstaller needs a file, not a module path)."""

from __future__ import annotations

import multiprocessing
import sys

from ppdesk.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless unless a library spawns worker processes
    sys.exit(main())
