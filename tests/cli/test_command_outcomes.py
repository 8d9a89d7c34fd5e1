"""Commands that fail leave nothing behind; empty answers say why; `--home` is honoured.

- ``offer``/``report`` write their files only when the whole command succeeded, and never
  a partial file (ppdesk/cli/outfiles.py).
- ``pairs`` with an empty table says why in one sentence.
- ``ppdesk --home DIR demo`` builds the demo store in DIR, and refuses a DIR holding
  another store.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from shopdata import shop_store

from ppdesk.cli.main import run_cli
from ppdesk.core import paths
from ppdesk.core.offers import load_offers
from ppdesk.core.store import Store, open_store
from ppdesk.core.store.lines import load_lines


@pytest.fixture
def store(home: Path) -> Store:
    return shop_store(home, store_url="https://shop.example.com")


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_offer_into_a_missing_folder_exits_2_and_changes_nothing(
        store: Store, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing" / "offer.html"
    code = run_cli(["--home", str(home), "offer", "--product", "MUG-1",
                    "--platform", "woocommerce", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert "missing" in captured.err and "does not exist" in captured.err
    assert captured.out == ""
    assert not (tmp_path / "missing").exists()
    assert load_offers(store) == []  # exit 2 promises an unchanged store


def test_offer_success_leaves_exactly_its_files(store: Store, home: Path,
                                                tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code = run_cli(["--home", str(home), "offer", "--product", "MUG-1",
                    "--platform", "woocommerce", "--out", str(out_dir / "offer.html")])
    assert code == 0
    assert _files(out_dir) == ["offer.html", "offer.html.guide.txt", "offer.html.php"]
    assert (out_dir / "offer.html").read_text(encoding="utf-8").startswith("<!-- ppdesk")
    assert len(load_offers(store)) == 1


def test_report_with_one_bad_target_writes_none(home: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "report.xlsx"
    code = run_cli(["--home", str(home), "report", "--xlsx", str(good),
                    "--html", str(tmp_path / "nowhere" / "report.html")])
    assert code == 2
    assert "nowhere" in capsys.readouterr().err
    assert _files(tmp_path) == ["home"]  # no report.xlsx, no leftover partial file
    assert not good.exists()


def test_pairs_empty_table_says_why(store: Store, home: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    # tests/shopdata.py: 29 included orders; the most frequent pair, BEANS-1 + PAPER-1, is
    # together in 9 (six mug orders and alice's three).
    assert run_cli(["--home", str(home), "pairs", "--min-orders", "10"]) == 0
    err = capsys.readouterr().err
    assert ("No two products were bought together in at least 10 of the 29 included orders"
            in err)
    assert run_cli(["--home", str(home), "pairs", "--min-orders", "9"]) == 0
    assert "No two products" not in capsys.readouterr().err
    assert run_cli(["--home", str(home), "pairs", "--since", "2020-01-01",
                    "--until", "2020-12-31"]) == 0
    assert "No included orders in this window" in capsys.readouterr().err


def test_demo_honours_home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "my-demo"
    assert run_cli(["--home", str(target), "demo"]) == 0
    assert str(target) in capsys.readouterr().err
    assert load_lines(open_store(target))["store_order_id"].nunique() == 5000
    demo_home = Path(os.environ["PPDESK_DEMO_HOME"])
    assert not paths.store_path(demo_home).exists()  # the default demo home is untouched
    assert run_cli(["--home", str(target), "demo"]) == 0  # reusing it is fine


def test_demo_refuses_a_home_holding_another_store(store: Store, home: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = load_lines(store)["store_order_id"].nunique()
    assert run_cli(["--home", str(home), "demo", "--reset"]) == 2
    assert "not the demo store" in capsys.readouterr().err
    assert load_lines(store)["store_order_id"].nunique() == before
