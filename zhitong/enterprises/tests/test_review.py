"""The keepers' review of enterprises added at intake (issue 9; machine.ENTERPRISE): the
queue, approve and correct, through the transition kernel — allowed for the hub and the
administrator, refused to everyone else — audited, on the pages and in their counts."""

import pytest
from django.urls import reverse

from zhitong.audit.models import AuditEvent
from zhitong.common.transitions import state_changes
from zhitong.core.errors import ConflictError, Forbidden, ServiceError
from zhitong.enterprises import services
from zhitong.enterprises.choices import Industry, ReviewStatus
from zhitong.enterprises.home import home_panels
from zhitong.enterprises.machine import ENTERPRISE
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.selectors import enterprise_review_queue
from zhitong.enterprises.tests.factories import make_credit_code
from zhitong.organizations.choices import Role

pytestmark = pytest.mark.django_db

QUEUE = reverse("enterprises:review")


@pytest.fixture
def people(city, user_with_role):
    return {
        "hub": user_with_role(Role.HUB, username="hub"),
        "admin": user_with_role(Role.ADMIN, username="admin"),
        "clerk": user_with_role(Role.CLERK, unit=city.unit_a, username="clerk"),
        "supervisor": user_with_role(Role.SUPERVISOR, username="supervisor"),
        "leader": user_with_role(Role.LEADER, username="leader"),
    }


@pytest.fixture
def pending(city, people):
    return services.enterprise_add_at_intake(
        actor=people["clerk"],
        credit_code=make_credit_code(555_001),
        name="甲区新锐光电有限公司",
        industry=Industry.IT,
        location_id=city.unit_a.pk,
    )


def move_url(e, name):
    return reverse("enterprises:move", args=[e.pk, name])


# -- the moves, through the kernel --------------------------------------------------------


@pytest.mark.parametrize("keeper", ["hub", "admin"])
def test_a_keeper_approves_an_enterprise_added_at_intake(people, pending, keeper):
    actor = people[keeper]
    e = services.enterprise_approve(
        enterprise_id=pending.pk, actor=actor, note="与公示系统一致", expected_version=pending.version
    )
    e.refresh_from_db()
    assert (e.review_status, e.reviewed_by, e.version) == (ReviewStatus.CONFIRMED, actor, pending.version + 1)
    assert e.reviewed_at is not None and e.added_at_intake
    event = AuditEvent.objects.get(action="enterprise.approve")
    assert event.before["review_status"] == "pending" and event.after["review_status"] == "confirmed"
    assert [r.action for r in state_changes(e)] == ["add_at_intake", "approve"]


@pytest.mark.parametrize("who", ["clerk", "supervisor", "leader"])
def test_others_may_not_review(people, pending, who):
    with pytest.raises(Forbidden):
        services.enterprise_approve(enterprise_id=pending.pk, actor=people[who])
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.PENDING


def test_an_enterprise_is_reviewed_once(people, pending):
    services.enterprise_approve(enterprise_id=pending.pk, actor=people["hub"])
    with pytest.raises(ConflictError) as exc:
        services.enterprise_approve(enterprise_id=pending.pk, actor=people["admin"])
    assert exc.value.code == "illegal_move"


def test_a_stale_version_is_refused(people, pending):
    with pytest.raises(ConflictError) as exc:
        services.enterprise_approve(enterprise_id=pending.pk, actor=people["hub"], expected_version=99)
    assert exc.value.code == "stale"


def test_a_keeper_corrects_what_was_typed_and_the_log_has_before_and_after(city, people, pending):
    code = make_credit_code(555_002)
    e = ENTERPRISE.dispatch(
        pk=pending.pk,
        move="correct",
        actor=people["hub"],
        expected_version=pending.version,
        name="甲区新锐光电科技有限公司",
        credit_code=code.lower(),
        industry="",  # empty: stays
        location_id=city.street_a.pk,
        note="按执照更正",
    )
    e.refresh_from_db()
    assert (e.name, e.credit_code, e.industry, e.location) == (
        "甲区新锐光电科技有限公司",
        code,
        Industry.IT,
        city.street_a,
    )
    assert e.review_status == ReviewStatus.CONFIRMED
    event = AuditEvent.objects.get(action="enterprise.correct")
    assert (
        event.before["name"] == "甲区新锐光电有限公司" and event.after["name"] == "甲区新锐光电科技有限公司"
    )
    assert event.after["credit_code"] == code and "industry" not in event.after


def test_a_correction_to_another_enterprises_code_names_it(city, people, pending):
    with pytest.raises(services.EnterpriseExists) as exc:
        services.enterprise_correct(
            enterprise_id=pending.pk, actor=people["hub"], credit_code=city.enterprise_b.credit_code
        )
    assert exc.value.enterprise == city.enterprise_b
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.PENDING


@pytest.mark.parametrize(
    ("change", "field"),
    [({"credit_code": "91350100000000000X"}, "credit_code"), ({"location_id": 999_999}, "location_id")],
)
def test_a_correction_breaking_a_rule_is_refused_and_nothing_changes(people, pending, change, field):
    with pytest.raises(ServiceError) as exc:
        services.enterprise_correct(enterprise_id=pending.pk, actor=people["hub"], **change)
    assert exc.value.field == field
    assert Enterprise.objects.get(pk=pending.pk).review_status == ReviewStatus.PENDING


