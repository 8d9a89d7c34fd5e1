"""The core stays headless and all SQL stays in ppdesk/core/store."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import ppdesk.core

ROOT = Path(__file__).resolve().parents[1]


def _core_modules() -> list[str]:
    return sorted(
        m.name for m in pkgutil.walk_packages(ppdesk.core.__path__, prefix="ppdesk.core.")
    )


def test_core_modules_exist() -> None:
    assert "ppdesk.core.store.connection" in _core_modules()


def test_core_never_imports_qt_or_front_ends() -> None:
    modules = _core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')"
        " or m.startswith(('ppdesk.ui', 'ppdesk.cli')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "", f"core pulled in: {result.stdout.strip()}"


def test_core_sources_do_not_mention_qt_imports() -> None:
    pattern = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6|ppdesk\.ui|ppdesk\.cli)\b", re.M)
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "ppdesk" / "core").rglob("*.py")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_sql_lives_only_in_the_store_package() -> None:
    sql = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                     r"CREATE\s+TABLE)\b", re.I | re.S)
    offenders = []
    for path in (ROOT / "ppdesk").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("ppdesk/core/store/"):
            continue
        for literal in re.findall(r"(\"\"\"[\s\S]*?\"\"\"|\"[^\"\n]*\"|'[^'\n]*')",
                                  path.read_text(encoding="utf-8")):
            if sql.search(literal):
                offenders.append(rel)
                break
    assert offenders == []


def test_cli_and_ui_do_not_import_each_other() -> None:
    ui_cli = re.compile(r"^\s*(from|import)\s+ppdesk\.cli\b", re.M)
    cli_ui = re.compile(r"^\s*(from|import)\s+(ppdesk\.ui|PySide6)\b", re.M)
    bad = [p.name for p in (ROOT / "ppdesk" / "ui").rglob("*.py") if ui_cli.search(p.read_text())]
    bad += [p.name for p in (ROOT / "ppdesk" / "cli").rglob("*.py") if cli_ui.search(p.read_text())]
    assert bad == []
