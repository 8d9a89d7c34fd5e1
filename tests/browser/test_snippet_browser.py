"""The thank-you block in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by Selenium, the block pasted into a stand-in store page
served from loopback.

Checks: the countdown ticks and survives a reload, it starts at the order's time when
the page gives it, the block hides itself when time is up, the button carries product
and discount, variants and rules follow the order, hostile names never run, the page's
own styles are unchanged, and the console stays free of errors.
"""

from __future__ import annotations

import base64
import functools
import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ppdesk.core.offers.model import Offer, OfferProduct, OfferVariant
from ppdesk.core.offers.snippet import render_snippet

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="needs Debian's chromium and chromium-driver packages")

# A 1x1 PNG, so the product image loads from the same loopback server (no console error).
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8Dw"
                         "HwAFBQIAX8jx0gAAAABJRU5ErkJggg==")

STORE_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Thank you</title><link rel="icon" href="data:,">
<style>
body {{ font-family: Georgia, serif; color: rgb(10, 20, 30); background: rgb(250, 250, 240); }}
h1 {{ font-size: 40px; color: rgb(200, 0, 0); }}
p {{ color: rgb(0, 0, 200); margin: 7px; }}
a {{ color: rgb(0, 128, 0); text-decoration: underline; }}
img {{ border: 3px solid rgb(1, 2, 3); }}
</style></head>
<body><h1 id="h">Thank you for your order</h1><p id="p">Your order is confirmed.</p>
<a id="a" href="#">Track it</a>
{block}
<p id="after">Questions? Contact us.</p></body></html>
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("site")
    (root / "beans.png").write_bytes(PIXEL)
    # Chromium may fetch /favicon.ico after a reload; a 404 there is the stand-in site's
    # console error, not the snippet's (it made test_countdown_ticks_and_survives_reload flaky).
    (root / "favicon.ico").write_bytes(PIXEL)
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1000,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    yield drv
    drv.quit()


def offer(base: str, *, name: str = "Coffee beans", variants: tuple[float, ...] = (15,),
          trigger: str = "MUG-1", minutes: int = 30, pid: int = 1) -> Offer:
    comp = OfferProduct(2, "BEANS-1", name, 24.90, "USD", image_url=f"{base}/beans.png",
                        platform_product_id="321", platform_variant_id="44556677")
    return Offer(OfferProduct(pid, trigger, "Mug", 12.0, "USD"), comp,
                 tuple(OfferVariant(i, p, f"THANKS{p:g}-{pid}") for i, p in enumerate(variants)),
                 minutes, "Complete your order", "Add to cart", "woocommerce",
                 "https://shop.example.com", "apply_coupon")


def open_page(drv: Any, site: tuple[Path, str], html: str, name: str, *,
              attrs: dict[str, str] | None = None, fresh: bool = True) -> None:
    root, base = site
    for key, value in (attrs or {}).items():
        token = {"data-order-time": "__PPDESK_ORDER_TIME__",
                 "data-order-number": "__PPDESK_ORDER_NUMBER__",
                 "data-order-products": "__PPDESK_ORDER_PRODUCTS__"}[key]
        html = html.replace(f'{key}="{token}"', f'{key}="{value}"')  # what the PHP hook does
    (root / name).write_text(STORE_PAGE.format(block=html), encoding="utf-8")
    if fresh:
        drv.get(f"{base}/beans.png")
        drv.execute_script("window.localStorage.clear();")
        drv.get_log("browser")  # drop what came before
    drv.get(f"{base}/{name}")


def root_of(drv: Any) -> Any:
    return drv.find_element("css selector", "[data-ppdesk-offer]")


def left_seconds(drv: Any) -> int:
    text = root_of(drv).find_element("css selector", ".ppd-left").text
    minutes, seconds = text.split(":")
    return int(minutes) * 60 + int(seconds)


def severe_logs(drv: Any) -> list[str]:
    return [e["message"] for e in drv.get_log("browser") if e["level"] == "SEVERE"]


def test_countdown_ticks_and_survives_reload(driver: Any, site: tuple[Path, str]) -> None:
    html = render_snippet(offer(site[1]), platform="other")
    open_page(driver, site, html, "first-view.html")
    assert root_of(driver).is_displayed()
    first = left_seconds(driver)
    assert 29 * 60 < first <= 30 * 60
    WebDriverWait(driver, 10).until(lambda d: left_seconds(d) < first)  # it ticks
    time.sleep(1.2)  # let the clock move on a whole second before reloading
    before = left_seconds(driver)
    driver.refresh()
    after = left_seconds(driver)
    assert after <= before < first  # not restarted at 30:00 after the reload
    assert severe_logs(driver) == []


