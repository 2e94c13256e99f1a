"""The appeals pages: access per role (handler of unit A, head of unit A, outsider from
unit B, the enterprise), moves posted from the detail page, intake with the duplicate
panel, the workbench filters, the triage queue, and constant query counts.

Fixtures `city` and `flow` (tests/conftest.py) build the people and drive appeals through
the real services."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhitong.appeals.choices import Channel, Light, Status
from zhitong.appeals.models import Appeal, AppealEvidence, Transition
from zhitong.notifications.models import Notification
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

from .conftest import PDF, pdf

pytestmark = pytest.mark.django_db

WORKBENCH = reverse("appeals:workbench")
INTAKE = reverse("appeals:intake")
TRIAGE = reverse("appeals:triage")


def detail_url(appeal):
    return reverse("appeals:detail", args=[appeal.pk])


def move_url(appeal, name):
    return reverse("appeals:move", args=[appeal.pk, name])


def html(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------
# Access: workbench and detail
# ---------------------------------------------------------------------------------------


def test_the_handler_of_unit_a_sees_its_appeal_on_the_workbench(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.handler)
    response = client.get(WORKBENCH)
    assert response.status_code == 200
    assert appeal.code in html(response)


def test_the_outsider_from_unit_b_does_not_see_it_on_the_workbench(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.outsider)
    response = client.get(WORKBENCH)
    assert response.status_code == 200
    assert appeal.code not in html(response)


@pytest.mark.parametrize("who", ["handler", "head"])
def test_the_lead_units_people_open_the_detail(client, city, flow, who):
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(getattr(city, who))
    response = client.get(detail_url(appeal))
    assert response.status_code == 200
    page = html(response)
    assert appeal.title in page
    assert "市工业和信息化局" in page  # the lead unit in the header


def test_the_outsider_from_unit_b_gets_404_on_the_detail(client, city, flow):
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(city.outsider)
    assert client.get(detail_url(appeal)).status_code == 404


def test_a_missing_appeal_is_the_same_404(client, city):
    client.force_login(city.handler)
    assert client.get(reverse("appeals:detail", args=[999999])).status_code == 404


def test_the_enterprise_sees_only_its_own_appeals(client, city, flow):
    own = flow.to(Status.IN_PROGRESS)
    other = flow.intake(enterprise_id=city.other_enterprise.pk, title="进口货物通关时间过长")
    client.force_login(city.enterprise_user)
    page = html(client.get(WORKBENCH))
    assert own.code in page
    assert other.code not in page
    assert client.get(detail_url(own)).status_code == 200
    assert client.get(detail_url(other)).status_code == 404


def test_pages_require_sign_in(client, city, flow):
    appeal = flow.to(Status.SUBMITTED)
    for url in (WORKBENCH, detail_url(appeal), INTAKE, TRIAGE):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_contact_phone_is_masked_on_the_detail(client, city, flow):
    appeal = flow.to(Status.IN_PROGRESS, contact_name="林经理", contact_phone="13912345678")
    client.force_login(city.handler)
    page = html(client.get(detail_url(appeal)))
    assert "139****5678" in page
    assert "13912345678" not in page


# ---------------------------------------------------------------------------------------
# The moves on the detail page
# ---------------------------------------------------------------------------------------


def test_the_detail_offers_the_lead_handler_sign_and_object_only(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.handler)
    page = html(client.get(detail_url(appeal)))
    assert move_url(appeal, "sign") in page
    assert move_url(appeal, "object") in page
    assert move_url(appeal, "assign") not in page
    assert move_url(appeal, "resolve") not in page


def test_the_detail_offers_the_hub_assign_on_a_submitted_appeal(client, city, flow):
    appeal = flow.to(Status.SUBMITTED)
    client.force_login(city.hub)
    page = html(client.get(detail_url(appeal)))
    assert move_url(appeal, "assign") in page
    assert move_url(appeal, "sign") not in page


def test_the_clerk_who_received_it_sees_no_handling_moves(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.clerk)
    page = html(client.get(detail_url(appeal)))
    assert move_url(appeal, "follow_up") in page  # 首问跟踪
    assert move_url(appeal, "sign") not in page


def test_signing_from_the_detail_page_moves_the_appeal(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.handler)
    response = client.post(move_url(appeal, "sign"), {"sign-expected_version": appeal.version})
    assert response.status_code == 302
    assert response["Location"] == detail_url(appeal)
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS
    assert appeal.handler == city.handler
    follow = client.get(response["Location"])
    assert "已完成“签收”" in html(follow)


def test_a_stale_move_shows_the_409_message_and_keeps_the_typed_text(client, city, flow):
    appeal = flow.to(Status.IN_PROGRESS)
    seen_version = appeal.version
    # Someone else records progress while our handler is typing.
    flow.move(appeal, "add_progress", city.head, note="已电话联系企业。")
    client.force_login(city.handler)
    typed = "已与消防部门约定下周三现场核查，企业已确认。"
    response = client.post(
        move_url(appeal, "add_progress"),
        {"add_progress-expected_version": seen_version, "add_progress-note": typed},
    )
    assert response.status_code == 409
    page = html(response)
    assert "该诉求已被他人处理" in page
    assert typed in page  # what the user typed is not lost
    appeal.refresh_from_db()
    # The re-shown form carries the current version, so a deliberate re-submit works.
    assert f'value="{appeal.version}"' in page
    assert not Transition.objects.filter(appeal=appeal, note=typed).exists()


def test_a_move_the_user_may_not_make_is_refused_with_403_and_changes_nothing(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.enterprise_user)  # sees its own appeal, may not sign it
    response = client.post(move_url(appeal, "sign"), {"sign-expected_version": appeal.version})
    assert response.status_code == 403
    assert "无权" in html(response)
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


def test_the_outsider_posting_a_move_gets_404(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.outsider)
    response = client.post(move_url(appeal, "sign"), {"sign-expected_version": appeal.version})
    assert response.status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


def test_an_objection_without_a_reason_is_shown_again_with_the_error(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.handler)
    response = client.post(
        move_url(appeal, "object"), {"object-expected_version": appeal.version, "object-reason": ""}
    )
    assert response.status_code == 400
    assert "请检查" in html(response)
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


def test_a_refused_move_says_why_even_when_its_fields_are_empty(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.enterprise_user)
    response = client.post(move_url(appeal, "object"), {"object-expected_version": appeal.version})
    assert response.status_code == 403
    assert "无权" in html(response)


def test_a_move_posted_by_get_is_not_allowed(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.handler)
    assert client.get(move_url(appeal, "sign")).status_code == 405


def test_resolving_with_an_evidence_pdf_stores_it_and_offers_it_for_download(client, city, flow, settings):
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(city.handler)
    response = client.post(
        move_url(appeal, "resolve"),
        {
            "resolve-expected_version": appeal.version,
            "resolve-resolution": "已协调消防部门完成备案。",
            "resolve-evidence_files": [pdf("办结报告.pdf")],
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED
    ev = AppealEvidence.objects.get(appeal=appeal)
    page = html(client.get(detail_url(appeal)))
    assert "办结报告.pdf" in page
    download = client.get(reverse("appeals:evidence", args=[ev.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    # A PDF opens in the browser, under the name it was uploaded with.
    assert download["Content-Disposition"] == (
        f"inline; filename=\"evidence-{ev.pk}.pdf\"; filename*=UTF-8''%E5%8A%9E%E7%BB%93%E6%8A%A5%E5%91%8A.pdf"
    )
    client.force_login(city.outsider)
    assert client.get(reverse("appeals:evidence", args=[ev.pk])).status_code == 404


def test_a_file_that_is_not_a_pdf_inside_is_refused_and_the_text_kept(client, city, flow):
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(city.handler)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        move_url(appeal, "resolve"),
        {
            "resolve-expected_version": appeal.version,
            "resolve-resolution": "办结说明文字",
            "resolve-evidence_files": [fake],
        },
    )
    assert response.status_code == 400
    page = html(response)
    assert "不是允许的类型" in page
    assert "办结说明文字" in page
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS


def test_an_exemption_without_its_formal_document_is_refused_on_the_page(client, city, flow):
    # seeds/000 五(二)3: 需……正式行文解释说明.
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(city.handler)
    data = {
        "request_exemption-expected_version": appeal.version,
        "request_exemption-explanation": "政策调整说明",
    }
    response = client.post(move_url(appeal, "request_exemption"), data)
    assert response.status_code == 400
    page = html(response)
    assert "申请不纳入考核须上传正式行文" in page and "政策调整说明" in page
    appeal.refresh_from_db()
    assert appeal.exemption_status == "none"
    data["request_exemption-evidence_files"] = [pdf("情况说明.pdf")]
    assert client.post(move_url(appeal, "request_exemption"), data).status_code == 302
    appeal.refresh_from_db()
    assert appeal.exemption_status == "requested"


# ---------------------------------------------------------------------------------------
# Workbench filters
# ---------------------------------------------------------------------------------------


def _set_clock(appeal, *, due, yellow_from):
    # Arrange a light directly on the stored columns (the clock itself is tested elsewhere).
    Appeal.objects.filter(pk=appeal.pk).update(clock_due=due, clock_yellow_from=yellow_from)


def test_the_workbench_filters_by_light(client, city, flow):
    today = timezone.localdate()
    red = flow.to(Status.IN_PROGRESS, title="红灯诉求甲")
    yellow = flow.to(Status.IN_PROGRESS, title="黄灯诉求乙")
    green = flow.to(Status.IN_PROGRESS, title="绿灯诉求丙")
    _set_clock(red, due=today - timedelta(days=3), yellow_from=today - timedelta(days=6))
    _set_clock(yellow, due=today + timedelta(days=1), yellow_from=today - timedelta(days=1))
    _set_clock(green, due=today + timedelta(days=20), yellow_from=today + timedelta(days=17))
    client.force_login(city.handler)

    page = html(client.get(WORKBENCH, {"light": Light.RED}))
    assert red.code in page and yellow.code not in page and green.code not in page
    page = html(client.get(WORKBENCH, {"light": Light.YELLOW}))
    assert yellow.code in page and red.code not in page and green.code not in page
    page = html(client.get(WORKBENCH))
    assert all(a.code in page for a in (red, yellow, green))


def test_the_workbench_tabs_count_each_light(client, city, flow):
    today = timezone.localdate()
    a, b = flow.to(Status.IN_PROGRESS), flow.to(Status.IN_PROGRESS)
    _set_clock(a, due=today - timedelta(days=1), yellow_from=today - timedelta(days=4))
    _set_clock(b, due=today - timedelta(days=2), yellow_from=today - timedelta(days=5))
    client.force_login(city.handler)
    response = client.get(WORKBENCH)
    tabs = {value: n for value, _label, n, _meaning in response.context["light_tabs"]}
    assert tabs[Light.RED] == 2


def test_the_workbench_searches_chinese_text_in_title_description_and_enterprise(client, city, flow):
    a = flow.to(Status.IN_PROGRESS, title="用电增容申请", description="企业新上生产线需要增容两千千伏安。")
    b = flow.to(Status.IN_PROGRESS, title="招工困难")
    client.force_login(city.handler)
    page = html(client.get(WORKBENCH, {"q": "增容"}))
    assert a.code in page and b.code not in page
    page = html(client.get(WORKBENCH, {"q": "千伏安"}))
    assert a.code in page and b.code not in page
    page = html(client.get(WORKBENCH, {"q": "精密机械"}))  # the enterprise's name
    assert a.code in page and b.code in page
    page = html(client.get(WORKBENCH, {"q": a.code}))
    assert a.code in page and b.code not in page


def test_the_workbench_filters_by_status_and_problem_flag(client, city, flow):
    signed = flow.to(Status.IN_PROGRESS)
    waiting = flow.to(Status.ASSIGNED)
    Appeal.objects.filter(pk=waiting.pk).update(is_problem=True)
    client.force_login(city.handler)
    page = html(client.get(WORKBENCH, {"status": Status.ASSIGNED}))
    assert waiting.code in page and signed.code not in page
    page = html(client.get(WORKBENCH, {"problem": "on"}))
    assert waiting.code in page and signed.code not in page


def test_closed_appeals_are_hidden_until_asked_for(client, city, flow):
    closed = flow.to(Status.CLOSED)
    client.force_login(city.handler)
    assert closed.code not in html(client.get(WORKBENCH))
    assert closed.code in html(client.get(WORKBENCH, {"status": "all"}))


def test_an_htmx_filter_request_gets_the_table_block_only(client, city, flow):
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(city.handler)
    response = client.get(WORKBENCH, {"q": appeal.title[:4]}, HTTP_HX_REQUEST="true")
    page = html(response)
    assert appeal.code in page
    assert "<html" not in page
    assert 'id="wb-filters"' not in page
    full = html(client.get(WORKBENCH))
    assert "<html" in full and 'id="wb-filters"' in full


def test_the_workbench_paginates_with_a_chosen_page_size(client, city, flow):
    for i in range(23):
        flow.intake(title=f"第{i}号诉求", actor=city.hub)
    client.force_login(city.hub)
    response = client.get(WORKBENCH)
    assert len(response.context["appeals"]) == 20
    assert response.context["page_obj"].paginator.num_pages == 2
    response = client.get(WORKBENCH, {"per_page": 50})
    assert len(response.context["appeals"]) == 23


def test_the_workbench_exports_the_filtered_list_as_xlsx(client, city, flow):
    import io

    import openpyxl

    a = flow.to(Status.IN_PROGRESS, title="用电增容申请")
    b = flow.to(Status.IN_PROGRESS, title="招工困难")
    client.force_login(city.handler)
    response = client.get(WORKBENCH, {"q": "增容", "export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    # A title, whose list it is, the header row, then the appeals.
    assert sheet["A1"].value == "诉求清单"
    assert sheet["A2"].value.startswith("单位：市工业和信息化局")
    assert sheet["A3"].value == "编号"
    codes = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert codes == [a.code]
    assert b.code not in codes
    assert "filename*=UTF-8''%E8%AF%89%E6%B1%82%E6%B8%85%E5%8D%95_" in response["Content-Disposition"]


def test_the_exported_list_wraps_a_long_title_and_prints_it_whole(client, city, flow, tmp_path):
    import io

    import openpyxl

    from zhitong.core.spreadsheets import line_count
    from zhitong.core.tests.rendering import PDFTOTEXT, SOFFICE, printed_text

    title = "新建厂房消防验收备案迟迟未办结影响设备进场，" * 8 + "请求协调。尾标"
    flow.to(Status.IN_PROGRESS, title=title)
    client.force_login(city.handler)
    response = client.get(WORKBENCH, {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet["C4"]
    assert cell.value == title and cell.alignment.wrap_text
    assert sheet.row_dimensions[4].height >= line_count(title, sheet.column_dimensions["C"].width) * 11 * 1.2
    if SOFFICE and PDFTOTEXT:  # LibreOffice is there to look: the title prints whole
        assert "请求协调。尾标" in printed_text(response.content, suffix=".xlsx", tmp_path=tmp_path)


# ---------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------


def _intake_data(city, **kw):
    data = {
        "enterprise_id": city.enterprise.pk,
        "category_id": city.category.pk,
        "channel": Channel.HOTLINE,
        "title": "新厂房用地规划许可办理受阻",
        "description": "企业新厂房选址已定，规划许可材料提交一个月未受理。",
        "contact_name": "林经理",
        "contact_phone": "13800001111",
    }
    data.update(kw)
    return data


def test_a_clerk_registers_an_appeal_and_lands_on_its_detail(client, city):
    client.force_login(city.clerk)
    assert client.get(INTAKE).status_code == 200
    response = client.post(INTAKE, _intake_data(city))
    assert response.status_code == 302
    appeal = Appeal.objects.get(title="新厂房用地规划许可办理受阻")
    assert response["Location"] == detail_url(appeal)
    assert appeal.received_by == city.clerk
    assert appeal.status == Status.SUBMITTED
    page = html(client.get(response["Location"]))
    assert f"已登记为 {appeal.code}" in page


def test_missing_materials_are_notified_at_once_and_the_appeal_waits(client, city):
    client.force_login(city.clerk)
    response = client.post(
        INTAKE,
        _intake_data(
            city,
            materials_incomplete="on",
            missing_checklist=["企业情况说明"],
            missing_other="营业执照副本\n授权委托书",
        ),
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(title="新厂房用地规划许可办理受阻")
    assert appeal.status == Status.MATERIALS_PENDING
    notice = Transition.objects.get(appeal=appeal, action="request_materials")
    assert notice.data["missing_items"] == ["企业情况说明", "营业执照副本", "授权委托书"]


def test_materials_marked_incomplete_without_items_are_refused(client, city):
    client.force_login(city.clerk)
    response = client.post(INTAKE, _intake_data(city, materials_incomplete="on"))
    assert response.status_code == 200
    assert "列出需补齐的全部材料" in html(response)
    assert not Appeal.objects.exists()


def test_the_intake_form_keeps_what_was_typed_when_something_is_missing(client, city):
    client.force_login(city.clerk)
    response = client.post(INTAKE, _intake_data(city, channel=""))
    assert response.status_code == 200
    assert "新厂房用地规划许可办理受阻" in html(response)
    assert not Appeal.objects.exists()


def test_a_receipt_time_in_the_future_is_refused_on_its_field(client, city):
    client.force_login(city.clerk)
    later = timezone.localtime() + timedelta(days=1)
    response = client.post(INTAKE, _intake_data(city, received_at=later.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 200
    assert response.context["form"].errors["received_at"] == ["受理时间不能晚于当前时间"]
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("who", ["enterprise_user", "leader", "supervisor"])
def test_intake_is_refused_to_roles_that_do_not_register(client, city, who):
    client.force_login(getattr(city, who))
    assert client.get(INTAKE).status_code == 403
    assert client.post(INTAKE, _intake_data(city)).status_code == 403
    assert not Appeal.objects.exists()


def test_the_duplicate_panel_shows_similar_open_appeals_of_the_same_enterprise(client, city, flow):
    # Appeals the clerk may see (the hotline registered them); another unit's are never
    # offered (test_scope_leaks.py).
    earlier = flow.intake(title="新厂房用地规划许可办理受阻")
    unrelated = flow.intake(title="招工困难需要人社部门支持")
    other_enterprise = flow.intake(title="新厂房用地规划许可办理受阻", enterprise_id=city.other_enterprise.pk)
    client.force_login(city.clerk)
    response = client.post(
        reverse("appeals:intake_duplicates"),
        {"enterprise_id": city.enterprise.pk, "title": "新厂房规划许可办理受阻"},
        HTTP_HX_REQUEST="true",
    )
    page = html(response)
    assert earlier.code in page
    assert unrelated.code not in page
    assert other_enterprise.code not in page
    assert "确认为重复，关联到此诉求" in page


def test_intake_asks_about_a_possible_duplicate_before_registering_a_twin(client, city, flow):
    earlier = flow.intake(title="新厂房用地规划许可办理受阻")
    client.force_login(city.clerk)
    response = client.post(INTAKE, _intake_data(city))
    assert response.status_code == 200
    page = html(response)
    assert "请在下方确认是否重复" in page
    assert earlier.code in page
    assert Appeal.objects.count() == 1

    # Confirmed as a duplicate: registered, and linked to the earlier appeal at once.
    response = client.post(
        INTAKE, _intake_data(city, duplicate_of_id=earlier.pk, duplicates_seen=str(earlier.pk))
    )
    assert response.status_code == 302
    twin = Appeal.objects.exclude(pk=earlier.pk).get()
    assert twin.status == Status.MERGED
    assert twin.merged_into == earlier
    assert earlier.code in html(client.get(response["Location"]))


def test_intake_registers_a_new_appeal_when_told_it_is_not_a_duplicate(client, city, flow):
    earlier = flow.intake(title="新厂房用地规划许可办理受阻")
    client.force_login(city.clerk)
    response = client.post(INTAKE, _intake_data(city, duplicate_of_id="", duplicates_seen=str(earlier.pk)))
    assert response.status_code == 302
    new = Appeal.objects.exclude(pk=earlier.pk).get()
    assert new.status == Status.SUBMITTED
    assert new.merged_into is None


def test_the_enterprise_picker_finds_by_name_and_credit_code(client, city):
    client.force_login(city.clerk)
    url = reverse("appeals:intake_enterprises")
    page = html(client.get(url, {"enterprise_q": "精密"}, HTTP_HX_REQUEST="true"))
    assert city.enterprise.name in page and city.other_enterprise.name not in page
    page = html(
        client.get(url, {"enterprise_q": city.other_enterprise.credit_code[-8:]}, HTTP_HX_REQUEST="true")
    )
    assert city.other_enterprise.name in page and city.enterprise.name not in page


def test_the_enterprise_search_works_without_javascript(client, city):
    client.force_login(city.clerk)
    response = client.post(INTAKE, {"_search": "1", "enterprise_q": "商贸", "title": "已经输入的标题"})
    assert response.status_code == 200
    page = html(response)
    assert city.other_enterprise.name in page
    assert "已经输入的标题" in page
    assert "请选择企业" not in page  # a search is not a submission
    assert not Appeal.objects.exists()


def test_the_materials_checklist_follows_the_category(client, city):
    client.force_login(city.clerk)
    page = html(client.get(reverse("appeals:intake_materials"), {"category_id": city.category.pk}))
    for item in city.category.required_materials:
        assert item in page


# ---------------------------------------------------------------------------------------
# Triage
# ---------------------------------------------------------------------------------------


def test_the_hub_sees_the_triage_queue_with_the_suggested_lead_unit(client, city, flow):
    appeal = flow.to(Status.SUBMITTED)
    client.force_login(city.hub)
    response = client.get(TRIAGE)
    assert response.status_code == 200
    page = html(response)
    assert appeal.code in page
    assert "市工业和信息化局" in page  # seeds/000 一(一): industrial operations → 工信局
    assert "按建议分办" in page


@pytest.mark.parametrize("who", ["handler", "head", "clerk", "enterprise_user"])
def test_the_triage_queue_is_refused_to_others(client, city, who):
    client.force_login(getattr(city, who))
    assert client.get(TRIAGE).status_code == 403


def test_one_click_assignment_by_the_suggestion_returns_to_the_queue(client, city, flow):
    appeal = flow.to(Status.SUBMITTED)
    client.force_login(city.hub)
    response = client.post(
        move_url(appeal, "assign"),
        {"assign-expected_version": appeal.version, "assign-lead_unit_id": city.units.gxj.pk, "next": TRIAGE},
    )
    assert response.status_code == 302
    assert response["Location"] == TRIAGE
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED
    assert appeal.lead_unit == city.units.gxj


def test_overriding_the_suggestion_needs_a_reason(client, city, flow):
    appeal = flow.to(Status.SUBMITTED)
    client.force_login(city.hub)
    data = {
        "assign-expected_version": appeal.version,
        "assign-lead_unit_id": city.units.swj.pk,
        "assign-cooperating_unit_ids": [city.units.tcj.pk],
        "assign-handling_days": 10,
    }
    response = client.post(move_url(appeal, "assign"), data)
    assert response.status_code == 400
    assert "须说明理由" in html(response)
    data["assign-override_reason"] = "企业主营为商贸流通，属商务局职责"
    response = client.post(move_url(appeal, "assign"), data)
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.lead_unit == city.units.swj
    assert list(appeal.cooperations.values_list("unit_id", flat=True)) == [city.units.tcj.pk]
    assert appeal.handling_days == 10


def test_the_queue_shows_the_objection_and_offers_reassignment(client, city, flow):
    appeal = flow.to(Status.TRANSFER_REQUESTED)
    client.force_login(city.hub)
    page = html(client.get(TRIAGE, {"section": "transfer"}))
    assert appeal.code in page
    assert "该事项属于住建部门职责" in page
    assert move_url(appeal, "settle_transfer") in page


# ---------------------------------------------------------------------------------------
# Constant query counts
# ---------------------------------------------------------------------------------------


def _count_queries(client, url, params=None) -> int:
    # Warm up first: the first request of a session also loads the working-day calendar
    # into the process and stamps the session — one-off costs, not per-row ones. The clock
    # stands still meanwhile: on a loaded machine a minute could pass between the two, and
    # the idle-timeout stamp (one-minute resolution) would be saved again inside the count.
    with time_machine.travel(timezone.now(), tick=False):
        client.get(url, params or {})
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _assigned_appeals(flow, city, n):
    for i in range(n):
        a = flow.intake(title=f"诉求{i}", actor=city.hub)
        flow.move(a, "assign", city.hub, cooperating_unit_ids=[city.units.tcj.pk, city.units.glq.pk])


def test_the_workbench_costs_the_same_queries_for_5_or_50_appeals(
    client, city, flow, django_assert_max_num_queries
):
    client.force_login(city.hub)
    _assigned_appeals(flow, city, 5)
    small = _count_queries(client, WORKBENCH, {"per_page": 100})
    _assigned_appeals(flow, city, 45)
    large = _count_queries(client, WORKBENCH, {"per_page": 100})
    assert Appeal.objects.count() == 50
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(WORKBENCH, {"per_page": 100})


def test_the_detail_costs_the_same_queries_for_a_short_or_long_timeline(
    client, city, flow, django_assert_max_num_queries
):
    short = flow.to(Status.IN_PROGRESS)
    long = flow.to(Status.IN_PROGRESS)
    for i in range(30):
        flow.move(long, "add_progress", city.handler, note=f"第{i}次进展")
    flow.move(
        long, "add_evidence", city.handler, evidence_files=[pdf("纪要1.pdf"), pdf("纪要2.pdf", PDF + b"2")]
    )
    client.force_login(city.handler)
    n_short = _count_queries(client, detail_url(short))
    n_long = _count_queries(client, detail_url(long))
    assert n_short == n_long
    with django_assert_max_num_queries(n_short):
        client.get(detail_url(long))


# ---------------------------------------------------------------------------------------
# Home pages and messages
# ---------------------------------------------------------------------------------------


def test_the_handlers_home_counts_appeals_by_light_and_links_to_the_workbench(client, city, flow):
    today = timezone.localdate()
    a = flow.to(Status.IN_PROGRESS)
    _set_clock(a, due=today - timedelta(days=2), yellow_from=today - timedelta(days=5))
    flow.to(Status.ASSIGNED)
    client.force_login(city.handler)
    page = html(client.get(reverse("home")))
    # The unit's own figures: what it leads (led=1), not what it cooperates on or received.
    assert f"{WORKBENCH}?led=1&amp;light=red" in page
    assert 'data-count="red">1<' in page
    assert f"{WORKBENCH}?led=1&amp;status=assigned" in page


def test_the_outsiders_home_does_not_count_unit_as_appeals(client, city, flow):
    flow.to(Status.ASSIGNED)
    client.force_login(city.outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'data-count="assigned">0<' in html(response)


def test_my_messages_lists_only_mine_and_opening_marks_read(client, city):
    now = timezone.now()
    mine = Notification.objects.create(
        recipient=city.handler, kind="t", title="请签收新诉求", url="/appeals/", created_at=now
    )
    Notification.objects.create(recipient=city.outsider, kind="t", title="别人的消息", created_at=now)
    client.force_login(city.handler)
    page = html(client.get(reverse("notifications:list")))
    assert "请签收新诉求" in page and "别人的消息" not in page
    assert ">1<" in html(client.get(reverse("notifications:badge")))
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/appeals/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "zt-badge" not in html(client.get(reverse("notifications:badge")))


def test_opening_someone_elses_message_does_nothing(client, city):
    theirs = Notification.objects.create(
        recipient=city.outsider, kind="t", title="别人的消息", created_at=timezone.now()
    )
    client.force_login(city.handler)
    client.post(reverse("notifications:open", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_leader_sees_the_workbench_with_the_lead_unit_filter(client, city, flow):
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(city.leader)
    response = client.get(WORKBENCH)
    assert "lead_unit" in response.context["form"].fields
    assert appeal.code in html(response)
    client.force_login(city.handler)
    assert "lead_unit" not in client.get(WORKBENCH).context["form"].fields


def test_an_unknown_role_user_without_unit_sees_an_empty_workbench(client, city, flow):
    flow.to(Status.IN_PROGRESS)
    nobody = UserFactory(role=Role.HANDLER, unit=None)
    client.force_login(nobody)
    response = client.get(WORKBENCH)
    assert response.status_code == 200
    assert list(response.context["appeals"]) == []


# ---------------------------------------------------------------------------------------
# Follow-ups (issue 3): admin intake, uploader on the timeline
# ---------------------------------------------------------------------------------------


def test_an_administrator_registers_an_appeal_from_the_intake_form(client, city):
    admin = UserFactory(username="t_admin", role=Role.ADMIN, unit=city.units.root)
    client.force_login(admin)
    assert client.get(INTAKE).status_code == 200
    response = client.post(INTAKE, _intake_data(city))
    assert response.status_code == 302
    appeal = Appeal.objects.get(title="新厂房用地规划许可办理受阻")
    assert (appeal.received_by, appeal.received_unit) == (admin, city.units.root)
    assert f'href="{INTAKE}"' in html(client.get(WORKBENCH))  # the workbench offers the form too


def test_the_timeline_names_who_uploaded_each_file_at_no_extra_query_cost(client, city, flow):
    plain = flow.to(Status.IN_PROGRESS)
    filed = flow.to(Status.IN_PROGRESS)
    flow.move(filed, "add_evidence", city.handler, evidence_files=[pdf("会议纪要.pdf")])
    flow.move(filed, "add_evidence", city.head, evidence_files=[pdf("复函.pdf", PDF + b"2")])
    client.force_login(city.handler)
    page = html(client.get(detail_url(filed)))
    assert f"上传人：{city.handler.display_name}" in page
    assert f"上传人：{city.head.display_name}" in page
    assert _count_queries(client, detail_url(filed)) == _count_queries(client, detail_url(plain))
