"""Screenshots of each flow's email at 600 px (desktop) and 375 px (phone), for docs and review.

    .venv/bin/python scripts/email_screenshots.py                # docs/emails/<flow>-<w>px.png
    .venv/bin/python scripts/email_screenshots.py --out shots    # somewhere else
    .venv/bin/python scripts/email_screenshots.py --dark         # as a dark-mode mail app

Builds the demo store in a temporary home with the stand-in catalogue the tests use
(``tests/email_checks.py``: photos, product pages, Shopify variant ids), plans the flows
and renders the due messages with ``send_due(dry_run=True)``, i.e. the .eml files the
sender would send. Each email's HTML part is opened in headless Chromium (Debian's
``chromium`` + ``chromium-driver``, through Selenium) at each width, the window grown
to the email's full height. The product photos live on a CDN this machine may not
reach, so for the screenshot only each ``https`` photo is swapped for a local
placeholder tile carrying the product's initials; the .eml files keep the real URLs.
It also writes the .eml and .txt parts beside the PNGs.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import html
import re
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ("cross_sell", "replenishment", "review", "loyalty")
NOW = "2026-11-02T15:00:00Z"
WIDTHS = (600, 375)
_TILE = """<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240">
<rect width="240" height="240" fill="hsl({hue},45%,86%)"/>
<circle cx="120" cy="104" r="54" fill="hsl({hue},40%,72%)"/>
<text x="120" y="206" font-family="Arial" font-size="30" font-weight="bold" text-anchor="middle"
 fill="hsl({hue},35%,30%)">{initials}</text></svg>"""


def _tile(folder: Path, url: str, alt: str) -> str:
    digest = hashlib.sha1(url.encode()).hexdigest()[:10]
    path = folder / f"{digest}.svg"
    words = [w for w in re.split(r"\W+", alt) if w][:2]
    initials = "".join(w[0].upper() for w in words) or "?"
    path.write_text(_TILE.format(hue=int(digest[:4], 16) % 360, initials=html.escape(initials)),
                    encoding="utf-8")
    return path.as_uri()


def local_images(page: str, folder: Path) -> str:
    """``page`` with each https image swapped for a local placeholder tile."""
    def swap(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = re.search(r'src="(https://[^"]+)"', tag)
        alt = re.search(r'alt="([^"]*)"', tag)
        if src is None:
            return tag
        name = html.unescape(alt.group(1)) if alt else ""
        local = _tile(folder, html.unescape(src.group(1)), name)
        return tag.replace(src.group(0), f'src="{local}"')

    return re.sub(r"<img\b[^>]*>", swap, page)


def _driver(dark: bool):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--force-device-scale-factor=1"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"),
                              options=options)
    if dark:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    return driver


def shoot(driver, page: Path, out: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    # Set the viewport (not the window) so 375 means a 375 px wide screen.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 200, "deviceScaleFactor": 1, "mobile": width < 500})
    driver.get(page.as_uri())
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    driver.save_screenshot(str(out))


def render_emls(folder: Path) -> dict[str, Path]:
    """One .eml per flow from the demo store, as the sender's dry run writes them."""
    sys.path.insert(0, str(ROOT / "tests"))
    import numpy as np
    from email_checks import demo_store

    from ppdesk.core.emails.content import FLOWS, load_content, save_content
    from ppdesk.core.flows.outbox import cancel, list_messages
    from ppdesk.core.flows.states import go_live
    from ppdesk.core.sending.sender import send_due

    store = demo_store(folder / "home")
    # Loyalty as a merchant sets it up: a reward code (the email offers none without one).
    save_content(store, "loyalty", replace(load_content(store, "loyalty"),
                                           discount_code="THANKYOU-10"))
    # The merchant makes every flow Live (a new store's are Draft), keeping the overdue;
    # the same holdout draw every run.
    go_live(store, list(FLOWS), overdue="send", now=NOW, rng=np.random.default_rng(0))
    planned = list_messages(store, states=["planned"])
    due = planned[planned["due_at"] <= NOW]
    bare = due["details"].astype(str).str.contains('"complements": []', regex=False)
    # The fullest example of each flow: a review that suggests something, a 3-card L2.
    due = due.assign(bare=bare, n=due["product_ids"].astype(str).str.count(","))
    keep = set(due.sort_values(["flow", "bare", "n", "due_at"], ascending=[True, True, False, True])
               .groupby("flow").head(1)["id"].astype(int))
    for outbox_id in planned["id"].astype(int):
        if outbox_id not in keep:
            cancel(store, outbox_id)
    emls = folder / "eml"
    send_due(store, now=NOW, dry_run=True, out_dir=emls)
    found: dict[str, Path] = {}
    for path in sorted(emls.glob("*.eml")):   # <outbox id>-<flow>.eml
        found[path.stem.split("-", 1)[1]] = path
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "emails")
    parser.add_argument("--dark", action="store_true", help="as a mail app in dark mode")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ppdesk-email-shots-"))
    emls = render_emls(work)
    driver = _driver(args.dark)
    try:
        for flow in FLOWS:
            if flow not in emls:
                print(f"no {flow} email was due on the demo store")  # noqa: T201 - a script
                continue
            raw = emls[flow].read_bytes()
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            body = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
            text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            suffix = "-dark" if args.dark else ""
            if not args.dark:
                (args.out / f"{flow}.eml").write_bytes(raw)
                (args.out / f"{flow}.txt").write_text(
                    f"Subject: {str(msg['Subject']).strip()}\n\n{text}", encoding="utf-8")
            page = work / f"{flow}.html"
            page.write_text(local_images(body, work), encoding="utf-8")
            for width in WIDTHS:
                png = args.out / f"{flow}-{width}px{suffix}.png"
                shoot(driver, page, png, width)
                print(f"wrote {png}")  # noqa: T201 - a developer script
    finally:
        driver.quit()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
