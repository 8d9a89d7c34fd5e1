"""The only place that builds Jinja2 environments, and the one ``render()`` entry point.

Two environments, both with ``StrictUndefined`` (a missing value is an error, never an
empty string in a customer's email) and autoescape on for HTML:

- the *default* environment renders ppdesk's own templates from ``resources/templates``;
- the *sandbox* (``ImmutableSandboxedEnvironment``) renders every template source a
  merchant edited: it refuses attribute access to internals (``''.__class__``) and
  calls that mutate data, so a template cannot run code.

Autoescape follows the template: ``.html`` (and any HTML source) is escaped, plain-text
parts (``.txt``, subjects) are not, because ``&amp;`` in a text email is wrong. Values
from imports are escaped wherever they land in HTML; JSON for ``<script>`` goes through
Jinja's ``tojson`` filter, which escapes ``<``, ``>``, ``&`` and ``'`` so ``</script>``
in a product name stays text.

``check_template(source)`` is what the template editor calls: syntax errors, unknown
variables (``StrictUndefined``) and sandbox refusals, each with the template line.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ppdesk.core import paths
from ppdesk.core.errors import InputError

Kind = Literal["html", "text"]

# The filename Jinja gives to templates compiled from a string; tracebacks carry it.
_SOURCE_NAME = "<template>"

_CURRENCY_SYMBOLS = {
    "USD": "$", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "EUR": "€", "GBP": "£",
    "JPY": "¥", "INR": "₹", "CHF": "CHF ", "SEK": "kr ", "DKK": "kr ", "NOK": "kr ",
    "PKR": "Rs ", "BRL": "R$",
}


@dataclass(frozen=True)
class TemplateProblem:
    """One problem in a template, for the editor: 1-based ``line`` (None if unknown)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class TemplateRenderError(InputError):
    """A template (usually a merchant-edited one) cannot be rendered; names the line."""


def templates_dir() -> Path:
    return paths.resources_dir() / "templates"


def money(value: Any, currency: str | None = "USD") -> str:
    """``21.17`` -> ``$21.17``; unknown currency codes are written after the amount."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    amount = f"{float(value):,.2f}"
    code = (currency or "").upper()
    symbol = _CURRENCY_SYMBOLS.get(code)
    if symbol is not None:
        return f"{symbol}{amount}"
    return f"{amount} {code}".strip()


_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def css_color(value: str | None, default: str) -> str:
    """A merchant colour goes into CSS, so only a plain hex colour passes; else ``default``."""
    return value if value and _HEX_COLOR.match(value) else default


def _percent(value: Any) -> str:
    number = float(value)
    return f"{number:g}%"


def _configure(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["money"] = money
    env.filters["percent"] = _percent
    return env


def _autoescape(name: str | None) -> bool:
    # Named templates: escape unless plain text. Sources compiled from a string get
    # their own environment per kind (see _env), so ``None`` never reaches here for text.
    if name is None:
        return True
    return not name.endswith((".txt", ".subject"))


@functools.lru_cache(maxsize=4)
def _env(sandboxed: bool, kind: Kind, root: str) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(root)
    cls: type[jinja2.Environment] = (ImmutableSandboxedEnvironment if sandboxed
                                     else jinja2.Environment)
    autoescape: Any = _autoescape if kind == "html" else False
    env = cls(loader=loader, autoescape=autoescape, undefined=jinja2.StrictUndefined,
              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return _configure(env)


def environment(*, sandboxed: bool = False, kind: Kind = "html") -> jinja2.Environment:
    """The shared environment (default or sandbox) for HTML or plain-text output."""
    return _env(sandboxed, kind, str(templates_dir()))


def _source_line(exc: BaseException) -> int | None:
    """The template line of a render error, from the traceback Jinja rewrites."""
    line = getattr(exc, "lineno", None)
    if isinstance(line, int) and line > 0:
        return line
    found: int | None = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename == _SOURCE_NAME or filename.endswith((".html", ".txt", ".subject")):
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _problem(exc: BaseException) -> TemplateProblem:
    if isinstance(exc, jinja2.UndefinedError):
        message = f"unknown value: {exc.message}"
    elif isinstance(exc, SecurityError):
        message = f"not allowed in a template: {exc}"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        message = f"syntax error: {exc.message}"
    elif isinstance(exc, jinja2.TemplateNotFound):
        message = f"no template named {exc.name!r}"
    else:
        message = f"{type(exc).__name__}: {exc}"
    return TemplateProblem(_source_line(exc), message)


def render(template: str, context: Mapping[str, Any], *, sandboxed: bool = False,
           kind: Kind | None = None) -> str:
    """Render a template and return the text.

    Args:
        template: with ``sandboxed=False`` the name of one of ppdesk's templates under
            ``resources/templates`` (e.g. ``"emails/cross_sell.html"``); with
            ``sandboxed=True`` a template *source* a merchant edited.
        context: the values; a missing one is an error (``StrictUndefined``).
        sandboxed: render merchant-edited source in the sandbox.
        kind: ``"html"`` (autoescaped) or ``"text"``; for names it follows the suffix.

    Raises:
        TemplateRenderError: the template cannot be rendered; the message names the line.
    """
    if kind is None:
        kind = "html" if sandboxed or _autoescape(template) else "text"
    env = environment(sandboxed=sandboxed, kind=kind)
    try:
        tmpl = env.from_string(template) if sandboxed else env.get_template(template)
        return tmpl.render(dict(context))
    except (jinja2.TemplateError, SecurityError, TypeError, ValueError, ArithmeticError) as exc:
        problem = _problem(exc)
        where = template if not sandboxed else "your template"
        raise TemplateRenderError(f"{where}, {problem}") from exc


def check_template(source: str, context: Mapping[str, Any] | None = None, *,
                   kind: Kind = "html") -> list[TemplateProblem]:
    """Problems in a merchant-edited template source, for the editor (empty list = fine).

    Parses the source in the sandbox; with ``context`` it also renders it, so unknown
    values (``StrictUndefined``) and sandbox refusals are reported at their line.
    """
    env = environment(sandboxed=True, kind=kind)
    try:
        tmpl = env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        return [_problem(exc)]
    if context is None:
        return []
    try:
        tmpl.render(dict(context))
    except (jinja2.TemplateError, SecurityError, TypeError, ValueError, ArithmeticError) as exc:
        return [_problem(exc)]
    return []


def default_source(name: str) -> str:
    """The text of one of ppdesk's default templates (the editor's starting point)."""
    path = templates_dir() / name
    try:
        return str(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no default template named {name!r}") from None


# Jinja keeps compiled templates per environment; tests that swap resources can clear it.
def clear_cache() -> None:
    _env.cache_clear()


__all__ = [
    "TemplateProblem", "TemplateRenderError", "check_template", "default_source",
    "css_color", "environment", "money", "render", "clear_cache",
]
