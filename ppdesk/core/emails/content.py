"""The words of each flow's email, as fields a merchant edits in a form (never template code).

An email is made of :class:`EmailContent` fields: subject, preheader, heading, intro,
the heading above the product cards, the sentence on each card, button texts, a closing
line and the sign-off, plus per-flow choices (an optional discount code, where the
review button points, the store's subscribe page). The templates only lay the fields
out; :func:`fill` turns a field into the customer's text by substituting a few
tokens (``{first_name}``, ``{product}``, ...). The result is plain text: the HTML
template escapes it like any other value, so a field can never inject markup or run
template code.

Defaults follow the playbook: L2 sells on relevance (no discount), L3 reminds in
everyday words, the review asks "How is it going?", L4 rewards the customer's own
rhythm. None of them mentions a statistic: figures stay in the merchant's views.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace

from ppdesk.core.errors import InputError
from ppdesk.core.offers.links import REVIEW_SITES, checked_url
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import email_content_queries as ecq

FLOWS = ("cross_sell", "replenishment", "review", "loyalty")
OFFERS = ("loyalty", "subscription")

# Tokens a field may hold and what they become (documented for the editor, issue 14).
TOKENS: dict[str, str] = {
    "first_name": "the customer's first name (when unknown: left out with its comma; "
                  "'Hi {first_name}' says 'Hi there', 'Dear {first_name}' 'Dear customer', "
                  "'for {first_name}' 'for you', \"{first_name}'s\" 'your')",
    "store_name": "the store's name",
    "product": "the product bought (L2: the one the suggestions go with)",
    "complement": "on a product card: the suggested product",
    "quantity": "how many the customer bought",
    "days_since": "how long ago they ordered, in everyday words ('3 weeks')",
    "reorder_time": "when most customers reorder it ('about 3 weeks')",
    "cadence": "how often this customer reorders ('every 3 weeks')",
    "orders_count": "how many orders the customer placed",
    "code": "the flow's discount code",
}
_TOKEN = re.compile(r"\{([a-z_]+)\}")
_MAX_FIELD = 500
_CODE = re.compile(r"^[A-Za-z0-9_\-]{0,40}$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# With no first name known: a greeting keeps its word ("Hi there", "Dear customer"), a
# name after a comma goes with the comma ("almost on its way, {first_name}" ends at
# "way"), a name opening a sentence goes with its comma and the sentence starts with a
# capital ("{first_name}, how do you like..." is "How do you like..."); any other is
# dropped with its space.
_NAME_GREETING = re.compile(r"\b(hi|hello|hey)(\s+)\{first_name\}", re.I)
_NAME_DEAR = re.compile(r"\b(dear)(\s+)\{first_name\}", re.I)   # "Dear customer"
# "picked for {first_name}." reads "picked for you.": after for/to/with the name is the
# object, and leaving it out would leave the preposition hanging ("'s" would not fit)
_NAME_AS_OBJECT = re.compile(r"\b(for|to|with)(\s+)\{first_name\}(?!['\u2019])", re.I)
_NAME_POSSESSIVE = re.compile(r"(^|[.!?]\s+)?\{first_name\}['\u2019]s\b")  # "your"
_NAME_AFTER_COMMA = re.compile(r"\s*,\s*\{first_name\}")
_NAME_OPENING = re.compile(r"(^|[.!?]\s+)\{first_name\}\s*[,:!]?\s*(\w)")
_NAME_ANYWHERE = re.compile(r"\s*\{first_name\}")


@dataclass(frozen=True)
class EmailContent:
    """One flow's words and choices. Empty text hides that part of the email."""

    subject: str
    preheader: str
    heading: str
    intro: str
    cards_heading: str = ""
    card_sentence: str = ""
    button_text: str = "Add to cart"
    main_button_text: str = ""
    offer_text: str = ""          # loyalty: the reward or subscription paragraph
    code_line: str = "Use this code at checkout:"
    closing: str = ""
    reply_text: str = ""          # review: shown instead of the button when no review page
    sign_off: str = ""            # empty: the store's sign-off (Settings > Store)
    discount_code: str = ""       # optional per flow; none by default (relevance sells)
    review_site: str = "product_page"   # review: one of links.REVIEW_SITES
    review_page_url: str = ""     # review: the Google / Etsy review page
    offer: str = "loyalty"        # loyalty: "loyalty" reward or "subscription" offer
    subscribe_url: str = ""       # loyalty: the store's subscribe page (subscription)


TEXT_FIELDS = ("subject", "preheader", "heading", "intro", "cards_heading", "card_sentence",
               "button_text", "main_button_text", "offer_text", "code_line", "closing",
               "reply_text", "sign_off")

