"""``ppdesk --self-test``: a quick end-to-end check of an installation, in a temporary home.

Runs the merchant's path on the bundled demo export: open a store, import, find pairs and
reorder timing, build a thank-you offer and render an email. Each step names itself, so
a failure says exactly which part of the installation is broken (a missing library in a
frozen build, a missing resource, a bug). Steps check results against what the demo
export is known to contain (its planted pairs and reorder cycles), not just "no crash".

The real home is never touched: ``PPDESK_HOME`` and the demo home point at the temporary
folder while the steps run.
"""

from __future__ import annotations

import csv
import importlib
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ReportFn = Callable[[str], None]

# Libraries loaded lazily somewhere in core: a frozen build that forgot one fails here,
# at step 1, instead of in front of a merchant.
RUNTIME_MODULES = ("numpy", "pandas", "pyarrow", "pyarrow.csv", "pyarrow.parquet",
                   "scipy.stats", "scipy.sparse", "jinja2", "jinja2.sandbox", "openpyxl",
                   "python_calamine", "css_inline", "platformdirs", "keyring")


class StepFailed(Exception):
    """A step's result was wrong (as opposed to the step crashing)."""


@dataclass
class _Run:
    home: Path
    values: dict[str, Any] = field(default_factory=dict)


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise StepFailed(f"module {exc.name} is missing from this installation") from exc


def _runtime_libraries(run: _Run) -> str:
    for name in RUNTIME_MODULES:
        _module(name)
    return f"{len(RUNTIME_MODULES)} libraries load"


def _open_store(run: _Run) -> str:
    from ppdesk.core.store import open_store

    run.values["store"] = open_store(run.home)
    return f"store at {run.values['store'].db_path}"


def _profile(run: _Run) -> str:
    from ppdesk.core.demo_store import apply_demo_profile
    from ppdesk.core.settings import load_settings

    apply_demo_profile(run.values["store"])
    name = load_settings(run.values["store"]).store.name
    if "demo" not in name:
        raise StepFailed(f"the saved store profile did not come back (name {name!r})")
    return f"profile of {name!r} saved and read back"


def _find_export(run: _Run) -> str:
    from ppdesk.core.demo_store import demo_export_path

    path = demo_export_path()
    with path.open(newline="", encoding="utf-8") as fh:
        names = {row["Name"] for row in csv.DictReader(fh)}
    run.values["export"] = path
    run.values["expected_orders"] = len(names)
    return f"{path.name}, {len(names)} orders"


def _import(run: _Run) -> str:
    importing = _module("ppdesk.core.importing")
    summary = importing.import_files(run.values["store"], [run.values["export"]],
                                     platform="auto")
    doc = summary.to_json()
    if doc["orders_added"] != run.values["expected_orders"]:
        raise StepFailed(f"imported {doc['orders_added']} orders, the file has "
                         f"{run.values['expected_orders']}")
    if doc.get("rejected"):
        raise StepFailed(f"{len(doc['rejected'])} rows rejected, first: {doc['rejected'][0]}")
    again = importing.import_files(run.values["store"], [run.values["export"]],
                                   platform="auto").to_json()
    if again["orders_added"] != 0:
        raise StepFailed(f"re-importing the same file added {again['orders_added']} orders")
    return f"{doc['orders_added']} orders, {doc['lines_added']} lines; re-import adds nothing"


def _planted() -> tuple[list[tuple[str, str]], dict[str, float]]:
    from ppdesk.core import demo_catalog

    cat = demo_catalog.build_catalog()
    keys = cat.key
    pairs = [(str(keys[cat.index_of(a)]), str(keys[cat.index_of(b)]))
             for a, b, _ in demo_catalog.PLANTED_PAIRS]
    cycles = {str(k): float(c) for k, c in zip(keys, cat.cycle_days, strict=True) if c > 0}
    return pairs, cycles


def _pairs(run: _Run) -> str:
    lines_mod = _module("ppdesk.core.store.lines")
    pairs_mod = _module("ppdesk.core.analytics.pairs")
    store = run.values["store"]
    lines, products = lines_mod.load_lines(store), lines_mod.load_products(store)
    result = pairs_mod.same_order_pairs(lines, products, min_orders=3)
    frame = result.pairs
    found = {tuple(sorted((a, b))): lift for a, b, lift in
             zip(frame["product_a"], frame["product_b"], frame["lift"], strict=True)}
    planted, _ = _planted()
    missing = [p for p in planted if found.get(tuple(sorted(p)), 0.0) < 3.0]
    if missing:
        raise StepFailed(f"planted pairs not found with lift >= 3: {missing}")
    return f"{len(frame)} pairs in {result.orders_total} orders; planted pairs found"


