"""Quick start-up: what `ppdesk --help`, `--version` and each command's parser load.

Each check runs a fresh interpreter (a module imported by an earlier test would hide a
heavy import) and reads ``sys.modules`` there. Timings are in benchmarks/bench_startup.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ppdesk.cli.commands
from ppdesk.cli.main import COMMAND_MODULES

HEAVY = ("pandas", "numpy", "scipy", "pyarrow", "jinja2", "keyring", "openpyxl",
         "python_calamine", "css_inline", "PySide6")
COMMANDS_DIR = Path(ppdesk.cli.commands.__file__).parent

PROBE = """
import contextlib, io, json, sys
from ppdesk.__main__ import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(json.loads(sys.argv[1]))
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(),
                  "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def _probe(argv: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["pairs", "--help"],
                                  ["import", "--help"], ["app", "--help"]])
def test_help_and_version_load_no_heavy_library(argv: list[str]) -> None:
    got = _probe(argv)
    assert got["code"] == 0
    assert "ppdesk" in str(got["out"])
    loaded = set(got["loaded"])  # type: ignore[call-overload]
    assert not loaded & set(HEAVY), f"{argv} loaded {sorted(loaded & set(HEAVY))}"


def test_every_command_module_registers_without_heavy_imports() -> None:
    """Also the modules not (yet) listed in COMMAND_MODULES: a new command is caught too."""
    names = sorted(p.stem for p in COMMANDS_DIR.glob("*_cmd.py"))
    assert set(COMMAND_MODULES) <= set(names)
    code = (
        "import argparse, importlib, json, sys\n"
        "sub = argparse.ArgumentParser().add_subparsers()\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module('ppdesk.cli.commands.' + name).register(sub)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    heavy = set(json.loads(done.stdout)) & set(HEAVY)
    assert not heavy, f"registering the commands loaded {sorted(heavy)}"


def test_pairs_loads_only_what_it_needs(home: Path) -> None:
    """`ppdesk pairs` needs pandas and the analytics, not templates, keyring or spreadsheets."""
    got = _probe(["--home", str(home), "pairs"], env=dict(os.environ))
    assert got["code"] == 0
    loaded = set(got["loaded"])  # type: ignore[call-overload]
    assert "pandas" in loaded  # the probe sees real imports (the test can fail)
    unneeded = loaded & {"jinja2", "keyring", "openpyxl", "python_calamine", "css_inline",
                         "PySide6"}
    assert not unneeded, f"pairs loaded {sorted(unneeded)}"


def test_app_help_prints_help_without_a_display() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "ppdesk", "app", "--help"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.startswith("usage: ppdesk app")
    assert "--demo" in done.stdout


def test_app_without_a_display_says_so_and_exits_2(home: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if not sys.platform.startswith("linux"):
        pytest.skip("only Linux can lack a display")
    done = subprocess.run([sys.executable, "-m", "ppdesk", "--home", str(home), "app"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "needs a graphical display" in done.stderr
    assert done.stdout == ""
