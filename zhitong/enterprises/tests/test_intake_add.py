"""Adding an enterprise at intake (issue 9): whoever registers appeals may; the code's check
character is verified; a code already in the library offers that enterprise; the same or a
similar name is shown first; the new enterprise waits for the keepers' review, audited."""

import pytest

from zhitong.audit.models import AuditEvent
from zhitong.common.transitions import state_changes
from zhitong.core.errors import Forbidden, ServiceError
from zhitong.enterprises.choices import Industry, ReviewStatus
from zhitong.enterprises.selectors import enterprises_like, name_core, name_similarity
from zhitong.enterprises.services import (
    EnterpriseExists,
    SimilarEnterprises,
    enterprise_add_at_intake,
    normalize_credit_code,
)
from zhitong.enterprises.tests.factories import EnterpriseFactory, make_credit_code
from zhitong.organizations.choices import Role

pytestmark = pytest.mark.django_db

NEW_CODE = make_credit_code(777_001)


@pytest.fixture
def clerk(user_with_role, city):
    return user_with_role(Role.CLERK, unit=city.root, username="clerk_12345")


def add(actor, city, **kw):
    args = dict(
        actor=actor,
        credit_code=NEW_CODE,
        name="榕城新材料科技有限公司",
        industry=Industry.MANUFACTURING,
        location_id=city.unit_a.pk,
    )
    return enterprise_add_at_intake(**(args | kw))


def test_a_clerk_adds_an_enterprise_that_waits_for_review(clerk, city):
    e = add(clerk, city, address="甲区工业路8号", legal_representative="林一")
    e.refresh_from_db()
    assert (e.review_status, e.added_at_intake, e.added_by, e.is_active) == (
        ReviewStatus.PENDING,
        True,
        clerk,
        True,
    )
    assert (e.credit_code, e.location, e.address) == (NEW_CODE, city.unit_a, "甲区工业路8号")
    event = AuditEvent.objects.get(action="enterprise.add_at_intake")
    assert event.object_id == str(e.pk) and event.actor_id == clerk.pk
    assert event.after["review_status"] == "pending" and event.after["credit_code"] == NEW_CODE
    [row] = state_changes(e)
    assert (row.action, row.from_status, row.to_status, row.actor) == ("add_at_intake", "", "pending", clerk)


def test_the_code_is_taken_as_read_out_over_the_phone(clerk, city):
    spaced = " ".join([NEW_CODE[:4], NEW_CODE[4:10], NEW_CODE[10:]]).lower()
    assert normalize_credit_code(spaced) == NEW_CODE
    assert add(clerk, city, credit_code=spaced).credit_code == NEW_CODE


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (NEW_CODE[:-1] + ("0" if NEW_CODE[-1] != "0" else "1"), "校验码错误"),
        (NEW_CODE[:17], "应为18位"),
        ("", "不能为空"),
        ("91350100I00000001X", "不使用 I、O、S、V、Z"),
    ],
)
def test_a_code_with_a_wrong_check_character_is_refused_with_the_reason(clerk, city, code, reason):
    with pytest.raises(ServiceError) as exc:
        add(clerk, city, credit_code=code)
    assert exc.value.field == "credit_code" and reason in exc.value.message
    assert not AuditEvent.objects.filter(action="enterprise.add_at_intake").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"industry": "mining"}, "industry"),
        ({"location_id": None}, "location_id"),
        ({"location_id": 999_999}, "location_id"),
        ({"name": "名" * 201}, "name"),
        ({"legal_representative": "名" * 51}, "legal_representative"),
    ],
)
def test_bad_facts_are_refused_on_their_field(clerk, city, change, field):
    with pytest.raises(ServiceError) as exc:
        add(clerk, city, **change)
    assert exc.value.field == field


def test_a_location_that_is_no_county_or_park_is_refused(clerk, city):
    with pytest.raises(ServiceError) as exc:
        add(clerk, city, location_id=city.root.pk)
    assert exc.value.field == "location_id" and "不是县（市）区或园区" in exc.value.message


