"""Plain-text bounces: the failure notices that are not RFC 3464 reports.

Exim ("The following address(es) failed:"), qmail ("This is a permanent error; I've
given up"), Postfix without DSN ("<addr>: host ... said: 550 ..."), Exchange/Outlook
("Delivery has failed to these recipients or groups:", "Your message to ... couldn't be
delivered") and Gmail ("Your message wasn't delivered to ... because the address
couldn't be found"). Hard or soft is decided by the first enhanced status code
(5.x.x hard, 4.x.x soft), else a three-digit SMTP code, else the wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ADDR = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_SUBJECT = re.compile(
    r"(undeliver|delivery status notification|delivery (has )?failed|delivery failure|"
    r"failure notice|returned mail|mail delivery (failed|failure|delayed|problem)|"
    r"could not be delivered|non[- ]?delivery|delivery delayed|warning: message .* delayed|"
    r"message not delivered|mail system error)", re.IGNORECASE)
_RECIPIENT_PATTERNS = [
    # Exim: the failed addresses follow on indented lines
    re.compile(r"following address(?:\(es\))? failed:\s*\n+((?:[ \t]*\S.*\n?){1,20})",
               re.IGNORECASE),
    # Exchange / Outlook
    re.compile(r"Delivery has failed to these recipients or groups:\s*\n+\s*(?:.*?\()?(" + _ADDR
               + r")", re.IGNORECASE),
    re.compile(r"Your message to (" + _ADDR + r") couldn.t be delivered", re.IGNORECASE),
    # Gmail
    re.compile(r"(?:wasn.t|was not|could not be|couldn.t be) delivered to (" + _ADDR + r")",
               re.IGNORECASE),
    # Postfix / qmail / Sendmail: "<addr>:" at the start of a line
    re.compile(r"(?m)^\s*<(" + _ADDR + r")>:?"),
    re.compile(r"(?:Original|Final)-Recipient:\s*rfc822;\s*(" + _ADDR + r")", re.IGNORECASE),
]
_ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_SMTP_CODE = re.compile(r"(?<!\d)([45])\d\d(?:[ -])")
_HARD_WORDS = re.compile(
    r"(permanent error|permanent failure|does not exist|doesn.t exist|user unknown|"
    r"unknown user|no such user|address not found|couldn.t be found|mailbox unavailable|"
    r"recipient address rejected|recipient not found|invalid recipient|I.ve given up|"
    r"account (has been )?disabled|RecipientNotFound)", re.IGNORECASE)
_SOFT_WORDS = re.compile(
    r"(temporar|delayed|will (re)?try|has not yet been delivered|try again later|"
    r"mailbox (is )?full|over quota|still trying)", re.IGNORECASE)


@dataclass(frozen=True)
class TextBounce:
    kind: str                 # hard_bounce | soft_bounce | other
    addresses: tuple[str, ...]
    status: str
    detail: str


def subject_says_bounce(subject: str) -> bool:
    return _SUBJECT.search(subject) is not None


def _recipients(text: str) -> list[str]:
    found: list[str] = []
    for pattern in _RECIPIENT_PATTERNS:
        for match in pattern.finditer(text):
            found.extend(a.lower() for a in re.findall(_ADDR, match.group(1)))
        if found:
            break
    return list(dict.fromkeys(found))


def parse_text_bounce(text: str) -> TextBounce:
    """Hard or soft bounce and the failed addresses of a failure notice, else ``other``."""
    addresses = tuple(_recipients(text))
    enhanced = _ENHANCED.search(text)
    if enhanced:
        status = enhanced.group(0)
        hard = enhanced.group(1) == "5"
    else:
        code = _SMTP_CODE.search(text)
        if code:
            status = code.group(0).strip(" -")
            hard = code.group(1) == "5"
        elif _HARD_WORDS.search(text):
            status, hard = "", True
        elif _SOFT_WORDS.search(text):
            status, hard = "", False
        else:
            return TextBounce("other", addresses, "", "")
    if hard and _SOFT_WORDS.search(text) and not _HARD_WORDS.search(text) and not enhanced:
        hard = False   # "550" quoted inside a "will retry" warning
    line = next((ln.strip() for ln in text.splitlines() if status and status in ln), "")
    return TextBounce("hard_bounce" if hard else "soft_bounce", addresses, status,
                      line[:300] or ("permanent failure" if hard else "temporary failure"))
