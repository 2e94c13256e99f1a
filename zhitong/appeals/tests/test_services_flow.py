import pytest

from zhitong.appeals.choices import CloseReason, Status
from zhitong.appeals.models import Transition
from zhitong.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [s for s in Status.values])
def test_flow_reaches_every_state_through_the_services(flow, status):
    appeal = flow.to(status)
    appeal.refresh_from_db()
    assert appeal.status == status
    assert Transition.objects.filter(appeal=appeal).exists()


def test_a_full_journey_writes_a_transition_and_an_audit_event_per_move(flow, city):
    appeal = flow.to(Status.CLOSED)
    actions = list(Transition.objects.filter(appeal=appeal).values_list("action", flat=True))
    assert actions == ["intake", "assign", "sign", "resolve", "verify", "rate"]
    audited = list(
        AuditEvent.objects.filter(object_type="appeals.appeal", object_id=str(appeal.pk)).values_list(
            "action", flat=True
        )
    )
    assert audited == [f"appeal.{a}" for a in actions]
    assert appeal.close_reason == CloseReason.RATED
    assert appeal.version == 6
