"""The one Jinja2 setup: autoescape, StrictUndefined, the sandbox, errors at their line."""

from __future__ import annotations

import pytest

from ppdesk.core.templating import (
    TemplateRenderError,
    check_template,
    css_color,
    money,
    render,
)


def test_sandboxed_html_source_escapes_values() -> None:
    out = render("<p>{{ name }}</p>", {"name": '<script>alert(1)</script>"'}, sandboxed=True)
    assert out == "<p>&lt;script&gt;alert(1)&lt;/script&gt;&#34;</p>"


def test_text_source_is_not_html_escaped() -> None:
    out = render("Hi {{ name }}", {"name": "Tom & Jerry"}, sandboxed=True, kind="text")
    assert out == "Hi Tom & Jerry"


def test_named_plain_text_template_is_not_escaped_but_html_is() -> None:
    ctx = {"store": {"name": "A&B", "sign_off": "Bye", "sender_name": "A&B",
                     "postal_address": ""}, "unsubscribe_url": ""}
    text = render("emails/_footer.txt", ctx)
    assert "A&B · " not in text and "A&B\n" in text and "&amp;" not in text


def test_sandbox_refuses_internals_at_their_line() -> None:
    source = "Hello\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    with pytest.raises(TemplateRenderError, match="line 3"):
        render(source, {}, sandboxed=True)
    problems = check_template(source, {})
    assert len(problems) == 1
    assert problems[0].line == 3 and "not allowed" in problems[0].message


def test_sandbox_refuses_mutating_calls() -> None:
    problems = check_template("{% set x = items.append(1) %}{{ items }}", {"items": []})
    assert problems and "not allowed" in problems[0].message


def test_unknown_value_is_reported_at_its_line() -> None:
    source = "line one\nline two\n{{ customer.first_nme }}\n"
    problems = check_template(source, {"customer": {"first_name": "Ann"}})
    assert [p.line for p in problems] == [3]
    assert "first_nme" in problems[0].message


def test_syntax_error_is_reported_at_its_line() -> None:
    problems = check_template("a\nb\n{% if x %}\nc\n")
    assert problems[0].line == 4  # the end of the source, where Jinja found no endif
    assert "syntax error" in problems[0].message and "endif" in problems[0].message
    problems = check_template("a\n{{ x + }}\n")
    assert problems[0].line == 2


def test_a_good_template_has_no_problems() -> None:
    assert check_template("Hi {{ name }}", {"name": "x"}) == []
    assert check_template("Hi {{ name }}") == []  # parse only


@pytest.mark.parametrize(("value", "currency", "expected"), [
    (21.17, "USD", "$21.17"), (1234.5, "EUR", "€1,234.50"), (3, "XYZ", "3.00 XYZ"),
    (None, "USD", ""), (0.5, "GBP", "£0.50"),
])
def test_money(value: float | None, currency: str, expected: str) -> None:
    assert money(value, currency) == expected


@pytest.mark.parametrize("bad", ["red;}body{display:none", "#12", "url(x)", "", "#1234567"])
def test_css_color_only_passes_hex(bad: str) -> None:
    assert css_color(bad, "#000000") == "#000000"
    assert css_color("#A1b2C3", "#000000") == "#A1b2C3"
