"""Shopify variant ids from the store's public product JSON (``/products/{handle}.js``).

A Shopify cart link needs the numeric variant id, which no export carries; every
Shopify storefront serves it publicly as ``{store_url}/products/{handle}.js``. This
reads that JSON for each imported handle over HTTPS (certificates always verified:
the default context, which honours ``SSL_CERT_FILE``), with a timeout and a polite
pace between requests, matches the variants by SKU, else by title, and stores the
ids in one transaction at the end, so a failure part-way changes nothing. Offline,
refused or rate-limited: one plain sentence (``EnvironmentProblem``, exit 2).
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd

from ppdesk import __version__
from ppdesk.core import net_errors
from ppdesk.core.catalogue.built import store_base
from ppdesk.core.catalogue.writing import rematch
from ppdesk.core.errors import EnvironmentProblem, InputError
from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import catalogue_queries as q
from ppdesk.core.store.lines import bump_data_version

TIMEOUT_S = 15.0
PACE_S = 0.6          # at most ~2 requests a second: Shopify rate-limits storefront bursts
MAX_BYTES = 2 << 20   # a product's JSON is a few KB; more is not a product page


@dataclass
class FetchReport:
    products: int = 0
    variants_updated: int = 0
    not_found: list[str] = field(default_factory=list)        # handles the store does not have
    unmatched: list[str] = field(default_factory=list)        # "handle: variant" left without id

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _get(url: str, context: ssl.SSLContext, timeout: float) -> dict[str, Any] | None:
    """The JSON at ``url``; None for 404; EnvironmentProblem when offline or refused."""
    request = urllib.request.Request(url, headers={
        "User-Agent": f"ppdesk/{__version__} (catalogue fetch-ids)",
        "Accept": "application/json"})
    host = urlsplit(url).netloc
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise EnvironmentProblem(
            f"{host} refused the product request (HTTP {exc.code}); try again later, or check "
            "that the store URL is the shop's storefront and not password-protected; no id "
            "was stored.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        cause = net_errors.cause(reason) if isinstance(reason, BaseException) else reason
        raise EnvironmentProblem(
            f"Could not reach {host} ({cause}); check the internet connection and the store "
            "URL, then try again (or run 'ppdesk catalogue fetch-ids'); no id was stored."
        ) from exc
    try:
        data = json.loads(body[:MAX_BYTES].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnvironmentProblem(f"{url} did not answer with product JSON; check that the store "
                                 "URL is the Shopify storefront; no id was stored.") from exc
    return data if isinstance(data, dict) else None


def _norm(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def match_variants(ours: list[tuple[int, str, str]], theirs: list[dict[str, Any]]
                   ) -> dict[int, str]:
    """Our variant id -> the store's variant id, by SKU, else title, else the only one."""
    by_sku = {_norm(v.get("sku")): v for v in theirs if _norm(v.get("sku"))}
    by_title = {_norm(v.get("title")): v for v in theirs}
    found: dict[int, str] = {}
    for vid, title, sku in ours:
        hit = by_sku.get(_norm(sku)) if sku else None
        hit = hit or by_title.get(_norm(title) or "default title")
        if hit is None and len(ours) == 1 and len(theirs) == 1:
            hit = theirs[0]
        if hit is not None and hit.get("id") is not None:
            found[vid] = str(hit["id"])
    return found


def fetch_variant_ids(store: Store, store_url: str, *, context: ssl.SSLContext | None = None,
                      timeout: float = TIMEOUT_S, pace: float = PACE_S,
                      progress: ProgressFn | None = None,
                      cancel: CancelToken | None = None) -> FetchReport:
    """Fetch and store the variant ids of every imported Shopify product."""
    base = store_base(store_url)
    if not base:
        raise InputError("the store URL is not set to an https address; set it under "
                         "Settings > Your store (or run 'ppdesk settings set "
                         "store.store_url=https://your-shop.com')")
    variants = shopify_handles(store)
    if variants.empty:
        raise InputError("no Shopify products export is imported yet; import "
                         "products_export.csv first")
    context = context or ssl.create_default_context()
    result = FetchReport()
    ids: list[tuple[int, str, str]] = []
    groups = list(variants.groupby("handle", sort=True))
    last = 0.0
    for i, (handle, rows) in enumerate(groups):
        check(cancel)
        report(progress, i, len(groups), f"Reading {handle}")
        wait = pace - (time.monotonic() - last)
        if last and wait > 0:
            time.sleep(wait)
        last = time.monotonic()
        data = _get(f"{base}/products/{quote(str(handle), safe='')}.js", context, timeout)
        if data is None:
            result.not_found.append(str(handle))
            continue
        result.products += 1
        ours = list(zip(rows["variant_id"].astype(int), rows["variant_title"], rows["sku"],
                        strict=True))
        theirs = [v for v in data.get("variants") or [] if isinstance(v, dict)]
        found = match_variants(ours, theirs)
        product_id = str(data.get("id") or "")
        ids.extend((vid, product_id, pid) for vid, pid in found.items())
        result.unmatched.extend(f"{handle}: {t or 'Default Title'}" for vid, t, _ in ours
                                if vid not in found)
    report(progress, len(groups), len(groups), "Saving")
    result.variants_updated = save_platform_ids(store, ids, store_url)
    return result


def save_platform_ids(store: Store, ids: list[tuple[int, str, str]], store_url: str) -> int:
    """Store (catalogue variant id, platform product id, platform variant id) in one
    transaction and re-match the ordered products, so offers and emails see the ids."""
    conn = store.connect()
    try:
        with transaction(conn):
            updated = q.set_platform_ids(conn, ids)
            rematch(conn, store_url)
            bump_data_version(conn)  # the cached products frame must see the new ids
    finally:
        conn.close()
    return updated


def shopify_handles(store: Store) -> pd.DataFrame:
    """The imported Shopify variants (variant_id, handle, variant_title, sku)."""
    conn = store.connect()
    try:
        return q.shopify_handles(conn)
    finally:
        conn.close()
