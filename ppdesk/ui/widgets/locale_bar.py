"""The store's time zone and currency, read from its orders, for the merchant to confirm.

Due times, quiet hours and money figures depend on them, and a new store starts on
UTC and USD. After an import ``core.importing.store_locale.guess_locale`` reads
them from the orders; this bar (on Home until confirmed, and on the Import page
after each import) asks "Is that right?" with Confirm and Change…, or, once
confirmed, says what ppdesk uses ("Times in Madrid time (Europe/Madrid), amounts in
EUR") with Change…. Change… opens a small editor in the bar itself. Every change
it saves offers Undo, which puts the previous zone and currency back.

Signals: ``saved()``: this bar saved the settings (after Confirm, a change or Undo).
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import replace
from functools import cache

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.importing.store_locale import LocaleGuess, zone_words
from ppdesk.core.settings import StoreProfile
from ppdesk.ui.context import AppContext
from ppdesk.ui.errors import describe


@cache
def time_zones() -> list[str]:
    """Every IANA zone name, sorted (the Settings page's list too)."""
    return sorted(zoneinfo.available_timezones())


def in_words(time_zone: str, currency: str, lead: str = "Times") -> str:
    return f"{lead} in {zone_words(time_zone or 'UTC')}, amounts in {currency or 'USD'}."


class LocaleBar(QFrame):
    """Confirm or change the zone and currency (see module doc)."""

    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.guess: LocaleGuess | None = None
        self.previous: StoreProfile | None = None   # what Undo puts back
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.confirm_button = QPushButton("Confirm")
        self.confirm_button.clicked.connect(self.confirm)
        self.change_button = QPushButton("Change…")
        self.change_button.clicked.connect(self.open_editor)
        self.undo_button = QPushButton("Undo")
        self.undo_button.clicked.connect(self.undo)
        row = QHBoxLayout()
        row.addWidget(self.text, 1)
        for b in (self.confirm_button, self.change_button, self.undo_button):
            row.addWidget(b)
        # the editor: a zone, a currency, Save
        self.editor = QWidget()
        edit = QHBoxLayout(self.editor)
        edit.setContentsMargins(0, 0, 0, 0)
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.addItems(time_zones())
        self.zone.setMinimumWidth(220)
        self.currency = QLineEdit()
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(60)
        self.currency.setPlaceholderText("EUR")
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save_edit)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._close_editor)
        edit.addWidget(QLabel("Time zone"))
        edit.addWidget(self.zone)
        edit.addWidget(QLabel("Currency"))
        edit.addWidget(self.currency)
        edit.addWidget(self.save_button)
        edit.addWidget(self.cancel_button)
        edit.addStretch(1)
        self.editor.setVisible(False)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 6, 10, 6)
        column.addLayout(row)
        column.addWidget(self.editor)
        self.setVisible(False)

    # -- what it shows ------------------------------------------------------------------------
    def ask(self, guess: LocaleGuess | None) -> None:
        """Ask to confirm ``guess``; None hides the bar, unless it just changed something
        (its Undo stays until the merchant leaves it)."""
        self.guess = guess if guess is not None and guess.sentence() else None
        if self.guess is None:
            if self.previous is None:
                self.setVisible(False)
            return
        self.previous = None
        self.text.setText(f"Your orders show {self.guess.sentence()}. ppdesk uses them for due "
                          "times, quiet hours and money figures. Is that right?")
        self._buttons(confirm=True, undo=False)
        self.setVisible(True)

    def tell(self) -> None:
        """Say what ppdesk uses now (after an import whose zone is already confirmed)."""
        store = self.ctx.settings().store
        self.guess = None
        self.text.setText(in_words(store.time_zone, store.currency))
        self._buttons(confirm=False, undo=self.previous is not None)
        self.setVisible(True)

    def _buttons(self, *, confirm: bool, undo: bool) -> None:
        self.confirm_button.setVisible(confirm)
        self.undo_button.setVisible(undo)
        self.change_button.setVisible(True)

    # -- changing -----------------------------------------------------------------------------
    def confirm(self) -> None:
        guess = self.guess
        if guess is None:
            return
        current = self.ctx.settings().store
        self._save(replace(current, locale_confirmed=True,
                           time_zone=guess.time_zone or current.time_zone,
                           currency=guess.currency or current.currency))

    def open_editor(self) -> None:
        store = self.ctx.settings().store
        guess = self.guess
        self.zone.setCurrentText((guess.time_zone if guess and guess.time_zone else None)
                                 or store.time_zone or "UTC")
        self.currency.setText((guess.currency if guess and guess.currency else None)
                              or store.currency or "")
        self.editor.setVisible(True)
        self.zone.setFocus()

    def _close_editor(self) -> None:
        self.editor.setVisible(False)

    def save_edit(self) -> None:
        zone, currency = self.zone.currentText().strip(), self.currency.text().strip().upper()
        if zone not in time_zones():
            self.text.setText(f"'{zone}' is not a time zone ppdesk knows: pick one from the "
                              "list, e.g. Europe/Madrid or America/New_York.")
            return
        if not re.fullmatch(r"[A-Z]{3}", currency):
            self.text.setText("The currency is three letters, e.g. EUR, USD or GBP.")
            return
        current = self.ctx.settings().store
        self._save(replace(current, time_zone=zone, currency=currency, locale_confirmed=True))

    def undo(self) -> None:
        previous = self.previous
        if previous is None:
            return
        current = self.ctx.settings()
        self.ctx.save_settings(replace(current, store=previous), on_done=self._undone,
                               on_error=self._failed)

    def _save(self, profile: StoreProfile) -> None:
        current = self.ctx.settings()
        before = current.store
        self.ctx.save_settings(replace(current, store=profile),
                               on_done=lambda: self._done(before), on_error=self._failed)

    def _done(self, before: StoreProfile) -> None:
        self.previous = before
        self.editor.setVisible(False)
        self.guess = None
        self.tell()
        self.saved.emit()

    def _undone(self) -> None:
        previous, self.previous = self.previous, None
        if previous is not None:
            self.text.setText(in_words(previous.time_zone, previous.currency,
                                       lead="Undone: back to times"))
        self._buttons(confirm=False, undo=False)
        self.saved.emit()

    def _failed(self, exc: BaseException) -> None:
        self.text.setText(describe(exc).text)
