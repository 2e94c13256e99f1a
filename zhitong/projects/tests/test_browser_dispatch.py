"""Dispatch coverage, the quarterly inspection draw and a leader's monthly digest in a real
browser at 1366 px and 390 px: every page fits the phone's width (tables scroll inside their
box). Screenshots: var/screenshots/pdisp_*.png (and the digest's .docx next to them)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from zhitong.organizations.tests.factories import PASSWORD
from zhitong.projects import progress
from zhitong.projects.dispatch import hooks, services
from zhitong.projects.machines import STAGE
from zhitong.projects.models import Milestone, MilestoneKind, Project, ProjectLevel, ProjectStage

from .conftest import PDISP_TZ
from .consultations import agreed_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1366, 390)


@pytest.fixture
def pdisp_scene(pdisp_city, monkeypatch):
    c = pdisp_city
    for i, (name, stage) in enumerate(
        [
            ("年产5万吨功能性纤维生产线", ProjectStage.CONSTRUCTION),
            ("智慧物流园二期", ProjectStage.APPROVAL),
            ("医疗器械产业园", ProjectStage.SIGNED),
            ("光电显示模组基地", ProjectStage.CONSTRUCTION),
            ("新能源汽车零部件项目", ProjectStage.COMPLETED),
            ("冷链仓储中心", ProjectStage.OPERATING),
            ("数字经济产业园", ProjectStage.APPROVAL),
        ]
    ):
        Project.objects.create(
            code=f"P-{i + 10:02d}",
            name=name,
            owner=c.enterprise,
            stage=stage,
            level=ProjectLevel.CITY_MAJOR if i % 2 else ProjectLevel.KEY,
            location=c.units.glq if i % 3 else c.units.csq,
            lead_unit=c.units.gxj,
            leader=c.leader if i < 3 else None,
            annual_investment=Decimal(12000 + 1000 * i),
        )
    city = services.dispatch_session_create(
        actor=c.hub, level="city", held_on=date(2026, 10, 15), convener=c.leader, place="市政府第一会议室"
    )
    for p in (c.major, *Project.objects.filter(code__in=["P-10", "P-13"])):
        services.dispatch_entry_save(
            actor=c.hub,
            session_id=city.pk,
            project_id=p.pk,
            decisions="由市工信局牵头，11月底前完成施工许可。",
        )
    county = services.dispatch_session_create(
        actor=c.glq_handler,
        level="county",
        held_on=date(2026, 11, 6),
        convener=c.glq_principal,
        county=c.units.glq,
    )
    services.dispatch_entry_save(
        actor=c.glq_handler, session_id=county.pk, project_id=c.county.pk, decisions="加快设备安装"
    )
    draw = services.inspection_draw(
        actor=c.hub,
        quarter=date(2026, 11, 1),
        seed="2026-10-09 福彩3D 518",
        seed_source="中国福利彩票官网当日开奖号码",
    )
    first = draw.items.order_by("position").first()
    services.inspection_record(
        actor=c.hub,
        item_id=first.pk,
        inspected_on=date(2026, 11, 12),
        site_checked=True,
        permits_checked=True,
        result="issues",
        finding="主体施工正常；消防设计审查意见尚未取得。",
        rectification="11月30日前取得消防设计审查意见。",
    )
    # The leader's October: a signing, a milestone, figures and one open problem.
    agreed_consultation(c.talks, c.hub)
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=PDISP_TZ), tick=False):
        STAGE.dispatch(pk=c.talks.pk, move="sign", actor=c.glq_handler, on=date(2026, 10, 18), note="")
    Milestone.objects.create(
        project=c.major,
        kind=MilestoneKind.CONSTRUCTION_PERMIT,
        name="施工许可",
        sequence=1,
        planned_due=date(2026, 10, 30),
        actual_on=date(2026, 10, 9),
    )
    P = progress.ProgressClass
    figures = [
        (Decimal("4200"), Decimal("31500"), P.AHEAD, "主体结构封顶，设备基础施工"),
        (Decimal("0"), Decimal("2600"), P.LAGGING, "用地手续办理中"),
        (None, None, P.STALLED, ""),
        (Decimal("900"), Decimal("8600"), P.NORMAL, "厂房钢结构吊装"),
        (Decimal("300"), Decimal("5100"), P.NORMAL, "场地平整"),
        (Decimal("1200"), Decimal("9900"), P.NORMAL, "设备调试"),
    ]

    class Report:
        def __init__(self, text):
            self.image_progress = text

    def summaries(projects, month):
        return {
            p.pk: progress.ProgressSummary(
                month_investment=m,
                ytd_investment=y,
                annual_plan=p.annual_investment,
                ytd_ratio=None,
                progress_class=cls,
                problems_open=0,
                latest_report=Report(t) if t else None,
            )
            for p, (m, y, cls, t) in zip(projects, figures, strict=False)
        }

    monkeypatch.setattr(progress, "progress_summaries", summaries)

    def problems(ids, user):
        if c.key.pk in ids:
            yield hooks.ProjectProblem(
                c.key.pk, "ZT-2026-000042", "冷库用地规划条件未出具", "办理中", date(2026, 9, 20)
            )

    monkeypatch.setattr(hooks, "PROBLEM_SOURCES", [problems])
    return draw


WIDER = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".zt-table-wrap, .zt-scroll-x"))
  .map((e) => e.tagName + "." + e.className).slice(0, 5)"""


