"""Butler coverage (项目管家全覆盖, seeds/002: 按照项目规模和类型配备项目管家，做到规模以上工业企业
和限额以上商贸流通企业"项目管家"全覆盖): which 规上/限上 enterprises and which major projects
(市重大项目、市重点项目) have no butler, in the user's scope.

Every count is the length of the list it links to: the summary and the list are filtered by
the same querysets, which start from the scoped selectors (enterprises.selectors,
projects.selectors)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.selectors import enterprise_list_for_user
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit

from .models import MemberRole, Project, ProjectLevel, ProjectMember
from .selectors import project_list_for_user

# The enterprises that must have a butler (seeds/002): 规上 (above_scale) and 限上 (above_quota).
SIZED = Q(above_scale=True) | Q(above_quota=True)
# An enterprise is covered while its butler's account is active.
ENTERPRISE_COVERED = Q(butler__isnull=False, butler__is_active=True)
# The major projects the report covers (SPEC: city major / key).
MAJOR_LEVELS = (ProjectLevel.CITY_MAJOR, ProjectLevel.KEY)


def _project_has_butler():
    return Exists(
        ProjectMember.objects.filter(
            project_id=OuterRef("pk"), role=MemberRole.BUTLER, until__isnull=True, user__is_active=True
        )
    )


def local_units() -> list[Unit]:
    """The counties and parks, in the order staff list them."""
    return list(
        Unit.objects.filter(kind__in=[UnitKind.COUNTY, UnitKind.PARK], is_active=True).order_by(
            "sort_order", "code"
        )
    )


def _under(unit: Unit | None, field: str) -> Q:
    return Q(**{f"{field}__path__startswith": unit.path}) if unit is not None else Q()


# -- enterprises --------------------------------------------------------------------------------


def sized_enterprises_for_user(*, user, location: Unit | None = None) -> QuerySet[Enterprise]:
    """The user's 规上/限上 enterprises (active), within `location` (a county or park) if given."""
    return enterprise_list_for_user(user=user).filter(SIZED).filter(_under(location, "location"))


def enterprises_without_butler(*, user, location: Unit | None = None) -> QuerySet[Enterprise]:
    return sized_enterprises_for_user(user=user, location=location).exclude(ENTERPRISE_COVERED)


# -- projects -----------------------------------------------------------------------------------


def major_projects_for_user(
    *, user, level: str | None = None, location: Unit | None = None
) -> QuerySet[Project]:
    levels = [level] if level in MAJOR_LEVELS else list(MAJOR_LEVELS)
    return project_list_for_user(user=user).filter(level__in=levels).filter(_under(location, "location"))


def projects_without_butler(
    *, user, level: str | None = None, location: Unit | None = None
) -> QuerySet[Project]:
    return major_projects_for_user(user=user, level=level, location=location).exclude(_project_has_butler())


# -- the summaries ------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    """One line of a summary: how many must have a butler, how many have none."""

    label: str
    key: str  # the filter value of the list this row links to ("" = all)
    total: int
    missing: int

    @property
    def covered(self) -> int:
        return self.total - self.missing

    @property
    def rate(self) -> str:
        return f"{self.covered * 100 / self.total:.1f}%" if self.total else "—"


def _by_local_unit(rows: list[tuple[str, bool]], units: list[Unit]) -> list[CoverageRow]:
    """rows: (location path, covered) → one CoverageRow per county/park with any, then a
    total line. A location outside every county and park is counted in the total only."""
    out = []
    for unit in units:
        mine = [covered for path, covered in rows if path.startswith(unit.path)]
        if mine:
            out.append(CoverageRow(unit.display_name, str(unit.pk), len(mine), mine.count(False)))
    all_covered = [covered for _path, covered in rows]
    out.append(CoverageRow("合计", "", len(all_covered), all_covered.count(False)))
    return out


def enterprise_coverage(*, user) -> list[CoverageRow]:
    qs = sized_enterprises_for_user(user=user).order_by()
    covered = set(qs.filter(ENTERPRISE_COVERED).values_list("pk", flat=True))
    rows = [(path, pk in covered) for pk, path in qs.values_list("pk", "location__path")]
    return _by_local_unit(rows, local_units())


def project_coverage(*, user) -> list[CoverageRow]:
    qs = major_projects_for_user(user=user).order_by().annotate(has_butler=_project_has_butler())
    values = list(qs.values_list("level", "has_butler"))
    out = []
    for level in MAJOR_LEVELS:
        mine = [has for lv, has in values if lv == level]
        out.append(CoverageRow(ProjectLevel(level).label, level, len(mine), mine.count(False)))
    out.append(CoverageRow("合计", "", len(values), [has for _lv, has in values].count(False)))
    return out
