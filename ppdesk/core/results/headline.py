"""The results in one sentence a merchant reads without a statistics course.

Only words over figures the lift table already holds (``lift.lift_table``: the
revenue-per-customer difference against the comparison group and its 95% range);
no new statistics here. ``METHOD`` says how those figures are made, in plain words,
for the "How is this computed?" expander.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ppdesk.core.results import lift
from ppdesk.core.templating import money

METHOD = (
    "ppdesk keeps a random share of customers as a comparison group: they get no follow-up "
    "emails. For every customer it adds up what they spent from the first email (or the email "
    "they would have got) until {days} days after the last one, then compares the average per "
    "customer in the two groups. The range is where the true difference lies with 95% "
    "confidence, given how much customers' spending varies. Until each group has at least "
    "{min_group} customers, or while the range still includes zero, ppdesk says the difference "
    "could be chance."
)


def method_text(days: int) -> str:
    return METHOD.format(days=days, min_group=lift.MIN_GROUP)


def _amount(value: float, currency: str) -> str:
    return money(abs(value), currency)


def _range(low: float, high: float, currency: str) -> str:
    def one(v: float) -> str:
        return money(v, currency) if v >= 0 else f"minus {money(-v, currency)}"
    return f"{one(low)} and {one(high)}"


def lift_sentence(row: pd.Series | Mapping[str, Any], currency: str) -> str:
    """One lift row (a flow, or all flows) in words: the difference and its likely range."""
    flow = str(row["flow"])
    who = "Emails" if flow == lift.ALL_FLOWS else "This email"
    n_r, n_h = int(row["received"]), int(row["holdout"])
    diff = float(row["revenue_diff"])
    low = float(row["revenue_ci_low"])
    high = float(row["revenue_ci_high"])
    if n_r < lift.MIN_GROUP or n_h < lift.MIN_GROUP or math.isnan(diff):
        return (f"Too early to tell: {n_r} {'customer' if n_r == 1 else 'customers'} got "
                f"emails and {n_h} {'was' if n_h == 1 else 'were'} kept as a comparison group; "
                f"each group needs at least {lift.MIN_GROUP}.")
    more = "more" if diff >= 0 else "less"
    text = f"{who} earned about {_amount(diff, currency)} {more} per customer than no email"
    if math.isnan(low) or math.isnan(high):
        return text + "."
    text += f", likely between {_range(low, high, currency)}"
    if low <= 0 <= high:
        text += ", so it could still be chance"
    return text + "."


def headline(lift_rows: pd.DataFrame, currency: str) -> str | None:
    """The sentence for all flows together, or None when no email was measured at all."""
    overall = lift_rows[lift_rows["flow"] == lift.ALL_FLOWS]
    if overall.empty:
        return None
    return lift_sentence(overall.iloc[0], currency)
