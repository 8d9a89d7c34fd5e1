"""A merchant's first hour, done in the real app: import, pairs, an offer, a Live flow, sending.

    .venv/bin/python scripts/walkthrough.py                   # docs/walkthrough/
    .venv/bin/python scripts/walkthrough.py --out /tmp/walk --emails /tmp/walk/received

It starts its own X display (Xvfb, 1280x720; Qt offscreen when Xvfb is missing), a real SMTP
server on loopback (``tests/loopback_smtp.py``: aiosmtpd with STARTTLS and a throwaway CA
that the app verifies against), a file keyring and a fresh store home under a temporary
folder, and the real main window. ``scripts/gui_driver.py`` then clicks through it:

1. Import a shared real order export (the wine shop's, the one shared store whose pairs
   survive the correction for chance) and a shared real catalogue on the Import page.
   No shared store has both, so the catalogue is another WooCommerce store's: the
   matching step runs, but few or no ordered products are found in it (the JSON says how
   many).
2. The store's profile on Settings (name, web address, postal address, and soft opt-in:
   the export says nothing about consent), the Catalogue and Pairs pages.
3. An offer built and saved on Offers; the cross-sell email previewed on Flows and made
   Live, answering the "what would happen" question ("send the overdue too").
4. The email account on Settings pointed at the loopback server (password into the
   keyring), "Test connection", then "Send now" on Outbox, and one customer's record.

The export ends in October 2024, so the flows' clock is set to two days and a few hours
after its newest order (``ppdesk.core.flows.clock.utc_now``, which the planner, the
Flows page and the sender all read): the cross-sell emails of the last days are then due.
Every step leaves a screenshot ``NN-step.png``; ``README.md`` lists them with a line each
and ``walkthrough.json`` holds the figures. Exit status 1 when no email arrived.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT.parent / "shared" / "data").resolve()
if not SHARED.is_dir():       # a worktree sits one folder deeper than the main checkout
    SHARED = (ROOT.parents[1] / "shared" / "data").resolve()
EXPORT = SHARED / "real-exports" / "woocommerce_wine_shop_custom_export" / "woocommerce_orders.csv"
# Another WooCommerce store's (digital game packs): its names are in Latin script, which the
# fonts of a bare Debian machine draw (the 2021 store's Chinese names come out as boxes).
CATALOGUE = (SHARED / "real-catalogues" / "woocommerce_marroxo_downloads"
             / "wc-product-export-25-2-2026-1772060174291.csv")
STORE = {"name": "The Wine Cellar", "store_url": "https://wine.example.com",
         "postal_address": "1 Vineyard Lane, Stellenbosch 7600, South Africa"}
SMTP_FROM = "hello@wine.example.com"
LINK = re.compile(r"""href=["']([^"']+)["']""", re.I)


def _isolate(tmp: Path) -> None:
    """Everything the app writes goes under ``tmp``: store home, demo home, window state."""
    (tmp / "home").mkdir()
    os.environ["PPDESK_HOME"] = str(tmp / "home")
    os.environ["PPDESK_DEMO_HOME"] = str(tmp / "demo-home")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":   # no X: the web view cannot paint
        os.environ["PPDESK_HTML_PREVIEW"] = "text"
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    ring = PlaintextKeyring()   # a real file keyring under tmp, never the user's
    ring.file_path = str(tmp / "keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)


def _shown(path: Path) -> str:
    """The path as ``shared/data/...`` when it is the shared data, else as given."""
    try:
        return "shared/data/" + path.relative_to(SHARED).as_posix()
    except ValueError:
        return str(path)


def _freeze_clock(moment: dt.datetime) -> None:
    from ppdesk.core.flows import clock

    clock.utc_now = lambda: moment  # type: ignore[assignment]


def run(out: Path, export: Path, catalogue: Path, emails_dir: Path | None,
        tmp: Path) -> dict[str, Any]:
    import gui_driver as g
    from loopback_smtp import PASSWORD, USER, LoopbackSmtp
    from PySide6.QtWidgets import QApplication

    from ppdesk.core import secrets
    from ppdesk.core.flows.outbox import list_messages
    from ppdesk.core.store import open_store
    from ppdesk.core.store.lines import load_lines
    from ppdesk.ui.app import apply_theme, prepare_qt_environment
    from ppdesk.ui.context import AppContext
    from ppdesk.ui.main_window import MainWindow
    from ppdesk.ui.pages.settings_page import CONSENT, PLATFORMS, SECURITY

    figures: dict[str, Any] = {"export": _shown(export), "catalogue": _shown(catalogue),
                               "display": os.environ.get("QT_QPA_PLATFORM", "")}
    with LoopbackSmtp(tmp, mode="starttls") as server:
        os.environ["SSL_CERT_FILE"] = str(server.ca_file)   # verification stays on
        prepare_qt_environment()
        app = QApplication.instance() or QApplication([sys.argv[0]])
        assert isinstance(app, QApplication)
        apply_theme(app, dark=False)   # light, whatever the host says
        store = open_store(Path(os.environ["PPDESK_HOME"]))
        window = MainWindow(AppContext(store))
        window.setGeometry(0, 0, 1280, 720)
        window.show()
        d = g.Driver(window, out)

        page = d.show("home")
        d.shot("home-new-store", "A new, empty store: Home says to import the order export first.")

        # -- import the orders, then the catalogue
        page = d.show("import")
        d.drop_files(g.import_drop_zone(page), [export])
        d.settle()
        import_button = d.button(page, "Import", exact=True)
        d.wait_until(import_button.isEnabled, "the preview of the export")
        d.shot("import-preview", f"The export {export.name} dropped on Import: ppdesk reads "
               "its columns and shows the first rows before anything is stored.")
        d.click(import_button)
        d.settle(300)
        summary = page.summary  # type: ignore[attr-defined]
        if summary is None:
            raise g.DriverError(f"the import did not finish: {d.messages(page)}")
        figures.update(orders_imported=summary.orders_added, lines_imported=summary.lines_added,
                       customers_imported=summary.customers_added,
                       rows_rejected=summary.rows_rejected)
        d.shot("import-orders", f"Imported {summary.orders_added:,} orders "
               f"({summary.lines_added:,} lines, {summary.customers_added:,} customers).")
        d.drop_files(g.import_drop_zone(page), [catalogue])
        d.settle()
        d.wait_until(import_button.isEnabled, "the preview of the catalogue")
        d.click(import_button)
        d.settle(300)
        summary = page.summary  # type: ignore[attr-defined]
        cat = summary.catalogue[0] if summary.catalogue else None
        match = summary.matching
        figures.update(
            catalogue_variants=cat.variants if cat else 0,
            catalogue_products=cat.parents if cat else 0,
            products_ordered=match.ordered_products if match else 0,
            products_matched=match.matched if match else 0)
        d.shot("import-catalogue", f"The catalogue of another WooCommerce store imported "
               f"({figures['catalogue_variants']:,} variants): "
               f"{figures['products_matched']:,} of {figures['products_ordered']:,} ordered "
               "products found in it, as expected for a catalogue of a different shop.")
        page = d.show("products")
        d.shot("catalogue", "Catalogue: the imported products, and the ordered ones it lacks.")

        # -- the store's profile (needed before any email is planned)
        page = d.show("settings")
        for field, value in STORE.items():
            d.type_into(g.settings_field(page, "store", field), value)  # type: ignore[arg-type]
        d.choose(g.settings_field(page, "store", "platform"),  # type: ignore[arg-type]
                 text=next(t for t, v in PLATFORMS.items() if v == "woocommerce"))
        consent = next(text for text, on in CONSENT.items() if on)
        d.choose(g.settings_field(page, "flows", "soft_opt_in"), text=consent)  # type: ignore[arg-type]
        d.click(d.button(page, "Save", exact=True))
        d.settle()
        d.wait_until(lambda: "Settings saved." in d.messages(page), "Settings saved", page=page)
        d.shot("settings-store", "Settings: the store's name, web address and postal address "
               "(every email's footer), and soft opt-in for past customers.")

        # -- pairs and an offer
        page = d.show("pairs")
        view = g.table_view(page)
        if view.model().rowCount():
            d.click_table_row(view, 0)
            d.settle()
        figures["pairs_listed"] = int(view.model().rowCount())
        d.shot("pairs", "Products & pairs: what sells together in these orders; the top pair "
               "picked shows its evidence in words.")
        page = d.show("offers")
        use = d.button(page, "Save offer", "Use this offer")   # renamed on main
        d.wait_until(use.isEnabled, "the offer to be built")
        d.settle()
        d.click(use)
        d.settle()
        rules = g.offer_rules(page)
        d.wait_until(lambda: rules.rowCount() > 0, "the offer to be saved", page=page)
        d.settle()
        saved = str(rules.index(0, 0).data())
        figures["offer_saved"] = saved
        d.shot("offer-saved", f"Offers: the suggested thank-you page offer, saved as {saved}.")

        # -- the cross-sell flow, previewed and made Live at the simulated time
        newest = load_lines(store, ["ordered_at"])["ordered_at"].max().to_pydatetime()
        now = (newest + dt.timedelta(days=2, hours=2)).replace(tzinfo=dt.UTC, microsecond=0)
        _freeze_clock(now)
        figures["simulated_now"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        window.ctx.data_changed.emit()   # the pages re-read at the new time when next shown
        page = d.show("flows")
        tabs = g.flow_tabs(page)
        if tabs is not None:
            d.click_tab(tabs, "Edit the emails")
            d.settle()
        d.choose(g.flow_email_combo(page), data="cross_sell")
        d.settle()
        d.shot("flows-preview", "Flows: the cross-sell email previewed for a real customer of "
               "the store, before anything is planned.")
        if tabs is not None:
            d.click_tab(tabs, "Flows and timing")
            d.settle()
        d.click(g.flow_button(page, "cross_sell"))
        box = d.message_box()
        figures["go_live_question"] = box.informativeText().split("\n")[0]
        d.shot("flows-go-live-question", "Make Live asks first, saying what would happen: "
               "emails due now, later, and the overdue ones to skip or send.")
        d.answer(box, "Go Live, send the overdue too", "Go Live")
        d.settle()
        # The state label, not the message bar: on main a warning of the same kind replaces
        # the "is Live" message (both are keyed "{text}"; reported).
        d.wait_until(lambda: g.flow_state(page, "cross_sell")[0] == "Live",
                     "the flow to go Live", page=page)
        d.settle()
        live = g.flow_state(page, "cross_sell")[1]
        figures["went_live"] = live
        d.shot("flows-live", f"The cross-sell flow is Live: {live}.")

        # -- the email account, through the real keyring
        page = d.show("settings")
        for field, value in (("host", "127.0.0.1"), ("username", USER),
                             ("from_address", SMTP_FROM)):
            d.type_into(g.settings_field(page, "sending", field), value)  # type: ignore[arg-type]
        d.type_number(g.settings_field(page, "sending", "port"), server.port)  # type: ignore[arg-type]
        d.choose(g.settings_field(page, "sending", "security"),  # type: ignore[arg-type]
                 text=next(t for t, v in SECURITY.items() if v == server.mode))
        # the file keyring of this run is a plain file: the merchant must allow that
        d.tick(g.settings_field(page, "sending", "allow_plaintext_keyring"))  # type: ignore[arg-type]
        d.type_into(g.smtp_password(page), PASSWORD)
        d.click(d.button(page, "Save", exact=True))
        d.settle()
        # Asked of the keyring itself: on main the refresh after "Settings saved." wipes the
        # "Password saved" message (reported).
        d.wait_until(lambda: secrets.get_password("127.0.0.1", USER, allow_plaintext=True)
                     == PASSWORD, "the password to reach the keyring", page=page)
        d.click(d.button(page, "Test connection"))
        d.settle()
        tested = d.wait_until(lambda: [t for t in d.messages(page) if "127.0.0.1" in t
                                       or "connect" in t.lower()], "the connection test", page=page)
        figures["connection_test"] = tested[0]
        d.reveal(g.settings_field(page, "sending", "host"))
        d.shot("settings-email", "Settings: the email account pointed at the loopback server, "
               f"password kept in the keyring; Test connection: {tested[0]}")

        # -- send
        page = d.show("outbox")
        send = d.button(page, "Send now")
        figures["send_button"] = send.text()
        d.shot("outbox-due", f"Outbox: the planned cross-sell emails, \"{send.text()}\".")
        d.click(send)
        d.settle(600)
        sent_text = d.wait_until(lambda: next((t for t in d.messages(page)
                                               if t.startswith("Sent ")), None),
                                 "Send now", page=page)
        d.settle()
        figures["send_result"] = sent_text
        d.shot("outbox-sent", f"Send now went through the loopback server: {sent_text}")

        received = list(server.received)
        sent_rows = list_messages(store, states=["sent"])
        figures["outbox_rows"] = int(len(list_messages(store)))   # sent + held out
        figures["emails_sent"] = int(len(sent_rows))
        figures["emails_received"] = len(received)
        checked = _check_received(received, emails_dir)
        figures["recipients"] = checked["recipients"]
        figures["subjects"] = checked["subjects"]
        figures["links_checked"] = checked["links"]
        if received:
            page = d.show("customer")
            d.type_into(g.customer_email(page), checked["recipients"][0])
            d.click(d.button(page, "Show", exact=True))
            d.settle()
            d.shot("customer", "Customer: one recipient's orders and the email just sent, "
                   "with its state and why.")
        page = d.show("home")
        d.shot("home-after", "Home after the first send: every first step is ticked.")
        window.close()
        d.settle()
        app.shutdown()   # before the X server goes: Qt must not meet a closed display
    figures["steps"] = [{"file": f, "caption": c} for f, c in d.shots]
    return figures


def _check_received(received: list[Any], emails_dir: Path | None) -> dict[str, Any]:
    """Recipients, subjects and the number of https links of what the server got."""
    recipients, subjects, links = [], [], 0
    for i, got in enumerate(received, 1):
        msg = email.message_from_bytes(got.content, policy=email.policy.default)
        recipients.append(got.rcpt_tos[0])
        subjects.append(str(msg["Subject"]))
        html = msg.get_body(("html",))
        if html is not None:
            links += sum(1 for u in LINK.findall(html.get_content()) if u.startswith("https://"))
        if emails_dir is not None:
            emails_dir.mkdir(parents=True, exist_ok=True)
            (emails_dir / f"{i:03d}.eml").write_bytes(got.content)
    return {"recipients": recipients, "subjects": subjects, "links": links}


def write_docs(out: Path, figures: dict[str, Any]) -> None:
    (out / "walkthrough.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Walkthrough: a merchant's first hour in the real app",
        "",
        "Made by `scripts/walkthrough.py` (Xvfb at 1280x720, the real main window driven "
        "through its widgets, a loopback SMTP server). Figures: `walkthrough.json`.",
        "",
        f"- Orders: `{figures['export']}` (a real WooCommerce wine shop, customers "
        "pseudonymised).",
        f"- Catalogue: `{figures['catalogue']}`. No shared store has both an order export "
        "and a catalogue; this is the closest platform (WooCommerce), so "
        f"{figures['products_matched']} of {figures['products_ordered']} ordered products "
        "are found in it.",
        f"- The flows' clock is set to {figures['simulated_now']}, two days and two hours "
        "after the export's newest order, so the cross-sell emails of its last days are due.",
        f"- {figures['orders_imported']:,} orders imported, {figures['emails_sent']} emails "
        f"sent, {figures['emails_received']} received by the loopback server.",
        "",
    ]
    for step in figures["steps"]:
        lines += [f"## {step['file'][:-4]}", "", step["caption"], "",
                  f"![{step['file']}]({step['file']})", ""]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "walkthrough")
    parser.add_argument("--export", type=Path, default=EXPORT)
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument("--emails", type=Path, help="save each received email here (.eml)")
    args = parser.parse_args(argv)
    for path in (args.export, args.catalogue):
        if not path.is_file():
            sys.stderr.write(f"missing {path}: the shared data folder is not here\n")
            return 2
    sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(Path(__file__).parent)]
    from xvfb_display import virtual_display

    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("[0-9][0-9]-*.png"):
        old.unlink()
    tmp = Path(tempfile.mkdtemp(prefix="ppdesk-walkthrough-"))
    try:
        with virtual_display(1280, 720):
            _isolate(tmp)
            figures = run(args.out, args.export.resolve(), args.catalogue.resolve(),
                          args.emails, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write_docs(args.out, figures)
    print(f"{figures['orders_imported']:,} orders imported; "  # noqa: T201 - a developer script
          f"{figures['products_matched']} of {figures['products_ordered']} products matched; "
          f"{figures['emails_sent']} emails sent, {figures['emails_received']} received "
          f"by the loopback server; {len(figures['steps'])} screenshots in {args.out}")
    return 0 if figures["emails_received"] else 1


if __name__ == "__main__":
    sys.exit(main())
