"""Time ``ppdesk import`` on every file of the hostile corpus (issue 16: none over 10 s).

    python benchmarks/bench_hostile_corpus.py [--keep DIR]

Builds the seeded corpus (scripts/make_hostile_corpus.py) in a temporary folder, warms
up with one import, then runs each file in-process through ``run_cli`` with a fresh
copy of an empty store and prints: the number of files, how many ended with exit 0
and exit 2 (anything else is listed), the slowest files, and as the anchor measured
in the same run, the import of the corpus's good six-line file.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from ppdesk.cli.main import run_cli
from ppdesk.core.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def _corpus_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "make_hostile_corpus", ROOT / "scripts" / "make_hostile_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(path: Path, empty: Path, work: Path) -> tuple[int, float, str]:
    home = work / "home"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(empty, home)
    err = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = run_cli(["--home", str(home), "import", str(path)])
    return code, time.perf_counter() - start, err.getvalue().strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = args.keep or work / "corpus"
        paths = _corpus_module().build(folder)
        empty = work / "empty"
        empty.mkdir()
        open_store(empty)
        anchor_file = folder / "good_lf.csv"
        _run(anchor_file, empty, work)  # warm-up: first imports load pandas, pyarrow, ...
        results = [(p.name, *_run(p, empty, work)) for p in paths]
        anchor = min(_run(anchor_file, empty, work)[1] for _ in range(3))
    codes = Counter(code for _name, code, _t, _e in results)
    print(f"files: {len(results)}")
    print("exit codes: " + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items())))
    for name, code, _t, err in results:
        if code not in (0, 2):
            print(f"  UNEXPECTED exit {code}: {name}: {err}")
    print(f"anchor (good_lf.csv, 6 lines, best of 3): {anchor:.3f} s")
    print("slowest:")
    for name, code, seconds, _e in sorted(results, key=lambda r: -r[2])[:8]:
        print(f"  {seconds:7.3f} s  ({seconds / anchor:5.1f}x anchor)  exit {code}  {name}")
    print(f"total: {sum(r[2] for r in results):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
