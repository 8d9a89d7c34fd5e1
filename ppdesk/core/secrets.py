"""The SMTP and IMAP passwords and the store's signing key, kept in the keyring and nowhere else.

This is the only module that imports ``keyring``. The password never goes into the
store, a settings document, a log line or an exception message. Backends that keep
secrets in plain text (``keyrings.alt``'s ``PlaintextKeyring``, which silently
becomes the default once installed) are refused unless the merchant explicitly
agreed (``SendingSettings.allow_plaintext_keyring``); the refusal says why and what
to do. No usable keyring at all (a headless server) is an ``EnvironmentProblem``.
"""

from __future__ import annotations

import logging

import keyring
import keyring.backend
import keyring.errors

from ppdesk.core.errors import EnvironmentProblem

SERVICE = "ppdesk-smtp"
IMAP_SERVICE = "ppdesk-imap"   # the inbox account may differ from the SMTP login
log = logging.getLogger(__name__)


class PlaintextKeyringRefused(EnvironmentProblem):
    """The keyring would store the password unencrypted and the merchant has not agreed."""


def _account(host: str, username: str) -> str:
    return f"{username.strip()}@{host.strip().lower()}"


def _leaves(backend: keyring.backend.KeyringBackend) -> list[keyring.backend.KeyringBackend]:
    inner = getattr(backend, "backends", None)  # the chainer: first usable backend wins
    return list(inner) if inner else [backend]


def backend_name() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def is_plaintext(backend: keyring.backend.KeyringBackend | None = None) -> bool:
    """Whether the active keyring writes secrets unencrypted to a file."""
    first = _leaves(backend or keyring.get_keyring())[0]
    name = type(first).__name__.lower()
    return "plaintext" in name or (type(first).__module__.startswith("keyrings.alt")
                                   and name in ("keyring", "filekeyring"))


def _check_backend(allow_plaintext: bool) -> None:
    backend = keyring.get_keyring()
    leaves = _leaves(backend)
    if all(type(b).__module__.startswith(("keyring.backends.fail", "keyring.backends.null"))
           for b in leaves):
        raise EnvironmentProblem(
            "No password store (keyring) is available on this computer, so ppdesk cannot keep "
            "the SMTP password safely. Install and unlock your system keyring (e.g. GNOME "
            "Keyring or KWallet on Linux) and try again.")
    if is_plaintext(backend) and not allow_plaintext:
        raise PlaintextKeyringRefused(
            f"The active keyring ({backend_name()}) stores passwords in a plain-text file "
            "that anyone with access to your account can read. Use your system keyring, or, "
            "if you accept the risk, allow it explicitly (smtp set --allow-plaintext-keyring).")


def store_password(host: str, username: str, password: str, *,
                   allow_plaintext: bool = False, service: str = SERVICE) -> None:
    """Save the SMTP password for (host, username) in the keyring."""
    if not password:
        raise EnvironmentProblem("An empty SMTP password cannot be saved.")
    _check_backend(allow_plaintext)
    try:
        keyring.set_password(service, _account(host, username), password)
    except keyring.errors.KeyringError as exc:
        raise EnvironmentProblem(f"The keyring refused to save the SMTP password "
                                 f"({type(exc).__name__}).") from None
    log.info("SMTP password saved in the keyring for %s", _account(host, username))


def get_password(host: str, username: str, *, allow_plaintext: bool = False,
                 service: str = SERVICE) -> str | None:
    """The saved password, or None if there is none."""
    _check_backend(allow_plaintext)
    try:
        return keyring.get_password(service, _account(host, username))
    except keyring.errors.KeyringError as exc:
        raise EnvironmentProblem(f"The keyring could not be read ({type(exc).__name__}); "
                                 "unlock it and try again.") from None


def delete_password(host: str, username: str, *, service: str = SERVICE) -> bool:
    """Forget the password; False if there was none."""
    try:
        keyring.delete_password(service, _account(host, username))
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise EnvironmentProblem(f"The keyring could not be changed ({type(exc).__name__}).") \
            from None
    return True


STORE_SECRET_SERVICE = "ppdesk-store-secret"
_secret_cache: dict[str, str] = {}


def store_secret(store_uid: str, *, allow_plaintext: bool = False) -> str:
    """The store's random signing key (unsubscribe tokens), created on first use.

    Kept in the keyring like the password: whoever can read the store file alone
    cannot forge an unsubscribe for someone else. Cached per process because a run
    signs every message it sends.
    """
    if store_uid in _secret_cache:
        return _secret_cache[store_uid]
    import secrets as random_source

    _check_backend(allow_plaintext)
    try:
        value = keyring.get_password(STORE_SECRET_SERVICE, store_uid)
        if not value:
            value = random_source.token_hex(32)
            keyring.set_password(STORE_SECRET_SERVICE, store_uid, value)
            log.info("created the store's unsubscribe signing key in the keyring")
    except keyring.errors.KeyringError as exc:
        raise EnvironmentProblem(f"The keyring could not be read ({type(exc).__name__}); "
                                 "unlock it and try again.") from None
    _secret_cache[store_uid] = value
    return value


def forget_cached_secrets() -> None:
    """Drop the per-process cache (tests switch keyrings between stores)."""
    _secret_cache.clear()
