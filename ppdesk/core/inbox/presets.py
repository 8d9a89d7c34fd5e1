"""IMAP presets for the providers of the SMTP presets (``core/sending/presets.py``).

Keyed by the same names, so choosing the SMTP preset also fills in the inbox. Notes
say where a provider no longer takes passwords or does not keep SMTP mail in Sent
(then ``unknown`` outbox rows cannot be resolved from the mailbox, and the app says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from ppdesk.core.errors import InputError


@dataclass(frozen=True)
class ImapPreset:
    name: str
    label: str
    host: str
    port: int
    security: str               # "ssl" | "starttls"
    note: str = ""
    password_login: bool = True
    saves_sent: bool = True     # the provider files SMTP-submitted mail in Sent itself


IMAP_PRESETS: dict[str, ImapPreset] = {p.name: p for p in (
    ImapPreset("gmail", "Gmail", "imap.gmail.com", 993, "ssl",
               "Turn on IMAP in Gmail's settings and use the same app password as for SMTP; "
               "processed messages get the label 'ppdesk'."),
    ImapPreset("workspace", "Google Workspace", "imap.gmail.com", 993, "ssl",
               "IMAP must be allowed by the Workspace admin; use an app password."),
    ImapPreset("outlook", "Outlook.com / Hotmail (personal)", "outlook.office365.com", 993, "ssl",
               "Outlook.com no longer accepts password logins for IMAP (OAuth only), which "
               "ppdesk does not do.", password_login=False),
    ImapPreset("office365", "Microsoft 365 / Office 365", "outlook.office365.com", 993, "ssl",
               "Microsoft has switched off password (basic) authentication for IMAP in most "
               "tenants; it works only where the admin still allows it."),
    ImapPreset("icloud", "iCloud Mail", "imap.mail.me.com", 993, "ssl",
               "Use an app-specific password from appleid.apple.com; the username is the "
               "full iCloud address."),
    ImapPreset("fastmail", "Fastmail", "imap.fastmail.com", 993, "ssl",
               "Use an app password (Settings > Privacy & Security > App passwords)."),
    ImapPreset("ses", "Amazon SES", "", 993, "ssl",
               "SES has no mailbox: enter the IMAP server of the address replies go to. SES "
               "does not keep a Sent copy.", saves_sent=False),
    ImapPreset("postmark", "Postmark", "", 993, "ssl",
               "Postmark has no mailbox: enter the IMAP server of the address replies go to. "
               "Postmark does not keep a Sent copy.", saves_sent=False),
    ImapPreset("custom", "Other (custom host)", "", 993, "ssl",
               "Your provider's IMAP host (usually port 993 with SSL)."),
)}


def get_imap_preset(name: str) -> ImapPreset:
    try:
        return IMAP_PRESETS[name]
    except KeyError:
        raise InputError(f"unknown IMAP preset '{name}'; use one of "
                         f"{', '.join(IMAP_PRESETS)}") from None
