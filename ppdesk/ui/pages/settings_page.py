"""Settings: store profile, email account, sending limits, consent and timing rules, guards.

A load/check/save cycle over ``core.settings`` (convention 10): the form shows
the saved settings, "Save" writes them on the writer thread and every page that
depends on them refreshes. The SMTP password goes to the keyring through
``core.secrets`` and is never a setting; "Test connection" logs in to the server
in the background and reports the server's answer in plain words. Sending while the
window is closed is one switch (``widgets/auto_send.py``, the same as on the Outbox
page); the OS entry it installs is shown under "Advanced" for those who want it.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core import schedule, secrets
from ppdesk.core.schedule_switch import SwitchStatus
from ppdesk.core.sending.check import check_account
from ppdesk.core.sending.presets import PRESETS as SMTP_PRESETS
from ppdesk.core.settings import AnalyticsSettings, Settings
from ppdesk.ui.errors import describe
from ppdesk.ui.pages.base import Page, hint_label
from ppdesk.ui.widgets.auto_send import AutoSendSwitch
from ppdesk.ui.widgets.field_form import FieldForm, dspin, percent, spin
from ppdesk.ui.widgets.locale_bar import time_zones
from ppdesk.ui.widgets.message_bar import Message

PLATFORMS = {"Shopify": "shopify", "WooCommerce": "woocommerce", "Other": "other"}
SECURITY = {"STARTTLS (port 587)": "starttls", "SSL/TLS (port 465)": "ssl"}
CONSENT = {
    "Only customers who accepted marketing": False,
    "Also past customers (soft opt-in, where your law allows it)": True,
}


class ColorButton(QPushButton):
    """A button showing a colour; click to pick another. ``text()`` is the #rrggbb value."""

    def __init__(self) -> None:
        super().__init__()
        self.clicked.connect(self._pick)
        self.set_color("#1f6f5c")

    def set_color(self, value: str) -> None:
        colour = QColor(value)
        if not colour.isValid():
            colour = QColor("#1f6f5c")
        self.setText(colour.name())
        light = colour.lightness() > 140
        self.setStyleSheet(f"background: {colour.name()}; color: {'#000' if light else '#fff'};")

    def _pick(self) -> None:
        colour = QColorDialog.getColor(QColor(self.text()), self, "Pick a colour")
        if colour.isValid():
            self.set_color(colour.name())


