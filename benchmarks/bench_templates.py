"""How fast ppdesk renders the thank-you block and the flow emails (figures on stdout).

    .venv/bin/python benchmarks/bench_templates.py

Measures ``render_snippet`` (HTML block with JS) for one offer and for a 50-rule list,
and ``render_with_sources`` (subject + HTML with CSS inlined by css_inline + text) for
every email kind on the worst-case sample (three product cards for L2), beside an
anchor measured in the same run: a bare ``jinja2`` render of the same HTML template
with the same context (no sandbox checks, no CSS inlining, no text part). The issue's
budget is 5 ms per email. ``--store`` adds ``render_email`` on the demo store from an
outbox-like row, i.e. with the context built from the store (analytics calls included).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jinja2

from ppdesk.core.emails import KINDS, render_with_sources, worst_case_context
from ppdesk.core.offers.model import Offer, OfferProduct, OfferVariant
from ppdesk.core.offers.snippet import render_snippet
from ppdesk.core.templating import money, templates_dir


def _offer(i: int) -> Offer:
    comp = OfferProduct(10_000 + i, f"C-{i}", f"Complement {i}", 24.90, "USD",
                        image_url="https://cdn.example.com/p.jpg", platform_product_id=str(i))
    return Offer(OfferProduct(i, f"T-{i}", f"Trigger {i}", 12.0, "USD"), comp,
                 (OfferVariant(0, 15, f"THANKS15-{i}"), OfferVariant(1, 10, f"THANKS10-{i}")),
                 30, "Complete your order", "Add to cart", "woocommerce",
                 "https://shop.example.com", "apply_coupon")


def _rate(label: str, call: Callable[[], object], repeat: int) -> float:
    call()  # warm the template cache
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    per = (time.perf_counter() - start) / repeat
    print(f"{label:<60} {per * 1000:8.2f} ms each  {1 / per:10.0f} per second")
    return per


def _bare_env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = money
    return env


def _store_rows() -> list[tuple[str, object, dict[str, object]]]:
    """(kind, store, outbox-like row) for each kind, from the demo store with photos."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from email_checks import demo_store

    from ppdesk.core.flows.outbox import list_messages
    from ppdesk.core.flows.states import go_live

    store = demo_store(Path(tempfile.mkdtemp(prefix="bench-emails-")) / "home")
    # A new store's flows are Draft; going Live plans them (the overdue kept).
    go_live(store, list(KINDS), overdue="send", now="2026-11-02T15:00:00Z")
    frame = list_messages(store, states=["planned"])
    out = []
    for kind in KINDS:
        row = frame[frame["flow"] == kind].iloc[0].to_dict()
        out.append((kind, store, row))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="store_true",
                        help="also render from outbox rows of the demo store")
    args = parser.parse_args(argv)
    one = _offer(1)
    rules = [_offer(i) for i in range(50)]
    _rate("render_snippet, 1 offer", lambda: render_snippet(one), 300)
    _rate("render_snippet, 50-rule list", lambda: render_snippet(rules), 50)
    bare = _bare_env()
    worst = 0.0
    for kind in KINDS:
        ctx = worst_case_context(kind)
        tmpl = bare.get_template(f"emails/{kind}.html")
        _rate(f"anchor: bare jinja2 {kind}.html", lambda tmpl=tmpl, ctx=ctx:
              tmpl.render(dict(ctx, subject="")), 300)
        worst = max(worst, _rate(f"render_with_sources {kind} (subject+html+css+text)",
                                 lambda ctx=ctx, kind=kind: render_with_sources(kind, ctx), 300))
    print(f"slowest email render: {worst * 1000:.2f} ms (budget 5 ms)")
    if args.store:
        from ppdesk.core.emails import render_email

        for kind, store, row in _store_rows():
            _rate(f"render_email {kind} from an outbox row (demo store)",
                  lambda kind=kind, store=store, row=row: render_email(store, kind, row), 20)


if __name__ == "__main__":
    main()
