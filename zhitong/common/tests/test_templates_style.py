"""All styling lives in one stylesheet (static/zhitong/site.css), linked once by base.html:
no page may bring its own <style> block or style="…" attribute, neither in a template nor in
HTML built by Python (format_html, mark_safe, f-strings). This walks every template directory
of the project and every Python module, so a new page that adds one fails here."""

import io
import re
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

import zhitong

PACKAGE_DIR = Path(zhitong.__file__).resolve().parent

STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTR = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)


def style_offences(text: str) -> list[str]:
    """The lines of `text` that open a <style> block or carry a style attribute."""
    return [
        f"{n}: {line.strip()[:120]}"
        for n, line in enumerate(text.splitlines(), 1)
        if STYLE_BLOCK.search(line) or STYLE_ATTR.search(line)
    ]


def project_template_dirs() -> list[Path]:
    """The template directories Django searches that belong to this project (DIRS and each
    zhitong app's templates/), not Django's own or third-party ones."""
    dirs = {Path(d).resolve() for d in engines["django"].template_dirs}
    return sorted(d for d in dirs if d.is_relative_to(PACKAGE_DIR) and d.is_dir())


def project_templates() -> list[Path]:
    files = set()
    for d in project_template_dirs():
        files.update(p for p in d.rglob("*") if p.is_file() and p.suffix in {".html", ".txt", ".xml", ".svg"})
    # Templates kept outside a templates/ directory would escape the walk above.
    files.update(p for p in PACKAGE_DIR.rglob("*.html") if "static" not in p.parts)
    return sorted(files)


def python_string_offences(path: Path) -> list[str]:
    """String literals in a Python module that contain a <style> block or a style attribute
    (a keyword argument named `style`, as in appeals/machine.py, is not a string and passes)."""
    source = path.read_text(encoding="utf-8")
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING or getattr(tokenize, "FSTRING_MIDDLE", None) == tok.type:
            if STYLE_BLOCK.search(tok.string) or STYLE_ATTR.search(tok.string):
                out.append(f"{path.relative_to(PACKAGE_DIR)}:{tok.start[0]}: {tok.string.strip()[:100]}")
    return out


def test_the_detector_catches_both_forms_and_passes_classes():
    assert style_offences('<p class="x">\n<style>p{}</style>')
    assert style_offences('<td  STYLE="width:3rem">')
    assert style_offences("<td style='x'>")
    assert not style_offences('<td class="zt-col-6" data-x="style">')
    assert not style_offences("{% if move.style != 'primary' %}")


def test_every_project_template_directory_is_walked():
    dirs = project_template_dirs()
    assert PACKAGE_DIR / "templates" in dirs
    for app in ("appeals", "coordination", "enterprises", "portal", "workdays", "organizations"):
        assert PACKAGE_DIR / app / "templates" in dirs, app
    assert len(project_templates()) > 50


def test_no_template_has_a_style_block_or_style_attribute():
    offences = []
    for path in project_templates():
        offences += [
            f"{path.relative_to(PACKAGE_DIR)}:{o}" for o in style_offences(path.read_text(encoding="utf-8"))
        ]
    assert not offences, "Put the rule in static/zhitong/site.css and use a class:\n" + "\n".join(offences)


def test_no_python_module_emits_inline_styles():
    offences = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "tests" in path.relative_to(PACKAGE_DIR).parts or "migrations" in path.parts:
            continue
        offences += python_string_offences(path)
    assert not offences, "HTML built in Python must use classes from site.css:\n" + "\n".join(offences)


def test_base_links_site_css_exactly_once_and_no_other_stylesheet_of_ours():
    base = (PACKAGE_DIR / "templates" / "base.html").read_text(encoding="utf-8")
    links = re.findall(r"<link\b[^>]*rel=[\"']stylesheet[\"'][^>]*>", base)
    ours = [link for link in links if "vendor/" not in link]
    assert len(ours) == 1, links
    assert "'zhitong/site.css'" in ours[0]
    assert base.count("site.css") == 1
    # No page template links a stylesheet of its own either.
    for path in project_templates():
        if (
            path.name == "base.html"
            or path.parts[-2:] == ("admin", "base_site.html")
            # The stand-alone base of 400/500/503, rendered without a request.
            or path.name == "error_standalone.html"
        ):
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"rel=[\"']stylesheet", text), path


@pytest.mark.parametrize("var", ["--zt-green", "--zt-yellow", "--zt-red", "--zt-grey", "--zt-blue"])
def test_site_css_defines_the_status_palette(var):
    css = (Path(settings.STATICFILES_DIRS[0]) / "zhitong" / "site.css").read_text(encoding="utf-8")
    assert re.search(rf"{var}\s*:", css), var
