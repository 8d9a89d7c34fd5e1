"""Running ``ppdesk send-due`` on a schedule when the app is closed: the OS entry, installed.

``send-due`` plans, then sends what is due; it is safe to run every few minutes
(one sender at a time through the store's lock, quiet hours and caps respected,
nothing sent twice). This module produces the entry for each OS (``ppdesk flows
schedule`` prints it, the Settings page shows it with a Copy button) and installs,
inspects and removes it (the Settings page's Install/Remove buttons, ``ppdesk
flows schedule --install/--remove/--status``):

- Linux (cron): one line in the user's crontab, through the real ``crontab -l`` /
  ``crontab -`` commands. A comment line naming the home folder sits just above
  it, so several homes can each have their entry and only this home's is replaced
  or removed; every other line is written back byte for byte.
- macOS (launchd): a LaunchAgent plist in ``~/Library/LaunchAgents`` (one label per
  home) loaded with ``launchctl load -w``. Not exercised by the tests (no macOS here).
- Windows (Task Scheduler): ``schtasks /Create /SC MINUTE /MO N /TN .. /TR .. /F``,
  one task name per home, removed with ``schtasks /Delete /F``. Not exercised by the
  tests (no Windows here).
"""

from __future__ import annotations

import hashlib
import os
import plistlib
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, unescape

from ppdesk.core.errors import EnvironmentProblem, InputError

LABEL = "com.ppdesk.send-due"
TASK_NAME = "ppdesk send-due"


@dataclass(frozen=True)
class ScheduleEntry:
    os: str
    text: str            # what to paste / the file content / the command line
    instructions: str
    argv: list[str]      # the send-due command itself


def current_os() -> str:
    if sys.platform == "win32":
        return "windows"
    return "macos" if sys.platform == "darwin" else "linux"


def send_due_argv(home: Path, executable: str | None = None) -> list[str]:
    """The command that runs send-due for this home (the frozen app runs itself)."""
    exe = executable or sys.executable
    if getattr(sys, "frozen", False):
        return [exe, "--home", str(home), "send-due"]
    return [exe, "-m", "ppdesk", "--home", str(home), "send-due"]


def crontab_line(home: Path, *, every_minutes: int = 5, executable: str | None = None) -> str:
    minutes = max(1, min(59, int(every_minutes)))
    command = " ".join(shlex.quote(a) for a in send_due_argv(home, executable))
    # cron turns an unescaped % into a line break before the shell sees the command
    command = command.replace("%", "\\%")
    # cron starts jobs outside the desktop session, where the Secret Service keyring that
    # holds the SMTP password is reached over the session bus: point the job at the
    # user's bus (systemd's standard address) unless cron already provides one.
    bus = 'DBUS_SESSION_BUS_ADDRESS="${DBUS_SESSION_BUS_ADDRESS:-unix:path=/run/user/$(id -u)/bus}"'
    # cron mails any output; ppdesk writes its own log in the home, so output is dropped
    return f"*/{minutes} * * * * env {bus} {command} >/dev/null 2>&1"


def launchd_plist(home: Path, *, every_minutes: int = 5, executable: str | None = None,
                  label: str = LABEL) -> str:
    args = "\n".join(f"        <string>{escape(a)}</string>"
                     for a in send_due_argv(home, executable))
    seconds = max(60, int(every_minutes) * 60)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>{escape(label)}</string>
    <key>ProgramArguments</key>
    <array>
{args}
    </array>
    <key>StartInterval</key>
    <integer>{seconds}</integer>
    <key>RunAtLoad</key>
    <true/>