def _timing(run: _Run) -> str:
    lines_mod = _module("ppdesk.core.store.lines")
    timing_mod = _module("ppdesk.core.analytics.timing")
    store = run.values["store"]
    frame = timing_mod.reorder_timing(lines_mod.load_lines(store), lines_mod.load_products(store))
    _, cycles = _planted()
    rows = frame[frame["enough_data"].astype(bool) & frame["product"].isin(list(cycles))]
    if rows.empty:
        raise StepFailed("no consumable has enough repeat customers for timing")
    errors = [abs(m / cycles[p] - 1) for p, m in
              zip(rows["product"], rows["median_days_between"], strict=True)]
    if statistics.median(errors) > 0.25:
        raise StepFailed(f"reorder medians are {statistics.median(errors):.0%} off the planted "
                         "cycles (typical error)")
    return f"{len(frame)} products, {len(rows)} with enough data, medians match the cycles"


def _offer(run: _Run) -> str:
    offers = _module("ppdesk.core.offers")
    store = run.values["store"]
    planted, _ = _planted()
    trigger = planted[0][0]
    offer = offers.build_offer(store, trigger)
    if offer.complement.product_key != planted[0][1]:
        raise StepFailed(f"the offer for {trigger} suggests {offer.complement.product_key}, "
                         f"not its planted partner {planted[0][1]}")
    html = offers.render_snippet(offer, platform="shopify")
    if escape(offer.complement.name) not in html or len(html) < 200:
        raise StepFailed(f"the offer snippet lacks the offered product ({len(html)} characters)")
    return f"{trigger} -> {offer.complement.product_key}, {len(html)} characters of HTML"


def _email(run: _Run) -> str:
    emails = _module("ppdesk.core.emails")
    store = run.values["store"]
    context = emails.preview_context(store, "replenishment")
    rendered = emails.render_email(store, "replenishment", context)
    if not rendered.subject.strip() or "<" not in rendered.html or not rendered.text.strip():
        raise StepFailed("the replenishment email rendered with an empty part")
    return f"replenishment email: {rendered.subject!r}"


STEPS: tuple[tuple[str, Callable[[_Run], str]], ...] = (
    ("load runtime libraries", _runtime_libraries),
    ("open a store in a temporary home", _open_store),
    ("save the store profile", _profile),
    ("find the demo export", _find_export),
    ("import the demo export", _import),
    ("find same-order pairs", _pairs),
    ("measure reorder timing", _timing),
    ("build a thank-you offer", _offer),
    ("render an email", _email),
)


@contextmanager
def _temporary_homes(base: Path) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("PPDESK_HOME", "PPDESK_DEMO_HOME")}
    os.environ["PPDESK_HOME"] = str(base / "home")
    os.environ["PPDESK_DEMO_HOME"] = str(base / "demo")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_self_test(report: ReportFn) -> int:
    """Run every step; 0 when all pass, 1 with a message naming the failed step."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ppdesk-selftest-",
                                     ignore_cleanup_errors=True) as tmp, \
            _temporary_homes(Path(tmp)):
        run = _Run(home=Path(tmp) / "home")
        run.home.mkdir()
        for number, (name, step) in enumerate(STEPS, start=1):
            label = f"[{number}/{len(STEPS)}] {name}"
            t0 = time.perf_counter()
            try:
                detail = step(run)
            except Exception as exc:  # any failure is reported by step name
                log.exception("self-test step %r failed", name)
                reason = str(exc) if isinstance(exc, StepFailed) else \
                    f"{type(exc).__name__}: {exc}"
                report(f"{label} ... FAILED: {reason}")
                report(f"ppdesk self-test FAILED at step {number} ({name}).")
                return 1
            report(f"{label} ... ok ({time.perf_counter() - t0:.1f} s): {detail}")
    report(f"ppdesk self-test passed: {len(STEPS)} steps in "
           f"{time.perf_counter() - started:.1f} s.")
    return 0