DEFAULTS: dict[str, EmailContent] = {
    "cross_sell": EmailContent(
        subject="Your {product} ships soon: here is what goes with it",
        preheader="A few favourites that customers pair with the {product}.",
        heading="Your {product} is almost on its way, {first_name}",
        intro="Thanks for your order! While we pack it, here is what customers who "
              "bought the {product} like to add, so you get even more out of it.",
        cards_heading="Picked to go with your order",
        # shown only under a card that goes with another bought product than the
        # intro's (emails.context._card_repeats_intro)
        card_sentence="Customers who bought the {product} often add the {complement}.",
        button_text="Add to cart",
        main_button_text="Visit the shop",
        closing="Questions about your order? Just reply to this email.",
    ),
    "replenishment": EmailContent(
        subject="Running low on {product}?",
        preheader="Reorder in one click: same product, same quantity.",
        heading="Time for more {product}, {first_name}?",
        intro="You ordered the {product} {days_since} ago. Most customers reorder after "
              "{reorder_time}, so now is a good moment to top up before you run out.",
        card_sentence="Same as last time: quantity {quantity}.",
        button_text="Reorder",
        closing="Not yet? No problem: we will not remind you about this order again.",
    ),
    "review": EmailContent(
        subject="{first_name}, how do you like your {product}?",
        preheader="One minute of your time helps other customers choose.",
        heading="How is it going, {first_name}?",
        intro="You have had the {product} for {days_since} now. We would love to hear "
              "what you think: a short review takes a minute and helps other customers "
              "choose.",
        cards_heading="If you are enjoying it, this goes well with it",
        card_sentence="Customers who bought the {product} often add the {complement}.",
        button_text="Add to cart",
        main_button_text="Write a review",
        reply_text="Just reply to this email with a few words: we read every answer.",
        closing="Something not right? Reply to this email and we will make it right.",
    ),
    "loyalty": EmailContent(
        subject="{first_name}, thank you for coming back for the {product}",
        preheader="You reorder the {product} {cadence}: we noticed, and we are grateful.",
        heading="Thank you for coming back, {first_name}",
        intro="You have ordered from us {orders_count} times. You reorder the {product} "
              "{cadence}. That means a lot to a small shop like ours.",
        offer_text="As a thank-you, here is a reward on your next order, ready for when "
                   "you usually reorder.",
        button_text="Reorder",
        main_button_text="Use my reward",
    ),
}

# The subscription offer's words replace the loyalty ones when ``offer`` is
# "subscription" and the merchant has not edited them.
SUBSCRIPTION_WORDS = {
    "subject": "{first_name}, your {product} {cadence}, without thinking about it",
    "preheader": "Delivered on your own rhythm. Skip or cancel any time.",
    "offer_text": "Get the {product} delivered {cadence}, the rhythm you already "
                  "keep. Skip, change or cancel any time.",
    "main_button_text": "Subscribe",
}

# Which fields each flow's email shows (the editor's form, issue 14).
USED: dict[str, tuple[str, ...]] = {
    "cross_sell": ("subject", "preheader", "heading", "intro", "cards_heading", "card_sentence",
                   "button_text", "main_button_text", "code_line", "closing", "sign_off",
                   "discount_code"),
    "replenishment": ("subject", "preheader", "heading", "intro", "card_sentence",
                      "button_text", "code_line", "closing", "sign_off", "discount_code"),
    "review": ("subject", "preheader", "heading", "intro", "cards_heading", "card_sentence",
               "button_text", "main_button_text", "code_line", "closing", "reply_text",
               "sign_off", "discount_code", "review_site", "review_page_url"),
    "loyalty": ("subject", "preheader", "heading", "intro", "offer_text", "button_text",
                "main_button_text", "code_line", "closing", "sign_off", "discount_code",
                "offer", "subscribe_url"),
}


def _flow(flow: str) -> str:
    if flow not in FLOWS:
        raise InputError(f"unknown email flow {flow!r}; use one of {', '.join(FLOWS)}")
    return flow


def checked(flow: str, content: EmailContent) -> EmailContent:
    """``content`` when every field is acceptable, else InputError naming the field."""
    _flow(flow)
    for name in TEXT_FIELDS:
        value = getattr(content, name)
        if len(value) > _MAX_FIELD:
            raise InputError(f"the {name} of the {flow} email is longer than {_MAX_FIELD} "
                             "characters")
        if name in ("subject", "preheader") and ("\r" in value or "\n" in value):
            raise InputError(f"the {name} of the {flow} email must be one line")
        unknown = sorted(set(_TOKEN.findall(value)) - set(TOKENS))
        if unknown:
            raise InputError(f"the {name} of the {flow} email uses {{{unknown[0]}}}, which is "
                             f"not a token; use one of "
                             + ", ".join(f"{{{t}}}" for t in TOKENS))
    if not _CODE.match(content.discount_code):
        raise InputError(f"the discount code of the {flow} email must be letters, digits, "
                         f"'_' or '-' (got {content.discount_code[:40]!r})")
    if content.review_site not in REVIEW_SITES:
        raise InputError(f"the review site must be one of {', '.join(REVIEW_SITES)} "
                         f"(got {content.review_site!r})")
    if content.offer not in OFFERS:
        raise InputError(f"the loyalty offer must be one of {', '.join(OFFERS)} "
                         f"(got {content.offer!r})")
    if content.offer == "subscription" and not content.subscribe_url.strip():
        raise InputError(f"the {flow} email offers a subscription: enter the web address of "
                         "the store's subscribe page")
    checked_url(content.review_page_url, "the review page URL")
    checked_url(content.subscribe_url, "the subscribe page URL")
    return content


