"""The wheel: built from the sources, installed into a fresh virtualenv, it works there.

The sources are copied to a temporary folder first (setuptools reuses a ``build/``
folder in the tree, and a stale one would hide a missing file). The wheel is built
without build isolation (setuptools and wheel come from the test extra), so nothing is
downloaded. The fresh virtualenv has no pip and no dependencies of its own: a ``.pth``
file lends it this interpreter's site-packages for pandas, Qt and the rest, while
ppdesk itself can only come from the wheel (the editable install's finder is not
loaded through a ``.pth`` path, and the check below proves where ppdesk was imported).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import ppdesk

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ["ppdesk/resources/demo/orders_export_demo.csv",
             "ppdesk/resources/templates/emails/cross_sell.html",
             "ppdesk/resources/templates/offers/snippet.html",
             "ppdesk/resources/templates/guides/shopify.txt",
             "ppdesk/resources/templates/results/summary.html",
             "ppdesk/resources/icons/ppdesk.png",
             "ppdesk/py.typed"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("wheel", reason="wheel is in the test extra: pip install -e .[test]")
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(ROOT / "ppdesk", src / "ppdesk",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(out)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = out.glob("ppdesk-*.whl")
    return built


def test_wheel_holds_the_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [r for r in RESOURCES if r not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert "ppdesk/__main__.py" in names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/"))]


def test_installed_wheel_passes_its_self_test(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True)
    lent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site.stdout.strip()) / "zz_test_deps.pth").write_text(
        "\n".join(sorted(lent)) + "\n", encoding="utf-8")
    script = venv / ("Scripts/ppdesk.exe" if sys.platform == "win32" else "bin/ppdesk")
    assert script.exists(), "the wheel installed no ppdesk command"

    where = subprocess.run([str(python), "-c", "import ppdesk; print(ppdesk.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout

    done = subprocess.run([str(script), "--self-test"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ppdesk self-test passed" in done.stderr
    version = subprocess.run([str(script), "--version"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=120)
    assert version.stdout.strip() == f"ppdesk {ppdesk.__version__}"
