"""Butler coverage (seeds/002 项目管家全覆盖): which 规上/限上 enterprises and which major
projects have no butler, scoped, each count equal to the list it links to; the .xlsx; an
enterprise's butler assigned from the report."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from zhitong.audit.models import AuditEvent
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects import coverage
from zhitong.projects.models import MemberRole, Project, ProjectLevel, ProjectMember

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
K = UnitKind


@pytest.fixture
def cover(db):
    root = UnitFactory(code="SZF", kind=K.CITY_GOVERNMENT, short_name="市政府")
    a = UnitFactory(code="GLQ", kind=K.COUNTY, parent=root, short_name="鼓楼区", sort_order=1)
    b = UnitFactory(code="TJQ", kind=K.COUNTY, parent=root, short_name="台江区", sort_order=2)
    town = UnitFactory(code="GLQ-JD", kind=K.OTHER, parent=a, short_name="东街街道")
    butler_a = UserFactory(role=Role.HANDLER, unit=a, full_name="鼓楼管家")
    gone = UserFactory(role=Role.HANDLER, unit=a, full_name="已调离管家", is_active=False)

    def ent(name, loc, butler=None, **flags):
        return EnterpriseFactory(name=name, location=loc, butler=butler, **flags)

    e = {
        "a_covered": ent("甲规上有管家", a, butler_a, above_scale=True),
        "a_missing": ent("甲规上无管家", a, above_scale=True),
        "a_town": ent("甲街道限上无管家", town, above_quota=True),
        "a_gone": ent("甲管家已停用", a, gone, above_scale=True),
        "a_small": ent("甲小微企业", a),
        "b_missing": ent("乙限上无管家", b, above_quota=True),
        "b_inactive": ent("乙已注销规上", b, above_scale=True, is_active=False),
    }

    def project(code, level, loc, butler=None):
        p = Project.objects.create(
            code=code, name=f"项目{code}", owner=e["a_covered"], level=level, location=loc, lead_unit=loc
        )
        if butler:
            ProjectMember.objects.create(project=p, role=MemberRole.BUTLER, user=butler, since=NOW.date())
        return p

    projects = {
        "major_missing": project("XM-1", ProjectLevel.CITY_MAJOR, a),
        "key_covered": project("XM-2", ProjectLevel.KEY, a, butler_a),
        "key_gone": project("XM-3", ProjectLevel.KEY, b, gone),
        "county_level": project("XM-4", ProjectLevel.COUNTY, a),
    }
    ended = ProjectMember.objects.create(
        project=projects["major_missing"],
        role=MemberRole.BUTLER,
        user=butler_a,
        since=NOW.date(),
        until=NOW.date(),
    )
    return {
        "a": a,
        "b": b,
        "e": e,
        "p": projects,
        "ended": ended,
        "butler_a": butler_a,
        "hub": UserFactory(role=Role.HUB, unit=root),
        "handler_a": UserFactory(role=Role.HANDLER, unit=a),
        "clerk_a": UserFactory(role=Role.CLERK, unit=a),
        "handler_b": UserFactory(role=Role.HANDLER, unit=b),
        "overseer": UserFactory(role=Role.OVERSEER, unit=root),
        "enterprise": UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=e["a_missing"]),
    }


def names(qs):
    return sorted(x.name for x in qs)


def test_enterprises_without_a_butler_are_the_sized_active_ones_with_none_or_a_gone_one(cover):
    e = cover["e"]
    gaps = coverage.enterprises_without_butler(user=cover["hub"])
    assert names(gaps) == sorted(
        [e["a_missing"].name, e["a_town"].name, e["a_gone"].name, e["b_missing"].name]
    )
    summary = {r.label: (r.total, r.missing) for r in coverage.enterprise_coverage(user=cover["hub"])}
    assert summary == {"鼓楼区": (4, 3), "台江区": (1, 1), "合计": (5, 4)}


def test_a_county_sees_its_own_enterprises_only(cover):
    gaps = coverage.enterprises_without_butler(user=cover["handler_b"])
    assert names(gaps) == ["乙限上无管家"]
    # Besides its own, a county sees the owner of a project it hosts (XM-3, owned by a 鼓楼区
    # enterprise that has its butler): the enterprise scope of projects/enterprise_sections.py.
    assert [(r.label, r.total) for r in coverage.enterprise_coverage(user=cover["handler_b"])] == [
        ("鼓楼区", 1),
        ("台江区", 1),
        ("合计", 2),
    ]


def test_major_projects_without_a_butler_are_city_major_and_key_ones(cover):
    p = cover["p"]
    gaps = coverage.projects_without_butler(user=cover["hub"])
    assert sorted(x.code for x in gaps) == ["XM-1", "XM-3"]  # ended and inactive butlers do not count
    summary = {r.label: (r.total, r.missing) for r in coverage.project_coverage(user=cover["hub"])}
    assert summary == {"市重大项目": (1, 1), "市重点项目": (2, 1), "合计": (3, 2)}
    assert list(coverage.projects_without_butler(user=cover["handler_a"])) == [p["major_missing"]]


@pytest.mark.parametrize("kind", ["enterprises", "projects"])
@pytest.mark.parametrize("who", ["hub", "handler_a"])
def test_every_count_on_the_report_equals_the_list_it_links_to(cover, client, kind, who):
    client.force_login(cover[who])
    page = client.get(reverse("projects:butlers"), {"kind": kind}).text
    links = re.findall(r'<a href="(\?kind=[^"#]*)#gaps" data-testid="missing-[^"]*">(\d+)</a>', page)
    assert links
    for href, count in links:
        listed = client.get(reverse("projects:butlers") + href.replace("&amp;", "&")).text
        shown = int(re.search(r'data-testid="gap-count">共 (\d+) 个', listed).group(1))
        body = listed.split('data-testid="coverage-gaps"')[1].split("<tbody>")[1].split("</tbody>")[0]
        rows = body.count("<tr>") - (1 if "均已配备" in body else 0)
        assert int(count) == shown == rows, href


def test_the_report_is_for_government_staff_in_scope(cover, client):
    url = reverse("projects:butlers")
    client.force_login(cover["handler_b"])
    page = client.get(url).text
    assert "乙限上无管家" in page and "甲规上无管家" not in page
    for who in ("overseer", "enterprise"):
        client.force_login(cover[who])
        assert client.get(url).status_code == 403
        assert client.get(reverse("projects:butlers_export")).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_report_exports_the_summary_and_the_list(cover, client):
    client.force_login(cover["hub"])
    response = client.get(
        reverse("projects:butlers_export"), {"kind": "enterprises", "location": cover["a"].pk}
    )
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary, gaps = book["汇总"], book["未配备名单"]
    values = [[c for c in row if c is not None] for row in summary.iter_rows(values_only=True)]
    assert ["合计", 5, 1, 4, "20.0%"] in values
    names_ = [row[1] for row in gaps.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert sorted(names_) == ["甲管家已停用", "甲街道限上无管家", "甲规上无管家"]
    response = client.get(reverse("projects:butlers_export"), {"kind": "projects"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["未配备名单"]
    assert sorted(row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)) == [
        "XM-1",
        "XM-3",
    ]


# -- an enterprise's butler ----------------------------------------------------------------------


def test_the_county_assigns_a_butler_to_its_enterprise(cover, client):
    e = cover["e"]["a_missing"]
    url = reverse("projects:enterprise_butler", args=[e.pk])
    client.force_login(cover["handler_a"])
    page = client.get(url)
    assert page.status_code == 200 and "鼓楼管家" in page.text
    response = client.post(url, {"butler": cover["butler_a"].pk})
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.butler == cover["butler_a"]
    assert AuditEvent.objects.filter(action="enterprise.butler_set", object_id=str(e.pk)).exists()
    assert e not in coverage.enterprises_without_butler(user=cover["hub"])


def test_an_enterprise_butler_is_assigned_only_by_who_may(cover, client):
    e = cover["e"]["a_missing"]
    url = reverse("projects:enterprise_butler", args=[e.pk])
    client.force_login(cover["handler_b"])  # another county: not in scope
    assert client.get(url).status_code == 404
    client.force_login(cover["clerk_a"])  # in scope, but a clerk does not assign
    assert client.get(url).status_code == 403
    assert client.post(url, {"butler": cover["butler_a"].pk}).status_code == 403
    client.force_login(cover["handler_a"])  # a candidate outside the county's staff
    response = client.post(url, {"butler": cover["handler_b"].pk})
    assert response.status_code == 200 and "所选的选项不可用" in response.text
    e.refresh_from_db()
    assert e.butler is None
    client.force_login(cover["hub"])
    assert client.post(url, {"butler": cover["handler_b"].pk}).status_code == 302