class SettingsPage(Page):
    key = "settings"
    title = "Settings"
    purpose = "Your store's details, the email account ppdesk sends from, and the rules it follows."
    refresh_on = ("settings_changed",)

    class Msg:
        saved = Message("success", "Settings saved.")
        need_address = Message(
            "warning",
            "Add your store's postal address: the law (CAN-SPAM, "
            "GDPR) requires it in every marketing email, and ppdesk will not "
            "send without it.",
        )
        password_saved = Message(
            "success",
            "Password saved in your system's password store (keyring), not in ppdesk's files.",
        )

        password_failed = Message(
            "warning", "The email password was not saved; the note under Password says why.")

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 12, 0)
        self.form = FieldForm(QFormLayout())
        column.addWidget(self._profile_box())
        column.addWidget(self._smtp_box())
        column.addWidget(self._inbox_box())
        column.addWidget(self._sending_box())
        column.addWidget(self._schedule_box())
        column.addWidget(self._analytics_box())
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.body.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(self.refresh)
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        self.body.addLayout(buttons)
        self.write_runner = type(self.runner)(self)
        self.imap_runner = type(self.runner)(self)   # both passwords may be saved at once
        self._saving = False           # between Save and its on_done (see refresh)
        self._platform_chosen = False  # the merchant picked "Store runs on" since loading

    # -- sections ---------------------------------------------------------------------------
    def _section(self, title: str) -> tuple[QGroupBox, FieldForm]:
        box = QGroupBox(title)
        layout = QFormLayout(box)
        form = FieldForm(layout)
        form.rows = self.form.rows  # one list of bindings for the whole page
        return box, form

    def _profile_box(self) -> QGroupBox:
        box, f = self._section("Your store")
        f.add("store", "name", "Store name")
        f.add("store", "store_url", "Store address (web)", tooltip="e.g. https://example.com")
        self.platform = f.add(
            "store",
            "platform",
            "Store runs on",
            choices=PLATFORMS,
            tooltip="Decides how offer links add a product to the cart. Until you choose, "
            "ppdesk takes it from your first import",
        )
        # picking it here is the merchant's choice: imports stop setting it
        self.platform.activated.connect(self._platform_picked)  # type: ignore[attr-defined]
        f.add(
            "store",
            "postal_address",
            "Postal address",
            tooltip="Shown in every email's footer, as the law requires",
        )
        f.add("store", "logo_url", "Logo (web address of the image)")
        self.primary = ColorButton()
        self.accent = ColorButton()
        colours = QWidget()
        row = QHBoxLayout(colours)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Main"))
        row.addWidget(self.primary)
        row.addWidget(QLabel("Accent"))
        row.addWidget(self.accent)
        row.addStretch(1)
        box.layout().addRow("Colours", colours)
        zone = QComboBox()
        zone.setEditable(True)
        zone.addItems(time_zones())
        f.add(
            "store",
            "time_zone",
            "Time zone",
            zone,
            tooltip="Quiet hours and send times follow this clock",
        )
        f.add("store", "currency", "Currency", tooltip="Three letters, e.g. USD, EUR")
        f.add("store", "country", "Country (for phone numbers)",
              tooltip="Two letters, e.g. PK or GB: phone numbers written without a country "
              "code are read as this country's. Empty: taken from the export's billing country")
        f.add("store", "sender_name", "Emails come from (name)")
        f.add("store", "reply_to", "Replies go to (email)")
        f.add("store", "sign_off", "Sign-off")
        return box

    def _smtp_box(self) -> QGroupBox:
        box, f = self._section("Email account (SMTP)")
        box.layout().addRow(
            hint_label(
                "ppdesk sends the follow-up emails through your own mailbox. For Gmail and Outlook "
                "create an app password in your account's security settings and paste it here."
            )
        )
        self.preset = f.add(
            "sending",
            "preset",
            "Provider",
            choices={p.label: p.name for p in SMTP_PRESETS.values()},
        )
        self.preset.activated.connect(self._preset_chosen)  # type: ignore[attr-defined]
        # spanning rows: QFormLayout sizes a wrapped label in the field column by its
        # sizeHint (a narrow, five-line guess), which left a 70 px gap for one line
        self.preset_note = hint_label("")
        box.layout().addRow(self.preset_note)
        self.host = f.add("sending", "host", "Server")
        self.port = f.add("sending", "port", "Port", spin(1, 65535))
        self.security = f.add("sending", "security", "Security", choices=SECURITY)
        self.username = f.add("sending", "username", "User name")
        f.add("sending", "from_address", "Send from (email)")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty to keep the saved password")
        box.layout().addRow("Password", self.password)
        # The password's own outcome, next to it until dismissed: the page bar is for the
        # settings (issue 14: a refused password vanished behind "Settings saved.").
        self.password_note = QLabel("")
        self.password_note.setWordWrap(True)
        self.password_note.setTextFormat(Qt.TextFormat.PlainText)
        self.password_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.password_dismiss = QToolButton()
        self.password_dismiss.setText("✕")
        self.password_dismiss.setAutoRaise(True)
        self.password_dismiss.setToolTip("Dismiss")
        self.password_dismiss.clicked.connect(lambda: self._password_outcome(None))
        self.password_row = QWidget()
        note_row = QHBoxLayout(self.password_row)
        note_row.setContentsMargins(0, 0, 0, 0)
        note_row.addWidget(self.password_note, 1)
        note_row.addWidget(self.password_dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.password_row.setVisible(False)
        # spanning, like preset_note: in the field column QFormLayout sized the wrapped
        # note by a narrow guess and left a tall gap with the ✕ above the text
        box.layout().addRow(self.password_row)
        f.add(
            "sending",
            "allow_plaintext_keyring",
            "Unencrypted password store",
            QCheckBox("Allow (only if this computer has no secure keyring)"),
            tooltip="Some Linux servers have no keyring; then the password can only be kept "
            "in a plain file readable by your user account",
        )
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        box.layout().addRow("", self.test_button)
        self.dns_button = QPushButton("Check SPF, DKIM and DMARC")
        self.dns_button.setToolTip("Look up the sender domain's records that Gmail and Yahoo "
                                   "require of bulk senders (needs the internet)")
        self.dns_button.clicked.connect(self.check_deliverability)
        self.dns_result = hint_label("")
        box.layout().addRow("", self.dns_button)
        self.dns_result.setVisible(False)   # shown with the first check's answer
        box.layout().addRow(self.dns_result)
        return box

    def _inbox_box(self) -> QGroupBox:
        box, f = self._section("Mailbox (IMAP): unsubscribes and bounces")
        box.layout().addRow(hint_label(
            "ppdesk reads replies to its emails in this mailbox: unsubscribe requests, "
            "bounces and complaints stop further emails, and processed messages move to a "
            "'ppdesk' folder (never deleted). Usually the same account as above."))
        f.add("inbox", "host", "IMAP server")
        f.add("inbox", "port", "Port", spin(1, 65535))
        f.add("inbox", "security", "Security", choices=SECURITY)
        f.add("inbox", "username", "User name", tooltip="empty: the SMTP user name")
        f.add("inbox", "folder", "Folder to read")
        self.imap_password = QLineEdit()
        self.imap_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.imap_password.setPlaceholderText("leave empty to keep the saved password")
        box.layout().addRow("Password", self.imap_password)
        self.inbox_button = QPushButton("Check the mailbox now")
        self.inbox_button.clicked.connect(self.check_mailbox)
        box.layout().addRow("", self.inbox_button)
        return box

    def check_mailbox(self) -> None:
        """Run the inbox check with the saved settings, in the background (writes the store)."""
        from ppdesk.core.inbox.check import check_inbox
        from ppdesk.core.schedule_runs import recorded_run

        store = self.ctx.store

        def run(_p: object, _c: object) -> str:
            with recorded_run(store, "inbox-check") as record:
                found = check_inbox(store)
                record.finish(found.to_json(), error="; ".join(found.errors[:3]) or None)
            return (f"Read {found.checked:,} new messages: {found.unsubscribes} unsubscribes, "
                    f"{found.bounces} bounces, {found.complaints} complaints, "
                    f"{found.resolved_unknown} unknown emails found in Sent. "
                    + " ".join(found.errors[:3] + found.notes))

        self.write_runner.run(run, name="Reading the mailbox", writes=True,
                              on_success=lambda text: self.messages.show_text("success",
                                                                               str(text)),
                              on_failure=self.messages.show_error)

    def _sending_box(self) -> QGroupBox:
        box, f = self._section("Sending rules")
        f.add("sending", "per_minute", "At most per minute", spin(1, 600, " emails"))
        f.add(
            "sending",
            "per_day",
            "At most per day",
            spin(1, 100000, " emails"),
            tooltip="Gmail allows about 500 a day, Outlook about 300",
        )
        f.add("sending", "paused", "Pause all sending", QCheckBox("Paused"))
        f.add("flows", "quiet_start_hour", "Quiet from", spin(0, 23, ":00"))
        f.add("flows", "quiet_end_hour", "Quiet until", spin(0, 23, ":00"))
        f.add(
            "flows",
            "soft_opt_in",
            "Who gets emails",
            choices=CONSENT,
            tooltip="Soft opt-in: in the UK/EU you may email past customers about similar "
            "products unless they said no; in Canada you may not",
        )
        f.add("flows", "frequency_cap_emails", "At most", spin(1, 10, " emails"))
        f.add("flows", "frequency_cap_days", "per customer every", spin(1, 60, " days"))
        f.add("flows", "same_product_days", "Same product again after", spin(1, 365, " days"))
        f.add(
            "flows",
            "holdout_share",
            "Comparison group",
            percent(0.0, 0.5, 0.01),
            tooltip="Keep this share of customers as a comparison group: they get no "
            "follow-up emails, so Results can show what the emails really added. "
            "10% is a good start.",
        )
        return box

    def _analytics_box(self) -> QGroupBox:
        box, f = self._section("Guards against flukes")
        f.add(
            "analytics",
            "min_orders_together",
            "Recommend only pairs seen together",
            spin(1, 1000, " times or more"),
        )
        q_meta = {x.name: x.metadata for x in dataclasses.fields(AnalyticsSettings)}["max_q_value"]
        f.add(
            "analytics",
            "max_q_value",
            q_meta["label"],
            percent(*q_meta["range"], 0.005, 1),
            tooltip=q_meta["help"],
        )
        f.add(
            "analytics",
            "min_repeat_customers",
            "Trust a reorder cycle from",
            spin(2, 1000, " repeat customers"),
        )
        f.add("analytics", "window_days", "Look back", spin(30, 3650, " days"))
        f.add(
            "results",
            "attribution_days",
            "Credit an email with orders within",
            spin(1, 30, " days"),
        )
        f.add("results", "cac", "Cost to win a customer", dspin(0, 100000, 1, 2))
        return box

    def _schedule_box(self) -> QGroupBox:
        box = QGroupBox("Sending while ppdesk is closed")
        layout = QVBoxLayout(box)
        self.auto_send = AutoSendSwitch(self.ctx)
        self.auto_send.changed.connect(self._schedule_read)
        layout.addWidget(self.auto_send)
        # the OS entry itself, for those who want to see it or set it up by hand
        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText("Advanced: show the schedule entry")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.toggled.connect(self._show_advanced)
        layout.addWidget(self.advanced_toggle)
        self.advanced = QWidget()
        inner = QVBoxLayout(self.advanced)
        inner.setContentsMargins(16, 0, 0, 0)
        self.every = spin(1, 59, " minutes")
        self.every.setValue(self.auto_send.every_minutes)
        self.every.valueChanged.connect(self._every_changed)
        self.apply_every = QPushButton("Use this interval")
        self.apply_every.setToolTip("Send automatically at this interval from now on")
        self.apply_every.setVisible(False)
        self.apply_every.clicked.connect(self.auto_send.turn_on)
        copy = QPushButton("Copy")
        copy.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.schedule_text.toPlainText())
        )
        row = QHBoxLayout()
        row.addWidget(QLabel("Every"))
        row.addWidget(self.every)
        row.addWidget(self.apply_every)
        row.addStretch(1)
        row.addWidget(copy)
        inner.addLayout(row)
        self.schedule_how = hint_label("")
        inner.addWidget(self.schedule_how)
        self.schedule_text = QPlainTextEdit()
        self.schedule_text.setReadOnly(True)
        self.schedule_text.setMaximumHeight(80)
        inner.addWidget(self.schedule_text)
        self.advanced.setVisible(False)
        layout.addWidget(self.advanced)
        self._show_schedule()
        return box

    def _show_advanced(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if shown
                                          else Qt.ArrowType.RightArrow)

    def _every_changed(self, minutes: int) -> None:
        self.auto_send.every_minutes = minutes
        self._show_schedule()
        status = self.auto_send.status
        self.apply_every.setVisible(bool(status and status.on and status.every_minutes != minutes))

    def _schedule_read(self, status: object) -> None:
        """The switch read or changed the schedule: the interval box follows it."""
        if isinstance(status, SwitchStatus) and status.on and status.every_minutes:
            self.every.setValue(status.every_minutes)
        self._every_changed(self.every.value())

    def _show_schedule(self) -> None:
        entry = schedule.entry_for(
            schedule.current_os(), self.ctx.store.home, every_minutes=self.every.value()
        )
        self.schedule_how.setText("To set it up yourself instead: " + entry.instructions)
        self.schedule_text.setPlainText(entry.text)

    def shutdown(self) -> None:
        super().shutdown()
        self.auto_send.shutdown()

    # -- load / save ------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        settings = self.ctx.settings()
        self.form.load(settings)
        self._platform_chosen = False
        self.primary.set_color(settings.store.primary_color)
        self.accent.set_color(settings.store.accent_color)
        preset = SMTP_PRESETS.get(settings.sending.preset)
        self.preset_note.setText(preset.note if preset else "")
        if not self._saving:
            # not the refresh our own Save triggers (settings_changed fires just before
            # its on_done): that one keeps the bar, and the password task's outcome
            self.password.clear()
            self.messages.clear()
            if not settings.store.postal_address:
                self.messages.show_message(self.Msg.need_address)
        self.auto_send.refresh()

    def _platform_picked(self, _index: int = -1) -> None:
        self._platform_chosen = True

    def current(self) -> Settings:
        """The settings as the form shows them (not saved yet)."""
        out: Settings = self.form.apply(self.ctx.settings())
        from dataclasses import replace

        before = self.ctx.settings().store
        chosen = self._platform_chosen or out.store.platform != before.platform
        return replace(
            out,
            store=replace(
                out.store, primary_color=self.primary.text(), accent_color=self.accent.text(),
                # the merchant saw the time zone and currency here: Home stops asking
                locale_confirmed=True,
                platform_source="merchant" if chosen else before.platform_source,
            ),
        )

    def save(self) -> None:
        settings = self.current()
        password = self.password.text()
        self.messages.clear()
        if password:
            s = settings.sending
            allow = s.allow_plaintext_keyring
            self._password_outcome("Saving the password…")
            self.write_runner.run(
                lambda _p, _c: secrets.store_password(
                    s.host, s.username, password, allow_plaintext=allow
                ),
                name="Saving the password",
                on_success=self._password_saved,
                on_failure=self._password_failed,
            )
        imap_password = self.imap_password.text()
        if imap_password and settings.inbox.host:
            i, allow = settings.inbox, settings.sending.allow_plaintext_keyring
            user = i.username or settings.sending.username
            self.imap_runner.run(
                lambda _p, _c: secrets.store_password(i.host, user, imap_password,
                                                      allow_plaintext=allow,
                                                      service=secrets.IMAP_SERVICE),
                name="Saving the IMAP password",
                on_success=lambda _r: self.imap_password.clear(),
                on_failure=self.messages.show_error,
            )
        self._saving = True
        self.ctx.save_settings(settings, on_done=self._saved, on_error=self._save_failed)

    def _saved(self) -> None:
        self._saving = False
        self.messages.show_message(self.Msg.saved)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.messages.show_error(exc)

    def _password_saved(self, _result: object) -> None:
        self.password.clear()
        self._password_outcome("✓ " + self.Msg.password_saved.text)

    def _password_failed(self, exc: BaseException) -> None:
        # the typed password stays in the field, so that the merchant can try again
        self._password_outcome("✗ The password was NOT saved. " + describe(exc).text,
                               failed=True)
        self.messages.show_message(self.Msg.password_failed)

    def _password_outcome(self, text: str | None, *, failed: bool = False) -> None:
        """Show (None: dismiss) the password's outcome under the password field."""
        self.password_row.setVisible(text is not None)
        self.password_note.setText(text or "")
        self.password_note.setStyleSheet("color: palette(text); font-weight: bold;" if failed
                                          else "")

    def _preset_chosen(self, _index: int = -1) -> None:
        """Fill server, port, security and limits from the provider's preset."""
        preset = next(
            (p for p in SMTP_PRESETS.values() if p.label == self.preset.currentText()), None
        )  # type: ignore[attr-defined]
        if preset is None:
            return
        self.preset_note.setText(preset.note)
        if preset.name == "custom":
            return
        self.host.setText(preset.host)  # type: ignore[attr-defined]
        self.port.setValue(preset.port)  # type: ignore[attr-defined]
        self.security.setCurrentText(  # type: ignore[attr-defined]
            next(t for t, v in SECURITY.items() if v == preset.security)
        )
        self.form.widget("sending", "per_minute").setValue(preset.per_minute)  # type: ignore[attr-defined]
        self.form.widget("sending", "per_day").setValue(preset.per_day)  # type: ignore[attr-defined]

    def check_deliverability(self) -> None:
        """The deliverability checklist for the form's sender address, in the background."""
        from ppdesk.core.sending.deliverability import check_domain

        address = self.current().sending.from_address
        if "@" not in address:
            self.dns_result.setText("Fill in 'Send from' first.")
            self.dns_result.setVisible(True)
            return
        words = {"ok": "✓", "missing": "✗ missing:", "weak": "! weak:",
                 "could_not_check": "? could not check:"}
        self.dns_result.setText("Checking…")
        self.dns_result.setVisible(True)
        self.runner.run(
            lambda _p, _c: check_domain(address),
            name="Checking the sender domain",
            on_success=lambda checks: self.dns_result.setText("\n".join(
                f"{c.name} {words.get(c.status, c.status)} {c.detail}" for c in checks)),
            on_failure=self.messages.show_error,
        )

    def test_connection(self) -> None:
        """Log in to the server with the form's values (the typed or the saved password)."""
        settings = self.current()
        password = self.password.text() or None
        self.messages.clear()
        self.runner.run(
            lambda _p, _c: check_account(settings, password=password),
            name=f"Connecting to {settings.sending.host or 'the server'}",
            on_success=lambda text: self.messages.show_text("success", str(text)),
            on_failure=self.messages.show_error,
        )


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(SettingsPage))
