"""SMTP presets: host, port, security and safe sending caps for the common providers.

Caps are set below each provider's published limits so that a merchant's mailbox is
never locked for "unusual activity"; the merchant can lower or raise them. Notes
are shown in the app and by ``ppdesk smtp set`` so a provider that no longer takes
passwords fails with an explanation, not a mysterious 535.
"""

from __future__ import annotations

from dataclasses import dataclass

from ppdesk.core.errors import InputError


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    host: str
    port: int
    security: str          # "ssl" | "starttls"
    per_minute: int
    per_day: int
    note: str = ""
    password_login: bool = True   # False: the provider refuses username/password logins


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("gmail", "Gmail", "smtp.gmail.com", 465, "ssl", 20, 400,
           "Use an app password (Google account > Security > 2-Step Verification > App "
           "passwords); Gmail allows about 500 recipients a day."),
    Preset("workspace", "Google Workspace", "smtp.gmail.com", 465, "ssl", 30, 1500,
           "Use an app password; Workspace allows about 2,000 messages a day per user."),
    Preset("outlook", "Outlook.com / Hotmail (personal)", "smtp-mail.outlook.com", 587,
           "starttls", 10, 250,
           "Outlook.com personal accounts no longer accept password logins for SMTP since "
           "16 September 2024 (Microsoft requires OAuth, which ppdesk does not do). Use "
           "another mailbox or a relay such as Amazon SES or Postmark.", password_login=False),
    Preset("office365", "Microsoft 365 / Office 365", "smtp.office365.com", 587, "starttls",
           25, 5000,
           "SMTP AUTH must be enabled for the mailbox by your Microsoft 365 admin, and "
           "Microsoft is retiring password (basic) authentication for SMTP: expect it to stop "
           "working; a relay such as Amazon SES or Postmark is the durable choice."),
    Preset("ses", "Amazon SES", "email-smtp.us-east-1.amazonaws.com", 587, "starttls", 60, 10000,
           "Use SES SMTP credentials (not your AWS access keys) and your region's endpoint, "
           "e.g. email-smtp.eu-west-1.amazonaws.com; new accounts are in the sandbox "
           "(200 a day, verified recipients only) until you request production access."),
    Preset("postmark", "Postmark", "smtp.postmarkapp.com", 587, "starttls", 60, 10000,
           "Username and password are both your Postmark server API token; send from a "
           "verified sender signature or domain."),
    Preset("icloud", "iCloud Mail", "smtp.mail.me.com", 587, "starttls", 20, 500,
           "Use an app-specific password from appleid.apple.com; iCloud allows about 1,000 "
           "messages a day."),
    Preset("fastmail", "Fastmail", "smtp.fastmail.com", 465, "ssl", 20, 500,
           "Use an app password; Fastmail's sending limits depend on the plan."),
    Preset("custom", "Other (custom host)", "", 587, "starttls", 20, 400,
           "Your provider's SMTP host, port and security; ask them for their sending limits."),
)}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise InputError(f"unknown SMTP preset '{name}'; use one of "
                         f"{', '.join(PRESETS)}") from None
