"""The form editor's words: each content field's label and help, and the friendly tokens.

A merchant never sees ``{first_name}``: fields show ``{First name}`` and the token
buttons insert that; :func:`to_tokens` turns the friendly labels back into the tokens
``emails.content`` fills (a token typed the technical way is kept as it is).
:func:`unknown_tokens` finds braces that are neither, so the form can say so in plain
words before ``content.checked`` refuses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ppdesk.core.emails.content import TOKENS


@dataclass(frozen=True)
class FieldWords:
    label: str
    help: str
    lines: int = 1          # 1: a one-line box; more: a paragraph box this many lines high
    tokens: bool = True     # whether the token buttons insert into it


FIELD_WORDS: dict[str, FieldWords] = {
    "subject": FieldWords("Subject line", "What the inbox shows first; about 40 to 60 "
                          "characters reads well on a phone."),
    "preheader": FieldWords("Preview text", "The grey line most inboxes show after the "
                            "subject."),
    "heading": FieldWords("Heading", "The big line at the top of the email."),
    "intro": FieldWords("Opening paragraph", "The first words under the heading. A sentence "
                        "whose fill-in has nothing to show (no reorder time known yet) is "
                        "left out.", lines=4),
    "cards_heading": FieldWords("Above the products", "A short heading over the suggested "
                                "products."),
    "card_sentence": FieldWords(
        "Under each product",
        "One sentence on each product shown. While the cross-sell keeps ppdesk's words, it is "
        "left out under products that go with the one the opening paragraph names."),
    "button_text": FieldWords("Product button", "The button on each product."),
    "main_button_text": FieldWords("Main button", "The big button under the text."),
    "offer_text": FieldWords("Offer paragraph", "What the reward or the subscription is.",
                             lines=3),
    "code_line": FieldWords("Before the code", "Shown just before the discount code (only "
                            "when the email has one)."),
    "closing": FieldWords("Closing line", "A last line before the sign-off.", lines=2),
    "reply_text": FieldWords("Without a review page", "Shown instead of the review button "
                             "when there is no review page to link to.", lines=2),
    "sign_off": FieldWords("Sign-off", "Left empty, the email uses the sign-off of your "
                           "store's settings."),
    "discount_code": FieldWords("Discount code", "Optional. Create the code in your shop "
                                "first; letters, digits, dashes and underscores.",
                                tokens=False),
    "review_site": FieldWords("Reviews go to", "Where the review button leads.",
                              tokens=False),
    "review_page_url": FieldWords("Review page address", "The web address of your Google "
                                  "or Etsy reviews page.", tokens=False),
    "offer": FieldWords("Offer", "A reward (needs a discount code) or a subscription.",
                        tokens=False),
    "subscribe_url": FieldWords("Subscribe page address", "Your shop's subscription page, "
                                "for the subscription offer.", tokens=False),
}

REVIEW_SITE_WORDS = {"product_page": "the product page's reviews",
                     "judgeme": "the product page's Judge.me reviews",
                     "google": "your Google reviews page", "etsy": "your Etsy reviews page"}
OFFER_WORDS = {"loyalty": "a reward with the discount code", "subscription": "a subscription"}

# Friendly label and tooltip of each token (emails.content.TOKENS names them).
TOKEN_WORDS: dict[str, tuple[str, str]] = {
    "first_name": ("First name",
                   "The customer's first name (when unknown: left out, “Hi there”, “for you”)"),
    "store_name": ("Store name", "Your store's name"),
    "product": ("Product", "The product the email is about"),
    "complement": ("Suggested product", "Under each product: the product suggested"),
    "quantity": ("Quantity", "How many the customer bought"),
    "days_since": ("Time since the order", "How long ago they ordered, such as “3 weeks”"),
    "reorder_time": ("Usual reorder time", "When most customers reorder it, such as "
                     "“about 3 weeks”"),
    "cadence": ("Their rhythm", "How often this customer reorders, such as “every 3 weeks”"),
    "orders_count": ("Number of orders", "How many orders the customer placed"),
    "code": ("Discount code", "The email's discount code"),
}
assert set(TOKEN_WORDS) == set(TOKENS), "a token without words for the form"

# The tokens that mean something in each flow's email, in button order.
FLOW_TOKENS: dict[str, tuple[str, ...]] = {
    "cross_sell": ("first_name", "product", "complement", "store_name", "code"),
    "replenishment": ("first_name", "product", "quantity", "days_since", "reorder_time",
                      "store_name", "code"),
    "review": ("first_name", "product", "complement", "days_since", "store_name", "code"),
    "loyalty": ("first_name", "product", "quantity", "cadence", "orders_count", "store_name",
                "code"),
}

_BRACES = re.compile(r"\{([^{}]*)\}")
_BY_LABEL = {label.casefold(): token for token, (label, _) in TOKEN_WORDS.items()}


def friendly(token: str) -> str:
    """``{First name}`` for ``first_name``."""
    return "{" + TOKEN_WORDS[token][0] + "}"


def to_friendly(text: str) -> str:
    """``text`` with each known ``{token}`` shown as its friendly label."""
    return _BRACES.sub(lambda m: friendly(m.group(1)) if m.group(1) in TOKENS
                       else m.group(0), text)


def to_tokens(text: str) -> str:
    """``text`` with each friendly label (any case, spaces trimmed) back as its token."""
    def swap(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        token = _BY_LABEL.get(" ".join(inner.split()).casefold())
        return "{" + token + "}" if token else m.group(0)

    return _BRACES.sub(swap, text)


def unknown_tokens(text: str) -> list[str]:
    """The ``{...}`` in ``text`` (after :func:`to_tokens`) that ppdesk cannot fill."""
    return [m.group(0) for m in _BRACES.finditer(text) if m.group(1) not in TOKENS]
