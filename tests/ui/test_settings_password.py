"""Settings: the password's outcome stays under the password field until dismissed, and
the refresh the page's own Save triggers does not wipe it (issue 14: a refused password
vanished behind "Settings saved."); the merchant's platform choice is recorded."""

from __future__ import annotations

import keyring
from keyring.backends import fail
from loopback_smtp import file_keyring  # noqa: F401
from page_helpers import show_page

from ppdesk.core import secrets
from ppdesk.core.settings import load_settings
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.settings_page import SettingsPage
from ppdesk.ui.tasks import running_tasks


def _open(qtbot, ctx: AppContext) -> SettingsPage:
    return show_page(qtbot, SettingsPage(ctx))


def _save(qtbot, page: SettingsPage, password: str) -> None:
    page.host.setText("smtp.example.com")  # type: ignore[attr-defined]
    page.username.setText("me@example.com")  # type: ignore[attr-defined]
    page.password.setText(password)
    page.save_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    qtbot.waitUntil(lambda: any("Settings saved" in t for t in page.messages.texts()),
                    timeout=10000)


def test_a_refused_password_stays_said_until_dismissed(
        qtbot, empty_ctx: AppContext, file_keyring: object) -> None:  # noqa: F811
    # a plain-text keyring the merchant did not agree to: store_password refuses it
    page = _open(qtbot, empty_ctx)
    _save(qtbot, page, "pw-123")
    assert page.password_row.isVisible()
    note = page.password_note.text()
    assert "NOT saved" in note and "plain-text" in note
    assert any("password was not saved" in t for t in page.messages.texts())
    assert page.password.text() == "pw-123"            # kept, to try again
    assert secrets.get_password("smtp.example.com", "me@example.com",
                                allow_plaintext=True) is None
    # the merchant agrees to the plain-text store and saves again: now it is saved
    page.form.widget("sending", "allow_plaintext_keyring").setChecked(True)  # type: ignore[attr-defined]
    _save(qtbot, page, "pw-123")
    assert "Password saved" in page.password_note.text()
    assert not any("password was not saved" in t for t in page.messages.texts())
    assert secrets.get_password("smtp.example.com", "me@example.com",
                                allow_plaintext=True) == "pw-123"
    assert page.password.text() == ""
    page.password_dismiss.click()
    assert not page.password_row.isVisible()


def test_no_keyring_at_all_is_said_next_to_the_password(qtbot, empty_ctx: AppContext) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        page = _open(qtbot, empty_ctx)
        _save(qtbot, page, "pw-123")
        assert "NOT saved" in page.password_note.text()
        assert "No password store" in page.password_note.text()
        assert page.password_row.isVisible()
    finally:
        keyring.set_keyring(previous)


def test_picking_the_platform_is_the_merchants_choice(qtbot, empty_ctx: AppContext) -> None:
    page = _open(qtbot, empty_ctx)
    page.save_button.click()     # saving without touching it chooses nothing
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    assert load_settings(empty_ctx.store).store.platform_source == ""
    page.platform.setCurrentText("Shopify")  # type: ignore[attr-defined]
    page.platform.activated.emit(page.platform.currentIndex())  # type: ignore[attr-defined]
    page.save_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    saved = load_settings(empty_ctx.store).store
    assert (saved.platform, saved.platform_source) == ("shopify", "merchant")
