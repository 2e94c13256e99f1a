import pytest

from zhitong.audit.models import AuditEvent
from zhitong.core.errors import ConflictError, ServiceError
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit
from zhitong.organizations.services import leader_set_portfolio, service_window_save, unit_create, unit_update
from zhitong.organizations.tests.factories import UserFactory

from .org_fixtures import org_fixture  # noqa: F401  (provides the `org` fixture)

pytestmark = pytest.mark.django_db


def test_creating_a_unit_sets_its_path_and_is_audited(org):
    unit = unit_create(
        actor=org.head_a, code="A-JSGZ", name="技术改造科", kind=UnitKind.SECTION, parent=org.unit_a
    )
    assert unit.path == f"{org.unit_a.path}{unit.pk}/"
    assert AuditEvent.objects.filter(action="unit.create", object_id=str(unit.pk), actor=org.head_a).exists()


def test_a_duplicate_code_is_refused(org):
    with pytest.raises(ConflictError):
        unit_create(actor=None, code="A", name="又一个甲局", kind=UnitKind.DEPARTMENT)


def test_moving_a_unit_moves_its_subtree(org):
    unit_update(actor=None, unit=org.unit_a, parent=org.unit_b)
    org.section_a.refresh_from_db()
    assert org.section_a.path.startswith(Unit.objects.get(pk=org.unit_b.pk).path)
    event = AuditEvent.objects.get(action="unit.update")
    assert event.before == {"parent_id": org.root.pk} and event.after == {"parent_id": org.unit_b.pk}


def test_a_unit_cannot_move_under_its_own_subtree(org):
    with pytest.raises(ServiceError):
        unit_update(actor=None, unit=org.unit_a, parent=org.section_a)
    org.unit_a.refresh_from_db()
    assert org.unit_a.parent == org.root


def test_an_unchanged_update_writes_no_event(org):
    unit_update(actor=None, unit=org.unit_a, name=org.unit_a.name)
    assert not AuditEvent.objects.filter(action="unit.update").exists()


def test_saving_a_window_replaces_its_staff_and_records_before_and_after(org):
    staff = [{"name": "林晓燕", "position": "科长", "post": "", "duties": "受理", "phone": "0591-87650002"}]
    service_window_save(
        actor=None, unit=org.unit_a, leader_name="王建国", section_name="企业服务科", phone="1", staff=staff
    )
    w = service_window_save(
        actor=None,
        unit=org.unit_a,
        leader_name="王建国",
        section_name="企业服务科",
        phone="0591-87650001",
        staff=[{**staff[0], "name": "陈志明"}],
    )
    assert [s.name for s in w.staff.all()] == ["陈志明"]
    event = AuditEvent.objects.get(action="unit.window_save")
    assert event.before["staff"][0]["name"] == "林晓燕" and event.after["staff"][0]["name"] == "陈志明"


def test_a_window_needs_a_leader_a_section_and_a_phone(org):
    with pytest.raises(ServiceError):
        service_window_save(actor=None, unit=org.unit_a, leader_name="", section_name="企业服务科", phone="1")


def test_only_leaders_get_a_portfolio(org):
    leader = UserFactory(role=Role.LEADER, unit=org.root)
    leader_set_portfolio(actor=None, leader=leader, units=[org.unit_a, org.unit_b])
    assert set(leader.portfolio.values_list("code", flat=True)) == {"A", "B"}
    with pytest.raises(ServiceError):
        leader_set_portfolio(actor=None, leader=org.handler_a, units=[org.unit_a])
