"""Fixtures of the CLI tests: the loopback SMTP server and the tmp file keyring."""

from loopback_smtp import file_keyring, smtp_server  # noqa: F401
