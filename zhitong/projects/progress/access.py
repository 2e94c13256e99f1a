"""Who may write a project's progress records (reads are scoped by the project selectors:
whoever sees the project sees its progress, enterprise users aside).

- monthly and daily reports: the project secretary (项目秘书, a current team member; seeds/004
  枣阳: 项目秘书每天…报"帮你办") and the staff of the lead unit (seeds/003 九(二)(三): 由服务项目
  的牵头单位上报);
- commitments: the lead unit and the hub record them; the secretary also notes fulfilment;
  confirming fulfilment is the lead unit's or the hub's; corrections and cancellations are
  the hub's (commitment_machine.py).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from zhitong.core.errors import Forbidden
from zhitong.organizations.capabilities import is_enterprise_user, is_government_user

from ..machines import HUB, LEAD, project_relations
from ..models import MemberRole, Project, ProjectMember

SECRETARY = "secretary"
REPORTERS = frozenset({LEAD, SECRETARY})


def is_secretary(user, project: Project, today: date | None = None) -> bool:
    """A current project secretary of the project (team member in that role today)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    today = today or timezone.localdate()
    return (
        ProjectMember.objects.filter(project=project, role=MemberRole.SECRETARY, user=user, since__lte=today)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .exists()
    )


def progress_relations(user, project: Project) -> set[str]:
    """HUB / LEAD (the stage table's relations) and SECRETARY, computed once per user and
    project instance (a page asks it for every commitment of the project)."""
    cache = project.__dict__.setdefault("_progress_relations", {})
    key = getattr(user, "pk", None)
    if key not in cache:
        rel = set(project_relations(user, project))
        if is_government_user(user) and is_secretary(user, project):
            rel.add(SECRETARY)
        cache[key] = rel
    return cache[key]


def may_report(user, project: Project) -> bool:
    return bool(progress_relations(user, project) & REPORTERS)


def require_reporter(user, project: Project) -> None:
    if not may_report(user, project):
        raise Forbidden("只有项目秘书或牵头单位可以报送该项目的进展")


def may_record_commitments(user, project: Project) -> bool:
    return bool(progress_relations(user, project) & {LEAD, HUB})


def sees_progress(user) -> bool:
    """Government users read progress records of the projects they see; enterprise users do
    not (the reports and commitments are the government's working records)."""
    return is_government_user(user) and not is_enterprise_user(user)
