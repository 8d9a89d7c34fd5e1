"""``ppdesk flows``, ``send-due``, ``smtp`` and ``suppress`` end to end through ``run_cli``.

The store is hand-built (flow_builders); the analytics run for real on it, so the
cross-sell complements come from the store's own pairs: every customer who bought
``a`` also bought ``b`` and ``c`` in the same order, twenty others bought only ``d``,
and the new customers bought only ``a``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cli_run import cli
from flow_builders import StoreBuilder
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import PASSWORD, USER, LoopbackSmtp
from store_snapshot import snapshot

from ppdesk.core import secrets

NOW = "2026-03-03T11:00:00Z"


@pytest.fixture
def shop(home: Path) -> StoreBuilder:
    return _shop(home, live=True)


def _shop(home: Path, *, live: bool) -> StoreBuilder:
    """Complements of a are b and c (12 orders of a+b+c in February)."""
    builder = StoreBuilder(home, live=live)
    builder.bulk_orders([(f"old{i}@example.org", f"2026-02-{i + 1:02d} 10:00", ["a", "b", "c"])
                         for i in range(12)])
    builder.bulk_orders([(f"dee{i}@example.org", f"2026-02-{i + 1:02d} 11:00", ["d"])
                         for i in range(20)])
    builder.bulk_orders([("ann@example.org", "2026-03-01 10:00", ["a"]),
                         ("bob@example.org", "2026-03-01 10:00", ["a"])])
    builder.customer("nope@example.org", accepts=0)
    builder.order("nope@example.org", "2026-03-01 10:00", ["a"], accepts=0)
    builder.settings(holdout_share=0.0, review_enabled=False, loyalty_enabled=False,
                     replenishment_enabled=False, analytics__min_orders_together=3)
    return builder


def test_flows_plan_json_explains_and_replanning_changes_nothing(
        shop: StoreBuilder, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(shop.store)
    code, out, _ = cli(home, capsys, "flows", "plan", "--now", NOW, "--format", "json")
    assert code == 0
    assert snapshot(shop.store) == before        # without --write: a preview only
    doc = json.loads(out)
    planned = {m["email"]: m for m in doc["messages"]}
    assert sorted(planned) == ["ann@example.org", "bob@example.org"]
    assert planned["ann@example.org"]["products"] == "B, C"
    assert planned["ann@example.org"]["due_at"] == "2026-03-03T10:00:00Z"
    assert [(s["email"], s["reason_code"]) for s in doc["skipped"]] == [
        ("nope@example.org", "no_consent")]
    assert doc["summary"]["inserted"] == 2       # what --write would add
    code, out, _ = cli(home, capsys, "flows", "plan", "--write", "--now", NOW, "--format", "json")
    assert json.loads(out)["summary"]["inserted"] == 2 and len(shop.outbox()) == 2
    code, out, _ = cli(home, capsys, "flows", "plan", "--write", "--now", NOW, "--format", "json")
    again = json.loads(out)["summary"]
    assert (again["inserted"], again["updated"], again["cancelled"], again["revived"]) == (
        0, 0, 0, 0)


def test_flows_plan_table_has_every_section(shop: StoreBuilder, home: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(home, capsys, "flows", "plan", "--now", NOW)
    assert code == 0
    assert "Planned (2)" in out and "Not sent (1)" in out
    assert "customer did not accept marketing email" in out


def test_bad_now_is_exit_2(shop: StoreBuilder, home: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(home, capsys, "flows", "plan", "--now", "yesterday")
    assert code == 2 and "--now 'yesterday'" in err


def test_send_due_dry_run_writes_eml_files_and_changes_nothing(
        shop: StoreBuilder, home: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "preview"
    code, out, _ = cli(home, capsys, "send-due", "--now", NOW, "--dry-run", "--out",
                       str(out_dir), "--format", "json")
    assert code == 0
    files = sorted(out_dir.glob("*.eml"))
    assert len(files) == 2 and json.loads(out)["files"] == [str(f) for f in files]
    text = files[0].read_bytes()
    assert b"To: ann@example.org" in text and b"Message-ID: <ppdesk." in text
    assert set(shop.outbox()["state"]) == {"planned"}


def test_smtp_set_stores_the_password_only_in_the_keyring_and_send_due_sends(
        shop: StoreBuilder, home: Path, smtp_server: LoopbackSmtp,
        file_keyring: PlaintextKeyring, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.ca_file))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["smtp", "set", "--host", "127.0.0.1", "--port", str(smtp_server.port),
            "--security", "starttls", "--username", USER, "--from", "shop@example.com",
            "--per-minute", "100", "--password-stdin"]
    code, _, err = cli(home, capsys, *args)
    assert code == 2 and "plain-text" in err      # refused without explicit agreement
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, _, err = cli(home, capsys, *args, "--allow-plaintext-keyring")
    assert code == 0, err
    assert secrets.get_password("127.0.0.1", USER, allow_plaintext=True) == PASSWORD
    code, _, err = cli(home, capsys, "smtp", "test")
    assert code == 0 and "logged in as shop@example.com" in err
    code, _, err = cli(home, capsys, "send-due", "--now", NOW, "--format", "json")
    assert code == 2 and "postal address" in err     # CAN-SPAM: none without it
    code, _, err = cli(home, capsys, "settings", "set", "store.postal_address=1 Tea St, Leeds")
    assert code == 0, err
    code, out, err = cli(home, capsys, "send-due", "--now", NOW, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["sent"] == 2
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "ann@example.org", "bob@example.org"]
    code, _, err = cli(home, capsys, "smtp", "test", "--send-to", "me@example.com")
    assert code == 0 and smtp_server.received[-1].rcpt_tos == ["me@example.com"]
    assert smtp_server.received[-1].message["Subject"].startswith("[Test] ")
    needle = PASSWORD.encode()
    assert [p for p in home.rglob("*") if p.is_file() and needle in p.read_bytes()] == []


def test_smtp_set_refuses_outlook_personal_with_the_reason(
        shop: StoreBuilder, home: Path, file_keyring: PlaintextKeyring,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(home, capsys, "smtp", "set", "--preset", "outlook", "--username",
                       "me@outlook.com", "--from", "me@outlook.com")
    assert code == 2 and "16 September 2024" in err


def test_wrong_password_is_a_plain_sentence(
        shop: StoreBuilder, home: Path, smtp_server: LoopbackSmtp,
        file_keyring: PlaintextKeyring, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.ca_file))
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    cli(home, capsys, "smtp", "set", "--host", "127.0.0.1", "--port", str(smtp_server.port),
        "--username", USER, "--from", "shop@example.com", "--password-stdin",
        "--allow-plaintext-keyring")
    code, _, err = cli(home, capsys, "smtp", "test")
    assert code == 2 and "refused the username or password" in err and "wrong" not in err


def test_suppress_import_list_and_remove(shop: StoreBuilder, home: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    csv_file = tmp_path / "unsubscribed.csv"
    csv_file.write_text("Email Address,Name\nANN@example.org,Ann\nnot an address,X\n"
                        "zed@example.org,Zed\n", encoding="utf-8")
    code, _, err = cli(home, capsys, "suppress", "import", str(csv_file))
    assert code == 0 and "2 address(es) added" in err and "row 3" in err
    code, out, _ = cli(home, capsys, "suppress", "list", "--format", "json")
    assert sorted(s["email"] for s in json.loads(out)["suppressions"]) == [
        "ann@example.org", "zed@example.org"]
    code, out, _ = cli(home, capsys, "flows", "plan", "--now", NOW, "--format", "json")
    assert {(s["email"], s["reason_code"]) for s in json.loads(out)["skipped"]} == {
        ("ann@example.org", "suppressed"), ("nope@example.org", "no_consent")}
    cli(home, capsys, "suppress", "remove", "ann@example.org")
    code, out, _ = cli(home, capsys, "flows", "plan", "--now", NOW, "--format", "json")
    assert json.loads(out)["summary"]["revived"] == 0      # it was never planned: now new
    assert "ann@example.org" in {m["email"] for m in json.loads(out)["messages"]}


def test_flows_schedule_prints_a_cron_line(home: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(home, capsys, "flows", "schedule", "--os", "linux", "--every", "10")
    assert code == 0
    line = out.strip().splitlines()[-1]
    assert line.startswith("*/10 * * * * ") and f"--home {home} send-due" in line


def test_resolve_unknown_from_the_cli(shop: StoreBuilder, home: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    cli(home, capsys, "flows", "plan", "--write", "--now", NOW)
    conn = shop.store.connect()
    conn.execute("UPDATE outbox SET state = 'unknown' WHERE email = 'ann@example.org'")
    oid = conn.execute("SELECT id FROM outbox WHERE email = 'ann@example.org'").fetchone()[0]
    code, _, err = cli(home, capsys, "flows", "resolve", str(oid), "--sent")
    assert code == 0 and "now sent" in err
    code, _, err = cli(home, capsys, "flows", "resolve", str(oid), "--not-sent")
    assert code == 2 and "not in the 'unknown' state" in err


def test_flows_retry_refuses_a_message_that_has_not_failed(
        shop: StoreBuilder, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = cli(home, capsys, "flows", "plan", "--write", "--now", NOW)
    assert code == 0
    first = int(shop.outbox()["id"].min())
    code, _, err = cli(home, capsys, "flows", "retry", str(first))
    assert code == 2
    assert f"outbox message {first} has not failed" in err
    assert set(shop.outbox()["state"]) <= {"planned", "due", "cancelled"}


def test_flows_live_pause_and_status_from_the_cli(home: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    shop = _shop(home, live=False)                 # a new store: every flow Draft
    shop.bulk_orders([("eve@example.org", "2026-03-02 10:00", ["a"])])
    now = "2026-03-03T12:00:00Z"   # ann, bob (due 03-03 10:00) overdue; eve's due 03-04 10:00
    code, out, _ = cli(home, capsys, "flows", "status", "--now", now, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and [(f["name"], f["state"]) for f in doc["flows"]] == [
        ("cross_sell", "draft"), ("replenishment", "draft"), ("review", "draft"),
        ("loyalty", "draft")]
    code, out, err = cli(home, capsys, "send-due", "--now", now)
    assert code == 0 and shop.outbox().empty and "no flow is Live" in err
    before = snapshot(shop.store)
    code, out, _ = cli(home, capsys, "flows", "live", "cross_sell", "--dry-run", "--now", now,
                       "--format", "json")
    preview = json.loads(out)["flows"][0]
    assert snapshot(shop.store) == before
    planned = {m["email"]: m["due_at"] for m in json.loads(cli(
        home, capsys, "flows", "plan", "--now", now, "--format", "json")[1])["messages"]}
    assert planned == {}                            # Draft: the plan has nothing for it
    code, out, err = cli(home, capsys, "flows", "live", "cross-sell", "--now", now)
    assert code == 0 and "Cross-sell after 48 hours is Live" in out
    cancelled = shop.outbox()
    overdue = cancelled[cancelled["reason_code"] == "overdue_skipped"]
    waiting = cancelled[cancelled["state"] == "planned"]
    # the preview and the outbox agree with each other, and with the due times by hand
    assert (preview["overdue"], preview["due_next_24h"]) == (len(overdue), len(waiting))
    assert (len(overdue), len(waiting)) == (2, 1)   # ann, bob overdue; eve tomorrow
    assert (waiting["due_at"] > now).all() and (overdue["due_at"] <= now).all()
    code, out, _ = cli(home, capsys, "flows", "status", "--now", now, "--format", "json")
    cross = json.loads(out)["flows"][0]
    assert (cross["state"], cross["planned"], cross["overdue"]) == ("live", len(waiting), 0)
    code, _, err = cli(home, capsys, "flows", "pause", "cross_sell", "review")
    assert code == 0 and "Cross-sell after 48 hours is paused" in err
    assert "Review request is Draft: nothing to pause" in err
    code, out, _ = cli(home, capsys, "flows", "status", "--format", "json")
    assert json.loads(out)["flows"][0]["state"] == "paused"
    code, _, err = cli(home, capsys, "flows", "live", "crossell")
    assert code == 2 and "there is no flow 'crossell'" in err
