"""Home: the store's key figures and what to do next, each step one click from its page.

The figures come from the store's analytics evidence (included orders in the default
window, as the contract defines them, non-products left out); the next steps look at what is
set up: orders imported, postal address, email account (its password really in the keyring),
offers, Live flows, and whether automatic sending is on (this home's OS schedule installed).
Once a flow is Live a status line says what is Live, how many emails went out and when
the last did, and what is due next (``core.flows.states.status``, the Flows page's figures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.analytics.evidence import evidence_for
from ppdesk.core.errors import PpdeskError
from ppdesk.core.flows.states import LIVE, FlowStatus
from ppdesk.core.flows.states import status as flow_status
from ppdesk.core.importing.store_locale import LocaleGuess, guess_locale
from ppdesk.core.local_time import moment_text, store_zone
from ppdesk.core.offers.builder import load_offers
from ppdesk.core.progress import CancelToken, ProgressFn, check
from ppdesk.core.settings import load_settings
from ppdesk.core.store import Store
from ppdesk.ui.pages.base import Page
from ppdesk.ui.widgets.locale_bar import LocaleBar
from ppdesk.ui.widgets.message_bar import Message


@dataclass(frozen=True)
class Overview:
    orders: int
    customers: int
    repeat_customers: int
    products: int
    lines: int
    since: str
    until: str
    has_address: bool
    has_smtp: bool              # server and sender set, and the password truly in the keyring
    offers: int
    live_flows: int = 0
    auto_send: bool = False     # this home's OS schedule is installed
    window_text: str = ""
    locale: LocaleGuess | None = None   # a guess to confirm; None once confirmed
    sending: str = ""           # what is Live and sent, in words ("" while nothing is Live)


def compute_overview(store: Store, *, progress: ProgressFn, cancel: CancelToken) -> Overview:
    """Worker side: counts over the analytics window, and what is set up."""
    from ppdesk.core.schedule_switch import account_problem  # keyring: in the worker only

    settings = load_settings(store)
    evidence = evidence_for(store, settings.analytics)
    check(cancel)
    basket = evidence.basket("variant")
    window = basket.window
    # Customers by purchase days (1, 2, 3, 4+): the analytics' own repeat figures.
    buckets = evidence.repeat_summary()
    offers = len(load_offers(store, active_only=False))
    flows = flow_status(store, settings=settings)
    live = [f for f in flows if f.state == LIVE]
    return Overview(
        orders=int(basket.n_orders),
        customers=int(buckets["customers"].sum()),
        repeat_customers=int(buckets["customers"].iloc[1:].sum()),
        products=int((~evidence.kinds["not_product"]).sum()),
        lines=len(evidence.all_lines),
        since=str(window.since or ""),
        until=str(window.until or ""),
        has_address=bool(settings.store.postal_address.strip()),
        has_smtp=account_problem(settings) is None,
        offers=offers,
        live_flows=len(live),
        auto_send=auto_send_installed(store),
        window_text=evidence.window_words(window),
        locale=(guess_locale(store) if window.until is not None
                and not settings.store.locale_confirmed else None),
        sending=sending_words(flows, settings.store.time_zone, dt.datetime.now(dt.UTC)),
    )


def _clock(utc_text: str, time_zone: str, now: dt.datetime) -> str:
    """"today 14:05" in the store's zone, else "3 Mar 2026 14:05"."""
    import pandas as pd

    stamp = pd.to_datetime(utc_text, errors="coerce", utc=True)
    if stamp is None or pd.isna(stamp):
        return ""
    zone = store_zone(time_zone)
    local = stamp.tz_convert(zone)
    if local.date() == now.astimezone(zone).date():
        return f"today {local:%H:%M}"
    return moment_text(utc_text, time_zone)


def sending_words(flows: Sequence[FlowStatus], time_zone: str, now: dt.datetime) -> str:
    """"Cross-sell after 48 hours is Live · 5 emails sent, the last today 14:05 · 3 due in
    the next 24 hours"; "" while no flow is Live (the checklist says what to do then)."""
    live = [f.label for f in flows if f.state == LIVE]
    if not live:
        return ""
    names = live[0] if len(live) == 1 else ", ".join(live[:-1]) + " and " + live[-1]
    parts = [f"{names} {'is' if len(live) == 1 else 'are'} Live"]
    sent = sum(f.sent for f in flows)
    last = max((f.last_sent for f in flows if f.last_sent), default=None)
    if sent:
        when = _clock(last, time_zone, now) if last else ""
        parts.append(f"{sent:,} email{'s' if sent != 1 else ''} sent"
                     + (f", the last {when}" if when else ""))
    else:
        parts.append("no email sent yet")
    overdue = sum(f.overdue for f in flows if f.state == LIVE)
    soon = sum(f.due_next_24h for f in flows if f.state == LIVE)
    if overdue:
        parts.append(f"{overdue:,} waiting to be sent now")
    if soon:
        parts.append(f"{soon:,} due in the next 24 hours")
    return " · ".join(parts)


def auto_send_installed(store: Store) -> bool:
    """Whether this home's schedule is installed; a schedule that cannot be read is not on."""
    from ppdesk.core import schedule  # subprocess, plistlib, xml: not before the window shows

    try:
        return schedule.schedule_status(store.home, user=schedule.target_user()).installed
    except PpdeskError:
        return False


