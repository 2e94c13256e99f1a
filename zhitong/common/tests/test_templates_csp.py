"""The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) runs scripts from our own
static files only: no template or HTML built in Python may carry an inline <script> block, an
on…= event handler, a javascript: URL, or htmx code that htmx evaluates (hx-on, an event
filter such as change[target.name=='x'], js: values). Pages ask for behaviour with data
attributes and events that static/zhitong/site.js implements."""

import io
import re
import tokenize

from django.conf import settings
from django.test import Client
from django.urls import reverse

from zhitong.common.tests.test_templates_style import PACKAGE_DIR, project_templates

# <script …> without a src attribute: an inline script (a JSON data block is not run and is allowed).
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
HX_ON = re.compile(r"""\shx-on(?:[:-][\w:-]*)?\s*=""", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
HANDLER_NAME = re.compile(
    r"""^["']on(?:click|change|submit|input|load|error|focus|blur|key\w+|mouse\w+)["']$"""
)
HX_TRIGGER = re.compile(r"""hx-trigger\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
HX_JS_VALUE = re.compile(r"""hx-(?:vals|vars)\s*=\s*["']\s*(?:js|javascript):""", re.IGNORECASE)


def htmx_eval_offences(text: str) -> list[str]:
    """hx-trigger event filters ("change[cond]": htmx evaluates the condition) and js: values.
    A CSS selector after from: or target: may hold brackets; it is not code."""
    out = [m.group(0)[:120] for m in HX_JS_VALUE.finditer(text)]
    for m in HX_TRIGGER.finditer(text):
        for token in re.findall(r"(?:^|[\s,])(\S+?)\[", m.group(2)):
            if not token.startswith(("from:", "target:")):
                out.append(m.group(0)[:120])
    return out


def csp_offences(text: str) -> list[str]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        inline_script = any(
            "src=" not in attrs.lower() and "application/json" not in attrs.lower()
            for attrs in SCRIPT_TAG.findall(line)
        )
        if inline_script or EVENT_HANDLER.search(line) or HX_ON.search(line) or JS_URL.search(line):
            out.append(f"{n}: {line.strip()[:120]}")
    return out


def test_the_detector_catches_each_form_and_passes_static_scripts():
    assert csp_offences("<script>alert(1)</script>")
    assert csp_offences('<a href="#" onclick="window.print();return false;">')
    assert csp_offences("<form ONSUBMIT='x()'>")
    assert csp_offences('<div hx-on:click="x()">')
    assert csp_offences('<div hx-on::after-request="x()">')
    assert csp_offences('<a href="javascript:void(0)">')
    assert not csp_offences("<script src=\"{% static 'vendor/htmx/htmx.min.js' %}\" defer></script>")
    assert not csp_offences('<script type="application/json" id="data">{}</script>')
    assert not csp_offences('<a href="#" data-zt-print>打印</a>')
    assert not csp_offences('<button hx-post="/x" hx-target="#y">')
    assert not csp_offences("<p>online=1 monitor</p>")


def test_the_htmx_detector_catches_filters_and_passes_selectors():
    assert htmx_eval_offences("""<div hx-trigger="change[target.name=='x'] from:#f">""")
    assert htmx_eval_offences("""<div\n hx-trigger="load, keyup[key=='Enter']">""")
    assert htmx_eval_offences("""<div hx-vals='js:{a: 1}'>""")
    assert not htmx_eval_offences("""<div hx-trigger="input changed delay:400ms from:input[name=q]">""")
    assert not htmx_eval_offences("""<div hx-trigger="zt-changed-category_id from:#intake-form">""")


def test_no_template_has_an_inline_script_or_event_handler():
    offences = []
    for path in project_templates():
        text = path.read_text(encoding="utf-8")
        offences += [
            f"{path.relative_to(PACKAGE_DIR)}:{o}" for o in csp_offences(text) + htmx_eval_offences(text)
        ]
    assert not offences, "Move the code to static/zhitong/site.js (data attributes):\n" + "\n".join(offences)


def test_no_python_module_emits_inline_scripts():
    offences = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "tests" in path.relative_to(PACKAGE_DIR).parts or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            # HTML in a string, or an event handler given as a widget attribute (attrs["onchange"]).
            if tok.type == tokenize.STRING and (csp_offences(tok.string) or HANDLER_NAME.match(tok.string)):
                offences.append(f"{path.relative_to(PACKAGE_DIR)}:{tok.start[0]}: {tok.string.strip()[:100]}")
    assert not offences, "\n".join(offences)


def test_every_page_gets_the_policy_and_it_allows_nothing_inline(db):
    response = Client().get(reverse(settings.LOGIN_URL))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_htmx_is_told_not_to_inject_its_indicator_style_nor_eval():
    base = (PACKAGE_DIR / "templates" / "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base
    assert "'zhitong/site.js'" in base
