"""The library's list and a project's page cost the same number of queries for a few rows
as for many (no N+1)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.projects.machines import STAGE
from zhitong.projects.tests.consultations import agreed_consultation

from .plib_world import make_project, plib  # noqa: F401

pytestmark = pytest.mark.django_db


def add_projects(plib, n, start):  # noqa: F811
    for i in range(start, start + n):
        leader = UserFactory(role=Role.LEADER, unit=plib.root, leader_level=LeaderLevel.VICE_MAYOR)
        make_project(
            f"XM-Q{i:03d}", owner=EnterpriseFactory(location=plib.unit_a), lead=plib.unit_a, leader=leader
        )


def test_the_list_costs_the_same_for_3_or_20_projects(client, plib, count_queries):  # noqa: F811
    client.force_login(plib.handler_a)
    add_projects(plib, 2, 0)
    few = count_queries(client, reverse("projects:list"))
    assert "XM-Q001" in count_queries.html
    add_projects(plib, 17, 10)
    many = count_queries(client, reverse("projects:list"))
    assert "XM-Q026" in count_queries.html
    assert many == few


def test_a_projects_page_costs_the_same_for_a_short_or_long_history(client, plib, count_queries):  # noqa: F811
    client.force_login(plib.hub)
    url = reverse("projects:detail", args=[plib.p_a.pk])
    STAGE.dispatch(pk=plib.p_a.pk, move="start_negotiation", actor=plib.hub, on=date(2026, 1, 5))
    agreed_consultation(plib.p_a, plib.hub)  # seeds/002: signing needs an agreed consultation
    for day, move in ((6, "sign"), (7, "start_approval"), (8, "start_construction"), (9, "complete")):
        STAGE.dispatch(pk=plib.p_a.pk, move=move, actor=plib.hub, on=date(2026, 1, day))
    # The same stage (each stage shows its own sections), a history twice as long.
    few = count_queries(client, url)
    today = timezone.localdate()
    for _ in range(2):
        STAGE.dispatch(pk=plib.p_a.pk, move="step_back", actor=plib.hub, reason="登记有误，更正")
        STAGE.dispatch(pk=plib.p_a.pk, move="complete", actor=plib.hub, on=today)
    many = count_queries(client, url)
    assert "竣工" in count_queries.html
    assert many == few