def test_countdown_starts_at_the_order_time(driver: Any, site: tuple[Path, str]) -> None:
    html = render_snippet(offer(site[1]))
    ordered = int(time.time()) - 25 * 60  # the order was placed 25 minutes ago
    open_page(driver, site, html, "order-time.html",
              attrs={"data-order-time": str(ordered), "data-order-number": "#1001"})
    assert 4 * 60 < left_seconds(driver) <= 5 * 60 + 1


def test_offer_hides_itself_when_time_is_up(driver: Any, site: tuple[Path, str]) -> None:
    html = render_snippet(offer(site[1]))
    ordered = int(time.time()) - 31 * 60
    open_page(driver, site, html, "expired.html", attrs={"data-order-time": str(ordered)})
    assert not root_of(driver).is_displayed()
    # And one that runs out while the customer looks at it.
    ordered = int(time.time()) - 30 * 60 + 2
    open_page(driver, site, html, "expiring.html", attrs={"data-order-time": str(ordered)})
    WebDriverWait(driver, 10).until(lambda d: not root_of(d).is_displayed())
    assert severe_logs(driver) == []


def test_button_carries_product_and_discount(driver: Any, site: tuple[Path, str]) -> None:
    open_page(driver, site, render_snippet(offer(site[1])), "button.html")
    button = root_of(driver).find_element("css selector", ".ppd-btn")
    assert button.get_attribute("href") == (
        "https://shop.example.com/?add-to-cart=321&apply_coupon=THANKS15-1")
    assert button.text == "Add to cart"


def test_variant_follows_the_order_number(driver: Any, site: tuple[Path, str]) -> None:
    html = render_snippet(offer(site[1], variants=(15, 10)))
    open_page(driver, site, html, "variant.html", attrs={"data-order-number": "#1001"})
    root = root_of(driver)
    assert root.get_attribute("data-variant") == "1"  # 1001 mod 2
    assert root.find_element("css selector", ".ppd-btn").get_attribute("href").endswith(
        "apply_coupon=THANKS10-1")
    assert root.find_element("css selector", ".ppd-now").text == "$22.41"


def test_rule_list_picks_the_offer_of_the_order(driver: Any, site: tuple[Path, str]) -> None:
    first = offer(site[1])
    second = offer(site[1], name="Paper filters", trigger="FILTER-9", pid=3, variants=(10,))
    html = render_snippet([first, second])
    open_page(driver, site, html, "rules.html",
              attrs={"data-order-products": "SOCKS|FILTER-9", "data-order-number": "7"})
    root = root_of(driver)
    assert root.find_element("css selector", ".ppd-name").text == "Paper filters"
    assert root.find_element("css selector", ".ppd-btn").get_attribute("href").endswith(
        "THANKS10-3")
    open_page(driver, site, html, "no-rule.html", attrs={"data-order-products": "SOCKS"})
    assert not root_of(driver).is_displayed()  # nothing in the order triggers an offer


@pytest.mark.parametrize("name", ['</script><script>alert(1)</script>',
                                  '"><img src=x onerror=alert(1)>', "</style><b>bold</b>"])
def test_hostile_names_are_shown_as_text(driver: Any, site: tuple[Path, str], name: str) -> None:
    html = render_snippet([offer(site[1], name=name),
                           offer(site[1], name=name, trigger="FILTER-9", pid=3)])
    page = f"hostile-{abs(hash(name))}.html"  # a new address per case: no browser cache
    open_page(driver, site, html, page, attrs={"data-order-products": "FILTER-9"})
    root = root_of(driver)
    assert root.find_element("css selector", ".ppd-name").text == name
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - raises when no alert ran
    assert driver.execute_script("return document.querySelectorAll('script').length") == 1
    assert not driver.find_elements("css selector", "img[onerror]")


def test_page_styles_are_unchanged(driver: Any, site: tuple[Path, str]) -> None:
    probe = """
      var out = {};
      ['h', 'p', 'a', 'after'].forEach(function (id) {
        var s = getComputedStyle(document.getElementById(id));
        out[id] = [s.color, s.fontFamily, s.fontSize, s.margin, s.textDecorationLine];
      });
      var b = getComputedStyle(document.body);
      out.body = [b.color, b.fontFamily, b.backgroundColor];
      return out;"""
    open_page(driver, site, "", "plain.html")
    without = driver.execute_script(probe)
    open_page(driver, site, render_snippet(offer(site[1])), "with-block.html")
    assert root_of(driver).is_displayed()
    assert driver.execute_script(probe) == without
    assert severe_logs(driver) == []


def test_screenshot_for_review(driver: Any, site: tuple[Path, str], tmp_path: Path) -> None:
    open_page(driver, site, render_snippet(offer(site[1])), "shot.html")
    png = tmp_path / "thank-you-offer.png"
    assert driver.save_screenshot(str(png))
    assert png.stat().st_size > 5000
