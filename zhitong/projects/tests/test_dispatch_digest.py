"""The leaders' monthly digest (seeds/004 江山 市领导联系重点项目月报): per city leader, the
year's investment completed, progress, breakthroughs, problems and lagging projects — as a
page, a message (once per leader per month) and a .docx. The figures come from
projects.progress (monkeypatched here: the progress part provides them)."""

import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.notifications.models import Notification
from zhitong.outbox.delivery import outbox_deliver
from zhitong.outbox.models import OutboxMessage
from zhitong.projects import progress
from zhitong.projects.dispatch import digest, hooks
from zhitong.projects.dispatch.documents import digest_docx, digest_file_name
from zhitong.projects.machines import STAGE
from zhitong.projects.models import Milestone, MilestoneKind, ProjectStage

from .conftest import PDISP_TZ
from .consultations import agreed_consultation

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)
P = progress.ProgressClass


@pytest.fixture
def pdisp_figures(pdisp_city, monkeypatch):
    """October's figures of the leader's projects, as the progress part would give them,
    and one open problem of P-02 (the appeals app's hook, replaced here)."""
    c = pdisp_city
    figures = {
        c.major.pk: (Decimal("4000"), Decimal("30000"), P.NORMAL, "主体结构封顶"),
        c.key.pk: (Decimal("0"), Decimal("2000"), P.LAGGING, "用地手续办理中"),
        c.talks.pk: (None, None, P.STALLED, ""),
        c.signed.pk: (Decimal("100"), Decimal("9000"), P.AHEAD, ""),
    }
    calls = []

    class Report:
        def __init__(self, text):
            self.image_progress = text

    def summaries(projects, month):
        calls.append((sorted(p.pk for p in projects), month))
        out = {}
        for p in projects:
            m, y, cls, text = figures[p.pk]
            out[p.pk] = progress.ProgressSummary(
                month_investment=m,
                ytd_investment=y,
                annual_plan=p.annual_investment,
                ytd_ratio=None,
                progress_class=cls,
                problems_open=0,
                latest_report=Report(text) if text else None,
            )
        return out

    monkeypatch.setattr(progress, "progress_summaries", summaries)

    def problems(ids, user):
        if c.key.pk in ids:
            yield hooks.ProjectProblem(
                project_id=c.key.pk,
                code="SQ-2026-0042",
                title="冷库用地规划条件未出具",
                status="办理中",
                opened_on=date(2026, 9, 20),
                url="/appeals/42/" if user == c.hub else "",
            )

    monkeypatch.setattr(hooks, "PROBLEM_SOURCES", [problems])
    return calls


def test_the_digest_lists_the_leaders_followed_projects_with_their_figures(pdisp_city, pdisp_figures):
    c = pdisp_city
    c.reserve.leader = c.leader  # reserve and operating projects are not followed
    c.reserve.save()
    c.county.leader, c.county.stage = c.leader, ProjectStage.OPERATING
    c.county.save()
    d = digest.leader_digest(leader=c.leader, month=OCTOBER)
    assert [r.project.code for r in d.rows] == ["P-01", "P-02", "P-04"]
    assert pdisp_figures == [(sorted([c.major.pk, c.key.pk, c.talks.pk]), OCTOBER)]
    assert (d.total_plan, d.total_ytd, d.ratio) == (Decimal("80000"), Decimal("32000"), "40.0%")
    assert [(r.ratio, r.class_label, r.image_progress) for r in d.rows] == [
        ("60.0%", "正常", "主体结构封顶"),
        ("10.0%", "滞后", "用地手续办理中"),
        ("—", "无进展", ""),
    ]
    assert d.class_counts == [
        ("ahead", "超前", 0),
        ("normal", "正常", 1),
        ("lagging", "滞后", 1),
        ("stalled", "无进展", 1),
    ]
    assert [r.project.code for r in d.lagging] == ["P-02", "P-04"]
    assert d.problem_count == 1 and d.with_problems[0].problems[0].code == "SQ-2026-0042"


def test_breakthroughs_are_the_stages_reached_and_milestones_completed_in_the_month(
    pdisp_city, pdisp_figures
):
    c = pdisp_city
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
    Milestone.objects.create(
        project=c.major,
        kind=MilestoneKind.CUSTOM,
        name="九月节点",
        sequence=2,
        planned_due=date(2026, 9, 1),
        actual_on=date(2026, 9, 30),
    )
    d = digest.leader_digest(leader=c.leader, month=OCTOBER)
    assert {r.project.code: r.breakthroughs for r in d.breakthroughs} == {
        "P-01": ["10月9日完成“施工许可”"],
        "P-04": ["10月18日签约"],
    }
    assert digest.leader_digest(leader=c.leader, month=date(2026, 11, 1)).breakthroughs == []


def test_the_message_goes_to_each_city_leader_once_a_month(pdisp_city, pdisp_figures):
    c = pdisp_city
    c.county.leader = c.glq_principal  # a county's principal gets no city leaders' digest
    c.county.save()
    now = datetime(2026, 11, 2, 8, 30, tzinfo=PDISP_TZ)
    assert digest.leader_digests_send(now=now) == 2  # leader and leader2
    assert digest.leader_digests_send(now=now) == 0
    assert digest.leader_digests_send(now=datetime(2026, 11, 3, 8, 30, tzinfo=PDISP_TZ)) == 0
    assert OutboxMessage.objects.filter(dedupe_key__contains="project-leader-digest").count() == 2
    outbox_deliver()
    (n,) = Notification.objects.filter(recipient=c.leader)
    assert n.kind == "project_leader_digest"
    assert n.title == "市领导联系重点项目月报（2026年10月）：联系项目3个，滞后或无进展2个"
    assert "年度完成投资：32,000.00万元，占年度计划投资80,000.00万元的40.0%" in n.body
    assert "困难问题：1个未解决（闽江冷链物流中心）" in n.body
    assert "进度滞后项目：闽江冷链物流中心、新型储能电池生产基地" in n.body
    assert n.url == reverse("projects:dispatch:digest") + f"?leader={c.leader.pk}&month=2026-10"
    assert not Notification.objects.filter(recipient=c.glq_principal).exists()
    # December's run reports November: a new message.
    assert digest.leader_digests_send(now=datetime(2026, 12, 1, 8, 30, tzinfo=PDISP_TZ)) == 2


