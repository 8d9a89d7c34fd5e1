"""Flows page: a flow switched off changes the plan; the editor previews, errors at the line."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from ppdesk.core.settings import load_settings
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.flows_page import FLOWS, FlowsPage
from ppdesk.ui.tasks import running_tasks


def _page(qtbot, ctx: AppContext) -> FlowsPage:
    page = FlowsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.last_plan is not None and not running_tasks(), timeout=60000)
    return page


def _planned(page: FlowsPage) -> dict[str, int]:
    frame = page.plan_model.frame
    return dict(zip(frame["flow"], frame["planned"], strict=True))


def test_switching_a_flow_off_changes_the_plan(qtbot, demo_ctx: AppContext) -> None:
    page = _page(qtbot, demo_ctx)
    before = _planned(page)
    review = FLOWS["review"]
    assert before[review] > 0  # the demo store has customers due a review request
    box = page.form.widget("flows", "review_enabled")
    assert isinstance(box, QCheckBox) and box.isChecked()
    box.setChecked(False)
    first_plan = page.last_plan
    page.plan_button.click()
    qtbot.waitUntil(lambda: page.last_plan is not first_plan and not running_tasks(), timeout=60000)
    after = _planned(page)
    assert after[review] == 0
    assert load_settings(demo_ctx.store).flows.review_enabled is False
    cancelled = page.last_plan.cancelled
    assert (cancelled["flow"] == "review").sum() == before[review]
    assert set(cancelled.loc[cancelled["flow"] == "review", "reason"]) == {
        "the review flow is switched off"
    }
    others = {k: v for k, v in before.items() if k != review}
    assert {k: after[k] for k in others} == others


def test_template_preview_and_error_at_line(qtbot, demo_ctx: AppContext) -> None:
    page = _page(qtbot, demo_ctx)
    editor = page.editor
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
