"""Every file of the hostile corpus gets an answer from ``ppdesk import``: exit 0 or exit 2.

The corpus (scripts/make_hostile_corpus.py, seeded) is written into a temporary folder
and each file goes through the real command (``run_cli``, in-process, with its own
``--home``), a few also through a real subprocess. Per file:

- the exit code is 0 or 2, never 1 (a bug) and never a hang (pytest-timeout);
- on exit 2, stderr is one line that names the file, and the store is as before
  (row counts of every imported table and the data version);
- on exit 0, one import batch was recorded.

Some files have a known right answer, worked out by hand from the corpus script's six
hand-written rows (four orders, six lines): the CR-only, gzip and UTF-16 copies must
import exactly those, and the attacks must be refused naming the limit that applied.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ppdesk.cli.main import run_cli
from ppdesk.core.errors import printable
from ppdesk.core.store import open_store
from ppdesk.core.store.lines import data_version

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "make_hostile_corpus.py"
STORE_FILE = "store.sqlite3"
TABLES = ("orders", "order_lines", "customers", "products", "import_batches", "import_rejects")


def _load_corpus_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_hostile_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORPUS = _load_corpus_script()
NAMES = sorted([*CORPUS.CASES, *CORPUS.SPECIAL])

# The six hand-written lines of the corpus script: four orders, six lines.
GOOD_ORDERS, GOOD_LINES = 4, 6
READ_LIKE_THE_GOOD_FILE = (
    "good_lf.csv", "good_crlf.csv", "cr_only_old_mac.csv", "cr_only_no_final_newline.csv",
    "cr_only_semicolon.csv", "cr_only_multiline_note.csv", "mixed_line_ends.csv",
    "lf_cr_mixed_with_crlf.csv", "gzip_of_csv.csv.gz", "gzip_of_csv_named.csv",
    "gzip_of_cr_only.csv.gz", "gzip_of_utf16.csv.gz", "utf8_bom.csv", "utf16_le_bom.csv",
    "utf16_be_bom.csv", "utf16_le_no_bom.csv", "utf16_be_no_bom.csv", "utf32_bom.csv",
    "nul_in_data.csv", "nul_padding_head.csv", "header_with_nul.csv", "good_handmade.xlsx",
    "openpyxl_good.xlsx", "merged_cells.xlsx", "tab.tsv", "semicolon.csv", "pipe.txt",
    "excel_sep_line.csv",
)
# File -> words the refusal must contain (the limit or the reason that applied).
REFUSED_BECAUSE = {
    "billion_laughs_sheet.xlsx": "XML entities",
    "billion_laughs_workbook.xlsx": "XML entities",
    "billion_laughs_shared_strings.xlsx": "XML entities",
    "xxe_file_sheet.xlsx": "XML entities",
    "xxe_http_workbook.xlsx": "XML entities",
    "xxe_parameter_entity.xlsx": "XML entities",
    "xlsx_bomb.xlsx": "more than the 1,074 MB",
    "xlsx_ratio_bomb_small.xlsx": "over 200 times its size",
    "gzip_bomb.csv.gz": "over 200 times its size",
    "three_million_columns_one_line.csv": "at most 1 MB and 5,000 columns",
    "three_million_columns_header_and_row.csv": "runs past 1 MB",
    "twenty_thousand_columns.csv": "at most 5,000",
    "xlsx_cell_refs_huge.xlsx": "at most 5,000 columns",
    "password_protected.xlsx": "password",
    "zip_holding_csv.zip": "orders_export_1.csv",
    "a_directory.csv": "folder",
    "symlink_loop.csv": "symbolic links",
    "named_pipe.csv": "not a regular file",
    "random_bytes_05.csv": "binary",
    "bzip2_of_csv.csv.bz2": "bzip2",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    paths = CORPUS.build(folder)
    assert len(paths) >= 200
    return folder


@pytest.fixture(scope="module")
def empty_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty store, copied for each file (faster than migrating 300 times)."""
    home = tmp_path_factory.mktemp("empty-home")
    assert open_store(home).db_path == home / STORE_FILE
    return home


def _snapshot(home: Path) -> tuple[int, ...]:
    """Row counts of the imported tables, then the analytics data version."""
    conn = sqlite3.connect(home / STORE_FILE)
    try:
        counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES]
        version = data_version(conn)
    finally:
        conn.close()
    return (*counts, version)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", NAMES)
def test_every_hostile_file_gets_exit_0_or_a_plain_exit_2(
        name: str, corpus: Path, empty_home: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "store"
    shutil.copytree(empty_home, home)
    before = _snapshot(home)
    capsys.readouterr()
    code = run_cli(["--home", str(home), "import", str(corpus / name)])
    err = capsys.readouterr().err
    after = _snapshot(home)
    assert code in (0, 2), err
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1, err
        assert printable(name) in lines[0], lines[0]
        assert after == before
    else:
        assert after[TABLES.index("import_batches")] == before[TABLES.index("import_batches")] + 1
    if name in REFUSED_BECAUSE:
        assert code == 2 and REFUSED_BECAUSE[name] in err, err
    if name in READ_LIKE_THE_GOOD_FILE:
        assert code == 0, err
        assert after[TABLES.index("orders")] == GOOD_ORDERS
        assert after[TABLES.index("order_lines")] == GOOD_LINES


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("name", "expected"), [
    ("cr_only_old_mac.csv", 0), ("gzip_of_csv.csv.gz", 0), ("blank_quantity.csv", 0),
    ("billion_laughs_sheet.xlsx", 2), ("three_million_columns_one_line.csv", 2),
    ("random_bytes_03.csv", 2),
])
def test_hostile_files_through_the_real_command(name: str, expected: int, corpus: Path,
                                                tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ppdesk", "--home", str(tmp_path / "home"), "import",
         str(corpus / name)], capture_output=True, text=True, timeout=110, check=False)
    assert proc.returncode == expected, proc.stderr
    if expected == 2:
        assert proc.stderr.count("\n") == 1 and name in proc.stderr, proc.stderr
        assert proc.stdout == ""


def test_the_corpus_is_the_same_every_time(corpus: Path, tmp_path: Path) -> None:
    """Seeded: a second build writes the same bytes (so a failure can be reproduced)."""
    second = tmp_path / "again"
    CORPUS.build(second)
    for path in sorted(corpus.iterdir()):
        if path.is_file() and not path.is_symlink() and path.name not in CORPUS.SPECIAL:
            assert path.read_bytes() == (second / path.name).read_bytes(), path.name
