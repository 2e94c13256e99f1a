"""Routing suggestions for many appeals at once: the triage queue reads the rules once per
page, whatever mix of categories, industries and locations its rows have."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhitong.appeals import selectors
from zhitong.appeals.models import Appeal, Category
from zhitong.appeals.routing import routing_suggestions, suggest_lead_unit, suggest_lead_units
from zhitong.enterprises.choices import Industry
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

TRIAGE = reverse("appeals:triage")
INDUSTRIES = [Industry.MANUFACTURING, Industry.TRADE, Industry.IT, Industry.SERVICES, Industry.LOGISTICS]
CATEGORIES = ["SCJY", "ZSXM", "QT", "JSGZ", "FWY"]


def _varied_appeals(flow, city, n, *, start=0):
    """n submitted appeals, each of an enterprise in its own district, so no two rows share
    a (category, industry, location)."""
    categories = {c.code: c for c in Category.objects.filter(code__in=CATEGORIES)}
    for i in range(start, start + n):
        district = UnitFactory(
            code=f"T{i:03d}", name=f"测试区{i}", kind=UnitKind.COUNTY, parent=city.units.root
        )
        enterprise = EnterpriseFactory(industry=INDUSTRIES[i % len(INDUSTRIES)], location=district)
        flow.intake(
            enterprise_id=enterprise.pk,
            title=f"诉求{i}",
            category_id=categories[CATEGORIES[i % len(CATEGORIES)]].pk,
        )


def _queue(city):
    return list(selectors.triage_queue(user=city.hub))


def test_the_batch_gives_each_appeal_what_the_single_lookup_gives(flow, city):
    _varied_appeals(flow, city, 10)
    appeals = _queue(city)
    units = suggest_lead_units(appeals)
    suggestions = routing_suggestions(appeals)
    assert set(units) == {a.pk for a in appeals}
    for appeal in appeals:
        single = suggest_lead_unit(category=appeal.category, enterprise=appeal.enterprise)
        assert units[appeal.pk] == (single.unit if single else None)
        assert suggestions[appeal.pk] == single
    by_code = {a.title: units[a.pk] for a in appeals}
    assert by_code["诉求0"] == city.units.gxj  # manufacturing, production → 工信局 (seeds/000 一(一))
    assert by_code["诉求1"] == city.units.tcj  # investment project → 投促局
    assert by_code["诉求2"].code == "T002"  # "other": the enterprise's own district


def test_the_batch_reads_the_rules_once_however_many_appeals(flow, city, django_assert_num_queries):
    _varied_appeals(flow, city, 12)
    appeals = _queue(city)
    with django_assert_num_queries(2):  # the rules, then their units
        units = suggest_lead_units(appeals)
    assert len(units) == 12


def _count(client):
    client.get(TRIAGE)  # warm-up: the calendar snapshot and the session are one-off costs
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(TRIAGE)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_triage_queue_costs_the_same_queries_for_5_or_30_varied_rows(client, flow, city):
    client.force_login(city.hub)
    _varied_appeals(flow, city, 5)
    small, _ = _count(client)
    _varied_appeals(flow, city, 25, start=5)
    large, response = _count(client)
    assert Appeal.objects.count() == 30 and len(response.context["rows"]) == 30
    assert small == large