</dict>
</plist>
"""


def schtasks_argv(home: Path, *, every_minutes: int = 5, executable: str | None = None,
                  task_name: str = TASK_NAME) -> list[str]:
    command = subprocess.list2cmdline(send_due_argv(home, executable))
    return ["schtasks", "/Create", "/F", "/SC", "MINUTE", "/MO", str(max(1, int(every_minutes))),
            "/TN", task_name, "/TR", command]


def entry_for(os_name: str, home: Path, *, every_minutes: int = 5,
              executable: str | None = None) -> ScheduleEntry:
    argv = send_due_argv(home, executable)
    if os_name == "windows":
        cmd = schtasks_argv(home, every_minutes=every_minutes, executable=executable)
        return ScheduleEntry("windows", subprocess.list2cmdline(cmd),
                             "Run this in a Command Prompt to send due emails every "
                             f"{every_minutes} minutes (remove: schtasks /Delete /TN "
                             f"\"{TASK_NAME}\" /F):", argv)
    if os_name == "macos":
        return ScheduleEntry("macos", launchd_plist(home, every_minutes=every_minutes,
                                                    executable=executable),
                             f"Save as ~/Library/LaunchAgents/{LABEL}.plist, then run "
                             f"'launchctl load ~/Library/LaunchAgents/{LABEL}.plist' "
                             "(remove: launchctl unload the same file and delete it):", argv)
    return ScheduleEntry("linux", crontab_line(home, every_minutes=every_minutes,
                                               executable=executable),
                         "Add this line with 'crontab -e' to send due emails every "
                         f"{every_minutes} minutes (remove: delete the line):", argv)


# -- installing, inspecting and removing the entry ---------------------------------------------

#: for the tests only: when set, the CLI and the Settings page manage this user's crontab
#: (``crontab -u USER``, as root) instead of the current user's, so tests never touch a real one
USER_ENV = "PPDESK_SCHEDULE_USER"

#: the comment line above this home's crontab line; the home is last so the match is exact
CRON_MARKER = "# ppdesk send-due schedule (managed by ppdesk: change it in Settings) for home: "
_DROP_OUTPUT = " >/dev/null 2>&1"


@dataclass(frozen=True)
class ScheduleStatus:
    """Whether this home's background schedule is installed, what it runs and how often."""

    os: str
    installed: bool
    every_minutes: int | None = None
    command: str | None = None   # the command line as the OS entry holds it
    where: str = ""              # "your crontab", the plist's path, the task's name

    def sentence(self) -> str:
        if not self.installed:
            return ("Not installed: emails go out only while ppdesk is open (or run "
                    "'ppdesk send-due').")
        often = (f"every {self.every_minutes} minutes" if self.every_minutes
                 else "on a schedule")
        return f"Installed ({self.where}): sends due emails {often}."

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def target_user() -> str | None:
    """The crontab user the tests asked for through ``PPDESK_SCHEDULE_USER`` (else None)."""
    return os.environ.get(USER_ENV) or None


def _resolved(home: Path | str) -> Path:
    return Path(home).expanduser().resolve()


def _short_id(home: Path) -> str:
    """A stable id per home, so several homes get separate launchd labels and task names."""
    return hashlib.sha256(os.fsencode(str(home))).hexdigest()[:12]


