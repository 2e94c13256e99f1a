"""Categories and routing rules come back after a database flush (they are seeded by a data
migration, which a flush does not re-run)."""

import importlib

import pytest
from django.core.management import call_command

from zhitong.appeals.apps import _reseed_if_empty
from zhitong.appeals.models import Category, RoutingRule

SEEDS = importlib.import_module("zhitong.appeals.migrations.0005_seed_categories_routing")


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_categories_and_routing_rules_back():
    call_command("flush", interactive=False, verbosity=0)
    assert sorted(Category.objects.values_list("code", flat=True)) == sorted(c[0] for c in SEEDS.CATEGORIES)
    assert sorted(RoutingRule.objects.values_list("name", flat=True)) == sorted(r[0] for r in SEEDS.RULES)


@pytest.mark.django_db
def test_a_populated_table_is_left_as_the_admin_made_it():
    Category.objects.filter(code="QT").delete()
    RoutingRule.objects.filter(use_enterprise_location=True).delete()
    _reseed_if_empty(sender=None)
    assert not Category.objects.filter(code="QT").exists()
    assert not RoutingRule.objects.filter(use_enterprise_location=True).exists()
