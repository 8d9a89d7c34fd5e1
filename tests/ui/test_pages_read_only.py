"""Opening any page never writes to the store (issue 14: opening "Flows (emails)" used to plan
79 emails into the outbox, 73 of them already overdue).

Every page module in ``ppdesk/ui/pages`` is opened and refreshed on a populated store (the
demo store with the cross-sell flow Live, so the outbox holds planned rows too) and the
SQLite file's whole content (schema and every table's rows) must be the same afterwards.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from page_helpers import show_page
from store_snapshot import snapshot

import ppdesk.ui.pages
from ppdesk.core.flows import states
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.base import Page
from ppdesk.ui.tasks import running_tasks


def _page_classes() -> list[type[Page]]:
    found = []
    for info in pkgutil.iter_modules(ppdesk.ui.pages.__path__):
        if not info.name.endswith("_page"):
            continue
        module = importlib.import_module(f"ppdesk.ui.pages.{info.name}")
        found += [c for _, c in inspect.getmembers(module, inspect.isclass)
                  if issubclass(c, Page) and c is not Page and c.__module__ == module.__name__]
    return sorted(found, key=lambda c: c.__name__)


PAGE_CLASSES = _page_classes()


def test_every_page_module_is_covered() -> None:
    names = {c.__name__ for c in PAGE_CLASSES}
    assert {"FlowsPage", "OutboxPage", "HomePage", "ResultsPage"} <= names


@pytest.mark.parametrize("page_class", PAGE_CLASSES, ids=lambda c: c.__name__)
def test_opening_a_page_leaves_the_store_unchanged(qtbot, demo_ctx: AppContext,
                                                   page_class: type[Page]) -> None:
    # the demo's newest order is of 2026-10-31: plan as of the next day, so the outbox holds
    # rows that are overdue by now (exactly what a page that planned would cancel or touch)
    states.go_live(demo_ctx.store, ["cross_sell", "review"], overdue="send",
                   now="2026-11-01T12:00:00Z")
    before = snapshot(demo_ctx.store)
    assert any("INSERT INTO \"outbox\"" in line for line in before)   # a populated outbox
    page = show_page(qtbot, page_class(demo_ctx), exposed=True)
    page.refresh()                                  # a second refresh, as on a revisit
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    qtbot.wait(50)
    page.shutdown()
    assert snapshot(demo_ctx.store) == before


def test_visiting_every_page_of_the_window_leaves_the_store_unchanged(
        qtbot, demo_ctx: AppContext) -> None:
    """The same through the main window, as a merchant clicks through the sidebar."""
    from ppdesk.ui.main_window import PAGES, MainWindow

    states.go_live(demo_ctx.store, ["review"], overdue="send", now="2026-11-01T12:00:00Z")
    before = snapshot(demo_ctx.store)
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for spec in PAGES:
        window.show_page(spec.key)
        qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
        assert window.current_key() == spec.key
    qtbot.wait(50)
    window.shutdown()
    assert snapshot(demo_ctx.store) == before