def _run(argv: list[str], *, input: bytes | None = None,
         what: str = "install the background schedule") -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which(argv[0])
    if exe is None:
        hint = (" Install your system's cron package (on Debian or Ubuntu: "
                "'sudo apt install cron'), or use the Copy button and schedule "
                "'ppdesk send-due' another way." if argv[0] == "crontab" else "")
        raise EnvironmentProblem(f"The '{argv[0]}' command is not available on this computer, "
                                 f"so ppdesk cannot {what}.{hint}")
    try:
        # LC_ALL=C: the messages we recognise ("no crontab for") are the untranslated ones
        return subprocess.run([exe, *argv[1:]], input=input, capture_output=True, timeout=60,
                              env={**os.environ, "LC_ALL": "C"}, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentProblem(f"Could not run '{argv[0]}' to {what}: {exc}.") from exc


def _failure(done: subprocess.CompletedProcess[bytes], doing: str) -> EnvironmentProblem:
    said = (done.stderr or done.stdout).decode(errors="replace").strip()
    return EnvironmentProblem(f"Could not {doing}: {said or f'exit code {done.returncode}'}.")


# -- Linux: the user's crontab -----------------------------------------------------------------

def _crontab_argv(user: str | None, *args: str) -> list[str]:
    return ["crontab", *(["-u", user] if user else []), *args]


def _read_crontab(user: str | None) -> bytes:
    done = _run(_crontab_argv(user, "-l"), what="read your crontab")
    if done.returncode == 0:
        return done.stdout
    if b"no crontab for" in done.stderr.lower():
        return b""   # a user who never had a crontab has an empty one
    raise _failure(done, "read your crontab")


def _write_crontab(content: bytes, user: str | None) -> None:
    done = _run(_crontab_argv(user, "-"), input=content, what="save your crontab")
    if done.returncode != 0:
        raise _failure(done, "save your crontab")


def _split_crontab(content: bytes, home: Path) -> tuple[list[bytes], int | None, bytes | None]:
    """The crontab's lines without this home's marked entries, where the first was, its line.

    Lines keep their own endings so foreign lines are written back byte for byte. A
    marker whose next line is not a send-due command (edited by hand) goes alone.
    """
    marker = os.fsencode(CRON_MARKER + str(home))
    lines = content.splitlines(keepends=True)
    kept: list[bytes] = []
    position: int | None = None
    entry: bytes | None = None
    i = 0
    while i < len(lines):
        if lines[i].rstrip(b"\r\n") != marker:
            kept.append(lines[i])
            i += 1
            continue
        position = len(kept) if position is None else position
        following = lines[i + 1] if i + 1 < len(lines) else b""
        if b"send-due" in following and not following.lstrip().startswith(b"#"):
            entry = entry or following.rstrip(b"\r\n")
            i += 2
        else:
            i += 1
    return kept, position, entry


def _cron_status(home: Path, user: str | None) -> ScheduleStatus:
    _, _, entry = _split_crontab(_read_crontab(user), home)
    where = f"the crontab of user {user}" if user else "your crontab"
    if entry is None:
        return ScheduleStatus("linux", False, where=where)
    fields = os.fsdecode(entry).split(None, 5)
    every = None
    if fields and re.fullmatch(r"\*/\d+", fields[0]):
        every = int(fields[0][2:])
    command = fields[5] if len(fields) == 6 else os.fsdecode(entry)
    command = command.removesuffix(_DROP_OUTPUT).replace("\\%", "%")
    return ScheduleStatus("linux", True, every, command, where)


def _cron_install(home: Path, every_minutes: int, executable: str | None,
                  user: str | None) -> None:
    if "\n" in str(home) or "\r" in str(home):
        raise InputError("the store folder's name contains a line break, which cron cannot "
                         "run; rename the folder", file=str(home))
    kept, position, _ = _split_crontab(_read_crontab(user), home)
    ours = [os.fsencode(CRON_MARKER + str(home)) + b"\n",
            os.fsencode(crontab_line(home, every_minutes=every_minutes,
                                     executable=executable)) + b"\n"]
    at = len(kept) if position is None else position   # a reinstall stays where it was
    if at > 0 and not kept[at - 1].endswith((b"\n", b"\r")):
        kept[at - 1] += b"\n"   # cron needs each line ended; only a missing final newline
    _write_crontab(b"".join(kept[:at] + ours + kept[at:]), user)


def _cron_remove(home: Path, user: str | None) -> bool:
    content = _read_crontab(user)
    kept, _, _ = _split_crontab(content, home)
    rest = b"".join(kept)
    if rest == content:
        return False
    _write_crontab(rest, user)
    return True


# -- macOS: a LaunchAgent (untested here: no macOS in CI) --------------------------------------

def _agent(home: Path) -> tuple[str, Path]:
    label = f"{LABEL}.{_short_id(home)}"
    return label, Path.home() / "Library" / "LaunchAgents" / f"{label}.plist"


def _launchd_status(home: Path) -> ScheduleStatus:
    _, path = _agent(home)
    if not path.exists():
        return ScheduleStatus("macos", False, where=str(path))
    try:
        data = plistlib.loads(path.read_bytes())
    except (OSError, plistlib.InvalidFileException, ValueError):
        return ScheduleStatus("macos", True, where=str(path))
    seconds = data.get("StartInterval")
    every = int(seconds) // 60 if isinstance(seconds, int) else None
    args = data.get("ProgramArguments")
    command = shlex.join(str(a) for a in args) if isinstance(args, list) else None
    return ScheduleStatus("macos", True, every, command, str(path))


def _launchd_install(home: Path, every_minutes: int, executable: str | None) -> None:
    label, path = _agent(home)
    text = launchd_plist(home, every_minutes=every_minutes, executable=executable, label=label)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():   # launchd keeps the old job until it is unloaded
            _run(["launchctl", "unload", str(path)])
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise EnvironmentProblem(f"Could not write {path}: {exc.strerror or exc}.") from exc
    done = _run(["launchctl", "load", "-w", str(path)])
    if done.returncode != 0:
        raise _failure(done, "load the schedule with launchctl")


def _launchd_remove(home: Path) -> bool:
    _, path = _agent(home)
    if not path.exists():
        return False
    _run(["launchctl", "unload", "-w", str(path)], what="remove the background schedule")
    try:
        path.unlink()
    except OSError as exc:
        raise EnvironmentProblem(f"Could not delete {path}: {exc.strerror or exc}.") from exc
    return True


# -- Windows: a Task Scheduler task (untested here: no Windows in CI) --------------------------

def _task_name(home: Path) -> str:
    return f"{TASK_NAME} {_short_id(home)}"


def _schtasks_status(home: Path) -> ScheduleStatus:
    name = _task_name(home)
    done = _run(["schtasks", "/Query", "/TN", name, "/XML"], what="check the background schedule")
    if done.returncode != 0:
        return ScheduleStatus("windows", False, where=name)
    raw = done.stdout
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    xml = raw.decode("utf-16") if utf16 else raw.decode("utf-8", errors="replace")
    interval = re.search(r"<Interval>PT(\d+)M</Interval>", xml)
    exe = re.search(r"<Command>(.*?)</Command>", xml, re.S)
    args = re.search(r"<Arguments>(.*?)</Arguments>", xml, re.S)
    command = " ".join(unescape(m.group(1)) for m in (exe, args) if m) or None
    return ScheduleStatus("windows", True, int(interval.group(1)) if interval else None,
                          command, name)


def _schtasks_install(home: Path, every_minutes: int, executable: str | None) -> None:
    # schtasks_argv quotes each argument for the Windows command line (list2cmdline)
    argv = schtasks_argv(home, every_minutes=every_minutes, executable=executable,
                         task_name=_task_name(home))
    done = _run(argv)
    if done.returncode != 0:
        raise _failure(done, "create the scheduled task")


def _schtasks_remove(home: Path) -> bool:
    if not _schtasks_status(home).installed:
        return False
    done = _run(["schtasks", "/Delete", "/TN", _task_name(home), "/F"],
                what="remove the background schedule")
    if done.returncode != 0:
        raise _failure(done, "delete the scheduled task")
    return True


# -- the public entry points --------------------------------------------------------------------

def schedule_status(home: Path | str, *, user: str | None = None) -> ScheduleStatus:
    """Whether send-due is scheduled for ``home`` on this computer, what runs and how often.

    ``user`` (Linux only) reads another user's crontab with ``crontab -u``; it exists
    for the tests, which run as root against a throwaway user, never the real one.
    """
    where = _resolved(home)
    os_name = current_os()
    if os_name == "windows":
        return _schtasks_status(where)
    if os_name == "macos":
        return _launchd_status(where)
    return _cron_status(where, user)


def install_schedule(home: Path | str, *, every_minutes: int = 5, executable: str | None = None,
                     user: str | None = None) -> ScheduleStatus:
    """Run send-due for ``home`` every ``every_minutes`` minutes; replaces this home's entry.

    Installing twice leaves one entry (the new interval/command). Other homes' entries
    and everything else in the crontab are kept. ``user``: as in :func:`schedule_status`.
    Raises ``EnvironmentProblem`` when the OS tool is missing or refuses.
    """
    where = _resolved(home)
    minutes = max(1, min(59, int(every_minutes)))
    os_name = current_os()
    if os_name == "windows":
        _schtasks_install(where, minutes, executable)
    elif os_name == "macos":
        _launchd_install(where, minutes, executable)
    else:
        _cron_install(where, minutes, executable, user)
    return schedule_status(where, user=user)


def remove_schedule(home: Path | str, *, user: str | None = None) -> bool:
    """Remove ``home``'s entry; False (and nothing changed) when there was none.

    ``user``: as in :func:`schedule_status`.
    """
    where = _resolved(home)
    os_name = current_os()
    if os_name == "windows":
        return _schtasks_remove(where)
    if os_name == "macos":
        return _launchd_remove(where)
    return _cron_remove(where, user)
