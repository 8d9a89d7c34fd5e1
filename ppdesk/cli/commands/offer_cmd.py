"""``ppdesk offer``: build and save the L1 thank-you offer, print or write what to paste.

WooCommerce and other stores get the HTML block (``--no-js`` for stores that strip
scripts; with ``--out FILE`` WooCommerce also gets ``FILE.php``, a thank-you hook that
passes the order's time, number and SKUs). Shopify gets the Checkout Blocks export
(block text, button label, cart-permalink URL), because Shopify no longer runs pasted
scripts on the thank-you page. The paste guide is written beside the output (or in the
home's ``exports`` folder) and its path printed on stderr.

The saved offers are managed with actions after ``offer``: ``list``, ``pause ID``,
``resume ID``, ``delete ID``, ``duplicate ID --product KEY`` (the copy starts paused) and
``export`` (what to paste for every active offer; paused ones are left out).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ppdesk.cli import output
from ppdesk.cli.outfiles import OutputFiles
from ppdesk.core import paths
from ppdesk.core.errors import InputError
from ppdesk.core.offers.links import PLATFORMS

if TYPE_CHECKING:
    from ppdesk.core.offers.model import Offer
    from ppdesk.core.store import Store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "offer", help="the thank-you page upsell: an add-to-cart link with a discount code",
        description="Build the thank-you offer for a product (the complement comes from what "
        "sells together), save it, and print the HTML block to paste (WooCommerce, other "
        "stores) or the Checkout Blocks text and button (Shopify).")
    # Not required here: `ppdesk offer list` and the other actions need neither (checked in run).
    target = p.add_mutually_exclusive_group()
    target.add_argument("--product", metavar="KEY", help="trigger product key (SKU, else name)")
    target.add_argument("--all", action="store_true",
                        help="an offer for every product with a complement, as one rule list")
    p.add_argument("--complement", metavar="KEY", help="offer this product instead of the best "
                   "complement found in your orders")
    p.add_argument("--discount", metavar="PCT", type=float,
                   help="discount in percent, 0-90 (default from settings: 15)")
    p.add_argument("--test-discount", metavar="PCT", type=float, action="append", default=[],
                   help="add a variant with this discount; orders are split by order number "
                   "(repeatable)")
    p.add_argument("--minutes", metavar="N", type=int, help="offer window, 30-60 (default 30)")
    p.add_argument("--headline", help="headline text")
    p.add_argument("--cta", help="button label")
    p.add_argument("--text", dest="body", help="a sentence or two under the headline")
    p.add_argument("--platform", choices=PLATFORMS,
                   help="store platform (default: Settings > Store)")
    p.add_argument("--no-js", action="store_true", help="a block without script (no countdown)")
    p.add_argument("--out", metavar="FILE", help="write the output to FILE instead of stdout")
    details = p.add_argument_group("offered product details (exports lack them; saved)")
    details.add_argument("--variant-id", help="Shopify variant id of the offered product")
    details.add_argument("--woo-product-id", help="WooCommerce product id of the offered product")
    details.add_argument("--image-url", help="image URL of the offered product")
    details.add_argument("--product-url", help="page URL of the offered product")
    p.set_defaults(func=run, offer_parser=p)
    _register_actions(p)


def _register_actions(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="offer_command", metavar="ACTION", required=False,
                           title="saved offers (optional action)")
    s = sub.add_parser("list", help="the saved offers, with their number and whether they run")
    s.add_argument("--format", choices=("table", "json"), default="table")
    s.set_defaults(func=run_list)
    for name, what in (("pause", "switch an offer off: no longer exported, later views not "
                        "counted"), ("resume", "switch a paused offer back on"),
                       ("delete", "delete a saved offer")):
        s = sub.add_parser(name, help=what)
        s.add_argument("offer_id", metavar="ID", type=int, help="the number `offer list` shows")
        s.set_defaults(func=run_action, action=name)
    s = sub.add_parser("duplicate", help="copy an offer onto another product (starts paused)")
    s.add_argument("offer_id", metavar="ID", type=int)
    s.add_argument("--product", dest="to_product", metavar="KEY", required=True,
                   help="the product the copy is for")
    s.set_defaults(func=run_duplicate)
    s = sub.add_parser("export", help="what to paste for every active saved offer")
    s.add_argument("--platform", dest="export_platform", choices=PLATFORMS,
                   help="store platform (default: each offer's own)")
    s.add_argument("--no-js", dest="export_no_js", action="store_true",
                   help="a block without script (no countdown)")
    s.add_argument("--out", dest="export_out", metavar="FILE", help="write to FILE")
    s.set_defaults(func=run_export)


def _details_given(args: argparse.Namespace) -> bool:
    return any(v is not None for v in (args.variant_id, args.woo_product_id, args.image_url,
                                       args.product_url))


def _build(args: argparse.Namespace, store: Store) -> list[Offer]:
    from ppdesk.core.offers import build_all_offers, build_offer, set_product_details

    kwargs = dict(discount=args.discount, minutes=args.minutes, complement_key=args.complement,
                  test_discounts=args.test_discount, headline=args.headline,
                  call_to_action=args.cta, platform=args.platform, body=args.body)
    if args.all:
        if _details_given(args):
            raise InputError("--variant-id, --woo-product-id, --image-url and --product-url "
                             "apply to one offer: use them with --product")
        offers, skipped = build_all_offers(store, progress=output.StderrProgress("Offers"),
                                           **kwargs)
        for key, why in skipped[:20]:
            output.info(f"skipped {key}: {why}")
        if len(skipped) > 20:
            output.info(f"... and {len(skipped) - 20} more products without a complement")
        if not offers:
            raise InputError("no product has a complement bought with it often enough; "
                             "import more orders or use --product KEY --complement KEY")
        return offers
    offer = build_offer(store, args.product, **kwargs)
    if _details_given(args):
        c = offer.complement
        set_product_details(
            store, c.product_key,
            image_url=args.image_url if args.image_url is not None else c.image_url,
            url=args.product_url if args.product_url is not None else c.url,
            platform_product_id=args.woo_product_id if args.woo_product_id is not None
            else c.platform_product_id,
            platform_variant_id=args.variant_id if args.variant_id is not None
            else c.platform_variant_id)
        kwargs["complement_key"] = c.product_key
        offer = build_offer(store, args.product, **kwargs)
    return [offer]


def _blocks_text(offers: list[Offer]) -> str:
    from ppdesk.core.offers import shopify_blocks

    lines = ["Shopify Checkout Blocks export (paste into a Text block and a Button block)", ""]
    for i, b in enumerate(shopify_blocks(offers), start=1):
        lines += [f"Offer {i}: order holds {b.trigger_name} [{b.trigger_key}]",
                  f"  Text:         {b.text}", f"  Button label: {b.button_label}",
                  f"  Button link:  {b.button_url}",
                  f"  Discount code to create: {b.discount_code or '(none: 0% arm)'}",
                  f"  Link: {b.note}", ""]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `ppdesk --help` must not pay for them (cli/main.py).
    from ppdesk.core.offers import render_guide, render_snippet, save_offer, woocommerce_php
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    if not args.product and not args.all:
        args.offer_parser.error("one of the arguments --product --all is required "
                                "(or an action: list, pause, resume, delete, duplicate, export)")
    store = open_store(args.home_path)
    settings = load_settings(store)
    built = _build(args, store)
    platform = args.platform or built[0].platform
    with_js = not args.no_js
    out = Path(args.out).expanduser() if args.out else None
    # Render before saving: an offer that cannot be rendered (no link to the product) is
    # exit 2, and exit 2 promises an unchanged store. The output does not use the ids.
    if platform == "shopify":
        body = _blocks_text(built)
    else:
        body = render_snippet(built, platform=platform, with_js=with_js, profile=settings.store)
    notes = []  # worked out before anything is written: link() can refuse (exit 2)
    for offer in built:
        if offer.evidence is not None and offer.evidence.reason:
            notes.append(f"{offer.trigger.product_key} -> {offer.complement.product_key}: "
                         f"{offer.evidence.reason}")
        link = offer.link(0, platform=platform)
        if not link.adds_to_cart:
            notes.append(f"Note for {offer.complement.product_key}: {link.note}")
    written = []
    # All or nothing: the files appear only once the offers are saved (cli/outfiles.py).
    with OutputFiles() as files:
        if out is not None:
            files.stage(out).write_text(body, encoding="utf-8")
            written.append(f"Wrote {out}")
            guide_file = out.with_name(out.name + ".guide.txt")
            if platform == "woocommerce":
                php = out.with_name(out.name + ".php")
                files.stage(php).write_text(woocommerce_php(body), encoding="utf-8")
                written.append(f"Wrote {php} (the WooCommerce thank-you hook)")
        else:
            guide_file = paths.exports_dir(args.home_path) / f"offer-guide-{platform}.txt"
        guide_temp = files.stage(guide_file)
        offers = [save_offer(store, o) for o in built]
        guide_temp.write_text(render_guide(offers, platform=platform, with_js=with_js,
                                           snippet_file=str(out) if out else None),
                              encoding="utf-8")
    if out is None:
        output.print_lines([body.rstrip("\n")])
    for line in written + notes:
        output.info(line)
    output.info(f"Paste guide: {guide_file}")
    return 0


def _state(offer: Offer) -> str:
    return "running" if offer.active else "paused"


def run_list(args: argparse.Namespace) -> int:
    from ppdesk.core.offers import load_offers
    from ppdesk.core.store import open_store

    offers = load_offers(open_store(args.home_path), active_only=False)
    rows = [{"id": o.id, "state": _state(o), "trigger": o.trigger.product_key,
             "complement": o.complement.product_key,
             "discounts": " / ".join(f"{v.discount_percent:g}%" for v in o.variants),
             "minutes": o.window_minutes, "platform": o.platform, "headline": o.headline,
             "body": o.body, "button": o.call_to_action,
             "codes": [v.discount_code for v in o.variants]} for o in offers]
    if args.format == "json":
        output.print_json({"offers": rows})
    elif not rows:
        output.info("No saved offers yet: `ppdesk offer --product KEY` makes one.")
    else:
        output.print_table(rows, ["id", "state", "trigger", "complement", "discounts",
                                  "minutes", "platform"])
    return 0


def run_action(args: argparse.Namespace) -> int:
    from ppdesk.core.offers import delete, find_offer, pause, resume
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    offer = find_offer(store, args.offer_id)
    if args.action == "pause":
        pause(store, args.offer_id)
        output.info(f"Paused offer {args.offer_id} ({offer.trigger.name}). It is left out of "
                    "exports from now on; on Shopify, also hide its block in Checkout Blocks, "
                    "and on other stores paste the new export (ppdesk offer export).")
    elif args.action == "resume":
        resume(store, args.offer_id)
        output.info(f"Offer {args.offer_id} ({offer.trigger.name}) runs again; paste the new "
                    "export (ppdesk offer export) or show its Shopify block again.")
    else:
        delete(store, args.offer_id)
        output.info(f"Deleted offer {args.offer_id} ({offer.trigger.name}).")
    return 0


def run_duplicate(args: argparse.Namespace) -> int:
    from ppdesk.core.offers import duplicate
    from ppdesk.core.store import open_store

    copy = duplicate(open_store(args.home_path), args.offer_id, args.to_product)
    output.print_lines([str(copy.id)])
    output.info(f"Copied offer {args.offer_id} as offer {copy.id} for {copy.trigger.name}, "
                f"paused: `ppdesk offer resume {copy.id}` switches it on.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from ppdesk.core.offers import exportable, load_offers, render_snippet, woocommerce_php
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    settings = load_settings(store)
    saved = load_offers(store, active_only=False, settings=settings)
    if not saved:
        raise InputError("no saved offers yet: `ppdesk offer --product KEY` makes one")
    offers = exportable(saved)
    platform = args.export_platform or offers[0].platform
    if platform == "shopify":
        body = _blocks_text(offers)
    else:
        body = render_snippet(offers, platform=platform, with_js=not args.export_no_js,
                              profile=settings.store)
    if args.export_out:
        out = Path(args.export_out).expanduser()
        with OutputFiles() as files:
            files.stage(out).write_text(body, encoding="utf-8")
            if platform == "woocommerce":
                files.stage(out.with_name(out.name + ".php")).write_text(
                    woocommerce_php(body), encoding="utf-8")
        output.info(f"Wrote {out}")
    else:
        output.print_lines([body.rstrip("\n")])
    return 0

