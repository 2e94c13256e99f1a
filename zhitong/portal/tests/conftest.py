import itertools
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal, Category
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

_codes = itertools.count(1)


@pytest.fixture
def make_appeal(db):
    """make_appeal(status=…, clock_due=…, lead_unit=…, enterprise=…) → a stored Appeal.

    Writes the row directly (no services): the home pages only read the stored status and
    clock columns, and these tests are about what the pages count, not how appeals move."""
    clerk = UserFactory(role=Role.CLERK)
    category, _ = Category.objects.get_or_create(code="PORTAL-TEST", defaults={"name": "测试类别"})

    def make(*, status=Status.IN_PROGRESS, clock_due=None, yellow_from=None, **kw):
        n = next(_codes)
        if clock_due is not None and yellow_from is None:
            yellow_from = clock_due - timedelta(days=2)
        defaults = {
            "code": f"ZT-TEST-{n:06d}",
            "enterprise": kw.pop("enterprise", None) or EnterpriseFactory(),
            "title": f"测试诉求{n}",
            "description": "测试",
            "category": category,
            "channel": Channel.WEB,
            "received_at": timezone.now() - timedelta(days=20),
            "received_by": clerk,
            "received_unit": kw.pop("received_unit", None) or clerk.unit,
            "status": status,
            "clock_due": clock_due,
            "clock_yellow_from": yellow_from,
        }
        defaults.update(kw)
        return Appeal.objects.create(**defaults)

    return make


@pytest.fixture
def unit_a(db):
    return UnitFactory(name="甲局")


@pytest.fixture
def unit_b(db):
    return UnitFactory(name="乙局")


@pytest.fixture
def demo_organisation(db):
    """The demo city's units and logins (zhitong/demo/organizations.py) and its enterprises, so
    the `enterprise` login has its enterprise and butler; no appeals or projects."""
    import random

    from zhitong.demo import DemoContext
    from zhitong.demo import enterprises as enterprises_demo
    from zhitong.demo import organizations as organizations_demo

    now = timezone.now()
    ctx = DemoContext(
        today=timezone.localdate(now), now=now, rng=random.Random(20260101), log=lambda msg: None
    )
    organizations_demo.build(ctx)
    enterprises_demo.build(ctx)
    return ctx


@pytest.fixture(autouse=True)
def _fresh_audit_verify_status():
    """The admin home caches its audit-chain check per process; each test starts afresh."""
    from django.core.cache import cache

    from zhitong.portal.selectors import AUDIT_VERIFY_CACHE_KEY

    cache.delete(AUDIT_VERIFY_CACHE_KEY)
    yield
    cache.delete(AUDIT_VERIFY_CACHE_KEY)


@pytest.fixture
def english_city(db):
    """The English-speaking city of the English-mode tests (english_city.py)."""
    from .english_city import build_city

    return build_city()


@pytest.fixture
def english_story(english_city):
    """Its work through the real services, told from Monday 1 September 2025."""
    from .english_city import at, tell

    with time_machine.travel(at(2025, 9, 1), tick=True):
        return tell(english_city)
