"""Benchmark: importing Shopify exports of 10k, 100k and 1M lines (CSV) and 100k lines (XLSX).

Each case runs in a fresh child process so that its peak memory (peak RSS from
``resource.getrusage``) is its own; the same run also times a plain parse of the
same file (``pyarrow.csv.read_csv`` of every column, ``polars.read_csv`` when polars
is installed, python-calamine for the workbook) as the yardstick. Exports come from
the seeded demo generator and are cached in ``benchmarks/data/`` (git-ignored).

    .venv/bin/python benchmarks/bench_import.py                 # all cases
    .venv/bin/python benchmarks/bench_import.py --lines 10000   # one size, CSV only
    .venv/bin/python benchmarks/bench_import.py --commands      # issue 16: whole commands, 1M

``--commands`` runs, one after the other in one run: ``polars.read_csv`` of the
1,000,000-line export (the anchor), then ``ppdesk import`` of it as a whole command
into a fresh home, then ``ppdesk pairs`` and ``ppdesk timing`` right after it, and
prints the ratios to the anchor with the import's peak RSS (``os.wait4``).
polars comes from benchmarks/requirements.txt.

Figures depend on the machine's load: on a shared machine they are pessimistic.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
CSV_SIZES = (10_000, 100_000, 1_000_000)
XLSX_SIZE = 100_000


def export_path(lines: int, fmt: str) -> Path:
    """The cached export of ``lines`` line items, generated once (seed 11)."""
    path = DATA / f"shopify_{lines}.{fmt}"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from ppdesk.core.demo_data import write_shopify_export

        print(f"generating {path.name} ...", file=sys.stderr, flush=True)
        write_shopify_export(path, lines=lines, seed=11, fmt=fmt)
    return path


# ----------------------------------------------------------------------------- child side

def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(kind: str, path: Path) -> dict[str, object]:
    result = _child_case(kind, path)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return result


def _child_case(kind: str, path: Path) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    if kind == "import":
        from ppdesk.core.importing import import_files
        from ppdesk.core.store import open_store

        with tempfile.TemporaryDirectory() as home:
            store = open_store(Path(home))
            start, cpu = time.perf_counter(), _cpu()
            summary = import_files(store, [path])
            seconds, cpu = time.perf_counter() - start, _cpu() - cpu
            rows = summary.rows_read
            extra = {"orders": summary.orders_added, "lines": summary.lines_added,
                     "rejected": summary.rows_rejected}
    elif kind == "pyarrow":
        import pyarrow.csv as pacsv

        start, cpu = time.perf_counter(), _cpu()
        table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True))
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        rows, extra = table.num_rows, {}
    elif kind == "polars":
        import polars as pl

        start, cpu = time.perf_counter(), _cpu()
        frame = pl.read_csv(path, infer_schema_length=0)
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        rows, extra = frame.height, {}
    elif kind == "calamine":
        import python_calamine

        start, cpu = time.perf_counter(), _cpu()
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        cells = book.get_sheet_by_index(0).to_python()
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        rows, extra = len(cells) - 1, {}
    else:
        raise SystemExit(f"unknown case {kind}")
    return {"seconds": seconds, "cpu": cpu, "rows": rows, **extra}


# ----------------------------------------------------------------------------- parent side

def run_case(kind: str, path: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _has_polars() -> bool:
    try:
        import polars  # noqa: F401
    except ImportError:
        return False
    return True


def _run_command(args: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS (MB) and exit code of one whole command."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             cwd=ROOT)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    return (seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status))


def commands(lines: int) -> int:
    """Issue 16's figures: polars parse vs ``ppdesk import`` + ``pairs`` + ``timing``.

    The polars parse runs before and after the commands; the anchor is their mean, so
    a change in the machine's load during the run shows as a gap between the two.
    """
    path = export_path(lines, "csv")
    ppdesk = [sys.executable, "-m", "ppdesk"]
    print(f"machine: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (shared: figures are pessimistic)")
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.0f} MB, {lines:,} lines")
    rows: list[tuple[str, float, float, float, int]] = []

    def polars(label: str) -> bool:
        result = run_case("polars", path)
        if "error" in result:
            print(f"polars failed ({result['error']}); "
                  "pip install -r benchmarks/requirements.txt")
            return False
        rows.append((label, float(result["seconds"]), float(result["cpu"]),  # type: ignore[arg-type]
                     float(result["peak_mb"]), 0))  # type: ignore[arg-type]
        return True

    if not polars("polars.read_csv, parse only (before)"):
        return 1
    with tempfile.TemporaryDirectory() as home:
        for name, argv in (("ppdesk --version (start-up only)", ["--version"]),
                           ("ppdesk import FILE (fresh home)", ["import", str(path)]),
                           ("ppdesk pairs (first after import)", ["pairs"]),
                           ("ppdesk timing (first after import)", ["timing"])):
            rows.append((name, *_run_command([*ppdesk, "--home", home, *argv])))
    if not polars("polars.read_csv, parse only (after)"):
        return 1
    anchor = (rows[0][1] + rows[-1][1]) / 2
    print(f"{'case':<44}{'seconds':>9}{'x polars':>10}{'cpu s':>8}{'peak MB':>9}{'exit':>6}")
    for name, seconds, cpu, peak, code in rows:
        print(f"{name:<44}{seconds:>9.2f}{seconds / anchor:>10.2f}{cpu:>8.2f}{peak:>9.0f}"
              f"{code:>6}")
    imp, pairs, timing = (r[1] for r in rows[2:5])
    print(f"polars anchor (mean of before/after)     {anchor:6.2f} s")
    print(f"import / polars                          {imp / anchor:6.2f}x   (target <= 3)")
    print(f"(import + pairs + timing) / polars       {(imp + pairs + timing) / anchor:6.2f}x"
          f"   (target <= 4)")
    print(f"import peak RSS                          {rows[2][3]:6.0f} MB (target < 2048)")
    return 0 if all(r[4] == 0 for r in rows) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--lines", type=int, action="append",
                        help="CSV sizes in line items (default 10k, 100k, 1M)")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the 100k-line XLSX case")
    parser.add_argument("--commands", action="store_true",
                        help="whole commands on the 1M-line export (or --lines N) vs polars")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], Path(args.child[1]))))
        return 0
    if args.commands:
        return commands((args.lines or [1_000_000])[-1])

    cases: list[tuple[str, Path]] = [("csv", export_path(n, "csv"))
                                     for n in (args.lines or CSV_SIZES)]
    if not args.no_xlsx and not args.lines:
        cases.append(("xlsx", export_path(XLSX_SIZE, "xlsx")))
    baselines = {"csv": ["pyarrow"] + (["polars"] if _has_polars() else []),
                 "xlsx": ["calamine"]}
    print(f"machine: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (shared: figures are pessimistic)")
    print("seconds = wall clock of the operation; cpu = CPU seconds it used (all threads)")
    print(f"{'file':<26}{'MB':>8}  {'case':<10}{'seconds':>9}{'cpu':>7}{'rows/s':>12}"
          f"{'peak MB':>9}  notes")
    for fmt, path in cases:
        size_mb = path.stat().st_size / 1e6
        for kind in ["import", *baselines[fmt]]:
            result = run_case(kind, path)
            if "error" in result:
                print(f"{path.name:<26}{size_mb:>8.1f}  {kind:<10}  failed: {result['error']}")
                continue
            seconds = float(result["seconds"])  # type: ignore[arg-type]
            rows = int(result["rows"])  # type: ignore[call-overload]
            notes = (f"orders {result['orders']:,}, lines {result['lines']:,}, "
                     f"rejected {result['rejected']}" if kind == "import" else "plain parse")
            print(f"{path.name:<26}{size_mb:>8.1f}  {kind:<10}{seconds:>9.2f}"
                  f"{float(result['cpu']):>7.2f}{rows / seconds:>12,.0f}"
                  f"{float(result['peak_mb']):>9.0f}  {notes}",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
