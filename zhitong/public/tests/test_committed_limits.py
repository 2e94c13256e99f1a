"""Committed limits feed deadlines (seeds/003 五、六.1): a published catalog item of an
appeal's lead unit for its category gives the appeal its handling limit, in place of the
category's; the routing move records the limit and why."""

import pytest

from zhitong.appeals import deadlines
from zhitong.appeals.choices import Channel
from zhitong.appeals.models import Transition
from zhitong.public.choices import CommitmentStatus

from .conftest import make_item

pytestmark = pytest.mark.django_db


def _assign(flow, city, **kw):
    return flow.move(
        flow.intake(**kw), "assign", city.hub, lead_unit_id=city.units.gxj.pk, override_reason="测试"
    )


def test_a_published_commitment_of_the_lead_unit_sets_the_handling_limit(flow, city):
    make_item(city.units.gxj, category=city.category, committed=6, legal=20)
    appeal = _assign(flow, city)
    assert appeal.handling_days == 6
    base = (
        appeal.materials_completed_on
        or appeal.received_at.astimezone(deadlines.timezone.get_current_timezone()).date()
    )
    assert appeal.handling_due == deadlines.add_workdays(base, 6).date
    data = Transition.objects.get(appeal=appeal, action="assign").data
    assert data["handling_days"] == 6
    assert data["limit_basis"] == "commitment" and "市工业和信息化局" in data["limit_basis_detail"]


def test_without_a_commitment_the_category_limit_applies_and_says_so(flow, city):
    appeal = _assign(flow, city)
    assert appeal.handling_days == city.category.handling_days
    data = Transition.objects.get(appeal=appeal, action="assign").data
    assert data["limit_basis"] == "category" and data["limit_basis_detail"] == city.category.name


@pytest.mark.parametrize("status", [CommitmentStatus.DRAFT, CommitmentStatus.WITHDRAWN])
def test_a_draft_or_withdrawn_commitment_does_not_count(flow, city, status):
    make_item(city.units.gxj, category=city.category, committed=6, status=status)
    assert _assign(flow, city).handling_days == city.category.handling_days


def test_another_units_commitment_does_not_count(flow, city):
    make_item(city.units.swj, category=city.category, committed=6)
    assert _assign(flow, city).handling_days == city.category.handling_days


def test_a_commitment_for_another_category_does_not_count(flow, city):
    from zhitong.appeals.models import Category

    other = Category.objects.exclude(pk=city.category.pk).first()
    make_item(city.units.gxj, category=other, committed=6)
    assert _assign(flow, city).handling_days == city.category.handling_days


def test_the_shortest_of_several_published_commitments_counts(flow, city):
    make_item(city.units.gxj, category=city.category, committed=9)
    make_item(city.units.gxj, category=city.category, committed=4)
    assert _assign(flow, city).handling_days == 4


def test_a_commitment_equal_to_the_legal_limit_is_the_limit(flow, city):
    make_item(city.units.gxj, category=city.category, committed=12, legal=12)
    assert _assign(flow, city).handling_days == 12


def test_the_department_catalog_binds_its_sections(city):
    make_item(city.units.gxj, category=city.category, committed=5)
    limit = deadlines.handling_limit_for(
        category=city.category, channel=Channel.HOTLINE, lead_unit_id=city.units.gxj_section.pk
    )
    assert limit.days == 5


def test_the_hubs_explicit_limit_wins(flow, city):
    make_item(city.units.gxj, category=city.category, committed=6)
    appeal = flow.move(
        flow.intake(),
        "assign",
        city.hub,
        lead_unit_id=city.units.gxj.pk,
        override_reason="测试",
        handling_days=9,
    )
    assert appeal.handling_days == 9


def test_the_mayors_mailbox_keeps_its_seven_working_days(flow, city):
    # seeds/003 七: the mailbox's 7 working days are its own hard limit.
    make_item(city.units.gxj, category=city.category, committed=12, legal=20)
    assert _assign(flow, city, channel=Channel.MAYOR_MAILBOX).handling_days == 7


def test_the_timeline_shows_the_basis(flow, city, client):
    make_item(city.units.gxj, category=city.category, committed=6)
    appeal = _assign(flow, city)
    client.force_login(city.hub)
    body = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "时限依据" in body and "服务承诺" in body
