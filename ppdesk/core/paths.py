"""The one module that knows where ppdesk keeps things.

Home folder resolution: ``--home DIR`` (passed in as ``explicit``) >
``PPDESK_HOME`` > the platform's user data folder. The demo store lives in its
own home so it never touches the merchant's data. Nothing else calls platformdirs.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "ppdesk"
STORE_FILE = "store.sqlite3"


def home_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return (and create) the home folder holding the store."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get("PPDESK_HOME"):
        path = Path(os.environ["PPDESK_HOME"])
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_home_dir() -> Path:
    """The separate home of the demo store (under the user cache, never the merchant's home)."""
    base = os.environ.get("PPDESK_DEMO_HOME")
    cache = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    path = Path(base) if base else cache / "demo"
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_path(home: Path) -> Path:
    return home / STORE_FILE


def columnar_dir(home: Path) -> Path:
    """Folder of the columnar (Parquet) copy of what analytics reads; rebuilt on import."""
    path = home / "columnar"
    path.mkdir(parents=True, exist_ok=True)
    return path


def exports_dir(home: Path) -> Path:
    """Folder for files ppdesk writes for the merchant (offer snippets, paste guides)."""
    path = home / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def thumbnails_dir(home: Path) -> Path:
    """Disk cache of product photos the app downloaded (safe to delete)."""
    path = home / "cache" / "thumbnails"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir(home: Path) -> Path:
    path = home / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """The package's ``resources/`` folder (templates, demo store, icons).

    Resources ship inside the package (``ppdesk/resources``, declared as package
    data), so a wheel, an editable install and a PyInstaller bundle all read them
    through ``importlib.resources``; PyInstaller keeps the package layout.
    """
    return Path(str(resources.files("ppdesk") / "resources"))
