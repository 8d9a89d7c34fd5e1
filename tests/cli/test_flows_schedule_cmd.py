"""``ppdesk flows schedule --install/--status/--remove`` on a throwaway user's real crontab."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from cli_run import cli
from cron_user import read_crontab, throwaway_cron_user, write_crontab

MARKER = "# ppdesk send-due schedule (managed by ppdesk: change it in Settings) for home: "


def test_install_status_remove_from_the_cli(home: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with throwaway_cron_user() as user:
        monkeypatch.setenv("PPDESK_SCHEDULE_USER", user)
        write_crontab(user, b"0 1 * * * /bin/true\n")
        code, out, _ = cli(home, capsys, "flows", "schedule", "--status", "--format", "json")
        off = json.loads(out)
        assert code == 0 and off["installed"] is False and off["next_run_at"] is None
        assert off["in_words"].startswith("Off")     # the same facts as the app's switch
        assert off["blockers"][0].startswith("No flow is Live yet")
        code, out, _ = cli(home, capsys, "flows", "schedule", "--install", "--every", "10")
        assert code == 0 and "every 10 minutes" in out and "send-due" in out
        lines = read_crontab(user).decode().splitlines()
        assert lines[0] == "0 1 * * * /bin/true"
        assert lines[1] == MARKER + str(home.resolve())
        assert lines[2].startswith("*/10 * * * * env DBUS_SESSION_BUS_ADDRESS=")
        assert f" {sys.executable} -m ppdesk --home " in lines[2]
        code, out, _ = cli(home, capsys, "flows", "schedule", "--status", "--format", "json")
        status = json.loads(out)
        assert status["installed"] is True and status["every_minutes"] == 10
        assert status["in_words"].startswith("On — no run yet, next about ")
        nxt = dt.datetime.strptime(status["next_run_at"], "%Y-%m-%dT%H:%M:%SZ")
        assert nxt.replace(tzinfo=dt.UTC).astimezone().minute % 10 == 0   # */10, local clock
        assert status["last_error"] is None
        code, out, _ = cli(home, capsys, "flows", "schedule", "--status")
        assert "Automatic sending: On — no run yet" in out
        code, _, err = cli(home, capsys, "flows", "schedule", "--remove")
        assert code == 0 and "removed" in err
        assert read_crontab(user) == b"0 1 * * * /bin/true\n"
        code, _, err = cli(home, capsys, "flows", "schedule", "--remove")
        assert code == 0 and "nothing changed" in err


def test_install_and_remove_are_exclusive(home: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(home, capsys, "flows", "schedule", "--install", "--remove")
    assert code == 2 and "not allowed with argument --install" in err
