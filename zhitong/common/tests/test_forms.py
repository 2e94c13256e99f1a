"""The shared form base (common/forms.py): Chinese messages that say what is wrong, and
the edge checks every page form makes."""

from datetime import date

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from zhitong.common import forms as zt

TODAY = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


class Sample(zt.Form):
    title = forms.CharField(max_length=5)
    note = forms.CharField(required=False)
    day = zt.DateField(required=False)
    when = zt.DateTimeField(required=False)
    days = forms.IntegerField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("a", "甲"), ("b", "乙")])
    tags = zt.MultipleChoiceField(required=False, choices=[(c, c) for c in "abcdef"], max_items=3)
    company = forms.ChoiceField(choices=[("1", "甲公司")], error_messages={"required": "请选择企业"})


def errors(**data) -> dict:
    form = Sample({"title": "标题", "company": "1", **data})
    form.is_valid()
    return {k: list(v) for k, v in form.errors.items()}


def test_a_valid_form_has_no_errors():
    assert errors() == {}


def test_too_long_says_the_limit_and_the_length():
    assert errors(title="一二三四五六") == {"title": ["内容过长：最多 5 个字，当前 6 个字"]}


def test_a_text_without_its_own_limit_gets_the_text_column_limit():
    assert errors(note="字" * (zt.TEXT_MAX + 1)) == {
        "note": [f"内容过长：最多 {zt.TEXT_MAX} 个字，当前 {zt.TEXT_MAX + 1} 个字"]
    }
    assert Sample().fields["note"].widget.attrs["data-maxlength"] == str(zt.TEXT_MAX)


def test_a_limit_is_rendered_for_the_counter_not_as_maxlength():
    # maxlength makes the browser cut a paste silently; the page's counter (site.js) reads
    # data-maxlength and shows the overflow instead, and the form refuses it in words.
    html = str(Sample()["title"]) + str(Sample()["note"])
    assert 'data-maxlength="5"' in html and f'data-maxlength="{zt.TEXT_MAX}"' in html
    assert " maxlength=" not in html


def test_a_hidden_text_gets_no_counter():
    class WithHidden(zt.Form):
        token = forms.CharField(max_length=20, widget=forms.HiddenInput)

    html = str(WithHidden()["token"])
    assert "maxlength" not in html


