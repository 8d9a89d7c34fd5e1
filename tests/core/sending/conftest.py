"""Fixtures for the sender: a store pointed at the loopback server (see ``loopback_smtp``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flow_builders import StoreBuilder
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import LoopbackSmtp, configure, file_keyring, smtp_server  # noqa: F401


@pytest.fixture
def shop(home: Path, smtp_server: LoopbackSmtp,  # noqa: F811 (pytest fixtures)
         file_keyring: PlaintextKeyring) -> StoreBuilder:  # noqa: F811
    builder = StoreBuilder(home)
    configure(builder, smtp_server)
    return builder
