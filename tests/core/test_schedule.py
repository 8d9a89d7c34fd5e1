"""Installing, inspecting and removing the send-due schedule with the real ``crontab``.

Every crontab test works on a throwaway user's crontab (``tests/cron_user.py``),
never the real user's. What cron would run is checked by doing what crontab(5)
says cron does with the command field (``\\%`` becomes ``%``) and handing it to
``/bin/sh -c``: a recorder script standing in for Python prints the argv it got.
launchd and Task Scheduler cannot run here; only their entry text is checked.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cron_user import read_crontab, throwaway_cron_user, write_crontab

from ppdesk.core import schedule
from ppdesk.core.errors import EnvironmentProblem, InputError

MARKER = "# ppdesk send-due schedule (managed by ppdesk: change it in Settings) for home: "
FOREIGN = (
    b"# m h  dom mon dow   command\n"
    b'MAILTO=""\n'
    b"\n"
    b"0 3 * * *\t/usr/bin/backup --to '/mnt/x y'   # nightly  \n"
    + "30 8 * * 1 echo caf\u00e9 100\\% >/dev/null\n".encode()
)


@pytest.fixture
def cron_user() -> Iterator[str]:
    with throwaway_cron_user() as user:
        yield user


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[str, Path]:
    """An executable (with a space in its path) that writes its arguments, NUL-separated."""
    folder = tmp_path / "bin dir"
    folder.mkdir()
    script = folder / "record args"
    out = tmp_path / "args.bin"
    script.write_text(f"#!/bin/sh\nprintf '%s\\0' \"$@\" > '{out}'\n"
                      f"printf '%s' \"$DBUS_SESSION_BUS_ADDRESS\" > '{out}.bus'\n")
    script.chmod(0o755)
    return str(script), out


def _home(tmp_path: Path, name: str) -> Path:
    return (tmp_path / name).resolve()


def _lines(content: bytes) -> list[str]:
    return content.decode().splitlines()


def _run_like_cron(line: str, out: Path) -> list[str]:
    """Run a crontab line's command as cron would and return the argv the program saw."""
    command = line.split(None, 5)[5]
    # crontab(5): an unescaped % ends the command (the rest is stdin); \% is a literal %
    assert "%" not in command.replace("\\%", "")
    command = command.replace("\\%", "%")
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    subprocess.run(["/bin/sh", "-c", command], check=True, env=env)
    return [a.decode() for a in out.read_bytes().split(b"\0")[:-1]]


def test_install_adds_one_marked_line_and_keeps_foreign_lines(
        cron_user: str, recorder: tuple[str, Path], tmp_path: Path) -> None:
    exe, out = recorder
    home = _home(tmp_path, "it's my 50% \"best\" store")
    write_crontab(cron_user, FOREIGN)
    status = schedule.install_schedule(home, every_minutes=5, executable=exe, user=cron_user)
    after = read_crontab(cron_user)
    assert after.startswith(FOREIGN)                       # byte for byte
    added = _lines(after[len(FOREIGN):])
    assert len(added) == 2 and added[0] == MARKER + str(home)
    assert added[1].startswith("*/5 * * * * ") and added[1].endswith(" >/dev/null 2>&1")
    assert _run_like_cron(added[1], out) == ["-m", "ppdesk", "--home", str(home), "send-due"]
    # the job reaches the user's session bus (where the keyring lives) although cron has none
    bus = Path(str(out) + ".bus").read_text()
    assert bus == f"unix:path=/run/user/{os.getuid()}/bus"
    assert status.installed and status.every_minutes == 5 and status.os == "linux"
    assert status.command is not None and "send-due" in status.command
    assert status == schedule.schedule_status(home, user=cron_user)


def test_install_twice_keeps_one_entry_in_place(
        cron_user: str, recorder: tuple[str, Path], tmp_path: Path) -> None:
    exe, _ = recorder
    home = _home(tmp_path, "store")
    write_crontab(cron_user, FOREIGN)
    schedule.install_schedule(home, every_minutes=5, executable=exe, user=cron_user)
    write_crontab(cron_user, read_crontab(cron_user) + b"15 * * * * /bin/true\n")
    schedule.install_schedule(home, every_minutes=3, executable=exe, user=cron_user)
    lines = _lines(read_crontab(cron_user))
    assert read_crontab(cron_user).startswith(FOREIGN)
    ours = [i for i, line in enumerate(lines) if line.startswith("*/")]
    assert len(ours) == 1 and lines[ours[0]].startswith("*/3 * * * * ")
    assert lines[ours[0] - 1] == MARKER + str(home)
    assert lines[-1] == "15 * * * * /bin/true"            # replaced where it was
    assert schedule.schedule_status(home, user=cron_user).every_minutes == 3


