"""The progress pages: allowed and denied for each, the optimistic version on the forms, the
counts that equal their lists, the public board."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhitong.core.tests.rendering import needs_soffice, printed_text
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.projects.models import Commitment, DailyReport, ProgressReport, ProjectStage
from zhitong.projects.progress.commitments import commitment_create
from zhitong.projects.progress.reports import daily_report_submit, progress_report_submit

from .progress_fixtures import another_project, progress_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
JUNE = date(2026, 6, 1)
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100


def as_user(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def file_june(w, **kw):
    values = dict(month_investment="600", image_progress="主体结构封顶", workers=85, machinery=6)
    values.update(kw)
    return progress_report_submit(actor=w.lead, project_id=w.project.pk, month=JUNE, **values)


def test_the_project_page_shows_the_class_reports_problems_and_commitments(progress_world):
    w = progress_world
    file_june(w, problems=["施工用电增容未批复"])
    commitment_create(
        actor=w.lead,
        project_id=w.project.pk,
        party="enterprise",
        content="6月底前主体封顶",
        due_on=date(2026, 6, 30),
    )
    page = as_user(w.lead).get(reverse("projects:detail", args=[w.project.pk]))
    assert page.status_code == 200
    text = page.text
    assert "月度进展" in text and "履约承诺" in text
    assert 'data-testid="progress-class">正常<' in text  # 600 of 600 expected by June
    assert "施工用电增容未批复" in text and "ZT-2026-" in text
    assert "月报反映的未解决问题（1）" in text and "逾期未履约（1）" in text
    assert reverse("projects:report_new", args=[w.project.pk]) in text  # the lead unit files


def test_an_enterprise_user_sees_no_progress_records(progress_world):
    w = progress_world
    file_june(w)
    own = UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=w.owner)
    client = as_user(own)
    page = client.get(reverse("projects:detail", args=[w.project.pk]))
    assert page.status_code == 200 and "月度进展" not in page.text and "履约承诺" not in page.text
    assert client.get(reverse("projects:report_detail", args=[w.project.pk, "2026-06"])).status_code == 404
    assert client.get(reverse("projects:late_reports")).status_code == 403
    assert client.get(reverse("projects:briefing")).status_code == 403


def test_the_list_shows_last_months_class(progress_world):
    w = progress_world
    file_june(w, month_investment="700")
    page = as_user(w.lead).get(reverse("projects:list"))
    assert "进度分类（2026年6月）" in page.text and ">超前</a>" in page.text


def test_filing_a_report_on_the_page(progress_world):
    w = progress_world
    url = reverse("projects:report_new", args=[w.project.pk])
    client = as_user(w.secretary)
    assert 'value="2026-06"' in client.get(url).text  # last month is proposed
    posted = client.post(
        url,
        {
            "month": "2026-06",
            "month_investment": "125.5",
            "image_progress": "主体施工",
            "workers": "80",
            "machinery": "5",
            "problems": "用电增容\n临时用地",
            "photos": [SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg")],
        },
    )
    assert posted.status_code == 302
    report = ProgressReport.objects.get()
    assert (
        report.month_investment == Decimal("125.50")
        and report.problems.count() == 2
        and report.photos.count() == 1
    )
    # A second filing of June says so on the form.
    again = client.post(url, {"month": "2026-06", "image_progress": "x"})
    assert again.status_code == 409 and "已报送" in again.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"month": "2026-13", "image_progress": "x"}, "月份格式不正确"),
        ({"month": "2026-06", "image_progress": "x", "month_investment": "1.234"}, "最多保留两位小数"),
        ({"month": "2026-06", "image_progress": "x", "month_investment": "abc"}, "请输入数字"),
        ({"month": "2026-06", "image_progress": ""}, "请填写此项"),
        ({"month": "2026-08", "image_progress": "x"}, "不能报送以后月份的月报"),
    ],
)
def test_a_bad_report_form_says_what_is_wrong_in_chinese(progress_world, data, message):
    w = progress_world
    page = as_user(w.lead).post(reverse("projects:report_new", args=[w.project.pk]), data)
    assert page.status_code in (400, 422) and message in page.text
    assert ProgressReport.objects.count() == 0


def test_only_reporters_open_the_report_forms(progress_world):
    w = progress_world
    new = reverse("projects:report_new", args=[w.project.pk])
    assert as_user(w.hub).get(new).status_code == 403  # sees the project, does not file
    assert as_user(w.outsider).get(new).status_code == 404  # does not see it
    file_june(w)
    edit = reverse("projects:report_edit", args=[w.project.pk, "2026-06"])
    assert as_user(w.secretary).get(edit).status_code == 200
    assert as_user(w.hub).get(edit).status_code == 403
    assert as_user(w.outsider).get(edit).status_code == 404
    assert (
        as_user(w.lead).get(reverse("projects:report_edit", args=[w.project.pk, "2026-05"])).status_code
        == 404
    )
    assert (
        as_user(w.lead).get(reverse("projects:report_edit", args=[w.project.pk, "garbage"])).status_code
        == 404
    )


def test_a_stale_correction_is_refused_and_the_form_keeps_the_input_with_the_current_version(progress_world):
    w = progress_world
    report = file_june(w)
    edit = reverse("projects:report_edit", args=[w.project.pk, "2026-06"])
    form = {
        "month_investment": "610",
        "image_progress": "二层施工",
        "workers": "90",
        "machinery": "6",
        "version": "0",
    }
    assert as_user(w.secretary).post(edit, form).status_code == 302
    stale = as_user(w.lead).post(edit, {**form, "image_progress": "我的旧页面"})
    assert stale.status_code == 409 and "已被他人修改" in stale.text
    assert "我的旧页面" in stale.text and 'name="version" value="1"' in stale.text
    report.refresh_from_db()
    assert report.image_progress == "二层施工" and report.version == 1


def test_the_report_page_and_its_photos_are_for_those_who_see_the_project(progress_world):
    w = progress_world
    report = file_june(w, photos=[SimpleUploadedFile("现场.jpg", JPEG)])
    photo = report.photos.get()
    detail = reverse("projects:report_detail", args=[w.project.pk, "2026-06"])
    image = reverse("projects:report_photo", args=[w.project.pk, photo.pk])
    page = as_user(w.hub).get(detail)
    assert page.status_code == 200 and image in page.text and "主体结构封顶" in page.text
    served = as_user(w.hub).get(image)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"].startswith("inline")
    assert as_user(w.outsider).get(detail).status_code == 404
    assert as_user(w.outsider).get(image).status_code == 404
    other = another_project(w, code="XM-X")
    assert as_user(w.hub).get(reverse("projects:report_photo", args=[other.pk, photo.pk])).status_code == 404


def test_daily_reports_pages(progress_world):
    w = progress_world
    new = reverse("projects:daily_new", args=[w.project.pk])
    client = as_user(w.secretary)
    posted = client.post(
        new, {"day": "2026-07-15", "service": "协调电力接入", "workers": "120", "machinery": "9"}
    )
    assert posted.status_code == 302
    daily = DailyReport.objects.get()
    listing = client.get(reverse("projects:daily_list", args=[w.project.pk]))
    assert "协调电力接入" in listing.text and "共 1 份" in listing.text
    assert (
        "协调电力接入"
        not in client.get(reverse("projects:daily_list", args=[w.project.pk]) + "?month=2026-06").text
    )
    edit = reverse("projects:daily_edit", args=[w.project.pk, daily.pk])
    assert (
        client.post(edit, {"service": "改", "workers": "1", "machinery": "1", "version": "0"}).status_code
        == 302
    )
    assert as_user(w.hub).get(new).status_code == 403
    assert as_user(w.hub).get(edit).status_code == 403
    assert as_user(w.outsider).get(reverse("projects:daily_list", args=[w.project.pk])).status_code == 404
    assert as_user(w.outsider).get(edit).status_code == 404


def test_commitment_pages_and_moves(progress_world):
    w = progress_world
    new = reverse("projects:commitment_new", args=[w.project.pk])
    client = as_user(w.lead)
    posted = client.post(
        new,
        {
            "party": "government",
            "content": "兑现设备补贴500万元",
            "basis": "协议第八条",
            "due_on": "2026-07-01",
        },
    )
    assert posted.status_code == 302
    c = Commitment.objects.get()
    page = client.get(reverse("projects:detail", args=[w.project.pk])).text
    assert "兑现设备补贴500万元" in page and "逾期未履约（1）" in page and 'data-move="fulfil"' in page
    move = reverse("projects:commitment_move", args=[c.pk, "fulfil"])
    assert client.post(move, {"version": "0", "on": "2026-07-10", "note": "已拨付"}).status_code == 302
    c.refresh_from_db()
    assert c.status == "fulfilled"
    assert "逾期未履约（0）" in client.get(reverse("projects:detail", args=[w.project.pk])).text
    edit = reverse("projects:commitment_edit", args=[w.project.pk, c.pk])
    assert as_user(w.secretary).get(new).status_code == 403
    assert as_user(w.secretary).get(edit).status_code == 403
    assert as_user(w.outsider).get(new).status_code == 404
    assert as_user(w.outsider).post(move, {"version": "1"}).status_code == 404
    reopen = reverse("projects:commitment_move", args=[c.pk, "reopen"])
    refused = as_user(w.lead).post(reopen, {"version": "1", "reason": "错登"}, follow=True)
    assert "无权" in refused.text
    assert as_user(w.hub).post(reopen, {"version": "1", "reason": "错登"}).status_code == 302


def test_the_overdue_commitments_page(progress_world):
    w = progress_world
    commitment_create(
        actor=w.lead, project_id=w.project.pk, party="enterprise", content="开工", due_on=date(2026, 7, 1)
    )
    page = as_user(w.lead).get(reverse("projects:overdue_commitments"))
    assert "逾期未履约的承诺（1）" in page.text and "开工" in page.text
    assert "逾期未履约的承诺（0）" in as_user(w.outsider).get(reverse("projects:overdue_commitments")).text


def test_the_late_reports_page_counts_equal_its_lists(progress_world):
    w = progress_world
    another_project(w, code="XM-N", stage=ProjectStage.NEGOTIATION)
    progress_report_submit(actor=w.lead, project_id=w.project.pk, month=JUNE, image_progress="x")
    page = as_user(w.lead).get(reverse("projects:late_reports") + "?month=2026-06").text
    assert "2026年6月月报报送情况" in page
    for key, n in (("missing", 1), ("late", 1), ("pending", 0), ("on-time", 0)):
        assert f'href="#{key}"><span class="zt-stat-value">{n}</span>' in page
        section = page.split(f'id="{key}"')[1].split("<h2")[0]
        assert section.count("<tr>") - 1 == n or (n == 0 and "无。" in section)
    # Filed on 15 July, after the 3 July due day: late. Garbage in the month: last month.
    assert "2026年6月月报报送情况" in as_user(w.lead).get(reverse("projects:late_reports") + "?month=xx").text
    outsider = as_user(w.outsider).get(reverse("projects:late_reports") + "?month=2026-06").text
    assert "XM-N" not in outsider and "新材料产业园一期" not in outsider


def test_the_briefing_counts_link_to_their_lists_and_equal_them(progress_world):
    w = progress_world
    another_project(w, code="XM-R1", stage=ProjectStage.RESERVE)
    another_project(w, code="XM-R2", stage=ProjectStage.RESERVE, lead_unit=w.root)
    another_project(w, code="XM-N", stage=ProjectStage.NEGOTIATION)
    another_project(w, code="XM-O", stage=ProjectStage.OPERATING)
    file_june(w)
    client = as_user(w.hub)
    page = client.get(reverse("projects:briefing") + "?month=2026-06").text
    for key, n in (("reserve", 2), ("negotiation", 1), ("signed", 1)):
        assert f'<h2 id="{key}">' in page
        heading = page.split(f'<h2 id="{key}">')[1].split("</h2>")[0]
        assert f"（{n}）" in heading
        assert f'href="?month=2026-06#{key}">{n}</a>' in page  # the total links to its list
    narrowed = client.get(reverse("projects:briefing") + f"?month=2026-06&unit={w.county.pk}").text
    reserve = narrowed.split('<h2 id="reserve">')[1].split("</h2>")[0]
    assert "（1）" in reserve and f'unit={w.county.pk}#reserve">1</a>' in narrowed
    # A county handler's briefing: the county's projects only.
    mine = as_user(w.lead).get(reverse("projects:briefing") + "?month=2026-06").text
    assert "XM-R2" not in mine and "范围：甲县" in mine


def test_the_briefing_workbook(progress_world):
    import openpyxl

    w = progress_world
    another_project(w, code="XM-N", name="洽谈中的项目", stage=ProjectStage.NEGOTIATION)
    file_june(w)
    response = as_user(w.lead).get(reverse("projects:briefing_xlsx") + "?month=2026-06")
    assert response.status_code == 200
    assert (
        "%E9%A1%B9%E7%9B%AE%E6%9C%88%E5%BA%A6%E9%80%9A%E6%8A%A5" in response["Content-Disposition"]
    )  # 项目月度通报
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "储备项目", "洽谈项目", "签约项目"]
    signed = [row for row in book["签约项目"].iter_rows(values_only=True) if row[0] == "XM-2026-001"]
    assert signed and signed[0][8] == "正常" and signed[0][9] == "主体结构封顶"
    negotiation = [row for row in book["洽谈项目"].iter_rows(values_only=True) if row[0] == "XM-N"]
    assert negotiation[0][5] == "（本月未报送）"
    assert (
        as_user(UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=w.owner))
        .get(reverse("projects:briefing_xlsx"))
        .status_code
        == 403
    )


def test_the_board_is_public_and_shows_only_public_projects_and_public_fields(progress_world):
    w = progress_world
    leader = UserFactory(
        role=Role.LEADER,
        unit=w.root,
        full_name="李明",
        position="副市长",
        phone="13900001111",
        username="liming_login",
        leader_level=LeaderLevel.VICE_MAYOR,
    )
    w.project.public, w.project.leader = True, leader
    w.project.save()
    file_june(w)
    hidden = another_project(w, code="XM-H", name="不公开的项目")
    stalled = another_project(w, code="XM-S", name="停滞项目", public=True)
    another_project(w, code="XM-R", name="储备项目", public=True, stage=ProjectStage.RESERVE)
    page = Client().get(reverse("projects:board") + "?month=2026-06")
    assert page.status_code == 200
    text = page.text
    assert "新材料产业园一期" in text and stalled.name in text
    assert hidden.name not in text and "储备项目" not in text
    assert "李明（副市长）" in text and "13900001111" not in text and "liming_login" not in text
    assert w.owner.name not in text  # the owner and the amounts are not on the board
    assert 'data-testid="board-count-normal">1<' in text and 'data-testid="board-count-stalled">1<' in text
    assert (
        text.count('data-testid="board-card-normal"') == 1
        and text.count('data-testid="board-card-stalled"') == 1
    )
    assert "600" not in text.split('id="board-normal"')[1]


def test_page_queries_do_not_grow_with_the_rows(progress_world):
    w = progress_world
    client = as_user(w.hub)

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            p = another_project(w, public=True)
            progress_report_submit(
                actor=w.lead, project_id=p.pk, month=JUNE, image_progress="x", problems=[f"问题{i}"]
            )
            progress_report_submit(
                actor=w.lead,
                project_id=w.project.pk,
                month=date(2026, 1 + i, 1),
                image_progress="x",
                problems=["甲"],
            )
            commitment_create(
                actor=w.lead, project_id=w.project.pk, party="enterprise", content=f"承诺{i}", due_on=JUNE
            )
            daily_report_submit(actor=w.lead, project_id=w.project.pk, day=date(2026, 7, 1 + i), service="x")
            made.append(p)

    urls = [
        reverse("projects:detail", args=[w.project.pk]),
        reverse("projects:list"),
        reverse("projects:late_reports") + "?month=2026-06",
        reverse("projects:briefing") + "?month=2026-06",
        reverse("projects:board") + "?month=2026-06",
        reverse("projects:overdue_commitments"),
    ]
    add(1)
    count(urls[0])  # the first request of the session also saves it
    few = [count(u) for u in urls]
    add(4)
    many = [count(u) for u in urls]
    assert many == few


@needs_soffice
def test_the_briefing_workbook_prints_whole(progress_world, tmp_path):
    """Printed through LibreOffice, every cell reads whole: the long image-progress text of
    the signed projects' sheet is not cut off by its row."""
    from zhitong.projects.progress.briefing import briefing_xlsx, monthly_briefing

    w = progress_world
    long_text = (
        "厂房主体结构施工，二号车间钢结构吊装完成百分之八十，办公楼封顶，" * 4 + "月底前完成屋面防水。"
    )
    file_june(w, image_progress=long_text)
    another_project(w, code="XM-R", name="储备的项目", stage=ProjectStage.RESERVE)
    content = briefing_xlsx(monthly_briefing(user=w.hub, month=JUNE))
    printed = printed_text(content, suffix=".xlsx", tmp_path=tmp_path)
    assert long_text in printed
    assert "项目储备、洽谈、签约推进情况月度通报（2026年6月）" in printed and "储备的项目" in printed
