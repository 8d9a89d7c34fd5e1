"""The automatic-sending switch on Outbox and Settings, on a throwaway user's real crontab;
Home's checklist shows what is truly set up (the password in the keyring, the schedule)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cron_user import read_crontab, throwaway_cron_user, write_crontab
from flow_builders import StoreBuilder
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import file_keyring  # noqa: F401

from ppdesk.core import secrets
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.home_page import HomePage
from ppdesk.ui.pages.outbox_page import OutboxPage
from ppdesk.ui.pages.settings_page import SettingsPage
from ppdesk.ui.tasks import running_tasks

MARKER = "# ppdesk send-due schedule (managed by ppdesk: change it in Settings) for home: "
FOREIGN = b"# mine\n0 1 * * * /bin/true\n"


@pytest.fixture
def cron_user(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with throwaway_cron_user() as user:
        monkeypatch.setenv("PPDESK_SCHEDULE_USER", user)   # the app manages this crontab
        yield user


def _account(shop: StoreBuilder) -> None:
    shop.settings(sending__host="smtp.example.com", sending__username="shop",
                  sending__from_address="shop@example.com",
                  sending__allow_plaintext_keyring=True,
                  store__postal_address="1 Tea Street, Leeds")


@pytest.fixture
def ready(home: Path, file_keyring: PlaintextKeyring, qapp: object) -> AppContext:  # noqa: F811
    shop = StoreBuilder(home)   # every flow Live
    _account(shop)
    secrets.store_password("smtp.example.com", "shop", "pw", allow_plaintext=True)
    return AppContext(shop.store)


def _settle(qtbot) -> None:
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)


def _pages(qtbot, ctx: AppContext) -> tuple[OutboxPage, SettingsPage]:
    outbox, settings = OutboxPage(ctx), SettingsPage(ctx)
    for page in (outbox, settings):
        qtbot.addWidget(page)
        page.show()
        page.refresh()
    _settle(qtbot)
    return outbox, settings


def test_turning_on_in_outbox_shows_in_settings_and_off_again(
        qtbot, ready: AppContext, cron_user: str) -> None:
    write_crontab(cron_user, FOREIGN)
    outbox, settings = _pages(qtbot, ready)
    for switch in (outbox.auto_send, settings.auto_send):
        assert not switch.box.isChecked() and switch.state.text().startswith("Off")
    outbox.auto_send.box.click()
    assert not outbox.auto_send.box.isChecked()        # nothing happens before confirming
    assert read_crontab(cron_user) == FOREIGN
    box = outbox.auto_send.confirm_box
    assert box is not None and "Every 5 minutes" in box.informativeText()
    assert "shop@example.com" in box.informativeText()
    outbox.auto_send.confirm_yes.click()
    _settle(qtbot)
    lines = read_crontab(cron_user).decode().splitlines()
    assert read_crontab(cron_user).startswith(FOREIGN) and len(lines) == 4
    assert lines[2] == MARKER + str(ready.store.home.resolve())
    assert lines[3].startswith("*/5 * * * * ") and " send-due " in lines[3]
    for switch in (outbox.auto_send, settings.auto_send):
        assert switch.box.isChecked()
        assert switch.state.text().startswith("On — no run yet, next about "), \
            switch.state.text()
    assert outbox.auto_send.note.text() == "Automatic sending is on."
    assert settings.every.value() == 5
    # off from Settings: the Outbox's switch follows
    settings.auto_send.box.click()
    _settle(qtbot)
    assert read_crontab(cron_user) == FOREIGN
    assert not outbox.auto_send.box.isChecked()
    assert outbox.auto_send.state.text().startswith("Off")


def test_the_advanced_interval_changes_the_installed_entry(
        qtbot, ready: AppContext, cron_user: str) -> None:
    _outbox, settings = _pages(qtbot, ready)
    assert not settings.advanced.isVisibleTo(settings)
    settings.advanced_toggle.click()
    assert settings.advanced.isVisibleTo(settings)
    assert "*/5 * * * *" in settings.schedule_text.toPlainText()
    settings.auto_send.turn_on()
    _settle(qtbot)
    settings.every.setValue(7)
    assert "*/7 * * * *" in settings.schedule_text.toPlainText()
    assert settings.apply_every.isVisibleTo(settings)
    settings.apply_every.click()
    _settle(qtbot)
    assert read_crontab(cron_user).decode().splitlines()[1].startswith("*/7 ")
    assert settings.auto_send.status.every_minutes == 7
    assert not settings.apply_every.isVisibleTo(settings)
    settings.auto_send.turn_off()
    _settle(qtbot)


def test_turning_on_with_no_live_flow_says_so_and_installs_nothing(
        qtbot, home: Path, file_keyring: PlaintextKeyring, cron_user: str) -> None:  # noqa: F811
    ctx = AppContext(StoreBuilder(home, live=False).store)
    outbox, _settings = _pages(qtbot, ctx)
    outbox.auto_send.box.click()
    assert outbox.auto_send.confirm_box is None
    note = outbox.auto_send.note.text()
    assert note.startswith("Not turned on. No flow is Live yet")
    assert "No email account is set up yet" in note
    assert not outbox.auto_send.box.isChecked() and read_crontab(cron_user) == b""


def test_a_refusing_crontab_is_said_next_to_the_switch(
        qtbot, ready: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    with throwaway_cron_user() as user:
        pass   # deleted: crontab -u refuses this user, as it would a user cron is denied to
    monkeypatch.setenv("PPDESK_SCHEDULE_USER", user)
    _outbox, settings = _pages(qtbot, ready)
    assert settings.auto_send.state.text().startswith(
        "Could not check automatic sending: Could not read your crontab")
    settings.auto_send.turn_on()
    _settle(qtbot)
    assert settings.auto_send.note.text().startswith("Could not read your crontab")
    assert not settings.auto_send.box.isChecked()


def _checklist(qtbot, ctx: AppContext) -> dict[str, bool]:
    page = HomePage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    _settle(qtbot)
    return dict(page.checklist)


def test_home_ticks_the_email_account_only_with_a_saved_password(
        qtbot, home: Path, file_keyring: PlaintextKeyring, cron_user: str) -> None:  # noqa: F811
    shop = StoreBuilder(home)
    _account(shop)                      # server, user and sender set, no password saved
    ctx = AppContext(shop.store)
    steps = _checklist(qtbot, ctx)
    assert steps["Connect your email account"] is False
    assert steps["Send automatically"] is False
    secrets.store_password("smtp.example.com", "shop", "pw", allow_plaintext=True)
    from ppdesk.core.schedule_switch import turn_on

    turn_on(shop.store, user=cron_user)
    steps = _checklist(qtbot, ctx)
    assert steps["Connect your email account"] is True
    assert steps["Send automatically"] is True
