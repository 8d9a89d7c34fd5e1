"""The CLI's only writer to stdout/stderr: tables, JSON and CSV.

``--format json`` prints exactly one JSON document on stdout; progress and
warnings go to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ppdesk.core.safety import spreadsheet_safe


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return _jsonable(value.item())
        except (ValueError, AttributeError):
            pass
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(_jsonable(document), ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


def print_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """CSV on stdout, each text cell guarded against spreadsheet formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    sys.stdout.write(buffer.getvalue())


def _csv_cell(value: Any) -> Any:
    value = _jsonable(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value


def _fmt(value: Any) -> str:
    value = _jsonable(value)
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def print_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str],
                headers: Sequence[str] | None = None, max_width: int = 40) -> None:
    """A plain aligned text table on stdout."""
    headers = list(headers or columns)
    cells = [[_fmt(row.get(c))[:max_width] for c in columns] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    sys.stdout.write("\n".join(lines) + "\n")


def print_lines(lines: Iterable[str]) -> None:
    for line in lines:
        sys.stdout.write(line + "\n")


def error(message: str) -> None:
    sys.stderr.write(message.rstrip() + "\n")


def info(message: str) -> None:
    sys.stderr.write(message.rstrip() + "\n")


class StderrProgress:
    """A progress callback printing at most ~20 updates to stderr (quiet when not a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._last = -1

    def __call__(self, done: int, total: int, message: str) -> None:
        if not sys.stderr.isatty():
            return
        pct = int(100 * done / total) if total else 0
        if pct // 5 != self._last // 5 or done >= total:
            self._last = pct
            sys.stderr.write(f"\r{self.label}: {pct:3d}% {message[:50]:<50}")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