def test_the_digest_runs_monthly_through_a_task_and_a_command(pdisp_city, pdisp_figures, settings):
    from celery.schedules import crontab

    from zhitong.projects.tasks import send_leader_digests

    beat = settings.CELERY_BEAT_SCHEDULE["project-leader-digest"]
    assert beat["task"] == send_leader_digests.name
    assert beat["schedule"] == crontab(hour=8, minute=30, day_of_month="1-5")
    assert send_leader_digests.delay().get(disable_sync_subtasks=False) == "领导月报 2"
    out = io.StringIO()
    call_command("leader_digest", stdout=out)
    assert "已排队的领导月报：0" in out.getvalue()
    call_command("leader_digest", "--month", "2026-09", stdout=out)
    assert "已排队的领导月报：2" in out.getvalue()


def test_the_docx_carries_the_digest(pdisp_city, pdisp_figures):
    from docx import Document

    c = pdisp_city
    d = digest.leader_digest(leader=c.leader, month=OCTOBER)
    doc = Document(io.BytesIO(digest_docx(d)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert "市领导联系重点项目月报" in text and "（2026年10月）" in text and "陈副市长（副市长）" in text
    assert "累计完成投资32,000.00万元，占年度计划的40.0%" in text
    assert "闽江冷链物流中心：冷库用地规划条件未出具（SQ-2026-0042，办理中）。" in text
    assert "新型储能电池生产基地（无进展" in text
    assert "精密机械智能制造产业园" in cells and "60.0%" in cells and "主体结构封顶" in cells
    assert "{{" not in text and "{%" not in text
    assert digest_file_name(d)[0] == "市领导联系重点项目月报_陈副市长_2026年10月.docx"


def page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_a_leader_reads_their_own_digest_and_the_hub_any(pdisp_city, pdisp_figures):
    c = pdisp_city
    url = reverse("projects:dispatch:digest")
    r = page(c.leader, url + "?month=2026-10")
    assert r.status_code == 200 and r.context["d"].leader == c.leader and r.context["d"].month == OCTOBER
    assert "冷库用地规划条件未出具" in r.content.decode() and 'href="/appeals/42/"' not in r.content.decode()
    r = page(c.hub, url + f"?leader={c.leader.pk}&month=2026-10")
    assert r.status_code == 200 and 'href="/appeals/42/"' in r.content.decode()
    assert page(c.supervisor, url + f"?leader={c.leader2.pk}").context["d"].leader == c.leader2
    # Defaults: last month, and for the hub the first leader.
    r = page(c.hub, url + "?month=garbage")
    assert r.context["d"].month == OCTOBER and r.context["d"].leader == c.leader


def test_the_digest_is_denied_to_other_leaders_and_to_unit_staff(pdisp_city, pdisp_figures):
    c = pdisp_city
    url = reverse("projects:dispatch:digest")
    assert page(c.leader2, url + f"?leader={c.leader.pk}").status_code == 404
    assert page(c.hub, url + f"?leader={c.glq_principal.pk}").status_code == 404
    for person in (c.handler, c.glq_head, c.glq_principal, c.enterprise_user):
        assert page(person, url).status_code == 403
        assert page(person, reverse("projects:dispatch:digest_docx")).status_code == 403


def test_the_docx_download_is_named_in_chinese(pdisp_city, pdisp_figures):
    c = pdisp_city
    r = page(c.leader, reverse("projects:dispatch:digest_docx") + "?month=2026-10")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E5%B8%82" in r["Content-Disposition"]
    assert (
        page(c.leader2, reverse("projects:dispatch:digest_docx") + f"?leader={c.leader.pk}").status_code
        == 404
    )


def api(user):
    _, raw = ApiToken.issue(user=user, name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_gives_the_digest_to_its_leader_and_the_hub_only(pdisp_city, pdisp_figures):
    c = pdisp_city
    r = api(c.leader).get("/api/v1/dispatch/leader-digest?month=2026-10")
    assert r.status_code == 200
    body = r.json()
    assert body["ratio"] == "40.0%" and [x["project"]["code"] for x in body["rows"]] == [
        "P-01",
        "P-02",
        "P-04",
    ]
    assert body["lagging"] == [c.key.pk, c.talks.pk]
    assert api(c.hub).get(f"/api/v1/dispatch/leader-digest?leader_id={c.leader.pk}").status_code == 200
    assert api(c.leader2).get(f"/api/v1/dispatch/leader-digest?leader_id={c.leader.pk}").status_code == 404
    assert api(c.handler).get("/api/v1/dispatch/leader-digest").status_code == 403
    assert api(c.leader).get("/api/v1/dispatch/leader-digest?month=2026-13").status_code == 422
    assert json.loads(api(c.hub).get("/api/v1/dispatch/leader-digest").content)["code"] == "not_found"
