"""The appeals tests' small city (its three named people: handler and head of unit A = 工信局,
outsider of unit B = 商务局) and `flow`, plus the public side's own data."""

import json

import pytest
from django.core.cache import caches

from zhitong.api.models import ApiToken
from zhitong.appeals.tests.conftest import (  # noqa: F401  (fixtures)
    START,
    _fresh_calendar_cache,
    _frozen_start,
    _media,
    city,
    flow,
)
from zhitong.organizations.models import ServiceWindow, WindowStaff
from zhitong.public.choices import CommitmentStatus
from zhitong.public.models import CommitmentItem


@pytest.fixture(autouse=True)
def _fresh_throttle():
    caches["public_throttle"].clear()
    yield
    caches["public_throttle"].clear()


def make_item(unit, *, category=None, committed=10, legal=20, status=CommitmentStatus.PUBLISHED, title=None):
    return CommitmentItem.objects.create(
        unit=unit,
        title=title or f"{unit.name}承诺事项{CommitmentItem.objects.count() + 1}",
        category=category,
        legal_days=legal,
        committed_days=committed,
        materials="营业执照副本\n申请表",
        fees="不收费",
        procedure="受理—审查—决定",
        basis="《优化营商环境条例》",
        status=status,
    )


@pytest.fixture
def window(city):  # noqa: F811  (the fixture imported above)
    w = ServiceWindow.objects.create(
        unit=city.units.gxj,
        leader_name="王建国",
        leader_position="副局长",
        section_name="企业服务科",
        phone="0591-87654321",
        address="榕城市政务中心三楼",
        hours="工作日 8:30—17:30",
    )
    WindowStaff.objects.create(
        window=w, name="李小红", position="科员", post="窗口受理", duties="受理企业诉求", phone="13912345678"
    )
    return w


@pytest.fixture
def api(client):
    def call(user, method, path, body=None, **kw):
        extra = {}
        if user is not None:
            _, raw = ApiToken.issue(user=user, name="测试")
            extra["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        fn = getattr(client, method)
        if body is not None:
            return fn(
                f"/api/v1/public{path}", data=json.dumps(body), content_type="application/json", **extra
            )
        return fn(f"/api/v1/public{path}", **kw, **extra)

    return call
