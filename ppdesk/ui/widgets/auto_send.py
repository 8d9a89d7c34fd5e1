"""The switch "Send automatically while this computer is on", with its state in plain words.

One widget, shown on the Outbox and the Settings pages. Its facts come from
``core.schedule_switch`` on a runner of its own (reading the crontab or Task
Scheduler is a subprocess: never on the GUI thread); turning it on or off installs
or removes the OS entry there too. Every read or change is published on the
context (``schedule_status`` plus ``schedule_changed``), so the other page's switch
shows the same state at once.

The checkbox never changes by itself: a click is a request. Turning it on first
says what is missing (no Live flow, no email account or password) and stops, or
asks to confirm what it will do; the box ticks only once the entry is installed.
What happened stays on the line under the switch until the next action. While the
switch is shown and on, it re-reads its state every minute.

Signals: ``changed(object)``: the new ``SwitchStatus`` after this widget read or changed it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from ppdesk.core import schedule
from ppdesk.core.schedule_switch import DEFAULT_MINUTES, SwitchStatus
from ppdesk.ui.context import AppContext
from ppdesk.ui.errors import describe
from ppdesk.ui.tasks import TaskRunner

SWITCH_TEXT = "Send automatically while this computer is on"


class AutoSendSwitch(QWidget):
    """The switch, its state line and the outcome of the last click (see module doc)."""

    changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status: SwitchStatus | None = None
        #: minutes between runs when turned on (Settings' advanced box may change it)
        self.every_minutes = DEFAULT_MINUTES
        self.box = QCheckBox(SWITCH_TEXT)
        self.box.setToolTip("Your computer runs ppdesk every few minutes in the background and "
                            "sends the due emails of Live flows, even when this window is "
                            "closed. Quiet hours and your limits apply; nothing goes twice.")
        self.box.clicked.connect(self._clicked)
        self.state = QLabel("Checking…")
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.box)
        layout.addWidget(self.state)
        layout.addWidget(self.note)
        self.runner = TaskRunner(self)
        self.confirm_box: QMessageBox | None = None
        self.confirm_yes: object | None = None
        ctx.schedule_changed.connect(self._from_context)
        # while shown and on, re-read each minute: "last run" and "next about" stay true
        self.timer = QTimer(self)
        self.timer.setInterval(60_000)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        if isinstance(ctx.schedule_status, SwitchStatus):
            self._show(ctx.schedule_status)

    # -- reading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the state in the background (the crontab, the last run, what is missing)."""
        from ppdesk.core.schedule_switch import switch_status

        store, user = self.ctx.store, schedule.target_user()
        self.runner.run(lambda _p, _c: switch_status(store, user=user),
                        name="Checking automatic sending", on_success=self._publish,
                        on_failure=self._failed)

    def _tick(self) -> None:
        if self.isVisible() and self.status is not None and self.status.on \
                and not self.runner.busy:
            self.refresh()

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def _publish(self, status: object) -> None:
        assert isinstance(status, SwitchStatus)
        self.ctx.schedule_status = status
        self._show(status)
        self.changed.emit(status)
        self.ctx.schedule_changed.emit()

    def _from_context(self) -> None:
        if isinstance(self.ctx.schedule_status, SwitchStatus) and \
                self.ctx.schedule_status is not self.status:
            self._show(self.ctx.schedule_status)

    def _show(self, status: SwitchStatus) -> None:
        self.status = status
        self.box.setChecked(status.on)
        self.box.setEnabled(not self.runner.busy)
        if status.on and status.every_minutes:
            self.every_minutes = status.every_minutes
        self.state.setText(status.words(self.ctx.settings().store.time_zone))

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _failed(self, exc: BaseException) -> None:
        if self.status is not None:
            self.box.setChecked(self.status.on)
        self._say(describe(exc).text)

    # -- changing -----------------------------------------------------------------------------
    def _clicked(self, checked: bool) -> None:
        # the box shows the true state until the change is made: undo Qt's own toggle
        self.box.setChecked(not checked)
        if checked:
            self.request_on()
        else:
            self.turn_off()

    def request_on(self) -> None:
        """Say what is missing, or ask to confirm what turning it on will do."""
        self._say("")
        status = self.status
        if status is not None and status.blockers:
            self._say("Not turned on. " + " ".join(status.blockers))
            return
        sending = self.ctx.settings().sending
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Send automatically?")
        box.setText("Send the due emails automatically while this computer is on?")
        box.setInformativeText(
            f"Every {self.every_minutes} minutes your computer will run ppdesk in the "
            "background and send the emails of your Live flows whose time has come, through "
            f"{sending.from_address or 'your email account'}, also when this window is closed. "
            "Quiet hours and your limits apply, nothing is sent twice, and Pause all sending "
            "stops it. You can turn it off here at any time.")
        yes = box.addButton("Turn on", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda b: self._confirmed(b is yes))
        self.confirm_box, self.confirm_yes = box, yes
        box.open()

    def _confirmed(self, yes: bool) -> None:
        self.confirm_box = self.confirm_yes = None
        if yes:
            self.turn_on()

    def turn_on(self) -> None:
        """Install the entry (no questions: ``request_on`` asked them)."""
        from ppdesk.core.schedule_switch import turn_on

        store, user, minutes = self.ctx.store, schedule.target_user(), self.every_minutes
        self.box.setEnabled(False)
        self.runner.run(lambda _p, _c: turn_on(store, every_minutes=minutes, user=user),
                        name="Turning on automatic sending",
                        on_success=lambda s: self._changed(s, "Automatic sending is on."),
                        on_failure=self._action_failed)

    def turn_off(self) -> None:
        from ppdesk.core.schedule_switch import turn_off

        store, user = self.ctx.store, schedule.target_user()
        self._say("")
        self.box.setEnabled(False)
        self.runner.run(lambda _p, _c: turn_off(store, user=user),
                        name="Turning off automatic sending",
                        on_success=lambda s: self._changed(
                            s, "Automatic sending is off: emails go out only when you press "
                               "Send now."),
                        on_failure=self._action_failed)

    def _changed(self, status: object, text: str) -> None:
        self.box.setEnabled(True)
        self._publish(status)
        self._say(text)

    def _action_failed(self, exc: BaseException) -> None:
        self.box.setEnabled(True)
        self._failed(exc)

    def shutdown(self) -> None:
        self.timer.stop()
        self.runner.cancel()
