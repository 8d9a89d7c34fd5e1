"""A real HTTPS server on loopback for the tests (this machine has no internet).

``serve(handler, tmp_path, monkeypatch)`` starts ``http.server`` with ``handler`` behind
TLS, with a certificate from a throwaway CA (trustme) that the code under test trusts
through ``SSL_CERT_FILE``: certificates stay verified, as in production.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yields the server's base URL, ``https://127.0.0.1:PORT``."""
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_ctx)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
