"""The appeals pages at the edges of their forms (issue 8): what a refused value looks like
on the page, and that what the user typed is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal, AppealEvidence

from .conftest import PDF

pytestmark = pytest.mark.django_db

INTAKE = reverse("appeals:intake")


def move_url(appeal, name):
    return reverse("appeals:move", args=[appeal.pk, name])


def test_an_evidence_file_over_the_limit_is_refused_in_chinese_and_the_text_is_kept(
    client, city, flow, settings
):
    settings.ZHITONG_EVIDENCE_MAX_BYTES = 1024 * 1024
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(city.handler)
    big = SimpleUploadedFile("验收报告.pdf", PDF + b"0" * (2 * 1024 * 1024), content_type="application/pdf")
    response = client.post(
        move_url(appeal, "resolve"),
        {
            "resolve-expected_version": appeal.version,
            "resolve-resolution": "已协调消防部门完成备案，企业设备已进场。",
            "resolve-evidence_files": [big],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件“验收报告.pdf”过大：最大 1.0MB，当前 2.0MB" in page
    assert "已协调消防部门完成备案，企业设备已进场。" in page  # the rest of the form is kept
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS
    assert not AppealEvidence.objects.filter(appeal=appeal).exists()


def test_an_impossible_extension_date_says_so(client, city, flow):
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(city.handler)
    response = client.post(
        move_url(appeal, "request_extension"),
        {
            "request_extension-expected_version": appeal.version,
            "request_extension-new_due": "2026-02-30",
            "request_extension-reason": "需要补充现场勘验",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "日期不存在：2026-02-30" in page
    assert "需要补充现场勘验" in page


def test_a_version_that_is_not_a_number_is_refused_without_moving(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.handler)
    response = client.post(move_url(appeal, "sign"), {"sign-expected_version": "9223372036854775808"})
    assert response.status_code == 422  # the form again, with the field's message
    assert "页面版本号格式不正确，请刷新页面后重试" in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ASSIGNED


def test_a_next_that_is_not_a_path_is_ignored(client, city, flow):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.handler)
    response = client.post(move_url(appeal, "sign"), {"sign-expected_version": appeal.version, "next": "abc"})
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:detail", args=[appeal.pk])


def test_the_intake_form_says_how_long_a_title_may_be_and_keeps_the_rest(client, city):
    client.force_login(city.clerk)
    response = client.post(
        INTAKE,
        {
            "enterprise_id": city.enterprise.pk,
            "category_id": city.category.pk,
            "channel": "hotline",
            "title": "长" * 201,
            "description": "企业反映厂房消防验收迟迟未办结。",
            "received_at": "1900-01-01T09:00",
        },
    )
    page = response.content.decode()
    assert "内容过长：最多 200 个字，当前 201 个字" in page
    assert "日期不能早于 2020-01-01" in page
    assert "企业反映厂房消防验收迟迟未办结。" in page
    assert not Appeal.objects.exists()


def test_a_hand_edited_workbench_link_lists_as_if_the_bad_filter_were_not_set(client, city, flow):
    flow.to(Status.IN_PROGRESS)
    client.force_login(city.handler)
    response = client.get(
        reverse("appeals:workbench"),
        {"date_from": "2026-02-30", "category": "abc", "page": "9223372036854775808"},
    )
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 1
