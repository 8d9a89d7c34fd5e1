"""Importing order exports into the store: ``import_files`` and ``preview_file``.

Catalogue exports (products, listings) are recognised by their header beside order
exports and imported in the same transaction (``core/catalogue``); after every
import the ordered products are matched to the catalogue again.

``import_files`` is all-or-nothing per call. Every file is read, recognised and
checked first (an unusable file raises ``InputError`` naming file, row and column
before the store is touched); then one transaction writes every file as its own
import batch (file, time, sha256, platform, mapping, counts, rejects) and bumps
the analytics data version. A cancel or any error rolls the whole call back; a dry
run does all the work, reports what would happen and rolls back.

The GUI calls both functions from a worker thread; the CLI from the main thread.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ppdesk.core.errors import InputError
from ppdesk.core.importing import reader
from ppdesk.core.importing.normalise import Prepared, Reject, prepare
from ppdesk.core.importing.profiles import CANONICAL_FIELDS, PLATFORMS, Profile, for_platform
from ppdesk.core.importing.profiles.base import norm
from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.settings import load_settings
from ppdesk.core.store import lines_cache
from ppdesk.core.store import orders as store_orders
from ppdesk.core.store.connection import Store, transaction
from ppdesk.core.store.lines import FrameUpdate, bump_data_version

if TYPE_CHECKING:  # core.catalogue reads through core.importing: imported where used
    from ppdesk.core.catalogue.loading import LoadedCatalogue
    from ppdesk.core.catalogue.writing import CatalogueFileResult, MatchReport


@dataclass
class FileResult:
    """What one file held and what importing it did."""

    file: str
    path: str
    platform: str
    profile: str
    label: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    mapping: dict[str, str]
    rows_read: int = 0
    rows_rejected: int = 0
    orders_added: int = 0
    orders_updated: int = 0
    lines_added: int = 0
    customers_added: int = 0
    products_added: int = 0
    duplicates_skipped: int = 0
    dayfirst: bool | None = None
    decimal_comma: bool = False
    marketing_allowed: bool = True
    phone_country: str | None = None
    batch_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "batch_id"}


@dataclass
class ImportSummary:
    """Totals over the files of one call; ``to_json()`` is the contract's JSON document.

    ``duplicates_skipped`` counts LINES already in the store (same platform, order id
    and position in the order); ``orders_updated`` counts stored orders whose financial
    status or cancellation changed (the file imported last wins). ``rejected`` lists at
    most 10,000 rows per file; ``rows_rejected`` counts them all.
    """

    files: list[FileResult] = field(default_factory=list)
    rejected: list[Reject] = field(default_factory=list)
    dry_run: bool = False
    catalogue: list[CatalogueFileResult] = field(default_factory=list)
    dropped: list[Reject] = field(default_factory=list)   # catalogue cells left out
    matching: MatchReport | None = None
    # "Store runs on" as this import set it (store_locale.adopt_platform); None: unchanged
    platform_set: str | None = None

    def _sum(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    rows_read = property(lambda self: self._sum("rows_read"))
    rows_rejected = property(lambda self: self._sum("rows_rejected"))
    orders_added = property(lambda self: self._sum("orders_added"))
    orders_updated = property(lambda self: self._sum("orders_updated"))
    lines_added = property(lambda self: self._sum("lines_added"))
    customers_added = property(lambda self: self._sum("customers_added"))
    duplicates_skipped = property(lambda self: self._sum("duplicates_skipped"))

    def to_json(self) -> dict[str, Any]:
        out = self._orders_json()
        if self.catalogue or self.matching is not None:
            out["files"] += [c.file for c in self.catalogue]
            out["catalogue"] = {
                "files": [c.to_json() for c in self.catalogue],
                "dropped": [r.to_json() for r in self.dropped],
                "matching": None if self.matching is None else self.matching.to_json()}
        return out

    def _orders_json(self) -> dict[str, Any]:
        return {
            "files": [f.file for f in self.files],
            "rows_read": self.rows_read,
            "orders_added": self.orders_added,
            "orders_updated": self.orders_updated,
            "lines_added": self.lines_added,
            "customers_added": self.customers_added,
            "duplicates_skipped": self.duplicates_skipped,
            "rows_rejected": self.rows_rejected,
            "rejected": [r.to_json() for r in self.rejected],
            "dry_run": self.dry_run,
            "details": [f.to_json() for f in self.files],
        }


@dataclass
class ImportPreview:
    """What the GUI's preview and mapping dialog show before importing."""

    file: str
    platform: str
    profile: str
    label: str
    encoding: str | None
    delimiter: str | None
    sheets: list[str]
    sheet: str | None
    header: list[str]
    mapping: dict[str, str]
    missing: list[str]
    marketing_allowed: bool
    rows: pd.DataFrame


