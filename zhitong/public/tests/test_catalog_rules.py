"""seeds/003 六.1: the committed limit may be shorter than the legal one, never longer —
held by the table, the service (the API's and the import's path), the page form and the
import."""

import io

import pytest
from django.db import IntegrityError, transaction
from openpyxl import Workbook, load_workbook

from zhitong.core.errors import ConflictError, Forbidden, ServiceError
from zhitong.public import services
from zhitong.public.choices import CommitmentStatus
from zhitong.public.forms import CommitmentForm
from zhitong.public.models import CommitmentItem
from zhitong.public.spreadsheets import HEADERS, catalog_import, catalog_xlsx

from .conftest import make_item

pytestmark = pytest.mark.django_db


def test_the_table_refuses_a_committed_limit_over_the_legal_one(city):
    make_item(city.units.gxj, committed=20, legal=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_item(city.units.gxj, committed=21, legal=20)


def test_the_service_refuses_a_committed_limit_over_the_legal_one(city):
    with pytest.raises(ServiceError, match="不得超过法定时限") as exc:
        services.commitment_create(
            actor=city.handler, unit_id=city.units.gxj.pk, title="甲", legal_days=5, committed_days=6
        )
    assert exc.value.field == "committed_days"
    item = services.commitment_create(
        actor=city.handler, unit_id=city.units.gxj.pk, title="乙", legal_days=5, committed_days=5
    )
    assert item.status == CommitmentStatus.DRAFT


def test_the_page_form_refuses_a_committed_limit_over_the_legal_one(city):
    data = {"unit": city.units.gxj.pk, "title": "甲", "legal_days": 5, "committed_days": 6}
    form = CommitmentForm(data, units=[city.units.gxj], categories=[])
    assert not form.is_valid() and "不得超过法定时限" in form.errors["committed_days"][0]
    form = CommitmentForm(data | {"committed_days": 5}, units=[city.units.gxj], categories=[])
    assert form.is_valid(), form.errors


def test_unit_staff_keep_only_their_own_units_catalog(city):
    with pytest.raises(Forbidden):
        services.commitment_create(
            actor=city.outsider, unit_id=city.units.gxj.pk, title="甲", legal_days=5, committed_days=5
        )
    with pytest.raises(Forbidden):
        services.commitment_create(
            actor=city.enterprise_user, unit_id=city.units.gxj.pk, title="甲", legal_days=5, committed_days=5
        )
    assert services.commitment_create(
        actor=city.hub, unit_id=city.units.gxj.pk, title="甲", legal_days=5, committed_days=5
    ).pk


def test_a_published_item_is_not_edited_in_place(city):
    item = make_item(city.units.gxj)
    with pytest.raises(ConflictError, match="只能修改草稿"):
        services.commitment_update(
            actor=city.handler, item_id=item.pk, title="新", legal_days=5, committed_days=5
        )


def test_publish_withdraw_redraft_through_the_table(city):
    item = services.commitment_create(
        actor=city.handler, unit_id=city.units.gxj.pk, title="甲", legal_days=5, committed_days=3
    )
    item = services.commitment_publish(item_id=item.pk, actor=city.head, expected_version=1)
    assert item.status == CommitmentStatus.PUBLISHED and item.published_at
    with pytest.raises(ServiceError):
        services.commitment_withdraw(
            item_id=item.pk, actor=city.outsider, reason="不适用", expected_version=2
        )
    item = services.commitment_withdraw(
        item_id=item.pk, actor=city.handler, reason="不适用", expected_version=2
    )
    assert item.status == CommitmentStatus.WITHDRAWN
    item = services.commitment_redraft(item_id=item.pk, actor=city.hub, expected_version=3)
    assert item.status == CommitmentStatus.DRAFT


def _sheet(rows, headers=None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(headers or [h for _k, h, _w, _r in HEADERS])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _row(unit, title, legal, committed, category=""):
    return [unit.code, unit.name, title, category, legal, committed, "材料", "不收费", "程序", "依据"]


def test_the_import_refuses_the_whole_sheet_when_one_committed_limit_is_over_the_legal_one(city):
    gxj = city.units.gxj
    report = catalog_import(
        actor=city.handler, fileobj=_sheet([_row(gxj, "甲", 10, 8), _row(gxj, "乙", 10, 11)])
    )
    assert not report.ok
    assert report.errors == [(3, "承诺时限(工作日)", "承诺时限（11个工作日）不得超过法定时限（10个工作日）")]
    assert not CommitmentItem.objects.exists()


def test_the_import_refuses_another_units_rows(city):
    report = catalog_import(actor=city.handler, fileobj=_sheet([_row(city.units.swj, "甲", 10, 8)]))
    assert report.errors and report.errors[0][1] == "单位编码"
    assert not CommitmentItem.objects.exists()


def test_an_exported_sheet_imports_back_as_the_same_drafts(city):
    gxj = city.units.gxj
    report = catalog_import(
        actor=city.handler,
        fileobj=_sheet([_row(gxj, "甲", 10, 8, city.category.code), _row(gxj, "乙", 10, 10)]),
    )
    assert report.ok and report.created == 2
    content = catalog_xlsx(CommitmentItem.objects.order_by("title"), title="服务承诺事项")
    ws = load_workbook(io.BytesIO(content)).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(values) if r and r[0] == "单位编码*")
    assert [h.rstrip("*") for h in values[header_at]] == [h for _k, h, _w, _r in HEADERS]
    CommitmentItem.objects.filter(title="甲").update(committed_days=2)
    again = catalog_import(actor=city.handler, fileobj=io.BytesIO(content))
    assert again.ok and again.updated == 2 and again.created == 0
    assert CommitmentItem.objects.get(title="甲").committed_days == 8
    assert CommitmentItem.objects.get(title="甲").category == city.category


def test_the_import_names_a_missing_required_column(city):
    report = catalog_import(
        actor=city.handler, fileobj=_sheet([["GXJ", "甲"]], headers=["单位编码", "事项名称"])
    )
    assert "缺少必填列" in report.fatal
