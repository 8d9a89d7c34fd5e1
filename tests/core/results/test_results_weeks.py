"""Emails are counted in the week they went out on the store's clock, not UTC's.

Hand-worked: 2026-03-09 02:00 UTC is Sunday 8 March 22:00 in New York (summer time
began that morning, UTC-4), so it belongs to the week of Monday 2 March (ISO 2026-W10);
in UTC it would have been Monday 9 March (W11). 14:00 UTC the same day is Monday 10:00
in New York: week of 9 March (W11) on both clocks.
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.results.data import _messages


def _outbox(sent_at: list[str]) -> pd.DataFrame:
    n = len(sent_at)
    return pd.DataFrame({
        "outbox_id": range(1, n + 1), "flow": ["cross_sell"] * n,
        "customer_id": range(1, n + 1), "email": [f"c{i}@example.com" for i in range(n)],
        "holdout": [False] * n, "state": ["sent"] * n, "due_at": sent_at, "sent_at": sent_at,
        "failure_detail": [""] * n, "reason": [""] * n,
    })


NO_BOUNCES = pd.DataFrame({"email": pd.Series(dtype=object),
                           "created_at": pd.Series(dtype=object)})


def test_sunday_evening_send_is_in_sundays_week() -> None:
    msgs, _held = _messages(_outbox(["2026-03-09T02:00:00Z", "2026-03-09T14:00:00Z"]),
                            NO_BOUNCES, "America/New_York")
    assert msgs["week"].tolist() == ["2026-W10", "2026-W11"]
    assert msgs["week_start"].tolist() == [pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-09")]


def test_utc_store_keeps_utc_weeks() -> None:
    msgs, _held = _messages(_outbox(["2026-03-09T02:00:00Z"]), NO_BOUNCES, "UTC")
    assert msgs["week"].tolist() == ["2026-W11"]
    assert msgs["week_start"].tolist() == [pd.Timestamp("2026-03-09")]
