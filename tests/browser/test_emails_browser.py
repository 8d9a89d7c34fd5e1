"""Each flow's email in a real engine: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) through Selenium, at a desktop width (600 px) and a phone (375 px),
in light and dark mode.

The emails are rendered from the demo store with its stand-in catalogue, as sent (CSS
inlined). Product photos point at a CDN this machine may not reach, so each is swapped
for a local image of the same size; layout comes from the width/height the email gives.

Checks: no horizontal overflow, every button inside the screen, visible and on top (the
centre of each button is the button itself), readable colours (text against its own
background, contrast ratio at least 4.5 for body text, 3 for the large headings and
buttons), and the dark-mode rules really apply.
"""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from email_checks import demo_store

from ppdesk.core.emails import KINDS, preview_context, render_email
from ppdesk.core.emails.content import load_content, save_content

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="needs Debian's chromium and chromium-driver packages")

WIDTHS = (600, 375)
# A 1x1 PNG: the email states every image's size, so any local image stands in.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8Dw"
                         "HwAFBQIAX8jx0gAAAABJRU5ErkJggg==")

# For each element: its text colour and the first opaque background behind it.
_COLOURS = """
const out = [];
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.textContent.trim()) continue;
  let bg = null, node = el;
  while (node && node.nodeType === 1) {
    const c = getComputedStyle(node).backgroundColor;
    if (c && c !== 'transparent' && !c.endsWith(', 0)')) { bg = c; break; }
    node = node.parentElement;
  }
  out.push([el.className || el.tagName, getComputedStyle(el).color, bg || 'rgb(255, 255, 255)']);
}
return out;
"""

_BUTTONS = """
const out = [];
for (const a of document.querySelectorAll('a.btn')) {
  a.scrollIntoView({block: 'center'});
  const r = a.getBoundingClientRect(), s = getComputedStyle(a);
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  out.push({text: a.textContent.trim(), left: r.left, right: r.right, width: r.width,
            height: r.height, visible: s.visibility === 'visible' && s.display !== 'none'
            && parseFloat(s.opacity) > 0, onTop: hit === a || a.contains(hit)});
}
return out;
"""


def _rgb(value: str) -> tuple[float, float, float]:
    r, g, b = (float(x) for x in re.findall(r"[\d.]+", value)[:3])
    return r, g, b


def contrast(a: str, b: str) -> float:
    def lum(rgb: tuple[float, float, float]) -> float:
        parts = [c / 255 for c in rgb]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(_rgb(a)), lum(_rgb(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("email-pages")
    store = demo_store(root / "home")
    loyalty = load_content(store, "loyalty")
    save_content(store, "loyalty", type(loyalty)(**{**loyalty.__dict__,
                                                    "discount_code": "THANKYOU-10"}))
    (root / "photo.png").write_bytes(PIXEL)
    out = {}
    for kind in KINDS:
        mail = render_email(store, kind, preview_context(store, kind))
        html = re.sub(r'src="https://[^"]+"', f'src="{(root / "photo.png").as_uri()}"', mail.html)
        assert "https://cdn.shopify.com" in mail.html      # the real email has the real photos
        path = root / f"{kind}.html"
        path.write_text(html, encoding="utf-8")
        out[kind] = path
    return out


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars"):
        options.add_argument(arg)
    drv = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    yield drv
    drv.quit()


def show(drv: Any, page: Path, width: int, *, dark: bool = False) -> None:
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 500})
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
    drv.get(page.as_uri())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", KINDS)
def test_fits_the_screen_and_every_button_shows(driver: Any, pages: dict[str, Path],
                                                 kind: str, width: int) -> None:
    show(driver, pages[kind], width)
    inner = driver.execute_script("return window.innerWidth")
    assert inner == width
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width, f"{kind} is {scroll}px wide on a {width}px screen"
    buttons = driver.execute_script(_BUTTONS)
    assert buttons, kind
    for b in buttons:
        assert b["visible"] and b["onTop"], b
        assert b["width"] >= 60 and b["height"] >= 30, b     # big enough to tap
        assert b["left"] >= 0 and b["right"] <= width, b


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("kind", KINDS)
def test_text_stays_readable_in_light_and_dark_mode(driver: Any, pages: dict[str, Path],
                                                    kind: str, dark: bool) -> None:
    show(driver, pages[kind], 375, dark=dark)
    body = driver.execute_script(_COLOURS, "p, .card-name a")
    large = driver.execute_script(_COLOURS, "h1, h2, a.btn, .store-name")
    assert body and large
    for name, fg, bg in body:
        assert contrast(fg, bg) >= 4.5, (kind, name, fg, bg)
    for name, fg, bg in large:
        assert contrast(fg, bg) >= 3.0, (kind, name, fg, bg)
    page_bg = driver.execute_script(
        "return getComputedStyle(document.querySelector('.main')).backgroundColor")
    assert (sum(_rgb(page_bg)) < 150) == dark, page_bg       # dark rules applied in dark mode
