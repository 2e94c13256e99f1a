"""Browser journey on the demo city: a city major project's lead unit and team sections and
the butler coverage report, at 1366 px and 390 px (screenshots looked at by the author)."""

from datetime import date

import pytest
from django.utils import timezone

from conftest import settle
from zhitong.demo import DEMO_PASSWORD
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.models import Unit, User
from zhitong.projects.models import (
    ApprovalAuthority,
    MemberRole,
    Project,
    ProjectLevel,
    ProjectMember,
    ProjectStage,
)
from zhitong.projects.services import member_assign, member_replace, project_apply_lead, project_escalate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
R = MemberRole


@pytest.fixture
def plead_city(db):
    """The demo city's organisation, enterprises and projects; one city major project with
    its facts, lead unit and full team; some butlers missing."""
    from zhitong.demo.tests.worlds import demo_world

    now = timezone.now()
    # Once per test process, the same world as the enterprise and library journeys.
    demo_world(today=date(2026, 3, 16), now=now, seed=1)
    users = {u.username: u for u in User.objects.all()}
    units = {u.code: u for u in Unit.objects.all()}
    hub = users["hub"]
    # The demo gives every project its whole team; this journey builds its own, with gaps.
    ProjectMember.objects.filter(by_rule=False).delete()
    Project.objects.update(leader=None)
    project = (
        Project.objects.filter(level=ProjectLevel.CITY_MAJOR, stage=ProjectStage.CONSTRUCTION)
        .exclude(owner__contacts=None)
        .order_by("code")
        .first()
    )
    project.first_contact_unit = units["TCJ"]
    project.introducing_unit = units["TCJ"]
    project.designated_unit = units["GXJ"]
    project.industry_unit = units["GXJ"]
    project.approval_authority = ApprovalAuthority.COUNTY
    project.leader = None
    project.save()
    project_apply_lead(project=project, actor=hub, now=now)
    county = project.location.code.lower()

    def assign(role, **kw):
        return member_assign(project_id=project.pk, actor=hub, role=role, now=now, **kw)

    assign(R.LEADER, user=users["leader"], on=date(2026, 1, 5), basis="市政府重大项目包扶分工")
    assign(R.CHIEF_SERVICE, user=users["exec_leader"], on=date(2026, 1, 5))
    first = assign(R.BUTLER, user=users[f"butler_{county}_1"], on=date(2026, 1, 5))
    member_replace(
        project_id=project.pk,
        actor=hub,
        member_id=first.pk,
        user=users[f"butler_{county}_2"],
        on=date(2026, 3, 2),
        basis="原管家调岗",
        now=now,
    )
    assign(R.SECRETARY, user=users["handler_tcj"], on=date(2026, 1, 5))
    assign(R.ENTERPRISE_CONTACT, contact=project.owner.contacts.first(), on=date(2026, 1, 5))
    assign(R.TEAM_UNIT, unit=units["ZRJ"], user=users["handler_zrj"], on=date(2026, 1, 5))
    assign(R.TEAM_UNIT, unit=units["XZFW"], user=users["handler_xzfw"], on=date(2026, 1, 5))
    project_escalate(
        project_id=project.pk, actor=hub, leader=users["leader2"], reason="用地报批需省厅协调", now=now
    )
    # Gaps for the report: three 规上 enterprises lose their butler, half the major projects get one.
    for e in Enterprise.objects.filter(above_scale=True).order_by("id")[:3]:
        Enterprise.objects.filter(pk=e.pk).update(butler=None)
    for i, p in enumerate(
        Project.objects.filter(level__in=["city_major", "key"]).exclude(pk=project.pk).order_by("code")
    ):
        if i % 2 == 0:
            member_assign(
                project_id=p.pk,
                actor=hub,
                role=R.BUTLER,
                user=users[f"butler_{p.location.code.lower()}_1"]
                if f"butler_{p.location.code.lower()}_1" in users
                else users["handler_glq"],
                now=now,
            )
    return project


def test_the_team_section_and_the_coverage_report_at_both_widths(page, login, plead_city, screenshot):
    project = plead_city
    login(page, "hub", DEMO_PASSWORD)
    page.goto(f"/projects/{project.pk}/")
    lead = page.locator("#lead")
    team = page.locator("#team")
    assert "seeds/003 二(二)3" in lead.inner_text() and "分管市领导督办" in lead.inner_text()
    assert "1+1+N" in team.inner_text() and "包挂领导" in team.inner_text()
    team.scroll_into_view_if_needed()
    team.screenshot(path=str(_path(screenshot, page, "plead_team_1366")))
    lead.screenshot(path=str(_path(screenshot, page, "plead_lead_1366")))
    page.locator("#team [data-role=butler] summary").first.click()
    team.screenshot(path=str(_path(screenshot, page, "plead_team_form_1366")))
    page.goto("/projects/butlers/")
    assert page.locator("[data-testid=coverage-summary]").is_visible()
    screenshot(page, "plead_coverage_enterprises_1366")
    page.goto("/projects/butlers/?kind=projects")
    screenshot(page, "plead_coverage_projects_1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/projects/{project.pk}/")
    page.locator("#team").screenshot(path=str(_path(screenshot, page, "plead_team_390")))
    page.locator("#lead").screenshot(path=str(_path(screenshot, page, "plead_lead_390")))
    page.goto("/projects/butlers/")
    screenshot(page, "plead_coverage_enterprises_390")
    page.goto("/projects/butlers/?kind=projects")
    screenshot(page, "plead_coverage_projects_390")
    page.get_by_role("link", name="规上/限上企业").click()
    page.get_by_role("link", name="指定管家").first.click()
    settle(page)
    assert page.locator("h1").inner_text() == "指定项目管家"
    page.select_option("#id_butler", index=1)
    page.get_by_role("button", name="保存").click()
    settle(page)
    assert "已指定项目管家" in page.locator("body").inner_text()
    screenshot(page, "plead_butler_assigned_390")


def _path(screenshot, page, name):
    """Where the `screenshot` fixture saves `name`: a full-page shot is taken there, then the
    element's own shot replaces it."""
    return screenshot(page, name)
