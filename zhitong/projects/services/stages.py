"""The stage moves of a project (`machines.STAGE`)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from zhitong.core.errors import InvalidInput

from ..machines import _ADVANCES, PREVIOUS, STAGE
from ..models import ProjectStageChange


def _check_day(project, on: date | None, today: date) -> date:
    if on is None:
        raise InvalidInput("请填写发生日期", field="on")
    if on > today:
        raise InvalidInput(f"发生日期不能晚于今天（{today:%Y-%m-%d}）", field="on")
    last = (
        ProjectStageChange.objects.filter(project=project)
        .order_by("-at", "-id")
        .values_list("on", flat=True)
        .first()
    )
    if last is not None and on < last:
        raise InvalidInput(f"发生日期不能早于上一阶段的日期（{last:%Y-%m-%d}）", field="on")
    return on


def project_advance(
    *, project_id: int, move: str, actor, on: date | None, note: str = "", expected_version=None, now=None
):
    """Move the project one stage on, reached on day `on` (not in the future, not before
    the previous stage's day)."""
    now = now or timezone.now()
    with STAGE.moving(
        pk=project_id, move=move, actor=actor, expected_version=expected_version, now=now
    ) as step:
        project = step.obj
        project.stage_since = _check_day(project, on, timezone.localdate(now))
        step.commit(fields=["stage_since"], note=note, data={"on": project.stage_since})
    return step.obj


def _register(name):
    @STAGE.service(name)
    def advance(*, project_id: int, actor, on=None, note: str = "", expected_version=None, now=None):
        return project_advance(
            project_id=project_id,
            move=name,
            actor=actor,
            on=on,
            note=note,
            expected_version=expected_version,
            now=now,
        )

    return advance


for _name, *_ in _ADVANCES:
    _register(_name)


@STAGE.service("step_back")
def project_step_back(*, project_id: int, actor, reason: str, expected_version=None, now=None):
    """Correct a wrongly recorded stage: back to the previous one, with a reason."""
    now = now or timezone.now()
    if not (reason or "").strip():
        raise InvalidInput("请填写理由", field="reason")
    with STAGE.moving(
        pk=project_id, move="step_back", actor=actor, expected_version=expected_version, now=now
    ) as step:
        project = step.obj
        project.stage_since = timezone.localdate(now)
        step.commit(
            fields=["stage_since"],
            to_status=PREVIOUS[project.stage],
            note=reason,
            data={"on": project.stage_since},
        )
    return step.obj
