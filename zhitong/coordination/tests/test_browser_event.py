"""A quarterly face-to-face event run end to end in a real browser by the demo roles
(seeds/001 四): hub_gxj (the task-force office) collects the problems and reports the
catalog, the handler of 工信局 verifies, leader (专班副组长) reviews, mayor approves, the office
notifies, holds the event, records the opinions and generates 《企业诉求事项处理意见》, which
leader reviews and mayor approves; the office assigns, and the handler sees the task.

Screenshots: var/screenshots/event_*.png; the generated document: var/screenshots/event_opinions.docx
(render it with `soffice --headless --convert-to pdf` to look at it; CI only parses it)."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document
from playwright.sync_api import expect

from zhitong.coordination.choices import EventStatus, TaskStatus
from zhitong.coordination.models import Event, Task
from zhitong.demo import DEMO_PASSWORD
from zhitong.organizations.models import Unit, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday
EVENT_DAY = datetime(2026, 3, 16, 17, 0, tzinfo=TZ)  # the event: Monday 16 March, 15:00
WAIT = 15_000  # ms: a loaded CI machine renders these pages slower than expect()'s 5 s default


@pytest.fixture
def demo_city(settings, tmp_path):
    """The demo city's units, people, enterprises and projects (their own demo builders)."""
    from zhitong.demo.tests.worlds import demo_world

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_world(today=START.date(), now=START, seed=3)  # once per test process
    return {
        u.username: u
        for u in User.objects.filter(username__in=["hub_gxj", "handler", "leader", "mayor", "enterprise"])
    }


def sign_in(page, login, username):
    page.goto("about:blank")  # first: see conftest.browser_login
    page.context.clear_cookies()
    login(page, username, DEMO_PASSWORD)
    assert "/accounts/login/" not in page.url, username


