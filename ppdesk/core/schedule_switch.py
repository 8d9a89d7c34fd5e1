"""The one switch "Send automatically while this computer is on": what it shows, what it does.

The Outbox and Settings pages show the same switch and ``ppdesk flows schedule
--status`` the same facts, so they are worked out here, once: whether this home's
OS entry (``core.schedule``) is installed and how often it runs, the last
``send-due`` run as recorded in the store (``core.schedule_runs``), when the next
one is due, and what would make turning it on pointless (no Live flow, no email
account or no saved password). ``turn_on``/``turn_off`` install and remove the entry.

The next run: cron starts ``*/N`` jobs at the minutes of the hour divisible by N
in the computer's own clock, so that time is exact; launchd and Task Scheduler
count N minutes from when they started, so it is the last run plus N minutes
(an estimate, said as "about").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from ppdesk.core import schedule
from ppdesk.core.errors import EnvironmentProblem, InputError
from ppdesk.core.schedule_runs import RunReport
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store
from ppdesk.core.store import runs_queries as rq

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"   # as core.flows.clock writes it (not imported: pandas)
DEFAULT_MINUTES = 5


@dataclass(frozen=True)
class SwitchStatus:
    """Everything the switch shows; times are UTC text, ``words`` puts them in the store's zone."""

    on: bool
    every_minutes: int | None
    where: str = ""
    command: str | None = None
    last_run: RunReport | None = None
    next_run_at: str | None = None
    #: the schedule could not be read (no crontab command, cron refused): why, in words
    problem: str | None = None
    #: why turning it on would send nothing (empty: ready)
    blockers: tuple[str, ...] = ()

    @property
    def last_error(self) -> str | None:
        """The last run's failure in words, or None when it went well (or never ran)."""
        run = self.last_run
        if run is None or run.finished_at is None or run.ok:
            return None
        return run.error or "it stopped without saying why"

    def words(self, time_zone: str, now: dt.datetime | None = None) -> str:
        """One line for the switch: "On — last run 14:05 (3 sent), next about 14:15"."""
        from ppdesk.core.errors import for_window

        if self.problem:
            return f"Could not check automatic sending: {for_window(self.problem)}"
        if not self.on:
            return "Off: emails go out only when you press Send now on the Outbox page."
        now = now or dt.datetime.now(dt.UTC)
        nxt = (f"next about {_clock(self.next_run_at, time_zone, now)}" if self.next_run_at
               else f"next within {self.every_minutes or DEFAULT_MINUTES} minutes")
        run = self.last_run
        if self.last_error is not None:
            when = _clock(run.started_at if run else None, time_zone, now)
            return f"Last run failed: {for_window(self.last_error)} ({when}; still on, {nxt})"
        if run is None:
            return f"On — no run yet, {nxt}"
        when = _clock(run.started_at, time_zone, now)
        if run.finished_at is None:
            return f"On — the run of {when} has not finished, {nxt}"
        failed = f", {run.failed} failed" if run.failed else ""
        return f"On — last run {when} ({run.sent} sent{failed}), {nxt}"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["last_run"] = self.last_run.to_json() if self.last_run else None
        out["blockers"] = list(self.blockers)
        out["last_error"] = self.last_error
        return out


