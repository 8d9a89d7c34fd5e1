"""Messages in words: the results headline, network failures, times and the window's text."""

from __future__ import annotations

import socket

import pandas as pd
import pytest

from ppdesk.core import local_time, net_errors
from ppdesk.core.errors import for_window
from ppdesk.core.results import headline, lift


def _row(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {"flow": lift.ALL_FLOWS, "received": 200, "holdout": 40,
                               "revenue_diff": 4.1, "revenue_ci_low": 1.2,
                               "revenue_ci_high": 7.0}
    return {**base, **kw}


def test_the_headline_says_the_difference_and_its_range_in_words() -> None:
    frame = pd.DataFrame([_row(flow="cross_sell"), _row()])
    assert headline.headline(frame, "USD") == (
        "Emails earned about $4.10 more per customer than no email, likely between $1.20 "
        "and $7.00.")


def test_a_range_through_zero_is_called_chance_and_a_loss_is_less() -> None:
    said = headline.lift_sentence(_row(revenue_diff=-0.5, revenue_ci_low=-2.25,
                                       revenue_ci_high=1.0), "EUR")
    assert said == ("Emails earned about €0.50 less per customer than no email, likely "
                    "between minus €2.25 and €1.00, so it could still be chance.")


def test_small_groups_are_too_early_to_tell() -> None:
    said = headline.lift_sentence(_row(holdout=lift.MIN_GROUP - 1), "USD")
    assert said.startswith("Too early to tell") and f"at least {lift.MIN_GROUP}" in said


def test_no_measured_email_gives_no_headline() -> None:
    assert headline.headline(pd.DataFrame(columns=lift.LIFT_COLUMNS), "USD") is None


def test_a_refused_connection_is_a_sentence_without_exception_names() -> None:
    with socket.socket() as probe:      # a port nobody listens on: bind, then close
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(OSError) as caught:
        socket.create_connection(("127.0.0.1", port), timeout=5)
    text = net_errors.connection_problem(caught.value, "127.0.0.1", port, "the email server")
    assert text.startswith("Cannot connect to the email server: 127.0.0.1 refused the connection")
    assert "Errno" not in text and "Error" not in text


def test_an_unknown_host_names_the_host_and_the_likely_cause() -> None:
    exc = socket.gaierror(-2, "Name or service not known")
    text = net_errors.connection_problem(exc, "smtp.exmple.com", 587, "the email server")
    assert "cannot find the server smtp.exmple.com" in text and "typing mistakes" in text
    assert "gaierror" not in text and "Errno" not in text


def test_the_window_drops_the_command_line_alternative() -> None:
    text = ("The inbox is not set up yet; fill in Settings > Mailbox (IMAP) "
            "(or run 'ppdesk inbox set --host ...').")
    assert for_window(text) == "The inbox is not set up yet; fill in Settings > Mailbox (IMAP)."


def test_times_show_in_the_store_zone() -> None:
    # 14:30 UTC on 14 Mar 2026 is 10:30 in New York (EDT, UTC-4, since 8 Mar 2026)
    assert local_time.moment_text("2026-03-14T14:30:00Z", "America/New_York") == \
        "14 Mar 2026 10:30"
    local = local_time.in_store_zone(pd.Series(["2026-01-14T14:30:00Z", None]), "Europe/Paris")
    assert local.iloc[0] == pd.Timestamp("2026-01-14 15:30") and pd.isna(local.iloc[1])
    assert local_time.moment_text("", "Europe/Paris") == ""


def test_offsets_on_both_sides_of_dst_give_the_iana_zone() -> None:
    from ppdesk.core.importing.store_locale import fixed_offset_zone, zone_from_offsets

    # New York: EST (-5 h) on 10 Jan, EDT (-4 h) on 10 Jul and on 14 Mar (DST from 8 Mar 2026)
    local = pd.Series(["2026-01-10 09:00:00", "2026-07-10 09:00:00", "2026-03-14 10:00:00"])
    assert zone_from_offsets(local, pd.Series([-300, -240, -240])) == "America/New_York"
    # Paris: CET +1 h in January and mid-March (DST from 29 Mar 2026), CEST +2 h in July
    assert zone_from_offsets(local, pd.Series([60, 120, 60])) == "Europe/Paris"
    assert zone_from_offsets(local, pd.Series([None, None, None])) is None
    # -5 h all year matches no candidate with DST on all three dates but Bogota (no DST)
    assert zone_from_offsets(local, pd.Series([-300, -300, -300])) == "America/Bogota"
    assert fixed_offset_zone(-300) == "Etc/GMT+5" and fixed_offset_zone(120) == "Etc/GMT-2"


def test_zones_are_named_as_people_say_them() -> None:
    from ppdesk.core.importing.store_locale import zone_words

    assert zone_words("America/New_York") == "New York time (America/New_York)"
    assert zone_words("Etc/GMT+5") == "UTC-5"     # POSIX: Etc/GMT+5 is five hours behind
