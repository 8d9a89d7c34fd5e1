"""The Settings page installs and removes the background schedule (a throwaway user's crontab)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cron_user import read_crontab, throwaway_cron_user, write_crontab

from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.settings_page import SettingsPage
from ppdesk.ui.tasks import running_tasks

MARKER = "# ppdesk send-due schedule (managed by ppdesk: change it in Settings) for home: "
FOREIGN = b"# mine\n0 1 * * * /bin/true\n"


@pytest.fixture
def cron_user(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with throwaway_cron_user() as user:
        monkeypatch.setenv("PPDESK_SCHEDULE_USER", user)   # the page manages this crontab
        yield user


def _settle(qtbot, page: SettingsPage) -> None:
    qtbot.waitUntil(lambda: not running_tasks() and not page.schedule_runner.busy,
                    timeout=30000)


def test_install_and_remove_buttons(qtbot, empty_ctx: AppContext, cron_user: str) -> None:
    write_crontab(cron_user, FOREIGN)
    page = SettingsPage(empty_ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    _settle(qtbot, page)
    assert page.schedule_state.text().startswith("Not installed")
    assert page.install_button.isEnabled() and not page.remove_button.isEnabled()
    page.every.setValue(7)
    page.install_button.click()
    _settle(qtbot, page)
    lines = read_crontab(cron_user).decode().splitlines()
    assert read_crontab(cron_user).startswith(FOREIGN) and len(lines) == 4
    assert lines[2] == MARKER + str(empty_ctx.store.home.resolve())
    assert lines[3].startswith("*/7 * * * * ") and " send-due " in lines[3]
    assert "every 7 minutes" in page.schedule_state.text()
    assert any("every 7 minutes" in t for t in page.messages.texts())
    assert page.remove_button.isEnabled() and page.install_button.text() == "Update"
    # a fresh page reads the installed interval back
    again = SettingsPage(empty_ctx)
    qtbot.addWidget(again)
    again.refresh()
    _settle(qtbot, again)
    assert again.every.value() == 7 and again.remove_button.isEnabled()
    page.remove_button.click()
    _settle(qtbot, page)
    assert read_crontab(cron_user) == FOREIGN
    assert page.schedule_state.text().startswith("Not installed")
    assert not page.remove_button.isEnabled()


def test_a_refusing_crontab_is_shown_in_plain_words(qtbot, empty_ctx: AppContext,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with throwaway_cron_user() as user:
        pass   # deleted: crontab -u refuses this user, as it would a user cron is denied to
    monkeypatch.setenv("PPDESK_SCHEDULE_USER", user)
    page = SettingsPage(empty_ctx)
    qtbot.addWidget(page)
    page.refresh()
    _settle(qtbot, page)
    assert page.schedule_state.text().startswith("Could not read your crontab")
    assert not any("crontab" in t for t in page.messages.texts())   # a check is not an alarm
    page.install_button.click()
    _settle(qtbot, page)
    assert any(t.startswith("Could not read your crontab") for t in page.messages.texts())
