"""English mode, checked page by page (issue 9): a page rendered in English must have no
Chinese left in its own text — headings, labels, buttons, table heads, hints, the `title`,
`aria-label`, `placeholder` and `data-label` attributes, the choices of its selects.

What the users stored (a unit's name, an enterprise's name, a note) is shown as typed, in
whatever language it was typed. The pages are checked with data whose names are ASCII
(`english_world` below builds a small city of them); text that is stored data and still
Chinese whatever the fixture does (a name a migration seeded, a calendar's source) is
marked in the template with the attribute `data-zt-data` and skipped with everything
inside it; so is text whose element declares another language (`lang="zh-CN"`: the
language switch's "简体中文", the logo's 直). Anything else in Chinese is a string the template or the code forgot to mark
for translation, or a msgid missing from zhitong/locale/en/LC_MESSAGES/django.po.

To check an app's pages, give its `tests/test_english.py` a list of `EnglishPage`s and
parametrize over it (see zhitong/enterprises/tests/test_english.py):

    PAGES = [EnglishPage("list", "hub", lambda w: reverse("enterprises:list")), ...]

    @pytest.mark.parametrize("case", PAGES, ids=str)
    def test_the_page_is_in_english(client, english_world, case):
        assert_page_in_english(client, english_world, case)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import translation

# Han characters (with the extension blocks and the compatibility ideographs), CJK
# punctuation (、。「」【】) and the fullwidth forms (，：（）！？): an English page has none.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")

# The attributes a user reads (or hears, with a screen reader) as text.
TEXT_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-label", "label", "aria-description")
# Elements whose content is not text on the page.
SKIPPED = {"script", "style", "template", "textarea"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip
DATA_ATTRIBUTE = "data-zt-data"


class _TextCollector(HTMLParser):
    """The text nodes and text attributes of a page, each with the tag it sits in, minus
    script/style and anything inside an element marked `data-zt-data`. With `within`, only
    what is inside an element whose data-testid (or id) is one of `within`."""

    def __init__(self, within: tuple[str, ...] = ()):
        super().__init__(convert_charrefs=True)
        self.within = set(within)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipping, inside `within`)
        self.found: list[tuple[str, str]] = []

    def _state(self) -> tuple[bool, bool]:
        if not self.stack:
            return False, not self.within
        _tag, skipping, inside = self.stack[-1]
        return skipping, inside

    def handle_starttag(self, tag, attrs):
        skipping, inside = self._state()
        attrs = dict(attrs)
        inside = inside or bool(self.within & {attrs.get("data-testid"), attrs.get("id")})
        if DATA_ATTRIBUTE in attrs:
            skipping = True
        # Text declared in another language: the language switch's "简体中文", the logo.
        if (attrs.get("lang") or "en").split("-")[0].lower() != "en":
            skipping = True
        if not skipping and inside:
            for name in TEXT_ATTRIBUTES:
                if attrs.get(name):
                    self.found.append((f"<{tag} {name}>", attrs[name]))
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.found.append((f"<{tag} value>", attrs["value"]))
        if tag in SKIPPED:
            skipping = True
        if tag not in VOID:
            self.stack.append((tag, skipping, inside))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Close up to the matching tag (HTML lets <p>, <li>, <td>… go unclosed).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        skipping, inside = self._state()
        if not skipping and inside and data.strip():
            tag = self.stack[-1][0] if self.stack else "document"
            self.found.append((f"<{tag}>", " ".join(data.split())))


def chinese_left(html: str, *, within: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> list[str]:
    """The page's own text that is still Chinese, as "<tag> text" lines. `ignore`: stored
    values known to be Chinese, removed from the text before looking."""
    parser = _TextCollector(within)
    parser.feed(html)
    parser.close()
    left = []
    ignore = sorted(ignore, key=len, reverse=True)  # "项目服务团队成员" before "项目"
    for where, text in parser.found:
        for value in ignore:
            text = text.replace(value, "")
        if CJK.search(text):
            left.append(f"{where} {text}")
    return list(dict.fromkeys(left))


def assert_english(html: str, *, within: tuple[str, ...] = (), ignore: tuple[str, ...] = (), page: str = ""):
    if within:
        # The part to check must be there, or the check passes on nothing.
        probe = _TextCollector(within)
        probe.feed(html)
        assert probe.found, f"{page}: nothing found within {within}"
    left = chinese_left(html, within=within, ignore=ignore)
    assert not left, f"{page}: Chinese left in English mode:\n  " + "\n  ".join(left)


# Apps whose models' names the second pass translates: until then the admin shows those
# names in Chinese (their apps' names are translated already).
PENDING_APPS = ("appeals", "coordination", "projects")


def pending_model_names() -> tuple[str, ...]:
    """The Chinese names of their models, which the admin's lists of models still show."""
    from django.apps import apps

    with translation.override(settings.LANGUAGE_CODE):
        return tuple(
            str(name)
            for label in PENDING_APPS
            for model in apps.get_app_config(label).get_models()
            for name in (model._meta.verbose_name, model._meta.verbose_name_plural)
        )


