"""Where product photos are cached on disk, and the demo's offline photos.

The app downloads each photo once (in the background) and keeps it under
``paths.thumbnails_dir(home)`` named by the SHA-256 of its URL; it looks there
before downloading. The demo store copies the PNGs shipped in
``resources/demo/images/`` into that cache under their https URLs, so the demo's
previews show photos without a network.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ppdesk.core import paths

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
            shutil.copyfile(image, target)
        count += 1
    return count
