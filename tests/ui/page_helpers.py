"""Opening a page in a GUI test, then waiting for it to settle.

Every page test needs the same steps: hand the widget to qtbot (closed after the
test), give it a real size, show it, refresh it, and wait until its background tasks
are done. One helper keeps those steps the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ppdesk.ui.pages.base import Page
from ppdesk.ui.tasks import running_tasks

PageT = TypeVar("PageT", bound=Page)


def show_page(qtbot: Any, page: PageT, size: tuple[int, int] = (1200, 800), *,
              ready: Callable[[], bool] = lambda: True, exposed: bool = False,
              timeout: int = 60000) -> PageT:
    """Show and refresh ``page``; return once no task runs and ``ready()`` holds.

    ``exposed`` waits for the window system to map the page before the refresh, for
    tests that measure what is drawn.
    """
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    if exposed:
        qtbot.waitExposed(page)
    page.refresh()
    qtbot.waitUntil(lambda: not running_tasks() and ready(), timeout=timeout)
    return page
