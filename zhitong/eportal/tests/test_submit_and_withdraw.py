"""The enterprise submits, adds requested materials, withdraws; the hub calls back
(撤单质检). Every page and move with another enterprise's user and a pending contact."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhitong.appeals import services as appeal_services
from zhitong.appeals.choices import Channel, Status, WithdrawalCheck
from zhitong.appeals.enterprise_selectors import enterprise_appeal_counts
from zhitong.appeals.models import Appeal, AppealEvidence, Transition
from zhitong.appeals.selectors import appeal_concluded, concluded_q
from zhitong.eportal.choices import AccessStatus
from zhitong.eportal.models import ContactAccess
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _move(client, appeal, move, **data):
    """Post one move as the detail page's form does (fields prefixed by the move's name)."""
    appeal.refresh_from_db()
    payload = {f"{move}-{k}": v for k, v in data.items()}
    payload[f"{move}-expected_version"] = appeal.version
    return client.post(f"/appeals/{appeal.pk}/move/{move}/", payload)


def _submit(client, city, key="k1", **extra):
    data = {
        "category_id": city.category.pk,
        "title": "新厂房用电增容迟迟未批",
        "description": "企业新厂房需要增容至2000千伏安，申请已提交一个月。",
        "contact_name": "林晓",
        "contact_phone": "13912345678",
        "key": key,
        **extra,
    }
    return client.post("/e/appeals/new/", data)


@pytest.fixture
def pending(city):
    """A contact of the enterprise still waiting for its principal: no enterprise yet."""
    user = UserFactory(username="13911112222", role=Role.ENTERPRISE, unit=None, enterprise=None)
    ContactAccess.objects.create(user=user, enterprise=city.enterprise, status=AccessStatus.PENDING_PRINCIPAL)
    return user


def test_a_web_submission_enters_the_hubs_triage_once_however_often_it_is_clicked(city):
    client = _client(city.enterprise_user)
    assert client.get("/e/appeals/new/").status_code == 200
    first = _submit(client, city, attachments=[pdf("用电申请.pdf")])
    second = _submit(client, city, attachments=[pdf("用电申请.pdf")])  # the double click
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.WEB and appeal.status == Status.SUBMITTED
    assert appeal.enterprise_id == city.enterprise.pk
    assert appeal.received_unit_id == city.hub.unit_id  # the first inquiry is the hub's
    assert AppealEvidence.objects.filter(appeal=appeal).count() == 1
    hub = _client(city.hub)
    assert appeal.code in hub.get("/appeals/triage/").content.decode()
    # The enterprise reads it in its own words.
    page = client.get(first["Location"]).content.decode()
    assert "已受理" in page and "本企业" in page


def test_attachments_are_bounded_and_checked_before_anything_is_saved(city):
    client = _client(city.enterprise_user)
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    r = _submit(client, city, attachments=[fake])
    assert r.status_code == 400 and "不是允许的类型" in r.content.decode()
    r = _submit(client, city, key="k2", attachments=[pdf(f"{i}.pdf") for i in range(6)])
    assert r.status_code == 400
    assert not Appeal.objects.exists()


def test_only_an_attached_enterprise_contact_submits(city, pending):
    assert _client(pending).get("/e/appeals/new/").status_code == 302  # to its status page
    assert _submit(_client(pending), city).status_code == 302
    assert _client(city.handler).get("/e/appeals/new/").status_code == 403
    assert not Appeal.objects.exists()


def test_a_pending_contact_sees_none_of_its_enterprises_appeals(flow, city, pending):
    appeal = flow.to(Status.IN_PROGRESS)
    c = _client(pending)
    assert c.get(f"/appeals/{appeal.pk}/").status_code == 404
    assert appeal.code not in c.get("/appeals/").content.decode()
    assert _move(c, appeal, "withdraw", reason="x").status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS


def test_the_enterprise_adds_the_requested_materials_and_the_clock_starts(flow, city):
    appeal = flow.to(Status.MATERIALS_PENDING)
    assert appeal.handling_due is None
    other = _client(city.other_enterprise_user)
    note = "已补齐营业执照副本"
    assert (
        _move(other, appeal, "complete_materials", note=note, evidence_files=pdf("营业执照.pdf")).status_code
        == 404
    )
    r = _move(
        _client(city.enterprise_user),
        appeal,
        "complete_materials",
        note=note,
        evidence_files=pdf("营业执照.pdf"),
    )
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED and appeal.materials_complete
    assert appeal.materials_completed_on is not None
    row = Transition.objects.filter(appeal=appeal, action="complete_materials").get()
    assert AppealEvidence.objects.filter(transition=row).count() == 1


def test_withdrawal_then_a_voluntary_call_back(flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    ent = _client(city.enterprise_user)
    assert "撤回诉求" in ent.get(f"/appeals/{appeal.pk}/").content.decode()
    # Another enterprise's user cannot withdraw it.
    assert (
        _move(_client(city.other_enterprise_user), appeal, "withdraw", reason="不需要了").status_code == 404
    )
    r = _move(ent, appeal, "withdraw", reason="问题已自行解决")
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN and appeal.withdrawal_check == WithdrawalCheck.PENDING
    page = ent.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "已撤回" in page and "问题已自行解决" in page

    hub = _client(city.hub)
    listed = hub.get("/e/hub/withdrawals/").content.decode()
    assert appeal.code in listed
    detail = hub.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "回访：确认自愿撤回" in detail
    # Only the hub records the call.
    assert _move(_client(city.handler), appeal, "confirm_withdrawal", call_note="x").status_code in (403, 404)
    r = _move(hub, appeal, "confirm_withdrawal", call_note="电话回访林经理，确认自愿撤回")
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN and appeal.withdrawal_check == WithdrawalCheck.VOLUNTARY
    assert appeal.code not in hub.get("/e/hub/withdrawals/").content.decode()
    # Not 办结, anywhere: not concluded, not among the enterprise's closed appeals.
    assert not appeal_concluded(appeal)
    assert not Appeal.objects.filter(concluded_q(), pk=appeal.pk).exists()
    counts = enterprise_appeal_counts(user=city.enterprise_user)
    assert counts["closed"] == 0 and counts["open"] == 0 and counts["withdrawn"] == 1


def test_a_pressured_withdrawal_goes_back_to_the_unit_and_is_counted(flow, city):
    appeal = flow.to(Status.WITHDRAWN)
    due = appeal.handling_due
    appeal = appeal_services.appeal_move(
        appeal_id=appeal.pk, move="reopen_withdrawal", actor=city.hub, call_note="企业称承办人多次要求撤回"
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS and appeal.lead_unit_id == city.units.gxj.pk
    assert appeal.withdrawal_check == WithdrawalCheck.PRESSURED and appeal.pressured_withdrawals == 1
    assert appeal.handling_due == due  # pressure does not stop the clock
    timeline = _client(city.enterprise_user).get(f"/appeals/{appeal.pk}/").content.decode()
    assert "经平台回访，诉求恢复办理" in timeline
    assert "企业称承办人多次要求撤回" not in timeline  # the hub's record of the call is its own


def test_a_withdrawal_before_signing_goes_back_to_triage(flow, city):
    appeal = flow.to(Status.SUBMITTED)
    flow.move(appeal, "withdraw", city.enterprise_user, reason="已另行解决")
    appeal = flow.move(appeal, "reopen_withdrawal", city.hub, call_note="企业称被要求撤回")
    assert appeal.status == Status.SUBMITTED


def test_the_call_back_list_reads_the_same_number_of_queries_for_few_and_many(flow, city):
    hub = _client(city.hub)
    flow.to(Status.WITHDRAWN)
    hub.get("/e/hub/withdrawals/")  # warm: the session's first read
    with CaptureQueriesContext(connection) as few:
        assert hub.get("/e/hub/withdrawals/").status_code == 200
    for _ in range(3):
        flow.to(Status.WITHDRAWN)
    with CaptureQueriesContext(connection) as many:
        page = hub.get("/e/hub/withdrawals/").content.decode()
    assert page.count('data-label="编号"') == 4
    assert len(many) == len(few)


def test_the_contacts_pages_read_the_same_number_of_queries_for_few_and_many(city):
    hub = _client(city.hub)
    principal = city.enterprise_user
    ContactAccess.objects.create(
        user=principal, enterprise=city.enterprise, status=AccessStatus.APPROVED, is_principal=True
    )

    def add(n, enterprise):
        for _ in range(n):
            u = UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=None)
            status = (
                AccessStatus.PENDING_PRINCIPAL if enterprise == city.enterprise else AccessStatus.PENDING_HUB
            )
            ContactAccess.objects.create(user=u, enterprise=enterprise, status=status, is_principal=False)

    add(1, city.enterprise)
    add(1, city.other_enterprise)
    p = _client(principal)
    p.get("/e/contacts/"), hub.get("/e/hub/contacts/")  # warm: the sessions' first reads
    counts = {}
    for label in ("few", "many"):
        with CaptureQueriesContext(connection) as q1:
            assert p.get("/e/contacts/").status_code == 200
        with CaptureQueriesContext(connection) as q2:
            assert hub.get("/e/hub/contacts/").status_code == 200
        counts[label] = (len(q1), len(q2))
        add(3, city.enterprise)
        add(3, city.other_enterprise)
    assert counts["few"] == counts["many"]
