"""Where product photos are cached on disk, and the demo's offline photos.

The app downloads each photo once (in the background) and keeps it under
``paths.thumbnails_dir(home)`` named by the SHA-256 of its URL; it looks there
before downloading. The demo store copies the PNGs shipped in
``resources/demo/images/`` into that cache under their https URLs, so the demo's
previews show photos without a network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import ssl
import urllib.error
import urllib.request
from pathlib import Path

from ppdesk import __version__
from ppdesk.core import paths
from ppdesk.core.progress import CancelToken, ProgressFn, check, report

MAX_BYTES = 5 << 20  # a product photo larger than this is not a thumbnail worth keeping


def cache_path(home: Path, url: str) -> Path:
    return paths.thumbnails_dir(home) / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".img")


def cached(home: Path, url: str) -> Path | None:
    path = cache_path(home, url)
    return path if path.is_file() and path.stat().st_size > 0 else None


def store(home: Path, url: str, data: bytes) -> Path:
    """Keep downloaded bytes (written to a temporary name first: never a half file)."""
    path = cache_path(home, url)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data[:MAX_BYTES])
    tmp.replace(path)
    return path


def seed_demo_images(home: Path, images_dir: Path, base_url: str) -> int:
    """Copy the demo's shipped PNGs into the cache under ``base_url + file name``."""
    count = 0
    for image in sorted(images_dir.glob("*.png")):
        target = cache_path(home, base_url + image.name)
        if not target.is_file():
            # copied beside it, then renamed: a stop mid-copy never leaves half a photo
            # that the next run would take for a cached one
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(image, partial)
            os.replace(partial, target)
        count += 1
    return count


def fetch_missing(home: Path, urls: list[str], *, context: ssl.SSLContext | None = None,
                  timeout: float = 10.0, progress: ProgressFn | None = None,
                  cancel: CancelToken | None = None) -> list[str]:
    """Download the photos not yet cached (https only, certificates verified); returns
    the URLs now cached. A photo that cannot be fetched is skipped: the app shows a
    placeholder, and the next refresh tries again."""
    todo = [u for u in dict.fromkeys(urls) if u.startswith("https://") and cached(home, u) is None]
    context = context or ssl.create_default_context()
    done: list[str] = []
    for i, url in enumerate(todo):
        check(cancel)
        request = urllib.request.Request(url, headers={"User-Agent": f"ppdesk/{__version__}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
                data = response.read(MAX_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError):
            continue
        if 0 < len(data) <= MAX_BYTES:
            store(home, url, data)
            done.append(url)
            report(progress, i + 1, len(todo), url)
    return done