class Figure(QFrame):
    """A big number with a caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("—")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self.setMinimumWidth(150)


class HomePage(Page):
    key = "home"
    title = "Home"
    purpose = "Your store at a glance, and the next step towards more revenue after checkout."
    refresh_on = ("data_changed", "settings_changed", "outbox_changed", "schedule_changed")

    class Msg:
        demo = Message(
            "info",
            "You are looking at the demo store: a made-up coffee, skincare "
            "and pet shop with a year and a half of orders. Your own data is not "
            "touched. File > Open my store goes back to yours.",
        )

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        grid = QGridLayout()
        self.figures = {
            "orders": Figure("orders in these 12 months"),
            "customers": Figure("customers"),
            "repeat": Figure("came back and ordered again"),
            "products": Figure("products"),
        }
        for i, fig in enumerate(self.figures.values()):
            grid.addWidget(fig, 0, i)
        self.body.addLayout(grid)
        self.range_label = QLabel()
        self.range_label.setWordWrap(True)
        self.body.addWidget(self.range_label)
        self.locale_bar = LocaleBar(self.ctx)
        self.body.addWidget(self.locale_bar)
        self.sending_label = QLabel()
        self.sending_label.setWordWrap(True)
        self.sending_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sending_label.setVisible(False)
        self.body.addWidget(self.sending_label)
        steps_title = QLabel("What to do next")
        font = QFont(steps_title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        steps_title.setFont(font)
        self.body.addWidget(steps_title)
        self.steps = QVBoxLayout()
        self.checklist: list[tuple[str, bool]] = []   # (step, done) as shown
        self.body.addLayout(self.steps)
        self.body.addStretch(1)

    def refresh(self) -> None:
        super().refresh()
        store = self.ctx.store
        self.runner.run(
            lambda p, c: compute_overview(store, progress=p, cancel=c),
            name="Reading your store",
            on_success=self._show,
            on_failure=self.messages.show_error,
        )

    def _show(self, result: object) -> None:
        assert isinstance(result, Overview)
        self.messages.clear()
        if self.ctx.demo:
            self.messages.show_message(self.Msg.demo)
        o = result
        self.figures["orders"].value.setText(f"{o.orders:,}")
        self.figures["customers"].value.setText(f"{o.customers:,}")
        share = f" ({o.repeat_customers / o.customers:.0%})" if o.customers else ""
        self.figures["repeat"].value.setText(f"{o.repeat_customers:,}{share}")
        self.figures["products"].value.setText(f"{o.products:,}")
        self.range_label.setText(
            o.window_text.rstrip(".") + "; cancelled and refunded orders are left out."
            if o.since
            else o.window_text
        )
        self._show_locale(o.locale)
        self.sending_label.setText(o.sending)
        self.sending_label.setVisible(bool(o.sending))
        while self.steps.count():
            item = self.steps.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        steps = [
            (
                o.lines > 0,
                "Import your orders",
                "Download your store's order export and drop it on the Import page.",
                "import",
            ),
            (
                o.lines > 0,
                "See what sells together",
                "Products & pairs shows which products "
                "customers buy together and why that is not a coincidence.",
                "pairs",
            ),
            (
                o.offers > 0,
                "Put an offer on your thank-you page",
                "One complementary product at a small discount, for 30 minutes after checkout.",
                "offers",
            ),
            (
                o.has_address,
                "Add your postal address",
                "Every marketing email must show it.",
                "settings",
            ),
            (
                o.has_smtp,
                "Connect your email account",
                "ppdesk sends the follow-up emails through your own mailbox.",
                "settings",
            ),
            (
                o.live_flows > 0,
                "Make a follow-up email Live",
                "Cross-sell after 48 hours, the reorder reminder "
                "before they run out, the review request, the loyalty offer: each is a Draft "
                "until you have seen what it would send.",
                "flows",
            ),
            (
                o.auto_send,
                "Send automatically",
                "Turn on \"Send automatically while this computer is on\" on the Outbox page: "
                "due emails then go out every few minutes, also when ppdesk is closed.",
                "outbox",
            ),
        ]
        self.checklist = [(title, done) for done, title, _text, _page in steps]
        first_open = next((i for i, s in enumerate(steps) if not s[0]), -1)
        for i, (done, title, text, page) in enumerate(steps):
            self.steps.addWidget(self._step(done, title, text, page, highlight=i == first_open))

    def _step(self, done: bool, title: str, text: str, page: str, *, highlight: bool) -> QWidget:
        row = QFrame()
        row.setFrameShape(QFrame.Shape.StyledPanel if highlight else QFrame.Shape.NoFrame)
        mark = QLabel("✓" if done else "○")
        mark.setFixedWidth(22)
        mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A done step stays readable (a disabled label drew it in pale grey, as if it could
        # not be opened): normal text, the tick and "Done" say it is done.
        title_html = f"<b>{escape(title)}</b>" + (" · Done" if done else "")
        label = QLabel(f"{title_html}<br>{escape(text)}")
        label.setWordWrap(True)
        button = QPushButton("Open" if not highlight else "Start here")
        button.clicked.connect(lambda: self.ctx.navigate.emit(page))
        layout = QHBoxLayout(row)
        layout.addWidget(mark)
        layout.addWidget(label, 1)
        layout.addWidget(button)
        if done:
            mark.setStyleSheet("color: #2e7d32; font-weight: bold;")   # green in both themes
        return row


    def _show_locale(self, guess: LocaleGuess | None) -> None:
        """Shown once after the first import, until confirmed: times and money depend on it."""
        self.locale_bar.ask(None if self.ctx.demo else guess)


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(HomePage))
