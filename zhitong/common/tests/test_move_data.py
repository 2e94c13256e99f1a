"""The kernel checks and types a move's data by its fields' kinds before any service runs
(`Machine.clean`, called by `dispatch`): the same for pages and the API, every object type."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhitong.appeals.machine import APPEAL
from zhitong.common.transitions import clean_version
from zhitong.coordination.machines.events import EVENT
from zhitong.coordination.machines.meetings import MEETING
from zhitong.core.errors import InvalidInput


def refused(machine, move, data, **kw) -> dict:
    with pytest.raises(InvalidInput) as exc:
        machine.clean(machine.moves[move], data, **kw)
    assert exc.value.status == 422
    return {d["field"]: d["message"] for d in exc.value.details}


def test_values_are_typed_by_kind_and_left_out_fields_get_their_empty_value():
    out = APPEAL.clean(APPEAL.moves["escalate"], {"unit_ids_to_coordinate": "3，5", "leader_id": "7"})
    assert out["unit_ids_to_coordinate"] == [3, 5]
    assert out["leader_id"] == 7
    assert out["project_name"] == "" and out["contact_mobile"] == ""
    assert APPEAL.clean(APPEAL.moves["request_extension"], {"new_due": "2025-10-08"})["new_due"] == date(
        2025, 10, 8
    )
    assert EVENT.clean(EVENT.moves["review"], {"proposals": {"12": "现场研究"}})["proposals"] == {
        12: "现场研究"
    }


def test_values_from_a_django_form_pass_unchanged():
    at = datetime(2025, 10, 20, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert EVENT.clean(EVENT.moves["reschedule"], {"scheduled_at": at, "place": ""}) == {
        "scheduled_at": at,
        "place": "",
    }
    upload = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4")
    assert MEETING.clean(MEETING.moves["minutes"], {"upload": upload})["upload"] is upload


def test_wrong_types_and_values_beyond_their_bounds_are_refused_naming_each_field():
    errors = refused(
        MEETING,
        "opinion",
        {
            "item_id": 2**63,
            "opinion": ["x"],
            "unit_ids": ["abc"],
            "due_workdays": 0,
            "due_date": "2026-02-30",
        },
    )
    assert errors == {
        "item_id": "不能大于9223372036854775807",
        "opinion": "应为文本",
        "unit_ids.0": "应为整数",
        "due_workdays": "不能小于1",
        "due_date": "应为有效日期（YYYY-MM-DD）",
    }
    assert refused(APPEAL, "escalate", {"contact_mobile": "1" * 21}) == {"contact_mobile": "不能超过20个字符"}
    assert refused(APPEAL, "add_progress", {"note": "x" * 5001}) == {"note": "不能超过5000个字符"}
    assert refused(APPEAL, "rate", {"rating": 6}) == {"rating": "不能大于5"}


def test_times_need_their_zone_and_dates_the_platforms_window():
    assert "时区" in refused(EVENT, "reschedule", {"scheduled_at": "2025-10-20T08:00:00"})["scheduled_at"]
    assert "2020-01-01" in refused(APPEAL, "request_extension", {"new_due": "1900-01-01"})["new_due"]


def test_a_file_field_takes_an_upload_not_text():
    assert "multipart" in refused(MEETING, "minutes", {"upload": "minutes.pdf"})["upload"]


def test_other_keys_are_ignored_for_a_whole_form_and_refused_for_the_api():
    data = {"note": "进展", "csrfmiddlewaretoken": "x", "rating": 5}
    assert APPEAL.clean(APPEAL.moves["add_progress"], data) == {"note": "进展"}
    assert refused(APPEAL, "add_progress", data, unknown="refuse") == {
        "csrfmiddlewaretoken": "不接受此字段",
        "rating": "不接受此字段",
    }


@pytest.mark.parametrize("value", ["abc", True, 1.5, -1, 2**63, [1]])
def test_a_version_that_is_no_whole_number_in_range_is_refused(value):
    with pytest.raises(InvalidInput):
        clean_version(value)


def test_a_version_may_come_as_text_from_a_form():
    assert clean_version("3") == 3 and clean_version("") is None and clean_version(None) is None
