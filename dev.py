#!/usr/bin/env python3
"""Developer entry point: one command to run the demo app, one to run the tests.

    python3 dev.py demo    # make .venv, install ppdesk, open the app on the demo store
    python3 dev.py test    # make .venv, install ppdesk + test tools, run the whole suite

Uses only the standard library so it works on a fresh machine with Python 3.11+.
Extra arguments after ``test`` go to pytest (``python3 dev.py test -m "not gui"``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("PPDESK_VENV", ROOT / ".venv"))


def _venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _ensure_venv(extras: str) -> Path:
    if sys.version_info < (3, 11):
        sys.exit("ppdesk needs Python 3.11 or newer; this is " + sys.version.split()[0])
    python = _venv_python()
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    print(f"Installing ppdesk{('[' + extras + ']') if extras else ''} ...", flush=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-e", target],
        cwd=ROOT,
        check=True,
    )
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "app"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command in {"demo", "app"}:
        python = _ensure_venv("")
        args = ["app", "--demo"] if command == "demo" else ["app"]
        return subprocess.call([str(python), "-m", "ppdesk", *args, *rest], cwd=ROOT)
    python = _ensure_venv("test,build")  # build: PyInstaller for tests/installer
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