def test_a_correction_that_changes_nothing_is_refused(people, pending):
    with pytest.raises(ServiceError) as exc:
        services.enterprise_correct(enterprise_id=pending.pk, actor=people["hub"], name=pending.name)
    assert exc.value.code == "nothing_changed"


# -- the queue and its counts -------------------------------------------------------------


def test_the_queue_lists_pending_enterprises_for_keepers_only(city, people, pending):
    assert list(enterprise_review_queue(user=people["hub"])) == [pending]
    assert list(enterprise_review_queue(user=people["clerk"])) == []
    services.enterprise_approve(enterprise_id=pending.pk, actor=people["hub"])
    assert list(enterprise_review_queue(user=people["admin"])) == []


def test_the_queue_page_shows_the_pending_enterprise_to_the_hub(client, people, pending):
    client.force_login(people["hub"])
    response = client.get(QUEUE)
    assert response.status_code == 200
    page = response.content.decode()
    assert pending.name in page and pending.credit_code in page
    assert people["clerk"].display_name in page
    assert move_url(pending, "approve") in page and move_url(pending, "correct") in page


@pytest.mark.parametrize("who", ["clerk", "supervisor", "leader"])
def test_the_queue_page_is_refused_to_others(client, people, pending, who):
    client.force_login(people[who])
    assert client.get(QUEUE).status_code == 403


def test_the_count_on_the_library_and_the_home_page_links_to_the_queue_and_equals_it(client, people, pending):
    client.force_login(people["hub"])
    page = client.get(reverse("enterprises:list")).content.decode()
    assert f'href="{QUEUE}"' in page and "待核实企业 1" in page
    [panel] = home_panels(people["hub"], today=None)
    [count] = panel.counts
    assert (count.value, count.url) == (1, QUEUE)
    listed = client.get(count.url).context["page_obj"].paginator.count
    assert listed == count.value == enterprise_review_queue(user=people["hub"]).count()
    assert client.get(reverse("home")).status_code == 200


def test_others_see_no_count_and_no_panel(client, people, pending):
    client.force_login(people["clerk"])
    assert f'href="{QUEUE}"' not in client.get(reverse("enterprises:list")).content.decode()
    assert home_panels(people["clerk"], today=None) == []


# -- the move pages ------------------------------------------------------------------------


def test_the_hub_approves_from_the_queue(client, people, pending):
    client.force_login(people["hub"])
    response = client.post(move_url(pending, "approve"), {"version": pending.version})
    assert response.status_code == 302 and response["Location"] == QUEUE
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.CONFIRMED


def test_the_clerk_may_not_approve_from_a_page(client, people, pending):
    client.force_login(people["clerk"])
    assert client.post(move_url(pending, "approve"), {"version": pending.version}).status_code == 403
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.PENDING


def test_an_approval_without_the_version_is_refused_in_chinese(client, people, pending):
    client.force_login(people["hub"])
    response = client.post(move_url(pending, "approve"), follow=True)
    assert "缺少页面版本号" in response.content.decode()
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.PENDING


def test_the_hub_corrects_on_its_page(client, city, people, pending):
    client.force_login(people["hub"])
    form = client.get(move_url(pending, "correct"))
    assert form.status_code == 200 and pending.credit_code in form.content.decode()
    data = {
        "credit_code": pending.credit_code,
        "name": "甲区新锐光电科技有限公司",
        "industry": Industry.IT,
        "location_id": city.unit_a.pk,
        "expected_version": pending.version,
    }
    response = client.post(move_url(pending, "correct"), data)
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.name, pending.review_status) == ("甲区新锐光电科技有限公司", ReviewStatus.CONFIRMED)


def test_a_correction_to_a_taken_code_stays_on_the_form_with_the_reason(client, city, people, pending):
    client.force_login(people["hub"])
    data = {
        "credit_code": city.enterprise_b.credit_code,
        "name": pending.name,
        "industry": Industry.IT,
        "location_id": city.unit_a.pk,
        "expected_version": pending.version,
    }
    response = client.post(move_url(pending, "correct"), data)
    assert response.status_code == 409
    assert city.enterprise_b.name in response.content.decode()
    assert Enterprise.objects.get(pk=pending.pk).review_status == ReviewStatus.PENDING


def test_the_clerk_may_not_open_or_post_the_correction(client, city, people, pending):
    client.force_login(people["clerk"])
    assert client.get(move_url(pending, "correct")).status_code == 403
    response = client.post(move_url(pending, "correct"), {"name": "x", "expected_version": 1})
    assert response.status_code == 403


def test_an_unknown_move_or_enterprise_is_404(client, people, pending):
    client.force_login(people["hub"])
    assert client.post(move_url(pending, "delete"), {"version": 1}).status_code == 404
    assert client.post(reverse("enterprises:move", args=[999_999, "approve"])).status_code == 404


def test_the_detail_page_says_it_waits_and_offers_the_keepers_moves(client, people, pending):
    client.force_login(people["hub"])
    page = client.get(reverse("enterprises:detail", args=[pending.pk])).content.decode()
    assert "登记诉求时新增，待核实" in page and move_url(pending, "approve") in page
    client.force_login(people["clerk"])
    page = client.get(reverse("enterprises:detail", args=[pending.pk])).content.decode()
    assert "登记诉求时新增，待核实" in page and move_url(pending, "approve") not in page