def use_english(client) -> None:
    """The language the header's switch stores (Django's set_language view)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@dataclass(frozen=True)
class EnglishPage:
    """One page to check: a name for the test id, the user it is opened as (an attribute of
    the world: "hub", "admin"…; None: signed out), its URL built from the world, and the
    method ("get"/"post") with its data. `within`: check only these parts (data-testid or
    id), for a page other apps still share; `status`: the answer expected; `expect`: English
    text the page must show (that it shows what the case is about)."""

    name: str
    user: str | None
    url: Callable[[SimpleNamespace], str]
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] | None = None
    within: tuple[str, ...] = ()
    status: int = 200
    htmx: bool = False
    expect: tuple[str, ...] = ()
    setup: Callable[[SimpleNamespace], None] | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.name


def assert_page_in_english(client, world: SimpleNamespace, case: EnglishPage) -> str:
    if case.setup:
        case.setup(world)
    if case.user:
        client.force_login(getattr(world, case.user))
    use_english(client)
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    data = case.data(world) if case.data else None
    if case.method == "post":
        response = client.post(case.url(world), data or {}, **headers)
    else:
        response = client.get(case.url(world), data or {}, **headers)
    assert response.status_code == case.status, (case.name, response.status_code)
    html = response.content.decode()
    if not case.htmx:
        assert '<html lang="en"' in html, f"{case.name}: not rendered in English"
    for text in case.expect:
        assert text in html, f"{case.name}: {text!r} not shown"
    assert_english(html, within=case.within, page=case.name)
    return html


# ---------------------------------------------------------------------------------------
# A small city whose stored names are ASCII
# ---------------------------------------------------------------------------------------


@pytest.fixture
def english_world(db):
    """Units, one user of every role, two enterprises (one confirmed with contacts, team and
    every flag and tag, one added at intake and waiting for review) and a published
    service window — every stored name in ASCII.

    The test client's requests activate English in the test's thread and Django leaves it
    active after the response; it is put back at the end, so the next test (a command's
    Chinese output, a Chinese error message) runs in the default language."""
    yield _world()
    translation.deactivate()


def _world() -> SimpleNamespace:
    from zhitong.enterprises.choices import Industry, ReviewStatus, TeamRole
    from zhitong.enterprises.models import Contact, Enterprise, TeamMember
    from zhitong.enterprises.tests.factories import make_credit_code
    from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
    from zhitong.organizations.models import ServiceWindow, Unit, User, WindowStaff
    from zhitong.organizations.tests.factories import PASSWORD

    def unit(code, name, kind, parent=None, **kw):
        return Unit.objects.create(code=code, name=name, kind=kind, parent=parent, **kw)

    w = SimpleNamespace()
    w.city = unit("EN-CITY", "Rongcheng City Government", UnitKind.CITY_GOVERNMENT)
    w.bureau = unit(
        "EN-IND",
        "Industry Bureau",
        UnitKind.DEPARTMENT,
        w.city,
        short_name="Industry",
        duties="Industry policy",
    )
    w.section = unit("EN-IND-S", "Enterprise Section", UnitKind.SECTION, w.bureau)
    w.district = unit("EN-EAST", "East District", UnitKind.COUNTY, w.city)
    w.park = unit("EN-PARK", "High-tech Park", UnitKind.PARK, w.city)
    w.office = unit("EN-SUP", "Supervision Office", UnitKind.SUPERVISION, w.city)

    def user(username, role, unit=None, **kw):
        u = User(username=username, full_name=username.title(), role=role, unit=unit, **kw)
        u.set_password(PASSWORD)
        u.save()
        return u

    w.hub = user("hub", Role.HUB, w.city)
    w.admin = user("admin", Role.ADMIN, w.city, is_staff=True, is_superuser=True)
    w.clerk = user("clerk", Role.CLERK, w.bureau)
    w.handler = user("handler", Role.HANDLER, w.bureau)
    w.head = user("head", Role.UNIT_HEAD, w.bureau)
    w.leader = user("leader", Role.LEADER, w.city, leader_level=LeaderLevel.VICE_MAYOR, position="Vice Mayor")
    w.leader.portfolio.add(w.bureau)
    w.supervisor = user("supervisor", Role.SUPERVISOR, w.office)
    w.overseer = user("overseer", Role.OVERSEER, w.city)

    w.enterprise = Enterprise.objects.create(
        credit_code=make_credit_code(910001),
        name="Acme Precision Ltd",
        industry=Industry.MANUFACTURING,
        location=w.district,
        address="1 Harbour Road",
        legal_representative="Lin",
        above_scale=True,
        above_quota=True,
        leaving_scale=True,
        tag_xiangxian=True,
        tag_deputy=True,
        tag_fic_executive=True,
        tag_negotiating=True,
        butler=w.handler,
    )
    w.contact = Contact.objects.create(
        enterprise=w.enterprise, name="Mr Chen", position="Manager", phone="13812341234", is_primary=True
    )
    TeamMember.objects.create(enterprise=w.enterprise, role=TeamRole.BUTLER, user=w.handler, name="Handler")
    TeamMember.objects.create(
        enterprise=w.enterprise, role=TeamRole.ENTERPRISE_CONTACT, contact=w.contact, name="Mr Chen",
        phone="13812341234",
    )  # fmt: skip
    TeamMember.objects.create(
        enterprise=w.enterprise, role=TeamRole.DEPARTMENT_CONTACT, user=w.head, unit=w.bureau, name="Head",
        phone="0591-87654321",
    )  # fmt: skip
    w.company = user("company", Role.ENTERPRISE, None, enterprise=w.enterprise)
    w.pending = Enterprise.objects.create(
        credit_code=make_credit_code(910002),
        name="Newco Trading Ltd",
        industry=Industry.TRADE,
        location=w.park,
        review_status=ReviewStatus.PENDING,
        added_at_intake=True,
        added_by=w.clerk,
    )

    window = ServiceWindow.objects.create(
        unit=w.bureau,
        leader_name="Director Wang",
        leader_position="Deputy Director",
        section_name="Enterprise Section",
        phone="0591-87650000",
        address="2 Civic Square",
    )
    WindowStaff.objects.create(
        window=window, name="Ms Li", position="Section chief", post="Front desk", duties="Intake",
        phone="0591-87650001",
    )  # fmt: skip
    return w
