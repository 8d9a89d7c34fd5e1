"""Settings: the deliverability button looks up the sender domain and shows one line per check."""

from __future__ import annotations

from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.settings_page import SettingsPage
from ppdesk.ui.tasks import running_tasks


def test_checklist_shows_spf_dkim_dmarc_lines(qtbot, empty_ctx: AppContext) -> None:
    page = SettingsPage(empty_ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    page.dns_button.click()
    assert page.dns_result.text() == "Fill in 'Send from' first."
    page.form.widget("sending", "from_address").setText("shop@ppdesk-test.invalid")  # type: ignore[attr-defined]
    page.dns_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    lines = page.dns_result.text().splitlines()
    # .invalid never resolves (RFC 2606): missing when DNS answers, 'could not check' offline
    assert [ln.split()[0] for ln in lines] == ["SPF", "DKIM", "DMARC"]
    assert all(("missing" in ln) or ("could not check" in ln) for ln in lines), lines
    page.shutdown()
