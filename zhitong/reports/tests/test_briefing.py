"""The monthly briefing (.docx): its sections read back with python-docx, the charts (and the
document without them when the CJK font is missing), the page button and the command."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from docx import Document

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal
from zhitong.reports import briefing, charts
from zhitong.reports.briefing import Section, briefing_data, briefing_docx, register_section

URL = "/reports/briefing/"
SEPT = date(2025, 9, 1)


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _scene(flow, city):
    flow.to(Status.IN_PROGRESS)
    closed = flow.to(Status.CLOSED)
    late = flow.to(Status.RESOLVED)
    Appeal.objects.filter(pk=late.pk).update(resolved_on_time=False)
    # The open one's deadline far ahead: only `late` is overdue in September.
    Appeal.objects.exclude(pk=late.pk).update(clock_due=date(2025, 12, 31))
    return closed, late


def test_the_months_figures_count_received_concluded_and_overdue(flow, city):
    closed, late = _scene(flow, city)
    d = briefing_data(month=SEPT, today=date(2025, 9, 30))
    assert (d.received, d.concluded, d.overdue) == (3, 1, 1)
    (gxj,) = d.units
    assert (gxj.name, gxj.received, gxj.concluded, gxj.overdue) == (city.units.gxj.name, 3, 1, 1)
    assert d.categories == [(city.category.name, 3)]
    assert [a.pk for a in d.overdue_list] == [late.pk]


def test_the_briefing_reads_back_with_its_sections_tables_and_charts(flow, city):
    _closed, late = _scene(flow, city)
    doc = Document(io.BytesIO(briefing_docx(month=SEPT, today=date(2025, 9, 30))))
    text = _text(doc)
    assert "企业诉求办理工作简报" in text and "（2025年9月）" in text
    headings = [
        p.text for p in doc.paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")
    ]
    assert headings == [
        "一、总体情况",
        "二、分单位情况",
        "三、分类别情况",
        "四、协调会和面对面活动",
        "五、超期诉求清单",
        "六、考核排名",
    ]
    assert "全市共受理企业诉求3件，办结（经核验）1件" in text
    assert [c.text for c in doc.tables[0].rows[0].cells] == ["牵头单位", "受理", "办结", "超期"]
    assert [c.text for c in doc.tables[0].rows[1].cells] == [city.units.gxj.name, "3", "1", "1"]
    assert [c.text for c in doc.tables[1].rows[0].cells] == ["诉求类别", "受理件数"]
    overdue_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "编号")
    assert [c.text for c in overdue_table.rows[0].cells] == [
        "编号",
        "企业",
        "诉求",
        "牵头单位",
        "期限",
        "情况",
    ]
    assert overdue_table.rows[1].cells[0].text == late.code
    # 六、考核排名: the month's scorecard (assessment), live while the month is open.
    assert [c.text for c in doc.tables[-1].rows[0].cells] == ["类别", "排名", "单位", "得分", "预警"]
    assert "本月尚未结账" in text
    if charts.cjk_font_path():
        assert len(doc.inline_shapes) == 2  # by unit, by category


def test_without_the_cjk_font_the_briefing_keeps_its_tables_and_says_the_charts_are_missing(
    flow, city, monkeypatch
):
    _scene(flow, city)
    monkeypatch.setattr(charts, "cjk_font_path", lambda: None)
    assert charts.bar_png(["甲"], [("受理", [1])]) is None
    doc = Document(io.BytesIO(briefing_docx(month=SEPT, today=date(2025, 9, 30))))
    assert len(doc.inline_shapes) == 0
    assert "（图表未生成：服务器缺少中文字体或绘图组件，见下表。）" in _text(doc)
    assert len(doc.tables) == 4  # by unit, by category, overdue, ranking


@pytest.mark.skipif(charts.cjk_font_path() is None, reason="Noto Sans CJK is not installed (make browser)")
def test_a_chart_is_a_png_image():
    png = charts.bar_png(["市工信局", "市商务局"], [("受理", [3, 1]), ("超期", [1, 0])], title="分单位")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_section_can_be_added_after_another(monkeypatch, db):
    monkeypatch.setattr(briefing, "SECTIONS", list(briefing.SECTIONS))
    register_section("ranking", lambda d: Section("ranking", "三、成绩单排名", ["排名"]), after="units")
    assert [k for k, _b in briefing.SECTIONS][:3] == ["summary", "units", "ranking"]
    d = briefing_data(month=SEPT, today=date(2025, 9, 30))
    assert [s.key for s in briefing.briefing_sections(d)][2] == "ranking"


def test_the_page_button_downloads_the_briefing_for_those_who_read_it(client, people):
    city = people
    for user in (city.hub, city.leader, city.supervisor, city.overseer, city.mayor):
        client.force_login(user)
        r = client.get(URL, {"month": "2025-08"})
        assert r.status_code == 200, user
        assert "filename*=UTF-8''" in r["Content-Disposition"]
        assert "（2025年8月）" in _text(Document(io.BytesIO(r.content)))
    for user in (city.handler, city.head, city.outsider, city.enterprise_user):
        client.force_login(user)
        assert client.get(URL, {"month": "2025-08"}).status_code == 403, user
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_dashboard_shows_the_briefing_button_only_to_its_readers(client, city):
    client.force_login(city.hub)
    assert URL in client.get("/reports/dashboard/").content.decode()
    client.force_login(city.head)
    assert URL not in client.get("/reports/dashboard/").content.decode()


def test_the_command_writes_the_briefing(flow, city, tmp_path):
    _scene(flow, city)
    out = tmp_path / "briefing.docx"
    call_command("report", "briefing", "2025-09", "--out", str(out))
    assert "全市共受理企业诉求3件" in _text(Document(str(out)))
