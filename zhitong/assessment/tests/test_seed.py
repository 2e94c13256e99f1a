"""The default scoring schemes come back after a database flush (migration 0002 seeds them,
and a flush does not re-run it): a transactional test earlier in a worker must not leave the
next tests with no scheme to score by."""

import pytest
from django.core.management import call_command

from zhitong.assessment.apps import _reseed_if_empty
from zhitong.assessment.choices import Audience
from zhitong.assessment.models import Scheme


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_default_schemes_back():
    call_command("flush", interactive=False, verbosity=0)
    assert sorted(Scheme.objects.values_list("audience", "version")) == sorted(
        (a, 1) for a in Audience.values
    )


@pytest.mark.django_db
def test_the_hubs_versions_are_left_as_they_are():
    first = Scheme.objects.order_by("id").first()
    Scheme.objects.exclude(pk=first.pk).delete()
    _reseed_if_empty(sender=None)
    assert list(Scheme.objects.values_list("pk", flat=True)) == [first.pk]
