"""``ppdesk customer show|export|forget`` on a store that imported, planned and really sent.

Ivy (c9@example.com) places order #1009 in the shopdata export and gets a cross-sell
through the loopback SMTP server. After ``forget`` no table, log or file in the home
holds her address or name; re-importing the same export, and a later one with a new
order of hers, plans nothing for her.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from cli_run import cli
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import PASSWORD, USER, LoopbackSmtp
from shopdata import write_export

from ppdesk.core import secrets
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import open_store

NOW = "2026-02-12T15:00:00Z"
EMAIL = "c9@example.com"
NAME = "Ivy"


def _setup(home: Path, server: LoopbackSmtp) -> None:
    store = open_store(home)
    settings = load_settings(store)
    s = settings.sending
    s.host, s.port, s.security, s.username = "127.0.0.1", server.port, "starttls", USER
    s.from_address, s.allow_plaintext_keyring, s.per_minute = "shop@example.com", True, 1000
    settings.store.postal_address = "1 Bean Lane, Portland OR 97201, USA"
    settings.flows.holdout_share = 0.0
    settings.flows.review_enabled = False
    save_settings(store, settings)
    secrets.store_password("127.0.0.1", USER, PASSWORD, allow_plaintext=True)


def _mentions(home: Path, needles: list[str]) -> list[str]:
    """Every file in the home and every text value of every table that holds a needle."""
    found = []
    for path in (p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes().lower()
        found += [f"{path.name}: {n}" for n in needles if n.lower().encode() in data]
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    for n in needles:
                        if isinstance(value, str) and n.lower() in value.lower():
                            found.append(f"{table}: {value[:80]}")
    finally:
        conn.close()
    return found


def _planned_for(home: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    code, out, err = cli(home, capsys, "flows", "plan", "--now", NOW, "--format", "json")
    assert code == 0, err
    return [m for m in json.loads(out)["messages"] if m["email"] == EMAIL]


def test_show_export_forget_and_never_again(
        home: Path, tmp_path: Path, smtp_server: LoopbackSmtp, file_keyring: PlaintextKeyring,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.ca_file))
    export = write_export(tmp_path / "orders_export.csv")
    assert cli(home, capsys, "import", str(export))[0] == 0
    _setup(home, smtp_server)
    assert _planned_for(home, capsys) == []               # a new store's flows are Draft
    # The merchant makes the flow Live, keeping the overdue.
    code, _, err = cli(home, capsys, "flows", "live", "cross_sell", "--overdue", "send",
                       "--now", NOW)
    assert code == 0, err
    assert len(_planned_for(home, capsys)) == 1          # she is due a cross-sell
    code, _, err = cli(home, capsys, "send-due", "--now", NOW, "--no-plan")
    assert code == 0, err
    assert EMAIL in {r.rcpt_tos[0] for r in smtp_server.received}

    code, out, _ = cli(home, capsys, "customer", "show", EMAIL.upper(), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert [o["order_number"] for o in doc["orders"]] == ["#1009"]
    assert [ln["product_key"] for ln in doc["orders"][0]["lines"]] == ["BEANS-1"]
    assert [(e["flow"], e["state"]) for e in doc["emails"]] == [("cross_sell", "sent")]
    assert [ev["to_state"] for ev in doc["emails"][0]["events"]][-1] == "sent"
    assert doc["suppression"] is None and doc["customers"][0]["first_name"] == NAME
    out_file = tmp_path / "ivy.json"
    assert cli(home, capsys, "customer", "export", EMAIL, "--out", str(out_file))[0] == 0
    assert json.loads(out_file.read_text())["orders"] == doc["orders"]
    assert _mentions(home, [EMAIL, NAME]) != []            # the grep can find her

    code, _, err = cli(home, capsys, "customer", "forget", EMAIL, "--yes")
    assert code == 0, err
    assert _mentions(home, [EMAIL, NAME]) == []
    code, out, _ = cli(home, capsys, "report", "--format", "json")
    assert code == 0   # figures still computed over the anonymous order
    code, out, _ = cli(home, capsys, "customer", "show", EMAIL)
    assert code == 0 and "Suppressed: manual" in out and "forgotten on request" in out

    # The same export again, then a later one with a new order of hers: nothing planned.
    assert cli(home, capsys, "import", str(export))[0] == 0
    assert _planned_for(home, capsys) == []
    later = tmp_path / "orders_export_2.csv"
    with export.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows.append(["#1030", EMAIL, "paid", "yes", "USD", "2026-02-12 08:00:00 -0500", "1",
                 "Coffee beans", "24.90", "BEANS-1", f"{NAME} Tester", ""])
    with later.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    assert cli(home, capsys, "import", str(later))[0] == 0
    assert _planned_for(home, capsys) == []
    code, out, _ = cli(home, capsys, "flows", "plan", "--now", NOW, "--format", "json")
    skipped = [s for s in json.loads(out)["skipped"] if s["email"] == EMAIL]
    assert skipped and {s["reason_code"] for s in skipped} == {"suppressed"}


def test_unknown_address_is_exit_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_store(home)
    code, _, err = cli(home, capsys, "customer", "show", "nobody@example.org")
    assert code == 2 and "nothing about 'nobody@example.org'" in err
    code, _, err = cli(home, capsys, "customer", "show", "not an address")
    assert code == 2 and "is not an email address" in err