def default_content(flow: str) -> EmailContent:
    return DEFAULTS[_flow(flow)]


def _from_json(flow: str, raw: str | None) -> EmailContent:
    base = DEFAULTS[flow]
    if not raw:
        return base
    data = json.loads(raw)
    known = {f.name for f in fields(EmailContent)}
    values = {k: str(v) for k, v in data.items() if k in known and v is not None}
    return replace(base, **values)


def load_content(store: Store, flow: str) -> EmailContent:
    """The merchant's words for ``flow`` (ppdesk's defaults for fields never saved)."""
    flow = _flow(flow)
    conn = store.connect()
    try:
        return _from_json(flow, ecq.get_content(conn, flow))
    finally:
        conn.close()


def save_content(store: Store, flow: str, content: EmailContent) -> None:
    """Keep the merchant's words (checked first: nothing is saved on a bad field)."""
    flow = _flow(flow)
    checked(flow, content)
    base = asdict(DEFAULTS[flow])
    changed = {k: v for k, v in asdict(content).items() if v != base[k]}
    conn = store.connect()
    try:
        with transaction(conn):
            ecq.put_content(conn, flow, json.dumps(changed, ensure_ascii=False))
    finally:
        conn.close()


def reset_content(store: Store, flow: str) -> None:
    """Back to ppdesk's words for ``flow``."""
    flow = _flow(flow)
    conn = store.connect()
    try:
        with transaction(conn):
            ecq.delete_content(conn, flow)
    finally:
        conn.close()


def effective(flow: str, content: EmailContent) -> EmailContent:
    """``content`` with the subscription words where the offer is a subscription and the
    merchant kept the loyalty defaults."""
    if flow != "loyalty" or content.offer != "subscription":
        return content
    base = DEFAULTS["loyalty"]
    swap = {k: v for k, v in SUBSCRIPTION_WORDS.items() if getattr(content, k) == getattr(base, k)}
    return replace(content, **swap)


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known ``{token}`` replaced by its value (plain text, unescaped:
    the template escapes it). Unknown tokens stay as typed. A sentence whose token has
    no value (no reorder time known yet, no code) is left out, so the customer never
    reads "after  days". An unknown first name ("") is left out with its comma
    rather than the sentence (see ``_NAME_*``): "Thank you for coming back"; after
    for/to/with it becomes "you", and "{first_name}'s" becomes "your"."""
    if "first_name" in values and not values["first_name"]:
        text = _without_name(text)
    kept = []
    for sentence in _SENTENCE.split(text.strip()):
        names = [n for n in _TOKEN.findall(sentence) if n in TOKENS]
        if any(not values.get(n) for n in names):
            continue
        kept.append(_TOKEN.sub(lambda m: values.get(m.group(1), m.group(0))
                               if m.group(1) in TOKENS else m.group(0), sentence))
    return " ".join(" ".join(kept).split())


def _without_name(text: str) -> str:
    text = _NAME_GREETING.sub(lambda m: f"{m.group(1)}{m.group(2)}there", text)
    text = _NAME_DEAR.sub(lambda m: f"{m.group(1)}{m.group(2)}customer", text)
    text = _NAME_POSSESSIVE.sub(lambda m: "your" if m.group(1) is None else m.group(1) + "Your",
                                text)
    text = _NAME_AS_OBJECT.sub(lambda m: f"{m.group(1)}{m.group(2)}you", text)
    text = _NAME_AFTER_COMMA.sub("", text)
    text = _NAME_OPENING.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    return _NAME_ANYWHERE.sub("", text)


def first_sentence(text: str) -> str:
    """The first sentence of a filled field (the rest promised something not there)."""
    return _SENTENCE.split(text.strip(), maxsplit=1)[0]


def everyday_days(days: float | None) -> str:
    """A number of days in everyday words: "10 days", "3 weeks", "2 months" ("" if None)."""
    if days is None or days != days or days <= 0:
        return ""
    d = round(float(days))
    if d <= 1:
        return "a day"
    if d < 21:  # "17 days" reads better than "2 weeks" for 17
        return f"{d} days"
    if d < 56:
        weeks = round(d / 7)
        return f"{weeks} weeks"
    months = round(d / 30.4)
    return "a month" if months <= 1 else f"{months} months"


def every(days: float | None) -> str:
    """``everyday_days`` as a rhythm: "every 3 weeks", "every month", "every 10 days"."""
    words = everyday_days(days)
    if not words:
        return ""
    return "every day" if words == "a day" else "every month" if words == "a month" \
        else f"every {words}"
