"""Flows page: Draft -> Live (after its summary) -> Paused; the editor previews, errors show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flow_builders import StoreBuilder, utc_minutes
from page_helpers import show_page
from PySide6.QtWidgets import QMessageBox
from store_snapshot import snapshot

from ppdesk.core.flows import states
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.flows_page import FLOWS, FlowsPage
from ppdesk.ui.tasks import running_tasks


def _page(qtbot, ctx: AppContext, size: tuple[int, int] = (1200, 800)) -> FlowsPage:
    page = FlowsPage(ctx)
    return show_page(qtbot, page, size, ready=lambda: page.last_plan is not None)


def _planned(page: FlowsPage) -> dict[str, int]:
    frame = page.plan_model.frame
    return dict(zip(frame["flow"], frame["planned"], strict=True))


def test_draft_then_live_then_paused(qtbot, home: Path, qapp: object) -> None:
    """ann and bob ordered 3 days ago (their 48-hour cross-sell is a day overdue), cy an hour
    ago (due in 47 hours: later than the next 24); no quiet hours, no holdout."""
    shop = StoreBuilder(home, live=False)
    for key in "abcd":
        shop.product(key)
    shop.bulk_orders([(f"old{i}@example.org", utc_minutes(-dt.timedelta(days=40 - i)),
                       ["a", "b", "c"]) for i in range(12)])
    shop.bulk_orders([(f"dee{i}@example.org", utc_minutes(-dt.timedelta(days=40 - i)), ["d"])
                      for i in range(20)])             # so that a with b, c has lift > 1
    shop.settings(holdout_share=0.0, review_enabled=False, loyalty_enabled=False,
                  replenishment_enabled=False, quiet_start_hour=0, quiet_end_hour=0,
                  analytics__min_orders_together=3)
    for email in ("ann@example.org", "bob@example.org"):
        shop.order(email, utc_minutes(-dt.timedelta(days=3)), ["a"])
    shop.order("cy@example.org", utc_minutes(-dt.timedelta(hours=1)), ["a"])
    ctx = AppContext(shop.store)
    before = snapshot(shop.store)
    page = _page(qtbot, ctx)
    cross = FLOWS["cross_sell"]
    assert page.state_labels["cross_sell"].text() == "<b>Draft</b>"
    assert page.state_buttons["cross_sell"].text() == "Make Live…"
    assert _planned(page)[cross] == 3           # the preview: what it would send if Live
    assert snapshot(shop.store) == before       # ... computed without writing

    page.state_buttons["cross_sell"].click()
    qtbot.waitUntil(lambda: page.live_box is not None, timeout=60000)
    box = page.live_box
    assert box.text() == "Make “Cross-sell after 48 hours” Live?"
    assert ("0 emails in the next 24 hours, 1 later; 2 are overdue (their time has passed): "
            "skip them or send them.") in box.informativeText()
    assert snapshot(shop.store) == before       # asking is not deciding
    skip = next(b for b in box.buttons() if b.text() == "Go Live, skip the overdue")
    skip.click()
    qtbot.waitUntil(lambda: page.state_labels["cross_sell"].text() == "<b>Live</b>"
                    and not running_tasks(), timeout=60000)
    rows = dict(zip(shop.outbox()["email"], shop.outbox()["state"], strict=True))
    assert rows == {"ann@example.org": "cancelled", "bob@example.org": "cancelled",
                    "cy@example.org": "planned"}
    assert page.state_buttons["cross_sell"].text() == "Pause"
    assert "1 planned (0 in the next 24 hours, 0 overdue)" in page.figure_labels[
        "cross_sell"].text()
    assert any("Skipped 2 overdue (not sent late)" in t for t in page.messages.texts())
    assert page.state_labels["review"].text() == "<b>Draft</b>"

    kept = shop.outbox()
    page.state_buttons["cross_sell"].click()
    qtbot.waitUntil(lambda: page.state_labels["cross_sell"].text() == "<b>Paused</b>"
                    and not running_tasks(), timeout=60000)
    assert states.load_states(shop.store)["cross_sell"] == "paused"
    assert shop.outbox().equals(kept)           # paused keeps its planned email
    assert page.state_buttons["cross_sell"].text() == "Resume…"
    page.state_buttons["cross_sell"].click()
    qtbot.waitUntil(lambda: page.live_box is not None, timeout=60000)
    assert page.live_box.text() == "Resume “Cross-sell after 48 hours”?"
    assert [b.text() for b in page.live_box.buttons() if b.text() != "Cancel"] == ["Go Live"]
    page.live_box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    assert states.load_states(shop.store)["cross_sell"] == "paused"


def test_template_code_under_advanced_previews_and_shows_errors_at_their_line(
        qtbot, demo_ctx: AppContext) -> None:
    page = _page(qtbot, demo_ctx)
    words = page.open_editor()
    qtbot.waitUntil(lambda: words.last_email is not None and not running_tasks(),
                    timeout=60000)
    words.tabs.setCurrentIndex(1)                    # "Advanced: template code"
    assert words.tabs.tabText(1) == "Advanced: template code"
    assert words.advanced is not None
    editor = words.advanced.editor
    qtbot.waitUntil(lambda: editor.context is not None and not running_tasks(), timeout=60000)
    qtbot.waitUntil(lambda: bool(editor.subject_preview.text()), timeout=30000)
    customer = editor.context["customer"]
    first_name = customer["first_name"] if isinstance(customer, dict) else customer.first_name
    assert first_name and first_name in editor.text_preview.toPlainText()
    good_html = editor.html.toPlainText()
    lines = good_html.splitlines()
    broken = "\n".join(lines[:2] + ["{% if %}"] + lines[2:])
    with qtbot.waitSignal(editor.rendered, timeout=30000) as blocker:
        editor.html.setPlainText(broken)
    assert blocker.args == [False]
    assert "line 3" in editor.problem.text()
    selections = editor.html.extraSelections()
    assert len(selections) == 1 and selections[0].cursor.blockNumber() == 2
    shown = editor.text_preview.toPlainText()
    with qtbot.waitSignal(editor.rendered, timeout=30000) as blocker:
        editor.html.setPlainText(good_html.replace("<p", "<p data-edited='1'", 1))
    assert blocker.args == [True]
    assert editor.problem.text() == ""
    assert editor.text_preview.toPlainText() == shown
    assert "data-edited" in editor.html_preview.html()
    assert words.advanced.is_dirty()
    page.shutdown()


def test_the_flow_rows_show_at_1280_by_720(qtbot, demo_ctx: AppContext) -> None:
    """Every flow's row (its name, state and button) and the plan table's rows are inside
    the visible part of the page in a 1280x720 window (the sidebar takes 210 px)."""
    page = _page(qtbot, demo_ctx, (1280 - 210, 720 - 50))   # less the window's menu and status bar
    qtbot.wait(50)
    visible = page.rect()
    for key in FLOWS:
        button = page.state_buttons[key]
        assert button.isVisible()
        corner = button.mapTo(page, button.rect().bottomRight())
        assert visible.contains(corner), (key, corner)
        assert not button.visibleRegion().isEmpty(), key     # not scrolled out of view
    view = page.plan_table.view
    last = view.visualRect(view.model().index(len(FLOWS) - 1, 0))
    assert view.viewport().rect().contains(last), last      # all four plan rows shown


def test_the_reasons_read_whole_at_1280_by_720(qtbot, demo_ctx: AppContext) -> None:
    """A reason names the email that comes first and the cap ("the Reorder reminder of
    2026-12-06 comes first (at most 1 email every 3 days per customer)"): too long for one
    line beside the flow and count, so the rows wrap and it reads to its end."""
    page = _page(qtbot, demo_ctx, (1280 - 210, 720 - 50))
    qtbot.wait(50)
    panel, frame = page.skip_table, page.skip_model.frame
    column = next(i for i, c in enumerate(page.skip_model.columns) if c.key == "reason")
    longest = max(frame["reason"].astype(str), key=len)
    metrics = panel.view.fontMetrics()
    width = panel.view.columnWidth(column)
    assert metrics.horizontalAdvance(longest) > width      # one line would cut it
    assert panel.wrapped and panel.view.wordWrap()
    # two lines hold it: word wrap breaks before a word, so leave a word's room per line
    words = max(metrics.horizontalAdvance(w + " ") for w in longest.split())
    assert metrics.horizontalAdvance(longest) <= 2 * (width - words), (longest, width)