def test_a_code_already_in_the_library_offers_that_enterprise(clerk, city):
    with pytest.raises(EnterpriseExists) as exc:
        add(clerk, city, credit_code=city.enterprise_b.credit_code, name="完全不同的名字有限公司")
    err = exc.value
    assert (err.status, err.code, err.field) == (409, "enterprise_exists", "credit_code")
    assert err.enterprise == city.enterprise_b
    assert city.enterprise_b.name in err.message and "请直接选用" in err.message
    assert err.details == [
        {
            "field": "credit_code",
            "message": f"{city.enterprise_b.name}（{city.enterprise_b.credit_code}，{city.unit_b.name}）",
            "id": city.enterprise_b.pk,
        }
    ]


def test_a_deactivated_enterprise_with_the_code_is_named_not_offered_for_use(clerk, city):
    gone = EnterpriseFactory(name="已注销商贸有限公司", location=city.unit_b, is_active=False)
    with pytest.raises(EnterpriseExists) as exc:
        add(clerk, city, credit_code=gone.credit_code)
    assert "已注销或失效" in exc.value.message


def test_the_same_name_is_shown_first_and_added_once_seen(clerk, city):
    same = city.enterprise_b.name.replace("有限公司", "（有限公司）")  # punctuation aside, the same
    with pytest.raises(SimilarEnterprises) as exc:
        add(clerk, city, name=same)
    err = exc.value
    assert (err.status, err.code, err.field) == (409, "similar_enterprises", "name")
    assert [e.pk for e in err.enterprises] == [city.enterprise_b.pk]
    assert err.enterprises[0].same_name and "同名" in err.message
    assert [d["id"] for d in err.details] == [city.enterprise_b.pk]
    e = add(clerk, city, name=same, similar_seen=[city.enterprise_b.pk])
    assert e.pk != city.enterprise_b.pk and e.review_status == ReviewStatus.PENDING


def test_a_similar_name_not_yet_seen_is_asked_about_again(clerk, city):
    near = EnterpriseFactory(name="榕城新材料有限公司", location=city.unit_b)
    with pytest.raises(SimilarEnterprises) as exc:
        add(clerk, city, similar_seen=[city.enterprise_b.pk])  # seen: another one
    assert [e.pk for e in exc.value.enterprises] == [near.pk]
    assert not exc.value.enterprises[0].same_name and "名称相近" in exc.value.message


def test_names_that_only_share_an_industry_word_are_not_similar(clerk, city):
    EnterpriseFactory(name="闽江新材料贸易有限公司", location=city.unit_b)
    assert add(clerk, city, name="榕城精密模具制造有限公司").pk


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("福州市鑫达机械制造有限公司", "鑫达机械有限公司", True),  # typed without division
        ("榕城精密机械有限公司", "榕城精密机械制造有限公司", True),
        ("榕城精密机械（福州）有限公司", "榕城精密机械(福州)有限公司", True),
        ("福州鑫达机械有限公司", "福州华信机械有限公司", False),
        ("闽江商贸有限公司", "闽江物流有限公司", False),
    ],
)
def test_name_similarity(a, b, similar):
    assert (name_similarity(a, b) >= 0.45) is similar


def test_the_core_of_a_name_drops_the_organisation_form():
    assert name_core("榕城精密机械集团有限公司") == "榕城精密机械"
    assert name_core("华厂") == "华厂"  # one character would be left: kept whole


def test_inactive_enterprises_are_not_offered_as_similar(city):
    EnterpriseFactory(name="榕城新材料科技有限公司", location=city.unit_b, is_active=False)
    assert enterprises_like("榕城新材料科技有限公司") == []


@pytest.mark.parametrize("role", [Role.CLERK, Role.HANDLER, Role.UNIT_HEAD, Role.HUB, Role.ADMIN])
def test_every_role_that_registers_appeals_may_add(user_with_role, city, role):
    assert add(user_with_role(role), city).added_at_intake


@pytest.mark.parametrize("role", [Role.LEADER, Role.SUPERVISOR, Role.OVERSEER, Role.ENTERPRISE])
def test_roles_that_do_not_register_appeals_may_not_add(user_with_role, city, role):
    with pytest.raises(Forbidden):
        add(user_with_role(role), city)
    assert not AuditEvent.objects.filter(action="enterprise.add_at_intake").exists()