def fits(page) -> bool:
    """Nothing sticks out of the window (a table scrolls inside its own box)."""
    wide = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert wide, page.evaluate(WIDER)
    return wide


def test_coverage_inspection_and_digest_at_desk_and_phone_widths(
    page, login, screenshot, pdisp_city, pdisp_scene
):
    c = pdisp_city
    login(page, c.hub.username, PASSWORD)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/projects/dispatch/coverage/?level=city&period=2026-Q4&show=missing")
        expect(page.locator("h1")).to_have_text("调度覆盖检查")
        missing = page.locator("[data-count=missing] .zt-stat-value").inner_text()
        assert page.locator("table[data-list=missing] tbody tr").count() == int(missing)
        assert fits(page)
        screenshot(page, f"pdisp_coverage_city_{width}")
        page.goto("/projects/dispatch/coverage/?level=county&period=2026-11&show=all")
        assert fits(page)
        screenshot(page, f"pdisp_coverage_county_{width}")
        page.goto(f"/projects/dispatch/inspections/{pdisp_scene.pk}/")
        expect(page.locator("#algorithm summary")).to_contain_text("复算结果一致")
        page.locator("#algorithm summary").click()
        assert fits(page)
        screenshot(page, f"pdisp_inspection_{width}")
        # The project page's sections: dispatch records, the monthly coordination, the
        # consultation form before signing.
        page.goto(f"/projects/{c.major.pk}/")
        assert fits(page)
        screenshot(page, f"pdisp_project_{width}")
        page.goto(f"/projects/{c.reserve.pk}/")
        page.locator("#dispatch details summary").click()
        assert fits(page)
        screenshot(page, f"pdisp_project_consultation_{width}")
    page.goto("about:blank")
    page.context.clear_cookies()
    login(page, c.leader.username, PASSWORD)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/projects/dispatch/digest/?month=2026-10")
        expect(page.locator("h1")).to_have_text("市领导联系重点项目月报")
        expect(page.locator("#lagging + ul li")).to_have_count(2)
        assert fits(page)
        shot = screenshot(page, f"pdisp_digest_{width}")
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Word").click()
    assert info.value.suggested_filename == "市领导联系重点项目月报_陈副市长_2026年10月.docx"
    info.value.save_as(shot.parent / "pdisp_leader_digest.docx")  # rendered with LibreOffice by hand
