"""The progress pages in a real browser at an office screen (1366 px) and a phone (390 px):
the project page's "月度进展" and "履约承诺" sections, and the public board (挂牌展示) read
without signing in — nothing scrolls sideways on the board, the browser reports no CSP
violation (the `page` fixture). Screenshots: progress_<page>_<width>.png under
ZHITONG_SCREENSHOT_DIR."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import settle
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.tests.factories import PASSWORD, UnitFactory, UserFactory
from zhitong.projects.models import (
    Milestone,
    MilestoneKind,
    Project,
    ProjectLevel,
    ProjectMember,
    ProjectStage,
)
from zhitong.projects.progress.calc import previous_month
from zhitong.projects.progress.commitment_machine import COMMITMENT
from zhitong.projects.progress.commitments import commitment_create
from zhitong.projects.progress.reports import daily_report_submit, progress_report_submit

# Transactional: the live server reads committed rows.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(page) -> bytes:
    """A small JPEG of a "site", drawn by the browser itself (no imaging library needed)."""
    page.set_content(
        "<body style='margin:0'><div id=s style='width:320px;height:240px;"
        "background:linear-gradient(#8ec5fc,#e0c3fc 60%,#b08d57 60%);font:28px sans-serif;"
        "display:flex;align-items:end;justify-content:center'>主体结构施工</div></body>"
    )
    return page.locator("#s").screenshot(type="jpeg")


def _city(photo: bytes):
    today = timezone.localdate()
    month = previous_month(today)
    root = UnitFactory(code="ROOT", name="市人民政府", short_name="市政府", kind=UnitKind.CITY_GOVERNMENT)
    county = UnitFactory(code="XQ", name="高新区管委会", short_name="高新区", kind=UnitKind.PARK, parent=root)
    fgw = UnitFactory(code="FGW", name="市发展和改革委员会", short_name="市发改委", parent=root)
    owner = EnterpriseFactory(name="华信新材料科技有限公司", location=county)
    leader = UserFactory(
        role=Role.LEADER,
        unit=root,
        full_name="王建国",
        position="副市长",
        phone="13900001111",
        leader_level=LeaderLevel.VICE_MAYOR,
    )
    lead = UserFactory(username="p_lead", role=Role.HANDLER, unit=county, full_name="陈承办")
    secretary = UserFactory(username="p_sec", role=Role.CLERK, unit=county, full_name="刘秘书")
    fgw_handler = UserFactory(role=Role.HANDLER, unit=fgw, full_name="赵承办")

    def project(code, name, plan, **kw):
        values = dict(
            owner=owner,
            location=county,
            lead_unit=county,
            stage=ProjectStage.CONSTRUCTION,
            level=ProjectLevel.CITY_MAJOR,
            total_investment=Decimal(plan) * 4,
            annual_investment=Decimal(plan),
            public=True,
            leader=leader,
        )
        return Project.objects.create(code=code, name=name, **(values | kw))

    main = project("XM-2026-001", "华信高性能复合材料产业园一期", 12000)
    ProjectMember.objects.create(project=main, role="secretary", user=secretary, since=date(2026, 1, 1))
    ahead = project("XM-2026-002", "智能装备制造基地", 6000)
    lagging = project("XM-2026-003", "冷链物流园", 8000, lead_unit=fgw)
    project("XM-2026-004", "城市数据中心二期", 5000, stage=ProjectStage.APPROVAL)
    project("XM-2026-005", "新能源电池回收项目", 3000, public=False)

    months = [date(month.year, m, 1) for m in range(1, month.month + 1)]
    for i, m in enumerate(months):
        last = m == month
        progress_report_submit(
            actor=lead if i % 2 else secretary,
            project_id=main.pk,
            month=m,
            month_investment=Decimal(1000),
            image_progress="厂房主体结构施工，二号车间钢结构吊装完成 80%，办公楼封顶"
            if last
            else f"{m.month}月按计划推进",
            workers=180 + i * 5,
            machinery=12 + i,
            problems=["110千伏变电站配套线路迁改尚未完成，影响二期用电", "施工便道临时用地手续待批"]
            if last
            else [],
            photos=[SimpleUploadedFile("现场.jpg", photo, content_type="image/jpeg")] if last else [],
        )
        progress_report_submit(
            actor=lead, project_id=ahead.pk, month=m, month_investment=Decimal(700), image_progress="设备安装"
        )
        progress_report_submit(
            actor=fgw_handler,
            project_id=lagging.pk,
            month=m,
            month_investment=Decimal(300),
            image_progress="桩基施工",
        )
    Milestone.objects.create(
        project=lagging,
        kind=MilestoneKind.CONSTRUCTION_PERMIT,
        name="施工许可",
        sequence=1,
        planned_due=month,
    )
    for d in range(3):
        daily_report_submit(
            actor=secretary,
            project_id=main.pk,
            day=today - timedelta(days=d),
            service=["协调供电公司现场勘察线路迁改方案", "陪同消防部门预验收", "督促施工单位落实扬尘治理"][d],
            workers=230 - d * 10,
            machinery=18 - d,
        )
    overdue = commitment_create(
        actor=lead,
        project_id=main.pk,
        party="enterprise",
        content="一期厂房主体结构封顶",
        basis="投资协议第五条",
        due_on=today - timedelta(days=20),
    )
    COMMITMENT.dispatch(
        pk=overdue.pk, move="record", actor=secretary, on=today, note="主体完成约80%，预计下月封顶"
    )
    done = commitment_create(
        actor=lead,
        project_id=main.pk,
        party="government",
        content="兑现设备购置补贴 500 万元",
        basis="投资协议第八条",
        due_on=today - timedelta(days=5),
        responsible_unit_id=fgw.pk,
    )
    COMMITMENT.dispatch(
        pk=done.pk, move="fulfil", actor=lead, on=today - timedelta(days=6), note="已拨付到企业账户"
    )
    commitment_create(
        actor=lead,
        project_id=main.pk,
        party="government",
        content="完成二期用地土地征收并交地",
        due_on=today + timedelta(days=60),
        responsible_unit_id=county.pk,
    )
    return main


@pytest.mark.parametrize("width", [1366, 390])
def test_the_progress_sections_and_the_public_board(page, login, screenshot, width):
    main = _city(_photo(page))
    page.set_viewport_size({"width": width, "height": 900})

    # The board, without signing in: the four classes, public projects only, no phones.
    page.goto(reverse("projects:board"))
    settle(page)
    screenshot(page, f"progress_board_{width}")
    text = page.inner_text("main")
    assert "华信高性能复合材料产业园一期" in text and "新能源电池回收项目" not in text
    assert "王建国（副市长）" in text and "13900001111" not in text
    counts = {
        c: page.inner_text(f"[data-testid=board-count-{c}]")
        for c in ("ahead", "normal", "lagging", "stalled")
    }
    assert counts == {"ahead": "1", "normal": "1", "lagging": "1", "stalled": "1"}
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    login(page, "p_lead", PASSWORD)
    page.goto(reverse("projects:detail", args=[main.pk]) + "#progress")
    settle(page)
    assert page.inner_text("[data-testid=progress-class]") == "正常"
    shot = screenshot(page, f"progress_project_{width}")
    # The two sections alone, next to the full page, to look at closely.
    page.locator("#progress").screenshot(path=str(shot.with_name(f"progress_section_{width}.png")))
    page.locator("#commitments").screenshot(path=str(shot.with_name(f"progress_commitments_{width}.png")))
    section = page.inner_text("#commitments")
    assert "一期厂房主体结构封顶" in section and "逾期" in section
    for name, url in (
        (
            "report",
            reverse(
                "projects:report_detail", args=[main.pk, f"{previous_month(timezone.localdate()):%Y-%m}"]
            ),
        ),
        ("report_form", reverse("projects:report_new", args=[main.pk])),
        ("late", reverse("projects:late_reports")),
        ("briefing", reverse("projects:briefing")),
    ):
        page.goto(url)
        settle(page)
        screenshot(page, f"progress_{name}_{width}")
