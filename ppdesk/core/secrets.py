"""The SMTP password, kept in the operating system's keyring and nowhere else.

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
                   allow_plaintext: bool = False) -> None:
    """Save the SMTP password for (host, username) in the keyring."""
    if not password:
        raise EnvironmentProblem("An empty SMTP password cannot be saved.")
    _check_backend(allow_plaintext)
    try:
        keyring.set_password(SERVICE, _account(host, username), password)
    except keyring.errors.KeyringError as exc:
        raise EnvironmentProblem(f"The keyring refused to save the SMTP password "
                                 f"({type(exc).__name__}).") from None
    log.info("SMTP password saved in the keyring for %s", _account(host, username))


def get_password(host: str, username: str, *, allow_plaintext: bool = False) -> str | None:
    """The saved password, or None if there is none."""
    _check_backend(allow_plaintext)
    try:
        return keyring.get_password(SERVICE, _account(host, username))
    except keyring.errors.KeyringError as exc:
        raise EnvironmentProblem(f"The keyring could not be read ({type(exc).__name__}); "
                                 "unlock it and try again.") from None


def delete_password(host: str, username: str) -> bool:
    """Forget the password; False if there was none."""
    try:
        keyring.delete_password(SERVICE, _account(host, username))
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise EnvironmentProblem(f"The keyring could not be changed ({type(exc).__name__}).") \
            from None
    return True
