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
that need them are parsed (no customer id, no e-mail), or every distinct phone when
there are few enough to be cheap (then e-mail customers get their phone stored too).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Below this many distinct numbers parsing all costs well under a second.
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
        codes = col.astype(str).str.strip().str.upper()
        vc = codes[codes.str.fullmatch(r"[A-Z]{2}")].value_counts()
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
                     wanted: np.ndarray) -> list[pd.Series]:
    """Each column's cells as E.164 ("" where no usable number, or the row is not wanted).

    Only rows in ``wanted`` are parsed unless the distinct numbers are few (module doc);
    each distinct text is parsed once.
    """
    n = len(wanted)
    if not columns or n == 0:
        return [pd.Series("", index=range(n), dtype="str") for _ in columns]
    stacked = pd.concat([c.reset_index(drop=True).astype(str) for c in columns],
                        ignore_index=True)
    present = (stacked.str.strip() != "").to_numpy(bool)
    if stacked[present].nunique() > ALL_PHONES_BELOW:
        present &= np.tile(wanted, len(columns))
    codes, uniq = pd.factorize(stacked.where(present, ""), sort=False)
    parsed = np.array([e164(str(v), country) if v else "" for v in uniq], dtype=object)
    values = parsed[codes].reshape(len(columns), n)
    return [pd.Series(values[k], dtype="str") for k in range(len(columns))]


def customer_keys(orders: pd.DataFrame, platform: str) -> pd.Series:
    """Per order: ``platform:id``, else the e-mail, else the E.164 phone; None for a guest."""
    cid = orders["customer_id"].astype(str)
    key = pd.Series(np.where(cid != "", platform + ":" + cid, ""), index=orders.index,
                    dtype=object)
    key = key.where(key != "", orders["email"])
    if "phone" in orders:
        key = key.where(key != "", orders["phone"])
    return key.where(key != "", None)
