"""Writing the report to files: CSV, XLSX and a one-page HTML summary with charts.

Every text cell of the CSV and XLSX goes through ``safety.spreadsheet_safe`` (product
names come from customers' orders and could start with ``=``); numbers stay numbers.
The HTML is rendered by ``templating.render`` (autoescape on) with inline SVG charts
(``charts``): one self-contained file, no scripts, no external requests.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from ppdesk.core import templating
from ppdesk.core.errors import EnvironmentProblem
from ppdesk.core.results import charts
from ppdesk.core.results.report import Report, records
from ppdesk.core.safety import spreadsheet_safe
from ppdesk.core.settings import load_settings
from ppdesk.core.store import Store


def _cell(value: Any) -> Any:
    """A value as a spreadsheet cell: text guarded, NaN/NA empty, numbers untouched."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value


def _rows(frame: pd.DataFrame) -> Iterable[list[Any]]:
    for row in frame.itertuples(index=False, name=None):  # report tables: one row per week
        yield [_cell(v) for v in row]


def _writable(path: Path) -> Path:
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise EnvironmentProblem(f"The folder {path.parent} does not exist.")
    return path


def write_csv(report: Report, path: Path) -> Path:
    """The weekly flows-and-offers table as CSV (UTF-8 with BOM so Excel reads accents)."""
    path = _writable(path)
    frame = report.weekly()
    try:
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow([spreadsheet_safe(c) for c in frame.columns])
            for row in _rows(frame):
                writer.writerow(["" if v is None else v for v in row])
    except OSError as exc:
        raise EnvironmentProblem(f"Cannot write {path}: {exc.strerror}.") from exc
    return path


def _sheet(wb: Workbook, title: str, frame: pd.DataFrame) -> None:
    ws = wb.create_sheet(title)
    ws.append([spreadsheet_safe(str(c)) for c in frame.columns])
    for row in _rows(frame):
        ws.append(row)


def _summary_frame(report: Report) -> pd.DataFrame:
    items: list[tuple[str, Any]] = [("period since", report.since), ("period until", report.until),
                                    ("attribution days", report.attribution_days),
                                    ("currency", report.currency)]
    items += [(k, v) for k, v in report.unit_economics.items()]
    items += [(f"verdict: {r['flow']}", r["verdict"]) for r in records(report.lift)]
    tests = report.discount_tests.drop_duplicates("offer_id") if len(report.discount_tests) \
        else report.discount_tests
    items += [(f"discount test: {r['offer']}", r["verdict"]) for r in records(tests)]
    items += [("warning", w) for w in report.warnings]
    return pd.DataFrame(items, columns=["figure", "value"])


def write_xlsx(report: Report, path: Path) -> Path:
    """One sheet per section: Summary, Flows, Offers, Lift, Discount tests, Rules."""
    path = _writable(path)
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Summary", _summary_frame(report))
    _sheet(wb, "Flows", report.flows)
    _sheet(wb, "Offers", report.offers)
    _sheet(wb, "Lift", report.lift)
    _sheet(wb, "Discount tests", report.discount_tests)
    _sheet(wb, "Rules", pd.DataFrame(list(report.rules.items()), columns=["figure", "rule"]))
    try:
        wb.save(path)
    except OSError as exc:
        raise EnvironmentProblem(f"Cannot write {path}: {exc.strerror}.") from exc
    return path


def _fmt_money(value: Any, currency: str) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else templating.money(value, currency)


def _fmt_pct(value: Any) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{float(value) * 100:.1f}%"


def _revenue_series(report: Report) -> tuple[list[str], dict[str, Sequence[float]]]:
    f = report.flows[report.flows["week"] != "all"][["week", "flow", "revenue"]]
    o = report.offers[(report.offers["week"] != "all") & report.offers["variant"].notna()]
    o = o.groupby(["week", "offer"], as_index=False)["revenue"].sum().rename(
        columns={"offer": "flow"})
    both = pd.concat([x for x in (f, o) if len(x)], ignore_index=True) if len(f) or len(o) \
        else pd.DataFrame(columns=["week", "flow", "revenue"])
    if both.empty:
        return [], {}
    pivot = both.pivot_table(index="week", columns="flow", values="revenue", aggfunc="sum",
                             fill_value=0.0).sort_index()
    return list(pivot.index), {str(c): pivot[c].tolist() for c in pivot.columns}


