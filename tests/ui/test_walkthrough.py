"""The walkthrough (scripts/walkthrough.py) drives the real window end to end and its emails arrive.

It runs as a merchant would work, in its own process (its own Xvfb display, loopback SMTP
server, keyring file and store home), into a temporary folder. The checks are made here
from what it left behind, not from its own figures alone: the received emails (.eml) are
parsed again and their recipients looked up in the export file itself, and every
screenshot is opened and must hold a real picture (not one flat colour).
"""

from __future__ import annotations

import csv
import email
import email.policy
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
EXPORT = "woocommerce_wine_shop_custom_export/woocommerce_orders.csv"
HREF = re.compile(r"""href=["']([^"']+)["']""", re.I)


def _export_orders(path: Path) -> tuple[int, set[str]]:
    """Orders (one per row in this layout) and the customers' addresses, read with csv."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return len({(r["Customer Email"].lower(), r["Order Date"]) for r in rows}), {
        r["Customer Email"].strip().lower() for r in rows}


def _grey(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_Grayscale8)
    assert not image.isNull(), path
    bits = np.frombuffer(bytes(image.constBits()), dtype=np.uint8)   # a copy: Qt owns the bits
    return bits.reshape(image.height(), image.bytesPerLine())[:, :image.width()]


@pytest.mark.slow
def test_walkthrough_sends_real_emails_and_leaves_a_picture_of_each_step(
        real_exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "walk"
    received_dir = out / "received"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "walkthrough.py"), "--out", str(out),
         "--emails", str(received_dir), "--export", str(real_exports / EXPORT)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads((out / "walkthrough.json").read_text(encoding="utf-8"))

    orders, addresses = _export_orders(real_exports / EXPORT)
    assert figures["orders_imported"] == orders == 1582

    emls = sorted(received_dir.glob("*.eml"))
    assert len(emls) > 0
    assert len(emls) == figures["emails_received"] == figures["emails_sent"]
    for path in emls:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        to = str(msg["To"]).strip().lower()
        assert to in addresses, to                        # a customer of the export
        html = msg.get_body(("html",))
        assert html is not None
        links = HREF.findall(html.get_content())
        web = [u for u in links if not u.startswith("mailto:")]
        assert web and all(u.startswith("https://") for u in web), web
        # one-click unsubscribe: a mailto to the store (no unsubscribe page is set up here)
        assert str(msg["List-Unsubscribe"]).startswith(("<mailto:", "<https://"))

    steps = figures["steps"]
    names = [s["file"] for s in steps]
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert len(names) >= 12
    for name in names:
        path = out / name
        assert path.is_file() and f"]({name})" in readme, name
        assert path.stat().st_size < 300_000, (name, path.stat().st_size)
        grey = _grey(path)
        assert grey.shape == (720, 1280), (name, grey.shape)
        assert grey.std() > 10, (name, grey.std())        # not blank or one flat colour
