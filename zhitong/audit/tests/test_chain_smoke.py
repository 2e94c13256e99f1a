import pytest

from zhitong.audit.models import AuditEvent
from zhitong.audit.services import GENESIS, audit_record


@pytest.mark.django_db
def test_events_link_to_their_predecessor():
    first = audit_record(action="test.one", object_type="x", object_id=1, after={"a": 1})
    second = audit_record(action="test.two", object_type="x", object_id=1, before={"a": 1}, after={"a": 2})
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert AuditEvent.objects.count() == 2