def test_a_line_break_counts_once_and_is_stored_as_one():
    # A browser posts a textarea's line breaks as CRLF; the user and the counter see one.
    form = Sample({"title": "一二\r\n三四", "company": "1", "note": "甲\r\n乙"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "一二\n三四"  # five characters: within max_length=5
    assert form.cleaned_data["note"] == "甲\n乙"
    assert errors(title="一二\r\n三四五") == {"title": ["内容过长：最多 5 个字，当前 6 个字"]}


def test_line_breaks_in_a_query_dict_keep_every_value():
    from django.http import QueryDict

    data = QueryDict("tags=a&tags=b&title=x%0D%0Ay&company=1")
    form = Sample(data)
    assert form.data.getlist("tags") == ["a", "b"] and form.data["title"] == "x\ny"
    assert form.is_valid(), form.errors
    assert not data._mutable and data["title"] == "x\r\ny"  # the request's own data is left alone


def test_required_says_fill_in_or_choose():
    form = Sample({})
    assert form.errors["title"] == ["请填写此项"]
    # A message the form gave itself is kept.
    assert form.errors["company"] == ["请选择企业"]


@pytest.mark.parametrize("blank", ["   ", "\u3000\u3000", "\u200b", " \u200b\u3000 "])
def test_a_required_text_needs_something_visible(blank):
    assert errors(title=blank)["title"][0] in ("请填写此项", "请填写内容，不能只有空格")


@pytest.mark.parametrize("value", ["a\x00b", "\x07", "a\ud800"])
def test_control_characters_and_lone_surrogates_are_refused(value):
    assert errors(note=value) == {"note": ["内容含有不可见的控制字符，请删除后再提交"]}


def test_line_breaks_and_tabs_are_text():
    assert errors(note="第一行\r\n第二行\t完") == {}


def test_an_impossible_date_is_said_not_to_exist():
    assert errors(day="2026-02-30") == {"day": ["日期不存在：2026-02-30"]}
    assert errors(when="2026-02-30T09:00") == {"when": ["日期不存在：2026-02-30"]}


def test_a_date_that_is_not_a_date_says_how_to_write_it():
    assert errors(day="abc") == {"day": ["日期格式不正确，请按“年-月-日”填写，例如 2026-03-15"]}
    assert errors(when="明天") == {
        "when": ["时间格式不正确，请按“年-月-日 时:分”填写，例如 2026-03-15 09:30"]
    }


def test_dates_before_the_system_existed_or_far_ahead_are_refused():
    assert errors(day="1900-01-01") == {"day": ["日期不能早于 2020-01-01"]}
    assert errors(day="2019-12-31") == {"day": ["日期不能早于 2020-01-01"]}
    assert errors(day="2020-01-01") == {}
    assert errors(day="2031-03-16") == {}
    assert errors(day="2031-03-17") == {"day": ["日期不能晚于 2031-03-16"]}
    assert errors(when="9999-12-31T09:00") == {"when": ["日期不能晚于 2031-03-16"]}


def test_numbers_are_whole_and_fit_an_integer_column():
    assert errors(days="abc") == {"days": ["请输入整数"]}
    assert errors(days="9223372036854775808") == {"days": ["不能大于 2147483647"]}
    assert errors(days="-1") == {"days": ["不能小于 0"]}
    assert errors(days="²") == {"days": ["请输入整数"]}


def test_a_choice_not_offered_is_refused_without_echoing_it():
    assert errors(kind="<script>") == {"kind": ["所选的选项不可用，请重新选择"]}


def test_too_many_items_says_how_many():
    assert errors(tags=["a", "b", "c", "d"]) == {"tags": ["最多可选 3 项，当前选了 4 项"]}
    assert errors(tags=["a", "b", "c"]) == {}


def test_an_id_past_the_integer_range_is_not_a_choice_and_makes_no_query(db, django_assert_num_queries):
    from zhitong.organizations.models import Unit

    field = zt.harden(zt.ModelMultipleChoiceField(queryset=Unit.objects.all()))
    with django_assert_num_queries(0), pytest.raises(ValidationError) as exc:
        field.clean(["9223372036854775808"])
    assert exc.value.messages == ["所选的选项不可用，请重新选择"]


def test_a_model_choice_with_a_nul_byte_gets_our_message(db):
    from zhitong.organizations.models import Unit

    field = zt.harden(forms.ModelChoiceField(queryset=Unit.objects.all()))
    with pytest.raises(ValidationError) as exc:
        field.clean("1\x00")
    assert exc.value.messages == ["内容含有不可见的控制字符，请删除后再提交"]


def test_an_upload_over_the_limit_names_the_file_and_both_sizes(settings):
    settings.ZHITONG_EVIDENCE_MAX_BYTES = 1024 * 1024
    field = zt.harden(zt.MultipleFileField(required=False))
    big = SimpleUploadedFile("纪要.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        field.clean([big])
    assert exc.value.messages == ["文件“纪要.pdf”过大：最大 1.0MB，当前 3.0MB"]


def test_too_many_files_at_once_are_refused():
    field = zt.harden(zt.MultipleFileField(required=False, max_files=2))
    files = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1") for i in range(3)]
    with pytest.raises(ValidationError) as exc:
        field.clean(files)
    assert exc.value.messages == ["一次最多上传 2 个文件，当前 3 个"]


def test_the_messages_are_english_in_english():
    with translation.override("en"):
        assert errors(title="一二三四五六") == {"title": ["Too long: at most 5 characters, this has 6"]}
        assert errors(day="2026-02-30") == {"day": ["There is no such date: 2026-02-30"]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 7 ", 7), ("0", 0), ("2147483647", 2147483647), ("2147483648", None), ("²", None),
     ("１２", None), ("-1", None), ("abc", None), ("", None), (None, None), (["1"], None)],
)  # fmt: skip
def test_ids_from_query_strings_and_hidden_fields(value, expected):
    assert zt.id_or_none(value) == expected


def test_search_text_drops_control_characters_and_is_bounded():
    assert zt.search_text(" 榕城\x00精密 ") == "榕城精密"
    assert zt.search_text("x" * 1000) == "x" * 100
    assert zt.search_text(["list"]) == ""


def test_a_filter_form_drops_only_the_values_that_do_not_validate():
    class Filters(zt.Form):
        q = forms.CharField(required=False, max_length=10)
        day = zt.DateField(required=False)

    assert zt.clean_filters(Filters({"q": "消防", "day": "2026-02-30"})) == {"q": "消防"}
