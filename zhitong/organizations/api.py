"""/api/v1/organizations: the unit tree and the service-window directory (read only)."""

from ninja import Router, Schema

from zhitong.core.errors import ErrorOut
from zhitong.core.fields import QUERY_TEXT_MAX, Id, Text

from . import selectors
from .access import require_government
from .choices import UnitKind

router = Router(tags=["organizations"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int


class UnitNode(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    children: list["UnitNode"] = []


UnitNode.model_rebuild()


class MemberOut(Schema):
    id: int
    username: str
    name: str
    role: str
    position: str


class UnitDetailOut(UnitOut):
    duties: str
    members: list[MemberOut]


class StaffOut(Schema):
    name: str
    position: str
    post: str
    duties: str
    phone: str


class WindowOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    unit_duties: str
    leader_name: str
    leader_position: str
    section_name: str
    phone: str
    address: str
    staff: list[StaffOut]


class WindowGroupOut(Schema):
    kind: str
    kind_label: str
    windows: list[WindowOut]


def _unit_ref(u) -> dict:
    return {"id": u.pk, "code": u.code, "name": u.name, "short_name": u.short_name, "kind": u.kind}


def _unit_out(u) -> dict:
    return {
        **_unit_ref(u),
        "kind_label": str(UnitKind(u.kind).label),
        "parent_id": u.parent_id,
        "depth": selectors.unit_depth(u),
    }


@router.get(
    "/units", response={200: list[UnitOut], 403: ErrorOut}, summary="All active units (flat, with parent ids)"
)
def list_units(request, kind: Text(20) | None = None):
    require_government(request.user)
    return [_unit_out(u) for u in selectors.unit_list(kind=kind)]


@router.get(
    "/units/tree", response={200: list[UnitNode], 403: ErrorOut}, summary="The organisation as a tree"
)
def unit_tree(request):
    require_government(request.user)

    def node(n):
        u = n["unit"]
        return {**_unit_ref(u), "children": [node(c) for c in n["children"]]}

    return [node(n) for n in selectors.unit_tree()]


@router.get(
    "/units/{unit_id}", response=UnitDetailOut, summary="One unit in the caller's scope, with its people"
)
def get_unit(request, unit_id: Id):
    unit = selectors.unit_get_for_user(user=request.auth, unit_id=unit_id)
    members = [
        {"id": m.pk, "username": m.username, "name": m.display_name, "role": m.role, "position": m.position}
        for m in selectors.user_list_for_unit(unit=unit)
    ]
    return {**_unit_out(unit), "duties": unit.duties, "members": members}


@router.get(
    "/windows", response=list[WindowGroupOut], summary="The public service-window directory (一键启动)"
)
def windows(request, q: Text(QUERY_TEXT_MAX) | None = None):
    return [
        {
            "kind": kind,
            "kind_label": str(label),
            "windows": [
                {
                    "unit_id": w.unit_id,
                    "unit_code": w.unit.code,
                    "unit_name": w.unit.name,
                    "unit_duties": w.unit.duties,
                    "leader_name": w.leader_name,
                    "leader_position": w.leader_position,
                    "section_name": w.section_name,
                    "phone": w.phone,
                    "address": w.address,
                    "staff": [
                        {
                            "name": s.name,
                            "position": s.position,
                            "post": s.post,
                            "duties": s.duties,
                            "phone": s.phone,
                        }
                        for s in w.staff.all()
                    ],
                }
                for w in ws
            ],
        }
        for kind, label, ws in selectors.service_window_directory(q=q)
    ]
