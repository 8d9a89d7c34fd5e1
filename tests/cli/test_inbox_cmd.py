"""``ppdesk inbox set|check|log`` against Dovecot, and the run reports they leave behind."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from cli_run import cli
from imap_server import PASSWORD, USER, Dovecot, dovecot  # noqa: F401
from keyrings.alt.file import PlaintextKeyring

from ppdesk.core import secrets
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "inbox"))
import samples  # noqa: E402

KEYS = {"checked", "unsubscribes", "bounces", "complaints", "ignored", "resolved_unknown",
        "errors"}


def _set(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
         server: Dovecot, password: str) -> None:
    store = open_store(home)
    settings = load_settings(store)
    settings.sending.allow_plaintext_keyring = True
    save_settings(store, settings)
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code, _, err = cli(home, capsys, "inbox", "set", "--host", "127.0.0.1", "--port",
                       str(server.port), "--username", USER, "--password-stdin")
    assert code == 0, err


def test_check_json_log_and_schedule_status(
        home: Path, dovecot: Dovecot, file_keyring: PlaintextKeyring,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file))
    secrets.forget_cached_secrets()
    _set(home, capsys, monkeypatch, dovecot, PASSWORD)
    assert secrets.get_password("127.0.0.1", USER, allow_plaintext=True,
                                service=secrets.IMAP_SERVICE) == PASSWORD
    original = samples.ordinary("x")   # a bounce of mail not sent by ppdesk still counts
    dovecot.append("INBOX", [samples.ordinary("1"),
                             samples.dsn(original, "gone@example.org", uid="2")])
    code, out, err = cli(home, capsys, "inbox", "check", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) >= KEYS
    assert (doc["checked"], doc["bounces"], doc["unsubscribes"], doc["errors"]) == (2, 1, 0, [])
    code, out, _ = cli(home, capsys, "inbox", "log", "--format", "json")
    assert [(m["kind"], m["action"], m["email"]) for m in json.loads(out)["messages"]] == [
        ("hard_bounce", "suppressed", "gone@example.org")]
    code, out, _ = cli(home, capsys, "flows", "schedule", "--status", "--format", "json")
    runs = {r["kind"]: r for r in json.loads(out)["last_runs"]}
    assert runs["inbox-check"]["ok"] is True and runs["inbox-check"]["finished_at"]


def test_wrong_password_is_exit_2_and_recorded_as_a_failed_run(
        home: Path, dovecot: Dovecot, file_keyring: PlaintextKeyring,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file))
    secrets.forget_cached_secrets()
    _set(home, capsys, monkeypatch, dovecot, "not-the-password")
    code, out, err = cli(home, capsys, "inbox", "check", "--format", "json")
    assert code == 2 and out == ""
    assert "refused the IMAP login" in err and "not-the-password" not in err
    code, out, _ = cli(home, capsys, "flows", "schedule", "--status")
    assert "The last inbox-check run" in out and "failed: " in out
    assert "refused the IMAP login" in out


def test_not_set_up_is_a_plain_sentence(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_store(home)
    code, _, err = cli(home, capsys, "inbox", "check")
    assert code == 2 and "not set up yet" in err
    code, out, _ = cli(home, capsys, "flows", "schedule", "--status", "--format", "json")
    assert json.loads(out)["last_runs"] == []    # refused input leaves no trace in the store
