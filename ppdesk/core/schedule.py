"""Running ``ppdesk send-due`` on a schedule when the app is closed: the OS entry's text.

``send-due`` plans, then sends what is due; it is safe to run every few minutes
(one sender at a time through the store's lock, quiet hours and caps respected,
nothing sent twice). This module only *produces* the entry for each OS; the app's
Settings page installs or removes it, and ``ppdesk flows schedule`` prints it:

- Linux (cron): a crontab line (``crontab -e`` and paste it);
- macOS (launchd): a LaunchAgent plist for ``~/Library/LaunchAgents`` (loaded with
  ``launchctl load``);
- Windows (Task Scheduler): a ``schtasks /Create`` command.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

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
    # cron mails any output; ppdesk writes its own log in the home, so output is dropped
    return f"*/{minutes} * * * * {command} >/dev/null 2>&1"


def launchd_plist(home: Path, *, every_minutes: int = 5, executable: str | None = None) -> str:
    args = "\n".join(f"        <string>{escape(a)}</string>"
                     for a in send_due_argv(home, executable))
    seconds = max(60, int(every_minutes) * 60)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>{LABEL}</string>
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


def schtasks_argv(home: Path, *, every_minutes: int = 5,
                  executable: str | None = None) -> list[str]:
    command = subprocess.list2cmdline(send_due_argv(home, executable))
    return ["schtasks", "/Create", "/F", "/SC", "MINUTE", "/MO", str(max(1, int(every_minutes))),
            "/TN", TASK_NAME, "/TR", command]


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