def html_context(report: Report, store_name: str) -> dict[str, Any]:
    cur = report.currency
    u = report.unit_economics
    weeks, series = _revenue_series(report)
    lift = records(report.lift)
    flows = [r for r in records(report.flows) if r["week"] == "all"]
    offers = [r for r in records(report.offers) if r["week"] == "all"]
    tests = records(report.discount_tests.drop_duplicates("offer_id")) \
        if len(report.discount_tests) else []
    return {
        "store_name": store_name,
        "period": report.period_text,
        "attribution_days": report.attribution_days,
        "generated_at": report.generated_at[:16].replace("T", " "),
        "cards": [
            {"label": "Post-purchase revenue",
             "value": _fmt_money(u.get("post_purchase_revenue"), cur)},
            {"label": "Share of revenue after checkout",
             "value": _fmt_pct(u.get("post_purchase_share"))},
            {"label": "Post-purchase margin",
             "value": _fmt_money(u.get("post_purchase_margin"), cur)},
            {"label": "Margin per order, with",
             "value": _fmt_money(u.get("margin_per_order_with"), cur)},
        ],
        "warnings": report.warnings,
        "revenue_chart": charts.stacked_bars("Post-purchase revenue per week", weeks, series,
                                             unit=""),
        "flows": [{**r, "conversion_rate": _fmt_pct(r["conversion_rate"]),
                   "revenue": _fmt_money(r["revenue"], cur),
                   "revenue_per_recipient": _fmt_money(r["revenue_per_recipient"], cur),
                   "aov": _fmt_money(r["aov"], cur), "margin": _fmt_money(r["margin"], cur)}
                  for r in flows],
        "lift": lift,
        "lift_chart": charts.interval_chart(
            "Conversion difference, received minus holdout (points, 95% interval)",
            [r["flow"] for r in lift], [_pts(r["rate_diff"]) for r in lift],
            [_pts(r["rate_ci_low"]) for r in lift], [_pts(r["rate_ci_high"]) for r in lift]),
        "offers": [{**r, "level": "all levels" if r["variant"] is None
                    else f"{r['discount_percent']:g}% ({r['discount_code']})",
                    "take_rate": _fmt_pct(r["take_rate"]), "revenue": _fmt_money(r["revenue"], cur),
                    "discount_cost": _fmt_money(r["discount_cost"], cur),
                    "margin": _fmt_money(r["margin"], cur),
                    "margin_per_view": _fmt_money(r["margin_per_view"], cur)} for r in offers],
        "tests": tests,
        "economics_chart": charts.pair_bars(
            "Margin per order", ["without post-purchase", "with post-purchase"],
            [_nan(u.get("margin_per_order_without")), _nan(u.get("margin_per_order_with"))]),
        "economics": [
            ("Checkout orders", u.get("checkout_orders")),
            ("Average order value", _fmt_money(u.get("aov"), cur)),
            ("Customer acquisition cost (entered)", _fmt_money(u.get("cac"), cur)),
            ("Margin per order without post-purchase",
             _fmt_money(u.get("margin_per_order_without"), cur)),
            ("Margin per order with post-purchase",
             _fmt_money(u.get("margin_per_order_with"), cur)),
            ("Post-purchase orders", u.get("post_purchase_orders")),
            ("Post-purchase discount cost", _fmt_money(u.get("post_purchase_discount_cost"), cur)),
            ("Share of revenue after checkout", _fmt_pct(u.get("post_purchase_share"))),
            ("Products sold with a known cost", _fmt_pct(u.get("cost_coverage"))),
        ],
        "rules": list(report.rules.items()),
    }


def _nan(value: Any) -> float:
    return math.nan if value is None else float(value)


def _pts(value: Any) -> float:
    return math.nan if value is None else float(value) * 100


def render_html(report: Report, store_name: str = "My store") -> str:
    return templating.render("results/summary.html", html_context(report, store_name))


def write_html(report: Report, path: Path, store: Store | None = None) -> Path:
    """The one-page summary (self-contained HTML; print it to PDF from any browser)."""
    path = _writable(path)
    name = load_settings(store).store.name if store is not None else "My store"
    try:
        path.write_text(render_html(report, name), encoding="utf-8")
    except OSError as exc:
        raise EnvironmentProblem(f"Cannot write {path}: {exc.strerror}.") from exc
    return path
