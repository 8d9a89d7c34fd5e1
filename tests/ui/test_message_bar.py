"""The message bar: each declared message is its own row until dismissed."""

from __future__ import annotations

from ppdesk.ui.widgets.message_bar import Message, MessageBar


class Msg:
    went_live = Message("success", "{text}")
    warning = Message("warning", "{text}")
    saved = Message("success", "Saved {name}.")


def test_two_messages_with_the_same_template_both_stay(qtbot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_message(Msg.went_live, text="Cross-sell is Live.")
    bar.show_message(Msg.warning, text="Soft opt-in is on.")
    assert bar.texts() == ["Cross-sell is Live.", "Soft opt-in is on."]


def test_showing_a_message_again_replaces_only_its_own_row(qtbot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_message(Msg.saved, name="A")
    bar.show_message(Msg.warning, text="Careful.")
    bar.show_message(Msg.saved, name="B")
    assert sorted(bar.texts()) == ["Careful.", "Saved B."]
    assert len(bar.texts()) == 2


def test_dismissing_the_error_keeps_the_other_messages(qtbot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_message(Msg.saved, name="A")
    bar.show_error(OSError("disk full"))
    assert len(bar.texts()) == 2
    bar.dismiss_error()
    assert bar.texts() == ["Saved A."]
