"""Who placed an order: the customer key, as the CLI contract defines a customer.

The platform's customer id when the export has one (namespaced by platform: ids of
two platforms can collide), else the e-mail lower-cased and trimmed, else the phone
normalised to E.164 (``+923001234567``) with the store's country; an order with none
of these is a guest's.

Phones matter for cash-on-delivery stores (Pakistan, Bangladesh, Egypt...), whose
buyers often leave no e-mail: one gemstone store in the real exports has an e-mail on
20 of 140 orders and a phone on most of the rest. Numbers are read with Google's
libphonenumber (the ``phonenumbers`` package): national forms (``0300-1234567``) need
the country, written-out international forms (``+92 300 1234567``, ``0092...``) do
not. A number is kept when it has a possible length for its country; numbers
spreadsheets destroyed are not (``4.30326E+11`` lost its last digits, and two buyers
would share it).

The store's country: the ``store.country`` setting when set, else the country most
of the export's billing/shipping country cells name, else none (then only numbers
written with their country code are read).

Parsing costs about 20 microseconds a number, so only the distinct phones of orders
that need them are parsed (no customer id, no e-mail), or every phone when the file
holds few (then e-mail customers get their phone stored too).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Up to this many phone cells, parsing them all costs well under a second.
ALL_PHONES_BELOW = 50_000


def supported_country(code: str) -> bool:
    """Whether ``code`` is a two-letter region libphonenumber knows (``PK``, ``GB``)."""
    import phonenumbers

    return code.upper() in phonenumbers.SUPPORTED_REGIONS


def infer_country(*columns: pd.Series) -> str | None:
    """The two-letter country most cells of these columns name (``None`` if none does).

    Shopify writes ``PK``; WooCommerce's ``Country Code (Billing)`` too. Full names
    ("Pakistan") are not guessed at.
    """
    counts: pd.Series | None = None
    for col in columns:
        # Counted per distinct cell first (a million lines name a few dozen countries), then
        # per code: the same counts, in the same first-seen order, as counting the
        # normalised million cells, without stripping and matching each of them.
        cells = col.astype(str).value_counts(sort=False)
        codes = cells.index.str.strip().str.upper()
        keep = codes.str.fullmatch(r"[A-Z]{2}")
        vc = cells[keep].groupby(codes[keep], sort=False).sum().sort_values(
            ascending=False, kind="stable")
        counts = vc if counts is None else counts.add(vc, fill_value=0)
    if counts is None or counts.empty:
        return None
    for code in counts.sort_values(ascending=False, kind="stable").index:
        if supported_country(str(code)):
            return str(code)
    return None


def e164(raw: str, country: str | None) -> str:
    """One phone as E.164, or "" when it is not a usable number."""
    import phonenumbers

    text = raw.strip().lstrip("'").strip()
    digits = sum(ch.isdigit() for ch in text)
    if digits < 6 or "e+" in text.lower():  # "4.30326E+11": a number Excel rounded
        return ""
    if text.startswith("00") and not country:
        text = "+" + text[2:]  # 00 is the international prefix nearly everywhere
    try:
        number = phonenumbers.parse(text, country.upper() if country else None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalise_phones(columns: list[pd.Series], country: str | None,
                     wanted: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per column, the rows holding a usable phone (ascending) and that phone in E.164.

    Cells arrive stripped (``Profile.canonical``). Only rows in ``wanted`` are parsed,
    unless the columns hold few numbers at all (module doc); each distinct text once.
    Sparse results: a million-line file with e-mail customers builds no big arrays.
    """
    filled = [(c != "").to_numpy(dtype=bool) for c in columns]
    everything = sum(int(m.sum()) for m in filled) <= ALL_PHONES_BELOW
    out = []
    # Shared by the columns: billing and shipping phones are mostly the same numbers, and
    # libphonenumber's parse is the cost here (about 60 us a number).
    known: dict[str, str] = {}
    for column, mask in zip(columns, filled, strict=True):
        rows = np.flatnonzero(mask if everything else mask & wanted)
        if len(rows) == 0:
            out.append((rows, np.zeros(0, dtype=object)))
            continue
        codes, uniq = pd.factorize(column.iloc[rows].to_numpy(dtype=object), sort=False)
        for text in map(str, uniq):
            if text not in known:
                known[text] = e164(text, country)
        parsed = np.array([known[str(v)] for v in uniq], dtype=object)[codes]
        usable = parsed != ""
        out.append((rows[usable], parsed[usable]))
    return out


def customer_keys(orders: pd.DataFrame, platform: str) -> pd.Series:
    """Per order: ``platform:id``, else the e-mail, else the E.164 phone; None for a guest."""
    cid = orders["customer_id"].astype(str)
    key = pd.Series(np.where(cid != "", platform + ":" + cid, ""), index=orders.index,
                    dtype=object)
    key = key.where(key != "", orders["email"])
    if "phone" in orders:
        key = key.where(key != "", orders["phone"])
    return key.where(key != "", None)
