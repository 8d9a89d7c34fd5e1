"""The automatic-sending switch: its facts from the real crontab and real run records.

Crontab tests use a throwaway user's crontab (``tests/cron_user.py``). Run records are
written by ``schedule_runs.recorded_run``, as ``ppdesk send-due`` writes them. Expected
times are worked out by hand (cron's ``*/N`` minutes in the computer's clock).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cron_user import read_crontab, throwaway_cron_user, write_crontab
from flow_builders import StoreBuilder
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import file_keyring  # noqa: F401

from ppdesk.core import schedule_switch as sw
from ppdesk.core import secrets
from ppdesk.core.errors import EnvironmentProblem, InputError
from ppdesk.core.schedule_runs import recorded_run
from ppdesk.core.store import open_store

MARKER = "# ppdesk send-due schedule (managed by ppdesk: change it in Settings) for home: "


@pytest.fixture
def cron_user() -> Iterator[str]:
    with throwaway_cron_user() as user:
        yield user


@pytest.fixture
def ready(home: Path, file_keyring: PlaintextKeyring) -> StoreBuilder:  # noqa: F811
    """Every flow Live, an account with its password in the (file) keyring."""
    shop = StoreBuilder(home)
    shop.settings(sending__host="smtp.example.com", sending__username="shop",
                  sending__from_address="shop@example.com",
                  sending__allow_plaintext_keyring=True)
    secrets.store_password("smtp.example.com", "shop", "pw", allow_plaintext=True)
    return shop


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's clock at UTC+5:30 (cron counts minutes in it)."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_next_cron_run_counts_minutes_in_the_computers_clock(local_zone: None) -> None:
    now = dt.datetime(2026, 3, 14, 10, 2, 30, tzinfo=dt.UTC)   # 15:32:30 in Kolkata
    # */7: minutes 0, 7, ..., 35 local -> 15:35 local = 10:05 UTC
    assert sw.next_run("linux", 7, None, now) == "2026-03-14T10:05:00Z"
    # */5 at 15:32:30 -> 15:35 as well; exactly on a tick, the next one
    assert sw.next_run("linux", 5, None, now) == "2026-03-14T10:05:00Z"
    on_tick = dt.datetime(2026, 3, 14, 10, 5, 0, tzinfo=dt.UTC)
    assert sw.next_run("linux", 5, None, on_tick) == "2026-03-14T10:10:00Z"
    # */45 at 15:32 -> 15:45 local = 10:15 UTC
    assert sw.next_run("linux", 45, None, now) == "2026-03-14T10:15:00Z"


def test_next_run_elsewhere_is_the_last_start_plus_the_interval() -> None:
    now = dt.datetime(2026, 3, 14, 10, 2, 0, tzinfo=dt.UTC)
    assert sw.next_run("macos", 5, "2026-03-14T10:00:10Z", now) == "2026-03-14T10:05:10Z"
    assert sw.next_run("windows", 5, "2026-03-14T09:00:00Z", now) is None   # asleep since
    assert sw.next_run("windows", 5, None, now) is None


def test_blockers_name_what_is_missing(home: Path, file_keyring: PlaintextKeyring) -> None:  # noqa: F811
    shop = StoreBuilder(home, live=False)
    missing = sw.blockers(shop.store)
    assert len(missing) == 2
    assert missing[0].startswith("No flow is Live yet")
    assert missing[1].startswith("No email account is set up yet")
    shop.settings(sending__host="smtp.example.com", sending__username="shop",
                  sending__from_address="shop@example.com",
                  sending__allow_plaintext_keyring=True)
    (why,) = sw.blockers(open_store(home))[1:]
    assert why.startswith("No password is saved for shop at smtp.example.com")
    secrets.store_password("smtp.example.com", "shop", "pw", allow_plaintext=True)
    assert sw.blockers(shop.store)[1:] == ()


def test_status_shows_installed_last_and_next_run(ready: StoreBuilder, cron_user: str) -> None:
    store = ready.store
    off = sw.switch_status(store, user=cron_user)
    assert not off.on and off.last_run is None and off.blockers == ()
    assert off.words("UTC").startswith("Off")
    before = dt.datetime.now(dt.UTC)
    with recorded_run(store, "send-due") as run:
        run.finish({}, sent=3, failed=1)
    after = dt.datetime.now(dt.UTC)
    on = sw.turn_on(store, every_minutes=10, user=cron_user)
    lines = read_crontab(cron_user).decode().splitlines()
    assert lines[0] == MARKER + str(store.home.resolve()) and lines[1].startswith("*/10 ")
    assert on.on and on.every_minutes == 10 and on.last_error is None
    assert (on.last_run.sent, on.last_run.failed) == (3, 1)
    # the next run: the first minute after now divisible by 10 in the computer's clock
    local = dt.datetime.now().astimezone()
    assert on.next_run_at is not None
    nxt = dt.datetime.strptime(on.next_run_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert nxt.astimezone().minute % 10 == 0 and nxt.second == 0
    assert dt.timedelta(0) < nxt - local <= dt.timedelta(minutes=10)
    madrid = ZoneInfo("Europe/Madrid")
    started = {t.astimezone(madrid).strftime("%H:%M") for t in (before, after)}
    words = on.words("Europe/Madrid")
    assert any(words.startswith(f"On — last run {t} (3 sent, 1 failed), next about ")
               for t in started), words
    assert words.endswith(nxt.astimezone(madrid).strftime("%H:%M"))
    assert sw.switch_status(store, user=cron_user).on
    off = sw.turn_off(store, user=cron_user)
    assert not off.on and read_crontab(cron_user) == b""


def test_a_failed_run_is_the_last_error(ready: StoreBuilder, cron_user: str) -> None:
    store = ready.store
    write_crontab(cron_user, b"0 1 * * * /bin/true\n")
    sw.turn_on(store, user=cron_user)
    with pytest.raises(EnvironmentProblem), recorded_run(store, "send-due"):
        raise EnvironmentProblem("The certificate of smtp.example.com could not be verified")
    status = sw.switch_status(store, user=cron_user)
    assert status.on
    assert status.last_error == "The certificate of smtp.example.com could not be verified"
    assert status.words("UTC").startswith(
        "Last run failed: The certificate of smtp.example.com could not be verified (")
    assert status.to_json()["last_error"] == status.last_error
    # a good run afterwards clears it
    with recorded_run(store, "send-due") as run:
        run.finish({}, sent=0)
    assert sw.switch_status(store, user=cron_user).last_error is None
    sw.turn_off(store, user=cron_user)
    assert read_crontab(cron_user) == b"0 1 * * * /bin/true\n"


def test_turning_on_with_nothing_to_send_installs_nothing(home: Path, cron_user: str) -> None:
    store = StoreBuilder(home, live=False).store
    with pytest.raises(InputError, match="No flow is Live yet"):
        sw.turn_on(store, user=cron_user)
    assert read_crontab(cron_user) == b""


def test_a_refusing_crontab_is_a_problem_not_a_crash(home: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with throwaway_cron_user() as user:
        pass   # deleted: crontab -u refuses it
    status = sw.switch_status(open_store(home), user=user)
    assert not status.on and status.problem and "crontab" in status.problem
    assert status.words("UTC").startswith("Could not check automatic sending: Could not read")
