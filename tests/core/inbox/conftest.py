"""Fixtures for the inbox: a shop that sends through the loopback SMTP server and reads
its Dovecot mailbox (helpers in ``inbox_shop``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flow_builders import StoreBuilder
from imap_server import Dovecot, dovecot  # noqa: F401
from inbox_shop import point_inbox_at
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import LoopbackSmtp, configure, file_keyring, smtp_server  # noqa: F401

from ppdesk.core import secrets


@pytest.fixture
def shop(home: Path, smtp_server: LoopbackSmtp, file_keyring: PlaintextKeyring,  # noqa: F811
         dovecot: Dovecot) -> StoreBuilder:  # noqa: F811
    secrets.forget_cached_secrets()
    builder = StoreBuilder(home)
    configure(builder, smtp_server)
    point_inbox_at(builder, dovecot)
    return builder
