"""Who may enter and edit a project in the library (the pages and the API ask the same
functions; reading is the selectors' scope).

- Enter a project (创建): the hub, and handlers / unit heads for a project led by a unit
  of their own scope (seeds/003 八: every department, county and park reports the project
  information it collects) — `capabilities.can_register_projects`.
- Edit a project's facts (编辑): the hub and the staff of its lead unit — the same two
  relations that move its stage (`machines.project_relations`, seeds/003 二(四): the lead
  unit is responsible for the project in each stage). The stage itself is never edited:
  it moves only through the stage table (`machines.STAGE`).
- Import and the import template: `capabilities.can_import_data` (the administrator and
  the hub, who keep the libraries).
"""

from __future__ import annotations

from zhitong.core.errors import Forbidden
from zhitong.organizations.capabilities import can_import_data, can_register_projects, is_hub
from zhitong.organizations.selectors import user_scope_unit_ids

from .machines import HUB, LEAD, project_relations


def can_create_project(user) -> bool:
    return can_register_projects(user)


def lead_units_allowed(user) -> set[int] | None:
    """The units `user` may name as a new project's lead unit: None = any (the hub)."""
    if is_hub(user):
        return None
    return user_scope_unit_ids(user) or set()


def require_create(user, lead_unit_id: int | None) -> None:
    if not can_create_project(user):
        raise Forbidden("只有统筹协调专员和牵头单位的承办人、负责人可以登记项目")
    allowed = lead_units_allowed(user)
    if allowed is not None and lead_unit_id not in allowed:
        raise Forbidden("只能登记由本单位（含下属单位）牵头的项目", field="lead_unit")


def can_edit_project(user, project) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(project_relations(user, project) & {HUB, LEAD})


def require_edit(user, project) -> None:
    if not can_edit_project(user, project):
        raise Forbidden("只有统筹协调专员和该项目牵头单位可以编辑项目信息")


def can_import_projects(user) -> bool:
    return can_import_data(user)


def require_import(user) -> None:
    if not can_import_projects(user):
        raise Forbidden("只有系统管理员和统筹协调专员可以批量导入")