@dataclass
class _Loaded:
    info: reader.SourceInfo
    profile: Profile
    mapping: dict[str, str]
    prepared: Prepared
    rows_read: int
    sha256: str


def _resolve(info: reader.SourceInfo, platform: str, mapping: Mapping[str, str] | None
             ) -> tuple[Profile, dict[str, str]]:
    if platform not in ("auto", *PLATFORMS):
        raise InputError(f"unknown platform '{platform}' (choose auto or one of "
                         f"{', '.join(PLATFORMS)})")
    profile = for_platform(platform, info.header)
    guessed = profile.guess_mapping(info.header)
    by_norm = {norm(h): h for h in info.header}
    for fld, column in (mapping or {}).items():
        if fld not in CANONICAL_FIELDS:
            raise InputError(f"'{fld}' is not a field ppdesk knows; use one of "
                             f"{', '.join(CANONICAL_FIELDS)}")
        if not column:  # "" = the merchant says the file has no such column
            guessed.pop(fld, None)
            continue
        actual = by_norm.get(norm(column))
        if actual is None:
            raise InputError(f"has no column named '{column}' to use as {fld}",
                             file=info.name, row=info.header_row, column=column)
        guessed = {f: c for f, c in guessed.items() if c != actual or f == fld}
        guessed[fld] = actual
    return profile, guessed


def _missing_error(info: reader.SourceInfo, profile: Profile, missing: list[str]) -> InputError:
    hint = ", ".join(f"--map {m.split(' ')[0]}=COLUMN" for m in missing)
    return InputError(
        f"no column for {', '.join(missing)} was found (read as {profile.label}); name the "
        f"column with {hint}", file=info.name, row=info.header_row)


def _sha256(path: Path, out: list[str]) -> None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(8 << 20):
                digest.update(chunk)
    except OSError:
        return  # the reader reports the unreadable file
    out.append(digest.hexdigest())


def load_file(path: Path, *, platform: str = "auto", mapping: Mapping[str, str] | None = None,
              sheet: str | None = None, default_dayfirst: bool = False,
              country: str | None = None, info: reader.SourceInfo | None = None) -> _Loaded:
    """Read, recognise and check one file (no store access); raises InputError if unusable."""
    path = Path(path)
    info = info or reader.sniff(path, sheet)
    profile, used = _resolve(info, platform, mapping)
    missing = profile.missing(used)
    if missing:
        raise _missing_error(info, profile, missing)
    hashed: list[str] = []
    hasher = threading.Thread(target=_sha256, args=(path, hashed), daemon=True)
    try:
        raw = reader.read_table(info, list(dict.fromkeys(used.values())))
        # Hashing overlaps the preparing, which leaves a core idle (hashlib releases the
        # GIL on large buffers); started during the parse it would slow pyarrow's threads.
        hasher.start()
        canonical = profile.canonical(raw.frame, used, raw.rows)
        rows_read = len(raw.frame) + len(raw.bad_rows)
        odd_rows = [Reject(info.name, row, None, reason) for row, reason in raw.bad_rows]
        del raw
        prepared = prepare(canonical, profile, used, info.name, default_dayfirst=default_dayfirst,
                           country=country)
        del canonical
    finally:
        if hasher.ident is not None:
            hasher.join()
    if odd_rows:
        prepared.rejects = sorted(odd_rows + prepared.rejects, key=lambda r: r.row or 0)
        prepared.rows_rejected += len(odd_rows)
    if rows_read and prepared.rows_rejected >= rows_read and prepared.rejects:
        first = prepared.rejects[0]
        raise InputError(f"no row could be imported; the first problem: {first.reason}",
                         file=info.name, row=first.row, column=first.column)
    return _Loaded(info, profile, used, prepared, rows_read, hashed[0] if hashed else "")


