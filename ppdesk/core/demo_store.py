"""The demo store: the bundled demo export imported into its own home.

``ppdesk demo`` and ``ppdesk app --demo`` both call :func:`ensure_demo_store`. The demo
lives in :func:`ppdesk.core.paths.demo_home_dir`, never in the merchant's home, so
trying the app cannot touch real data. The export it imports is
``resources/demo/orders_export_demo.csv`` (see the README beside it for what is planted).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from ppdesk.core import paths
from ppdesk.core.errors import EnvironmentProblem, InputError
from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store, open_store
from ppdesk.core.store.lines import data_version

log = logging.getLogger(__name__)

DEMO_EXPORT_NAME = "orders_export_demo.csv"
DEMO_PRODUCTS_NAME = "products_export_demo.csv"


def demo_export_path() -> Path:
    """The bundled demo export; a clear error when the installation lacks it."""
    path = paths.resources_dir() / "demo" / DEMO_EXPORT_NAME
    if not path.is_file():
        raise EnvironmentProblem(
            f"The demo export {path} is missing; this installation of ppdesk is incomplete.")
    return path


def _has_orders(store: Store) -> bool:
    conn = store.connect()
    try:
        return data_version(conn) > 0
    finally:
        conn.close()


def _has_catalogue(store: Store) -> bool:
    from ppdesk.core.store.catalogue_queries import catalogue_size

    conn = store.connect()
    try:
        return catalogue_size(conn) > 0
    finally:
        conn.close()


def _remove_store_files(home: Path) -> None:
    """Delete the demo store (database, its WAL files, columnar cache) in the demo home."""
    db = paths.store_path(home)
    for candidate in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        candidate.unlink(missing_ok=True)
    columnar = home / "columnar"
    if columnar.is_dir():
        shutil.rmtree(columnar)


def apply_demo_profile(store: Store) -> None:
    """A believable profile so offers and email previews look like a real shop's."""
    settings = load_settings(store)
    profile = settings.store
    profile.name = DEMO_STORE_NAME
    profile.store_url = "https://daybreak-and-hound.example.com"
    profile.postal_address = "120 Example Street, Brooklyn, NY 11201, USA"
    profile.platform = "shopify"
    profile.sender_name = "Daybreak & Hound"
    profile.reply_to = "hello@daybreak-and-hound.example.com"
    profile.time_zone = "America/New_York"
    profile.currency = "USD"
    save_settings(store, settings)


def _seed_variant_ids(store: Store) -> None:
    """Shopify variant ids for the demo's catalogue, as ``catalogue fetch-ids`` would store
    them from a real shop: the invented domain cannot be asked, and without the ids the
    demo's cart buttons would only open product pages. Shopify-like 13- and 14-digit
    numbers, one product id per handle, in the catalogue's own order (stable).

    Only variants without an id get one, so calling this again is harmless: it finishes
    a build that stopped between the import and here, and keeps ids the merchant edited.
    """
    from ppdesk.core.catalogue.fetch_ids import save_platform_ids, shopify_handles
    from ppdesk.core.store.catalogue_queries import shopify_variants_without_ids

    conn = store.connect()
    try:
        missing = shopify_variants_without_ids(conn)
    finally:
        conn.close()
    if not missing:
        return
    variants = shopify_handles(store)
    parent = variants["handle"].astype("category").cat.codes.astype(int)
    ids = [(int(vid), str(7_100_000_000_000 + int(p)), str(44_100_000_000_000 + i))
           for i, (vid, p) in enumerate(zip(variants["variant_id"], parent, strict=True))
           if int(vid) in missing]
    save_platform_ids(store, ids, load_settings(store).store.store_url)


def _seed_photos(home: Path, images_dir: Path) -> None:
    """The demo's photos, offline: shipped PNGs copied into the thumbnail cache."""
    from ppdesk.core.catalogue.thumbnails import seed_demo_images
    from ppdesk.core.demo_products import DEMO_IMAGE_BASE

    if images_dir.is_dir():
        seed_demo_images(home, images_dir, DEMO_IMAGE_BASE)


DEMO_STORE_NAME = "Daybreak & Hound (demo)"


def ensure_demo_store(*, home: Path | None = None, reset: bool = False,
                      progress: ProgressFn | None = None,
                      cancel: CancelToken | None = None) -> Store:
    """Open the demo store, importing the demo export the first time (or after ``reset``).

    ``home``: a folder the merchant named for it (``ppdesk --home DIR demo``); default the
    separate demo home. A named folder that holds another store is refused (InputError):
    the demo's orders must never land in, and ``reset`` never delete, a real store.
    Importing is all-or-nothing, so a cancelled first run leaves an empty store that the
    next call fills again.
    """
    from ppdesk.core.importing import import_files

    if home is None:
        home = paths.demo_home_dir()
    elif paths.store_path(home).exists() and _has_orders(open_store(home)) \
            and load_settings(open_store(home)).store.name != DEMO_STORE_NAME:
        raise InputError(f"{home} holds a store that is not the demo store; "
                         "give the demo an empty folder with --home, or leave --home out")
    if reset:
        _remove_store_files(home)
    store = open_store(home)
    export = demo_export_path()
    products = export.with_name(DEMO_PRODUCTS_NAME)
    if _has_orders(store):
        if products.is_file() and not _has_catalogue(store):
            # A demo store built by an older ppdesk has orders but no catalogue: add it,
            # so its offers and emails show photos and links like a new demo store's.
            import_files(store, [products], platform="shopify", progress=progress, cancel=cancel)
        # The ids and photos come after the import, in steps of their own: a build that
        # stopped between them is finished here (both steps only add what is missing).
        _seed_variant_ids(store)
        _seed_photos(home, export.parent / "images")
        report(progress, 1, 1, "demo store ready")
        return store
    check(cancel)
    log.info("building the demo store in %s from %s", home, export)
    apply_demo_profile(store)  # first: catalogue links are built on the store URL
    files = [export, products] if products.is_file() else [export]
    import_files(store, files, platform="shopify", progress=progress, cancel=cancel)
    _seed_variant_ids(store)
    _seed_photos(home, export.parent / "images")
    report(progress, 1, 1, "demo store ready")
    return store
