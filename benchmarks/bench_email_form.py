"""What one keystroke in the email form costs: the preview of the unsaved words (figures on stdout).

    .venv/bin/python benchmarks/bench_email_form.py [--keys 20]

On the demo store, for each flow, the form's worker call per keystroke is
``emails.preview.preview_email(store, flow, content, customer)``: the context of the
chosen real customer with the edited words (``build_context``: their order, the
complements and timing from the analytics front door, the words filled) and the full
render (subject, HTML with CSS inlined, text part). Each keystroke appends one character
to the intro, as typing does. Beside it, in the same run:

- anchor: a bare ``jinja2`` render of the same HTML template with the same context (no
  sandbox, no CSS inlining, no text part, no context building);
- ``render_email`` alone on the ready context, to show how the time splits between
  building the context and rendering.

The form debounces: typing renders once per 300 ms pause, so a keystroke waits at most
300 ms plus one preview.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import replace

import jinja2

from ppdesk.core.emails.content import load_content
from ppdesk.core.emails.context import KINDS
from ppdesk.core.emails.preview import context_for, preview_customers, preview_email
from ppdesk.core.emails.render import render_email
from ppdesk.core.templating import money, templates_dir


def _bare_env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = money
    return env


def _ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.2f} ms (max {max(samples) * 1000:6.2f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=20, help="keystrokes per flow")
    args = parser.parse_args(argv)
    os.environ["PPDESK_DEMO_HOME"] = tempfile.mkdtemp(prefix="bench-email-form-")
    from ppdesk.core.demo_store import ensure_demo_store

    store = ensure_demo_store()   # in the temporary demo home set above
    bare = _bare_env()
    print(f"{'flow':<14} {'anchor: bare jinja2':>28} {'render_email on ready ctx':>30} "
          f"{'preview per keystroke':>30} {'x anchor':>9}")
    for flow in KINDS:
        customer = preview_customers(store, flow)[0].id
        words = load_content(store, flow)
        context, _ = context_for(store, flow, words, customer)
        template = bare.get_template(f"emails/{flow}.html")
        preview_email(store, flow, words, customer)          # warm caches, as the first view
        anchor, ready, keystroke = [], [], []
        for i in range(args.keys):
            t = time.perf_counter()
            template.render(dict(context, subject=""))
            anchor.append(time.perf_counter() - t)
            t = time.perf_counter()
            render_email(store, flow, context)
            ready.append(time.perf_counter() - t)
            typed = replace(words, intro=words.intro + " typed"[: 1 + i % 6] * (1 + i // 6))
            t = time.perf_counter()
            preview_email(store, flow, typed, customer)
            keystroke.append(time.perf_counter() - t)
        ratio = statistics.median(keystroke) / statistics.median(anchor)
        print(f"{flow:<14} {_ms(anchor):>28} {_ms(ready):>30} {_ms(keystroke):>30} "
              f"{ratio:8.0f}x")


if __name__ == "__main__":
    main()
