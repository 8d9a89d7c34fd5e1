"""``ppdesk offer``: build and save the L1 thank-you offer, print or write what to paste.

WooCommerce and other stores get the HTML block (``--no-js`` for stores that strip
scripts; with ``--out FILE`` WooCommerce also gets ``FILE.php``, a thank-you hook that
passes the order's time, number and SKUs). Shopify gets the Checkout Blocks export
(block text, button label, cart-permalink URL), because Shopify no longer runs pasted
scripts on the thank-you page. The paste guide is written beside the output (or in the
home's ``exports`` folder) and its path printed on stderr.
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
    target = p.add_mutually_exclusive_group(required=True)
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
    p.add_argument("--platform", choices=PLATFORMS,
                   help="store platform (default: Settings > Store)")
    p.add_argument("--no-js", action="store_true", help="a block without script (no countdown)")
    p.add_argument("--out", metavar="FILE", help="write the output to FILE instead of stdout")
    details = p.add_argument_group("offered product details (exports lack them; saved)")
    details.add_argument("--variant-id", help="Shopify variant id of the offered product")
    details.add_argument("--woo-product-id", help="WooCommerce product id of the offered product")
    details.add_argument("--image-url", help="image URL of the offered product")
    details.add_argument("--product-url", help="page URL of the offered product")
    p.set_defaults(func=run)


def _details_given(args: argparse.Namespace) -> bool:
    return any(v is not None for v in (args.variant_id, args.woo_product_id, args.image_url,
                                       args.product_url))


def _build(args: argparse.Namespace, store: Store) -> list[Offer]:
    from ppdesk.core.offers import build_all_offers, build_offer, set_product_details

    kwargs = dict(discount=args.discount, minutes=args.minutes, complement_key=args.complement,
                  test_discounts=args.test_discount, headline=args.headline,
                  call_to_action=args.cta, platform=args.platform)
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