def test_two_homes_coexist_and_removing_one_keeps_the_other(
        cron_user: str, recorder: tuple[str, Path], tmp_path: Path) -> None:
    exe, out = recorder
    shop, demo = _home(tmp_path, "shop"), _home(tmp_path, "shop two")
    write_crontab(cron_user, FOREIGN)
    schedule.install_schedule(shop, executable=exe, user=cron_user)
    schedule.install_schedule(demo, every_minutes=10, executable=exe, user=cron_user)
    both = read_crontab(cron_user)
    assert sum(line.startswith("*/") for line in _lines(both)) == 2
    assert sum(line.startswith(MARKER) for line in _lines(both)) == 2
    assert schedule.remove_schedule(shop, user=cron_user) is True
    left = read_crontab(cron_user)
    assert left.startswith(FOREIGN)
    rest = _lines(left[len(FOREIGN):])
    assert rest[0] == MARKER + str(demo) and len(rest) == 2
    assert _run_like_cron(rest[1], out)[3] == str(demo)
    assert not schedule.schedule_status(shop, user=cron_user).installed
    assert schedule.schedule_status(demo, user=cron_user).every_minutes == 10
    # removing again changes nothing
    assert schedule.remove_schedule(shop, user=cron_user) is False
    assert read_crontab(cron_user) == left
    assert schedule.remove_schedule(demo, user=cron_user) is True
    assert read_crontab(cron_user) == FOREIGN


def test_no_crontab_is_an_empty_one(cron_user: str, recorder: tuple[str, Path],
                                    tmp_path: Path) -> None:
    exe, _ = recorder
    home = _home(tmp_path, "store")
    assert read_crontab(cron_user) == b""
    status = schedule.schedule_status(home, user=cron_user)
    assert not status.installed and status.every_minutes is None
    assert "Not installed" in status.sentence()
    assert schedule.remove_schedule(home, user=cron_user) is False
    schedule.install_schedule(home, every_minutes=59, executable=exe, user=cron_user)
    lines = _lines(read_crontab(cron_user))
    assert len(lines) == 2 and lines[0] == MARKER + str(home)
    assert lines[1].startswith("*/59 * * * * ")
    assert "every 59 minutes" in schedule.schedule_status(home, user=cron_user).sentence()
    assert schedule.remove_schedule(home, user=cron_user) is True
    assert read_crontab(cron_user) == b""


def test_a_marker_without_its_line_goes_alone(cron_user: str, tmp_path: Path) -> None:
    """The merchant deleted our line by hand but left the comment: the next line is theirs."""
    home = _home(tmp_path, "store")
    content = (MARKER + str(home) + "\n").encode() + FOREIGN
    write_crontab(cron_user, content)
    assert not schedule.schedule_status(home, user=cron_user).installed
    assert schedule.remove_schedule(home, user=cron_user) is True
    assert read_crontab(cron_user) == FOREIGN


def test_crontab_refusing_is_an_environment_problem(tmp_path: Path) -> None:
    with throwaway_cron_user() as user:
        pass   # the user is gone now: crontab -u refuses it
    with pytest.raises(EnvironmentProblem, match="Could not read your crontab"):
        schedule.schedule_status(tmp_path, user=user)


def test_missing_crontab_command_says_so_plainly(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    if schedule.current_os() != "linux":
        pytest.skip("cron is the Linux scheduler")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))   # a computer without cron installed
    with pytest.raises(EnvironmentProblem) as caught:
        schedule.install_schedule(tmp_path / "store", user="nobody")
    assert "'crontab' command is not available" in str(caught.value)
    assert "apt install cron" in str(caught.value)


def test_a_line_break_in_the_home_cannot_go_into_cron(tmp_path: Path) -> None:
    if schedule.current_os() != "linux":
        pytest.skip("cron is the Linux scheduler")
    with pytest.raises(InputError, match="line break"):
        schedule.install_schedule(tmp_path / "two\nlines", user="nobody")


def test_launchd_and_schtasks_entries_are_per_home(tmp_path: Path) -> None:
    """What can be checked here of the macOS/Windows entries: the text, per home."""
    home = tmp_path / "a & <b> \"store\""
    text = schedule.launchd_plist(home, every_minutes=7, executable="/usr/bin/python3",
                                  label="com.ppdesk.send-due.abc")
    plist = plistlib.loads(text.encode())
    assert plist["Label"] == "com.ppdesk.send-due.abc" and plist["StartInterval"] == 420
    assert plist["ProgramArguments"][4] == str(home)
    argv = schedule.schtasks_argv(home, every_minutes=7, executable=r"C:\P y\python.exe",
                                  task_name="ppdesk send-due abc")
    assert argv[argv.index("/TN") + 1] == "ppdesk send-due abc"
    assert argv[argv.index("/MO") + 1] == "7"
    assert argv[-1].startswith('"C:\\P y\\python.exe" -m ppdesk --home ')


def test_percent_in_the_home_is_escaped_for_cron(tmp_path: Path) -> None:
    line = schedule.crontab_line(tmp_path / "100%", executable="/usr/bin/python3")
    assert f"--home {tmp_path}/100\\% send-due" in line
    assert os.fspath(tmp_path) in line