def _store_url(store: Store) -> str:
    """The merchant's store URL (catalogue links are built on it); "" when not set."""
    from ppdesk.core.settings import load_settings

    return load_settings(store).store.store_url or ""


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that it rolls back."""


def import_files(store: Store, files: Sequence[str | Path], *, platform: str = "auto",
                 mapping: Mapping[str, str] | None = None, sheet: str | None = None,
                 dry_run: bool = False, progress: ProgressFn | None = None,
                 cancel: CancelToken | None = None) -> ImportSummary:
    """Import order exports into ``store``; all files or nothing.

    Args:
        files: CSV/TSV/TXT/XLSX paths.
        platform: ``auto`` or a platform name (see ``profiles.PLATFORMS``).
        mapping: canonical field -> column, overriding the guess (``--map``).
        sheet: workbook sheet to read (default: the first sheet with data).
        dry_run: do everything, report the counts, keep nothing.

    Raises:
        InputError: a file cannot be used (nothing was written).
        Cancelled: ``cancel`` was set (nothing was written).
    """
    from ppdesk.core.catalogue.built import Context as CatalogueContext
    from ppdesk.core.catalogue.layouts import recognise as recognise_catalogue
    from ppdesk.core.catalogue.loading import load_catalogue
    from ppdesk.core.catalogue.writing import rematch
    from ppdesk.core.importing.store_locale import adopt_platform

    paths = [Path(f) for f in files]
    if not paths:
        raise InputError("no file to import was given")
    steps = len(paths) * 2 + 1
    country = load_settings(store).store.country or None
    loaded: list[_Loaded | LoadedCatalogue] = []
    store_url = _store_url(store)
    for i, path in enumerate(paths):
        check(cancel)
        report(progress, i, steps, f"Reading {path.name}")
        info = reader.sniff(path, sheet)
        layout = recognise_catalogue(info.header, platform, mapping)
        loaded.append(
            load_catalogue(info, layout, mapping=mapping,
                           context=CatalogueContext(store_url)) if layout is not None
            else load_file(path, platform=platform, mapping=mapping, sheet=sheet,
                           country=country, info=info))
    summary = ImportSummary(dry_run=dry_run)
    conn = store.connect()
    try:
        store_orders.tune_for_bulk(conn)
        bulk = store_orders.is_bulk(conn, sum(len(item.prepared.lines) for item in loaded
                                              if isinstance(item, _Loaded)))
        with store_orders.foreign_keys_checked_once(conn, enabled=bulk), transaction(conn):
            update = None if dry_run else FrameUpdate(conn, store)
            copy = _write_all(conn, store, loaded, summary, update, bulk=bulk, steps=steps,
                              progress=progress, cancel=cancel)
            try:
                if bulk:
                    store_orders.verify_foreign_keys(conn)
                summary.matching = rematch(conn, store_url)
                # "Store runs on" follows the first import until someone chooses it
                summary.platform_set = adopt_platform(
                    conn, [f.platform for f in summary.files]
                    + [c.platform for c in summary.catalogue])
                version = bump_data_version(conn)
                if copy is not None:
                    # The copy is complete on disk before COMMIT names it (lines_cache).
                    lines_cache.name_file(conn, copy.result(), version)
                elif update is not None and (same := update.unchanged_copy()) is not None:
                    lines_cache.name_file(conn, same, version)
                if dry_run:
                    raise _DryRun
            except BaseException:
                if copy is not None:
                    copy.discard()
                raise
        if copy is not None and update is not None and update.previous is not None:
            lines_cache.unlink_quietly(update.previous)  # no longer named: the new one is
    except _DryRun:
        pass
    finally:
        conn.close()
    if dry_run:
        summary.platform_set = None  # rolled back with the rest
    report(progress, steps, steps, "Done")
    return summary


def _write_all(conn: Any, store: Store, loaded: list[_Loaded | LoadedCatalogue],
               summary: ImportSummary,
               update: FrameUpdate | None, *, bulk: bool, steps: int,
               progress: ProgressFn | None, cancel: CancelToken | None
               ) -> lines_cache.BackgroundWrite | None:
    """Write every file; start writing the new columnar copy, returned (None in a dry run
    or when the import changed nothing the current copy holds).

    The copy is encoded in a helper thread while SQLite rebuilds the indexes and checks
    references (both release the GIL), which hides most of its cost.
    """
    from ppdesk.core.catalogue.loading import LoadedCatalogue
    from ppdesk.core.catalogue.writing import write_catalogue

    copy = None
    try:
        with store_orders.deferred_indexes(conn, ("orders", "order_lines"), enabled=bulk):
            for i, item in enumerate(loaded):
                check(cancel)
                report(progress, len(loaded) + i, steps, f"Saving {item.info.name}")
                if isinstance(item, LoadedCatalogue):
                    summary.catalogue.append(write_catalogue(conn, item))
                    summary.rejected.extend(item.notes.rejected)
                    summary.dropped.extend(item.notes.dropped)
                    continue
                summary.files.append(_write(conn, item, cancel, update))
                summary.rejected.extend(item.prepared.rejects)
            if update is not None:
                check(cancel)
                if update.unchanged_copy() is None and not update.holds_no_lines():
                    copy = lines_cache.BackgroundWrite(update.frame(conn), store)
                # Under the write lock no other import can be writing a copy right now.
                lines_cache.remove_old(store, keep={p for p in (
                    update.previous, copy.path if copy is not None else None) if p})
    except BaseException:
        if copy is not None:
            copy.discard()
        raise
    return copy


def _write(conn: Any, item: _Loaded, cancel: CancelToken | None,
           update: FrameUpdate | None) -> FileResult:
    info, prep, profile = item.info, item.prepared, item.profile
    result = FileResult(
        file=info.name, path=str(info.path), platform=profile.platform, profile=profile.name,
        label=profile.label, encoding=info.encoding, delimiter=info.delimiter, sheet=info.sheet,
        mapping=item.mapping, rows_read=item.rows_read, rows_rejected=prep.rows_rejected,
        dayfirst=prep.dayfirst, decimal_comma=prep.decimal_comma,
        marketing_allowed=profile.marketing_allowed, phone_country=prep.phone_country)
    batch = store_orders.begin_batch(
        conn, file_name=info.name, file_path=str(info.path.resolve()), file_hash=item.sha256,
        sheet=info.sheet, platform=profile.platform,
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"), mapping=item.mapping)
    customer_ids, result.customers_added = store_orders.upsert_customers(
        conn, prep.customers, platform=profile.platform, batch_id=batch)
    product_ids, result.products_added = store_orders.upsert_products(conn, prep.products)
    check(cancel)
    counts = store_orders.write_orders(
        conn, prep.orders, prep.lines, platform=profile.platform,
        marketing_allowed=profile.marketing_allowed, batch_id=batch, customer_ids=customer_ids,
        product_ids=product_ids, tick=lambda _done: check(cancel), frame_update=update)
    counts.customers_added = result.customers_added
    result.orders_added, result.orders_updated = counts.orders_added, counts.orders_updated
    result.lines_added, result.duplicates_skipped = counts.lines_added, counts.duplicates_skipped
    store_orders.write_rejects(conn, batch, ((r.file, r.row, r.column, r.reason)
                                             for r in prep.rejects))
    store_orders.finish_batch(conn, batch, rows_read=item.rows_read, counts=counts,
                              rows_rejected=prep.rows_rejected)
    result.batch_id = batch
    return result


def preview_file(path: str | Path, *, platform: str = "auto",
                 mapping: Mapping[str, str] | None = None, sheet: str | None = None,
                 rows: int = 20) -> ImportPreview:
    """Detected platform, encoding, delimiter, sheets, mapping guess and the first rows."""
    from ppdesk.core.catalogue.layouts import recognise as recognise_catalogue

    info = reader.sniff(Path(path), sheet)
    raw = _head_workbook(info, rows) if info.kind == "workbook" else _head_csv(info, rows)
    layout = recognise_catalogue(info.header, platform, mapping)
    if layout is not None:  # a catalogue export: the import reads it by its own layout
        names = {norm(h) for h in info.header}
        return ImportPreview(
            file=info.name, platform=layout.platform, profile=layout.name, label=layout.label,
            encoding=info.encoding, delimiter=info.delimiter, sheets=info.sheets,
            sheet=info.sheet, header=info.header, mapping=dict(mapping or {}),
            missing=[s for s in layout.signature if s not in names], marketing_allowed=True,
            rows=raw.frame.head(rows))
    profile, used = _resolve(info, platform, mapping)
    return ImportPreview(
        file=info.name, platform=profile.platform, profile=profile.name, label=profile.label,
        encoding=info.encoding, delimiter=info.delimiter, sheets=info.sheets, sheet=info.sheet,
        header=info.header, mapping=used, missing=profile.missing(used),
        marketing_allowed=profile.marketing_allowed, rows=raw.frame.head(rows))


def _head_workbook(info: reader.SourceInfo, rows: int) -> reader.RawTable:
    """The first rows of the chosen sheet (the sheet is already parsed by ``sniff``)."""
    cells = info.loaded_sheet.to_python(skip_empty_area=False, nrows=info.header_row + rows)
    width = len(info.header)
    body = [[reader.cell_text(v) for v in (list(r) + [""] * width)[:width]]
            for r in cells[info.header_row:]]
    frame = pd.DataFrame(body, columns=info.header, dtype="str")
    return reader.RawTable(info, frame, pd.RangeIndex(info.header_row + 1,
                                                      info.header_row + 1 + len(frame)).to_numpy())


def _head_csv(info: reader.SourceInfo, rows: int) -> reader.RawTable:
    """The first rows of a CSV without reading a possibly huge file whole."""
    records = reader.head_records(info, rows)
    width = len(info.header)
    body = [(r + [""] * width)[:width] for r in records]
    frame = pd.DataFrame(body, columns=info.header, dtype="str")
    return reader.RawTable(info, frame, pd.RangeIndex(2, len(frame) + 2).to_numpy())
