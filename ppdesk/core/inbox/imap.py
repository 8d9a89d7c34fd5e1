"""One IMAP session over TLS (certificate verified), with the few commands the check needs.

Headers first: ``fetch_headers`` asks for the size and a handful of header fields, so
50,000 messages cost a few megabytes; only candidates are fetched whole
(``fetch_whole``), in chunks capped by size. A dropped connection surfaces as
``ConnectionLost`` so the caller can keep what it committed and stop.
Never deletes: ``file_into`` uses MOVE where the server has it, else COPY plus a
keyword on the original (the original stays where it was).
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ppdesk.core import net_errors
from ppdesk.core.errors import EnvironmentProblem, InputError

HEADER_FIELDS = ("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
                 "Content-Type", "Auto-Submitted", "Precedence", "X-Autoreply", "X-Autorespond",
                 "X-Auto-Response-Suppress", "Return-Path")
PROCESSED_KEYWORD = "$ppdesk"
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_LIST = re.compile(rb'^\((?P<flags>[^)]*)\) (?:"[^"]*"|NIL) (?P<name>.+)$')
SENT_NAMES = ("Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail",
              "INBOX.Sent", "INBOX/Sent")


class ConnectionLost(Exception):
    """The server went away mid-check; what was committed stays, the next check resumes."""


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    security: str        # "ssl" | "starttls"
    username: str


def quote(name: str) -> str:
    """A mailbox name as an IMAP quoted string."""
    if not name.isascii() or any(c in name for c in "\r\n"):
        raise InputError(f"the IMAP folder name '{name}' must be plain ASCII")
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def uid_set(uids: Iterable[int]) -> str:
    """1,2,3,7 -> '1:3,7' (short commands for long runs of UIDs)."""
    ordered = sorted(set(uids))
    parts: list[str] = []
    start = prev = None
    for uid in ordered:
        if prev is not None and uid == prev + 1:
            prev = uid
            continue
        if start is not None:
            parts.append(f"{start}:{prev}" if start != prev else str(start))
        start = prev = uid
    if start is not None:
        parts.append(f"{start}:{prev}" if start != prev else str(start))
    return ",".join(parts)


def _fetch_items(data: Sequence[object]) -> Iterator[tuple[bytes, bytes]]:
    """(metadata, literal) pairs of a FETCH reply; metadata may follow the literal."""
    items = list(data)
    for index, item in enumerate(items):
        if not isinstance(item, tuple):
            continue
        meta = bytes(item[0])
        nxt = items[index + 1] if index + 1 < len(items) else b""
        if isinstance(nxt, bytes):
            meta += b" " + nxt
        yield meta, bytes(item[1])


class Mailbox:
    """``with Mailbox(account, password) as box:`` ... every failure in plain words."""

    def __init__(self, account: ImapAccount, password: str, *,
                 context: ssl.SSLContext | None = None, timeout: float = 60.0) -> None:
        self.account = account
        self._password = password
        self._context = context or ssl.create_default_context()
        self._timeout = timeout
        self._imap: imaplib.IMAP4 | None = None
        self.capabilities: frozenset[str] = frozenset()

    def __enter__(self) -> Mailbox:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def imap(self) -> imaplib.IMAP4:
        if self._imap is None:
            raise ConnectionLost("not connected")
        return self._imap

    def connect(self) -> None:
        a = self.account
        if a.security not in ("ssl", "starttls"):
            raise InputError(f"IMAP security '{a.security}' must be 'ssl' or 'starttls'")
        try:
            if a.security == "ssl":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(a.host, a.port, ssl_context=self._context,
                                                        timeout=self._timeout)
            else:
                imap = imaplib.IMAP4(a.host, a.port, timeout=self._timeout)
                imap.starttls(ssl_context=self._context)
            imap.login(a.username, self._password)
        except ssl.SSLCertVerificationError as exc:
            raise EnvironmentProblem(f"The certificate of {a.host} could not be verified "
                                     f"({exc.verify_message}); ppdesk will not log in.") from None
        except imaplib.IMAP4.error as exc:
            raise EnvironmentProblem(
                f"{a.host} refused the IMAP login for {a.username} ({_words(exc)}). Check the "
                "username and password in Settings (or with 'ppdesk inbox set'); Gmail and "
                "iCloud need an app password.") from None
        except OSError as exc:
            raise EnvironmentProblem(net_errors.connection_problem(
                exc, a.host, a.port, "the inbox (IMAP) server")) from None
        self._imap = imap
        # Servers announce more after login (MOVE, UIDPLUS) than in their greeting.
        typ, data = self._simple("capability")
        words = bytes(data[0]).decode("ascii", "replace").split() if typ == "OK" and data \
            and isinstance(data[0], bytes) else list(imap.capabilities)
        self.capabilities = frozenset(w.upper() for w in words)

    def _call(self, *args: str) -> list[object]:
        """A UID command; lost connections become ``ConnectionLost``, NO/BAD a message."""
        try:
            typ, data = self.imap.uid(*args)
        except (imaplib.IMAP4.abort, OSError) as exc:
            self._drop()
            raise ConnectionLost(net_errors.lost_connection(exc)) from None
        if typ != "OK":
            raise EnvironmentProblem(f"The IMAP server refused {args[0]}: {_words(data)}")
        return list(data)

    def _simple(self, name: str, *args: str | bool) -> tuple[str, list[object]]:
        try:
            typ, data = getattr(self.imap, name)(*args)
        except (imaplib.IMAP4.abort, OSError) as exc:
            self._drop()
            raise ConnectionLost(net_errors.lost_connection(exc)) from None
        return str(typ), list(data)

    def select(self, folder: str, *, readonly: bool = False) -> tuple[int, int]:
        """(UIDVALIDITY, number of messages) of the opened folder."""
        typ, data = self._simple("select", quote(folder), readonly)
        if typ != "OK":
            raise EnvironmentProblem(f"The IMAP folder '{folder}' cannot be opened "
                                     f"({_words(data)}).")
        validity = self.imap.response("UIDVALIDITY")[1]
        value = validity[0] if validity else b"0"
        count = data[0] if data and isinstance(data[0], bytes) else b"0"
        return int(value or b"0"), int(count or b"0")

    def uids_after(self, last_uid: int) -> list[int]:
        data = self._call("SEARCH", f"UID {int(last_uid) + 1}:*")
        uids = [int(u) for u in _first_bytes(data).split()]
        return [u for u in uids if u > last_uid]   # "n:*" always matches the last message

    def fetch_headers(self, uids: Sequence[int]) -> dict[int, tuple[int, bytes]]:
        """UID -> (size in bytes, the header fields the classifier reads)."""
        if not uids:
            return {}
        fields = " ".join(HEADER_FIELDS)
        data = self._call("FETCH", uid_set(uids),
                          f"(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({fields})])")
        out: dict[int, tuple[int, bytes]] = {}
        for meta, literal in _fetch_items(data):
            uid, size = _UID.search(meta), _SIZE.search(meta)
            if uid:
                out[int(uid.group(1))] = (int(size.group(1)) if size else 0, literal)
        return out

    def fetch_whole(self, uids: Sequence[int]) -> dict[int, bytes]:
        if not uids:
            return {}
        data = self._call("FETCH", uid_set(uids), "(UID BODY.PEEK[])")
        out: dict[int, bytes] = {}
        for meta, literal in _fetch_items(data):
            uid = _UID.search(meta)
            if uid:
                out[int(uid.group(1))] = literal
        return out

    def ensure_folder(self, folder: str) -> None:
        typ, data = self._simple("create", quote(folder))
        if typ != "OK" and b"exist" not in b" ".join(
                d for d in data if isinstance(d, bytes)).lower():
            raise EnvironmentProblem(f"Cannot create the IMAP folder '{folder}' "
                                     f"({_words(data)}).")

    def file_into(self, uids: Sequence[int], folder: str, *, source: str = "INBOX",
                  retry: bool = False) -> None:
        """Move (or copy and mark) processed messages into ``folder``; never deletes.

        Without MOVE the original keeps a ``$ppdesk`` keyword after the COPY. ``retry``
        (an earlier check stopped between its commit and this): messages already marked
        are skipped, and the others are looked up by Message-ID in ``folder`` first, so a
        copy made just before a kill is not made twice.
        """
        if not uids:
            return
        self.ensure_folder(folder)
        if "MOVE" in self.capabilities:
            self._call("MOVE", uid_set(uids), quote(folder))
            return
        todo = list(uids)
        if retry:
            marked = self._call("SEARCH", "UID", uid_set(todo), "KEYWORD", PROCESSED_KEYWORD)
            done = {int(u) for u in _first_bytes(marked).split()}
            todo = [u for u in todo if u not in done]
            copied = self._already_copied(todo, folder, source)
            if copied:
                self._call("STORE", uid_set(copied), "+FLAGS.SILENT",
                           f"(\\Seen {PROCESSED_KEYWORD})")
            todo = [u for u in todo if u not in copied]
        if not todo:
            return
        self._call("COPY", uid_set(todo), quote(folder))
        self._call("STORE", uid_set(todo), "+FLAGS.SILENT", f"(\\Seen {PROCESSED_KEYWORD})")

    def _already_copied(self, uids: list[int], folder: str, source: str) -> list[int]:
        """Which of ``uids`` (in ``source``) already have a copy in ``folder``."""
        if not uids:
            return []
        ids = {u: _message_id(raw) for u, (_, raw) in self.fetch_headers(uids).items()}
        self.select(folder, readonly=True)
        try:
            return [u for u, mid in ids.items() if mid and self.find_message_id(mid) is not None]
        finally:
            self.select(source)

    def sent_folder(self) -> str | None:
        """The folder flagged \\Sent (RFC 6154), else the first usual name that exists."""
        typ, data = self._simple("list", '""', '"*"')
        if typ != "OK":
            return None
        names: dict[str, str] = {}
        for item in data:
            if not isinstance(item, bytes):
                continue
            match = _LIST.match(item)
            if not match:
                continue
            name = match.group("name").decode("utf-8", "replace").strip()
            if name.startswith('"') and name.endswith('"'):
                name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            if b"\\sent" in match.group("flags").lower():
                return name
            names[name.lower()] = name
        return next((names[n.lower()] for n in SENT_NAMES if n.lower() in names), None)

    def find_message_id(self, message_id: str) -> int | None:
        """The UID of the message with this Message-ID in the selected folder, if any."""
        if any(c in message_id for c in '"\\\r\n'):
            return None
        data = self._call("SEARCH", "HEADER", "Message-ID", f'"{message_id}"')
        found = _first_bytes(data).split()
        return int(found[0]) if found else None

    def internal_date(self, uid: int) -> str | None:
        """When the server filed the message, UTC ISO 8601."""
        import datetime as dt
        import time

        data = self._call("FETCH", str(int(uid)), "(INTERNALDATE)")
        for item in data:
            raw = item[0] if isinstance(item, tuple) else item
            if isinstance(raw, bytes):
                parsed = imaplib.Internaldate2tuple(raw)
                if parsed:
                    when = dt.datetime.fromtimestamp(time.mktime(parsed), dt.UTC)
                    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
        return None

    def _drop(self) -> None:
        if self._imap is not None:
            with contextlib.suppress(OSError):
                self._imap.shutdown()
        self._imap = None

    def close(self) -> None:
        """LOGOUT politely; never raises."""
        if self._imap is None:
            return
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self._imap.logout()
        self._imap = None


def _message_id(raw: bytes) -> str | None:
    match = re.search(rb"(?im)^Message-ID:\s*(<[^>\r\n]+>)", raw)
    return match.group(1).decode("ascii", "replace") if match else None


def _first_bytes(data: Sequence[object]) -> bytes:
    first = data[0] if data else b""
    return first if isinstance(first, bytes) else b""


def _words(value: object) -> str:
    if isinstance(value, list | tuple):
        value = b" ".join(v if isinstance(v, bytes) else str(v).encode() for v in value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split())[:200]