def _clock(utc_text: str | None, time_zone: str, now: dt.datetime) -> str:
    """"14:05" today in the store's zone, "3 Mar 14:05" another day."""
    from ppdesk.core.local_time import store_zone

    if not utc_text:
        return "?"
    try:
        moment = dt.datetime.strptime(utc_text, UTC_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return utc_text
    zone = store_zone(time_zone)
    local, today = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    return f"{local.day} {local.strftime('%b %H:%M')}"


def account_problem(settings: Settings) -> str | None:
    """Why the email account cannot send yet, or None when it can.

    Ready means a server and a From address, and, when the account logs in, its
    password really in the keyring (the setting alone is not enough: a password
    that was never saved is the usual reason a schedule sends nothing).
    """
    s = settings.sending
    if not s.host.strip() or not s.from_address.strip():
        return ("No email account is set up yet: fill in Settings > Email account "
                "(server and Send from) first.")
    if not s.username.strip():
        return None   # a server that takes mail without a login
    from ppdesk.core import secrets  # keyring: loaded only when someone asks

    try:
        saved = secrets.get_password(s.host, s.username,
                                     allow_plaintext=s.allow_plaintext_keyring)
    except EnvironmentProblem as exc:
        return str(exc)
    if not saved:
        return (f"No password is saved for {s.username} at {s.host}: enter it under "
                "Settings > Email account and press Save.")
    return None


def blockers(store: Store, settings: Settings | None = None) -> tuple[str, ...]:
    """What would make automatic sending send nothing, in plain words (empty: ready)."""
    from ppdesk.core.flows.states import live_flows  # pandas: not at import

    settings = settings or load_settings(store)
    out: list[str] = []
    if not live_flows(store):
        out.append("No flow is Live yet, so nothing would be sent: make a flow Live on the "
                   "Flows page first.")
    problem = account_problem(settings)
    if problem:
        out.append(problem)
    return tuple(out)


def last_send_run(store: Store) -> RunReport | None:
    conn = store.connect()
    try:
        rows = rq.latest(conn, "send-due", 1)
    finally:
        conn.close()
    return next((RunReport(r.kind, r.started_at, r.finished_at, r.ok, r.sent, r.failed, r.error)
                 for r in rows), None)


def next_run(os_name: str, every_minutes: int, last_started: str | None,
             now: dt.datetime) -> str | None:
    """UTC text of the next run after ``now`` (see the module doc); None when unknown."""
    every = max(1, min(59, int(every_minutes)))
    if os_name == "linux":
        local = now.astimezone().replace(second=0, microsecond=0)   # cron's clock: the computer's
        candidate = local + dt.timedelta(minutes=1)
        while candidate.minute % every:
            candidate += dt.timedelta(minutes=1)
        return candidate.astimezone(dt.UTC).strftime(UTC_FORMAT)
    if not last_started:
        return None
    try:
        moment = dt.datetime.strptime(last_started, UTC_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    step = dt.timedelta(minutes=every)
    if moment + step <= now:   # asleep or off meanwhile: the next tick is not knowable
        return None
    return (moment + step).strftime(UTC_FORMAT)


def switch_status(store: Store, *, user: str | None = None,
                  now: dt.datetime | None = None) -> SwitchStatus:
    """The switch's state for ``store``'s home on this computer (reads only)."""
    now = now or dt.datetime.now(dt.UTC)
    run = last_send_run(store)
    ready = blockers(store)
    try:
        entry = schedule.schedule_status(store.home, user=user)
    except (EnvironmentProblem, InputError) as exc:
        return SwitchStatus(False, None, last_run=run, problem=str(exc), blockers=ready)
    every = entry.every_minutes or DEFAULT_MINUTES
    upcoming = (next_run(entry.os, every, run.started_at if run else None, now)
                if entry.installed else None)
    return SwitchStatus(entry.installed, entry.every_minutes, entry.where, entry.command,
                        run, upcoming, None, ready)


def turn_on(store: Store, *, every_minutes: int = DEFAULT_MINUTES, user: str | None = None,
            executable: str | None = None) -> SwitchStatus:
    """Install this home's entry (replacing an old one) unless it would send nothing.

    Raises ``InputError`` naming what is missing (nothing is installed then), and
    ``EnvironmentProblem`` when the OS tool is missing or refuses.
    """
    missing = blockers(store)
    if missing:
        raise InputError(" ".join(missing))
    schedule.install_schedule(store.home, every_minutes=every_minutes, executable=executable,
                              user=user)
    return switch_status(store, user=user)


def turn_off(store: Store, *, user: str | None = None) -> SwitchStatus:
    """Remove this home's entry (nothing installed is fine too)."""
    schedule.remove_schedule(store.home, user=user)
    return switch_status(store, user=user)