@pytest.mark.slow
def test_a_quarterly_event_runs_end_to_end_in_the_browser(page, login, screenshot, demo_city):
    people = demo_city
    gxj, swj = Unit.objects.get(code="GXJ"), Unit.objects.get(code="SWJ")
    own = people["enterprise"].enterprise
    with time_machine.travel(START, tick=True):
        # 一、The office opens the event and collects two problems raised by enterprises.
        sign_in(page, login, "hub_gxj")
        page.goto("/coordination/events/new/")
        page.fill("input[name=title]", "2026年第1季度“面对面”政企交流活动")
        page.select_option("select[name=kind]", "quarterly")
        page.fill("input[name=scheduled_at]", "2026-03-16T15:00")
        page.fill("input[name=place]", "市民服务中心三楼会议室")
        page.select_option("select[name=chair]", str(people["mayor"].pk))
        page.select_option("select[name=deputy]", str(people["leader"].pk))
        page.get_by_role("button", name="创建").click()
        expect(page.locator("#event-status")).to_have_text("收集汇总问题", timeout=WAIT)
        event = Event.objects.get()
        assert event.catalog_due.isoformat() == "2026-03-10"  # 4 working days before Monday 16th

        for enterprise_id, title, unit in [
            (own.pk, "新建厂房不动产权证办理缓慢", gxj),
            (own.pk, "出口订单增加急需办理海关AEO认证", swj),
        ]:
            page.locator("#register summary").click()
            form = page.locator("#register form")
            form.locator("select[name=enterprise]").select_option(str(enterprise_id))
            form.locator("input[name=title]").fill(title)
            form.locator("textarea[name=description]").fill(f"{title}，影响企业正常生产经营，请求协调。")
            form.locator("select[name=category]").select_option(index=1)
            form.locator("select[name=unit]").select_option(str(unit.pk))
            form.get_by_role("button", name="登记", exact=True).click()
            expect(page.locator(".zt-msg-success")).to_contain_text("已登记企业问题", timeout=WAIT)
        screenshot(page, "event_1_collected")
        page.get_by_role("button", name="发送有关部门核实").click()
        expect(page.locator("#event-status")).to_have_text("核实企业问题", timeout=WAIT)
        items = list(event.items.order_by("sort_order"))

        # 二、The department verifies its problem; the office the other one, then reports the catalog.
        sign_in(page, login, "handler")
        page.goto(f"/coordination/events/{event.pk}/")
        card = page.locator(f"#item-{items[0].pk}")
        card.locator(f"select[name='v{items[0].pk}-result']").select_option("confirmed")
        card.locator(f"textarea[name='v{items[0].pk}-note']").fill(
            "经核实，不动产权证因测绘成果未备案受阻，情况属实。"
        )
        card.get_by_role("button", name="提交核实情况").click()
        expect(page.locator(".zt-msg-success")).to_contain_text("核实情况已提交", timeout=WAIT)
        assert page.locator(f"#item-{items[1].pk} form").count() == 0  # not this unit's problem
        screenshot(page, "event_2_verified_by_unit")

        sign_in(page, login, "hub_gxj")
        page.goto(f"/coordination/events/{event.pk}/")
        card = page.locator(f"#item-{items[1].pk}")
        card.locator(f"select[name='v{items[1].pk}-result']").select_option("confirmed")
        card.locator(f"textarea[name='v{items[1].pk}-note']").fill(
            "经商务局核实，企业已提交认证申请，情况属实。"
        )
        card.get_by_role("button", name="提交核实情况").click()
        page.get_by_role("button", name="报送企业问题目录").click()
        expect(page.locator("#event-status")).to_have_text("目录已报市府办", timeout=WAIT)
        assert page.locator(".zt-warning").count() == 0  # on time
        screenshot(page, "event_3_catalog_submitted")

        # 三、The deputy leader proposes handling; the city leader approves the list.
        sign_in(page, login, "leader")
        expect(page.locator("#pending")).to_contain_text("审核问题目录，提出处理意见建议", timeout=WAIT)
        screenshot(page, "event_4_leader_home")
        page.locator("#pending a").first.click()
        for item in items:
            page.fill(
                f"textarea[name='review-proposal_{item.pk}']", "建议列入现场研究，由核实单位提出解决方案。"
            )
        page.get_by_role("button", name="提出处理意见建议，报领导审定").click()
        expect(page.locator("#event-status")).to_have_text("副组长已提出处理建议", timeout=WAIT)

        sign_in(page, login, "mayor")
        page.goto(f"/coordination/events/{event.pk}/")
        screenshot(page, "event_5_mayor_approves")
        page.get_by_role("button", name="审定问题清单").click()
        expect(page.locator("#event-status")).to_have_text("市领导已审定问题清单", timeout=WAIT)

        # 四、Notices to department heads and enterprise principals.
        sign_in(page, login, "hub_gxj")
        page.goto(f"/coordination/events/{event.pk}/")
        page.get_by_role("button", name="发出活动通知").click()
        expect(page.locator("#event-status")).to_have_text("已印发活动通知", timeout=WAIT)
        page.get_by_role("link", name="通知名单（可打印）").click()
        expect(page.locator("h1")).to_contain_text("参加人员通知名单", timeout=WAIT)
        screenshot(page, "event_6_notice_list")

    with time_machine.travel(EVENT_DAY, tick=True):
        # 五、六、The event is held; the office records the opinions and generates the document.
        sign_in(page, login, "hub_gxj")
        page.goto(f"/coordination/events/{event.pk}/")
        page.get_by_role("button", name="登记活动已召开").click()
        expect(page.locator("#event-status")).to_have_text("活动已召开", timeout=WAIT)
        for item, text, unit, days in [
            (items[0], "由市工信局牵头协调市自然资源和规划局，15个工作日内办结不动产权证", gxj, "15"),
            (items[1], "由市商务局牵头对接海关，20个工作日内完成AEO认证辅导", swj, "20"),
        ]:
            card = page.locator(f"#item-{item.pk}")
            card.locator(f"textarea[name='o{item.pk}-opinion']").fill(text)
            card.locator(f"select[name='o{item.pk}-lead_unit']").select_option(str(unit.pk))
            card.locator(f"input[name='o{item.pk}-due_workdays']").fill(days)
            card.get_by_role("button", name="录入现场处理意见").click()
            expect(page.locator(".zt-msg-success")).to_contain_text("现场处理意见已录入", timeout=WAIT)
        page.get_by_role("button", name="生成《企业诉求事项处理意见》").click()
        expect(page.locator("#event-status")).to_have_text("处理意见已形成待审核", timeout=WAIT)
        shot = screenshot(page, "event_7_document_generated")
        with page.expect_download() as dl:
            page.locator("#document-link").click()
        docx_path = shot.parent / "event_opinions.docx"
        dl.value.save_as(docx_path)

        sign_in(page, login, "leader")
        page.goto(f"/coordination/events/{event.pk}/")
        page.get_by_role("button", name="审核通过，呈领导审定").click()
        expect(page.locator("#event-status")).to_have_text("处理意见已审核待审定", timeout=WAIT)
        sign_in(page, login, "mayor")
        page.goto(f"/coordination/events/{event.pk}/")
        page.get_by_role("button", name="审定", exact=True).click()
        expect(page.locator("#event-status")).to_have_text("处理意见已审定待交办", timeout=WAIT)

        # 七、Assignment, handed to the supervision office; the handler sees the task.
        sign_in(page, login, "hub_gxj")
        page.goto(f"/coordination/events/{event.pk}/")
        page.get_by_role("button", name="交办并转督查室").click()
        expect(page.locator("#event-status")).to_have_text("已交办督办中", timeout=WAIT)
        screenshot(page, "event_8_assigned")

        sign_in(page, login, "handler")
        page.goto("/coordination/tasks/")
        expect(page.locator("table")).to_contain_text("由市工信局牵头协调市自然资源和规划局", timeout=WAIT)
        screenshot(page, "event_9_handler_tasks")

    event.refresh_from_db()
    assert event.status == EventStatus.ASSIGNED
    tasks = list(Task.objects.filter(event_item__event=event).order_by("pk"))
    assert [(t.unit, t.status) for t in tasks] == [(gxj, TaskStatus.ASSIGNED), (swj, TaskStatus.ASSIGNED)]

    # The downloaded document is the generated draft, and reads as it should.
    doc = Document(io.BytesIO(docx_path.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "“面对面”政企交流活动工作专班办公室" in text and "企业诉求事项处理意见" in text
    assert event.document_number in text
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0] == ["序号", "企业名称", "诉求事项", "处理意见", "责任单位", "办理时限"]
    assert rows[1] == [
        "1",
        own.name,
        "新建厂房不动产权证办理缓慢",
        "由市工信局牵头协调市自然资源和规划局，15个工作日内办结不动产权证",
        gxj.display_name,
        "自印发之日起15个工作日内",  # the draft: counted from the approved document's date
    ]
    assert rows[2][1:] == [
        own.name,
        "出口订单增加急需办理海关AEO认证",
        "由市商务局牵头对接海关，20个工作日内完成AEO认证辅导",
        swj.display_name,
        "自印发之日起20个工作日内",
    ]
