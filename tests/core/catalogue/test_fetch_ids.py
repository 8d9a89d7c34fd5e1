"""``fetch_variant_ids`` against a real HTTPS server on loopback (trustme test CA).

The server serves Shopify's public ``/products/{handle}.js`` shape; certificates are
verified with the test CA passed through ``SSL_CERT_FILE``, which the default TLS
context ppdesk uses honours (verification is never switched off).
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from catalogue_helpers import query, shopify_orders, shopify_products
from loopback_https import serve

from ppdesk.cli.main import run_cli
from ppdesk.core.catalogue.fetch_ids import fetch_variant_ids
from ppdesk.core.errors import EnvironmentProblem
from ppdesk.core.importing import import_files
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store, open_store

PRODUCTS = {
    "/products/mug.js": {"id": 900, "handle": "mug", "variants": [
        {"id": 9001, "title": "Sage", "sku": "MUG-SAGE"},
        {"id": 9002, "title": "Sand", "sku": "MUG-SAND"}]},
    "/products/scarf.js": {"id": 901, "handle": "scarf", "variants": [
        {"id": 9101, "title": "Default Title", "sku": ""}]},
}


class _Shop(BaseHTTPRequestHandler):
    requests: list[str] = []
    status = 200

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).requests.append(self.path)
        body = PRODUCTS.get(self.path)
        if type(self).status != 200 or body is None:
            self.send_response(type(self).status if body is not None else 404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    _Shop.requests, _Shop.status = [], 200
    with serve(_Shop, tmp_path, monkeypatch) as url:
        yield url


def _store(home: Path, url: str, tmp_path: Path) -> Store:
    store = open_store(home)
    settings = load_settings(store)
    settings.store.store_url = url
    save_settings(store, settings)
    import_files(store, [shopify_products(tmp_path / "products_export_1.csv"),
                         shopify_orders(tmp_path / "o.csv", [
                             ("#1", "1", "Travel Mug - Sand", "24.00", "MUG-SAND")])])
    return store


def test_ids_stored_and_given_to_ordered_products(shop: str, home: Path,
                                                  tmp_path: Path) -> None:
    store = _store(home, shop, tmp_path)
    result = fetch_variant_ids(store, shop, pace=0.0)
    assert (result.products, result.variants_updated, result.not_found) == (2, 3, [])
    assert sorted(_Shop.requests) == ["/products/mug.js", "/products/scarf.js"]
    assert query(home, "SELECT sku, platform_product_id, platform_variant_id FROM "
                       "catalogue_variants ORDER BY id") == [
        ("MUG-SAGE", "900", "9001"), ("MUG-SAND", "900", "9002"), (None, "901", "9101")]
    assert query(home, "SELECT product_key, platform_variant_id FROM products") == [
        ("MUG-SAND", "9002")]


def test_untrusted_certificate_is_refused(shop: str, home: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(home, shop, tmp_path)
    monkeypatch.delenv("SSL_CERT_FILE")   # the system CAs do not know the test CA
    with pytest.raises(EnvironmentProblem) as err:
        fetch_variant_ids(store, shop, pace=0.0, context=ssl.create_default_context())
    assert "Could not reach 127.0.0.1" in str(err.value)
    assert query(home, "SELECT COUNT(*) FROM catalogue_variants "
                       "WHERE platform_variant_id IS NOT NULL") == [(0,)]


def test_cli_offline_and_blocked_exit_2(shop: str, home: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    _store(home, shop, tmp_path)
    _Shop.status = 429
    assert run_cli(["catalogue", "fetch-ids"]) == 2
    err = capsys.readouterr().err
    assert "refused the product request (HTTP 429)" in err and err.count("\n") == 1
    settings_store = open_store(home)
    settings = load_settings(settings_store)
    settings.store.store_url = "https://127.0.0.1:9"   # nothing listens there
    save_settings(settings_store, settings)
    assert run_cli(["catalogue", "fetch-ids"]) == 2
    assert "Could not reach 127.0.0.1:9" in capsys.readouterr().err
    assert query(home, "SELECT COUNT(*) FROM catalogue_variants "
                       "WHERE platform_variant_id IS NOT NULL") == [(0,)]


def test_cli_json(shop: str, home: Path, tmp_path: Path,
                  capsys: pytest.CaptureFixture[str]) -> None:
    _store(home, shop, tmp_path)
    assert run_cli(["catalogue", "fetch-ids", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["variants_updated"] == 3 and doc["unmatched"] == []
