"""Network failures (socket, ssl, smtplib, imaplib) as one plain sentence each.

The one place that turns ``gaierror: [Errno -2] Name or service not known`` into
"ppdesk cannot find the server smtp.exmple.com ...": the SMTP and IMAP clients call
``connection_problem`` and ``lost_connection``, so neither the CLI nor the window
ever shows an exception class name or an errno to a merchant.
"""

from __future__ import annotations

import imaplib
import smtplib
import socket
import ssl


def _reason(exc: BaseException, host: str, port: int) -> str:
    """What went wrong, as a clause (no leading capital, no full stop)."""
    if isinstance(exc, socket.gaierror):
        return (f"ppdesk cannot find the server {host}: check the server name for typing "
                "mistakes and that this computer is online")
    if isinstance(exc, ConnectionRefusedError):
        return (f"{host} refused the connection on port {port}: check the port number "
                "(465 for SSL, 587 for STARTTLS; 993 for IMAP)")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return (f"{host} did not answer on port {port} in time: check the port number, "
                "or a firewall may be blocking it")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"the certificate of {host} could not be verified ({exc.verify_message}), "
                "so ppdesk will not talk to it")
    if isinstance(exc, ssl.SSLError):
        return (f"the secure connection to {host} failed: check that the security setting "
                "(SSL or STARTTLS) matches the port")
    if isinstance(exc, smtplib.SMTPServerDisconnected | imaplib.IMAP4.abort
                  | ConnectionResetError | BrokenPipeError):
        return f"{host} closed the connection unexpectedly; try again in a few minutes"
    if isinstance(exc, (ConnectionError, OSError)) and getattr(exc, "strerror", None):
        return f"ppdesk cannot reach {host} on port {port} ({str(exc.strerror).lower()})"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{host} answered with an error: {text[:200]}"
    return f"ppdesk cannot reach {host} on port {port}"


def connection_problem(exc: BaseException, host: str, port: int, what: str) -> str:
    """A sentence for a failed connection to ``what`` ("the email server")."""
    reason = _reason(exc, host, port)
    return f"Cannot connect to {what}: {reason}."


def cause(exc: BaseException) -> str:
    """A short clause for any failed request, when the caller names host and remedy."""
    if isinstance(exc, socket.gaierror):
        return "the address could not be found"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "no answer in time"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"its certificate could not be verified: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return "the secure connection failed"
    strerror = getattr(exc, "strerror", None)
    return str(strerror).lower() if strerror else "no connection"


def lost_connection(exc: BaseException) -> str:
    """A short clause for a connection that broke mid-way (no host: the caller names it)."""
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "the server stopped answering"
    if isinstance(exc, socket.gaierror):
        return "the server could not be found"
    return "the connection was lost"
