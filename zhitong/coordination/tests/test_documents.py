"""The Annex 2 / Annex 3 workbooks: exactly the seed's columns, the month (and unit) in the title."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from zhitong.coordination import services
from zhitong.coordination.documents.annex import annex2_xlsx, annex3_xlsx
from zhitong.core.errors import ServiceError

from .conftest import PDF, at

pytestmark = pytest.mark.django_db


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_annex2_has_the_seed_columns_and_the_month_in_the_title():
    ws = sheet(
        annex2_xlsx(
            month=date(2026, 1, 1),
            rows=[[1, "项目", "情况", "问题", "鼓楼区", "陈副市长", "市工信局", "林经理 138"]],
        )
    )
    assert ws["A1"].value == "企业或重大项目需市政府协调解决问题申报表（2026年1月）"
    assert [c.value for c in ws[3]] == [
        "序号",
        "项目名称",
        "基本情况",
        "需要提请市里协调解决的问题",
        "需协调的县(市)区或市直单位",
        "分管市领导",
        "申报单位",
        "联系人及手机号码",
    ]
    assert [c.value for c in ws[4]][:2] == [1, "项目"]


def test_annex3_has_the_seed_columns_with_the_unit_and_month():
    ws = sheet(annex3_xlsx(month=date(2025, 9, 1), unit_name="市工业和信息化局", rows=[]))
    assert ws["A1"].value == "市领导召开“一企一议”协调会问题解决落实情况表（2025年9月）"
    assert ws["A2"].value == "单位名称：市工业和信息化局"
    assert [c.value for c in ws[3]] == [
        "序号",
        "项目名称",
        "基本情况",
        "需协调解决的问题",
        "召开协调会的时间",
        "召开协调会的领导",
        "协调意见",
        "协调意见落实情况",
        "是否已解决",
    ]


def test_minutes_over_the_size_limit_are_refused(city, settings):
    settings.ZHITONG_EVIDENCE_MAX_BYTES = 64
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    big = SimpleUploadedFile("纪要.pdf", PDF + b"0" * 100, content_type="application/pdf")
    with pytest.raises(ServiceError, match="上限"):
        services.meeting_upload_minutes(
            actor=city.hub, meeting_id=meeting.pk, upload=big, now=at(2025, 9, 1, 10)
        )
