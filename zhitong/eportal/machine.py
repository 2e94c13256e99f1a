"""The table of an enterprise contact's access (issue 12).

Who approves a new contact: the enterprise's principal contact, when it has one; when it has
none, the first contact applies as its principal and the hub confirms it — a safer rule than
"the first to sign up becomes principal": anybody holding a mobile phone and a public credit
code could otherwise take an enterprise's door (and approve everyone after them). The hub
checks the person against the library's contacts or by phone before confirming.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhitong.common.transitions import Field, Machine, move, record_state_change
from zhitong.organizations.capabilities import is_enterprise_user, is_hub

from .choices import AccessStatus
from .models import ContactAccess

PRINCIPAL = "principal"  # the approved principal contact of the same enterprise
HUB = "hub"


def is_principal_of(user, enterprise_id) -> bool:
    """Is `user` the approved principal contact of the enterprise (one query at most)?"""
    if not is_enterprise_user(user) or not user.enterprise_id or user.enterprise_id != enterprise_id:
        return False
    # Remembered on the user object for the request: a page of many contacts asks once.
    cache = user.__dict__.setdefault("_zt_principal_of", {})
    if enterprise_id not in cache:
        cache[enterprise_id] = ContactAccess.objects.filter(
            user_id=user.pk, enterprise_id=enterprise_id, is_principal=True, status=AccessStatus.APPROVED
        ).exists()
    return cache[enterprise_id]


def _relations(user, access) -> set[str]:
    rel = set()
    if is_hub(user):
        rel.add(HUB)
    if access.user_id != user.pk and is_principal_of(user, access.enterprise_id):
        rel.add(PRINCIPAL)
    return rel


A = AccessStatus
CONTACT = Machine(
    kind="contact_access",
    model=ContactAccess,
    noun="企业联系人",
    states=AccessStatus,
    fields=[
        Field("note", _("说明"), "textarea", required=False),
        Field("reason", _("理由"), "textarea"),
    ],
    moves=[
        move(
            "approve",
            _("同意开通"),
            {A.PENDING_PRINCIPAL},
            A.APPROVED,
            {PRINCIPAL},
            ("note",),
            description="企业负责人确认该联系人为本企业人员",
            style="primary",
        ),
        move(
            "reject",
            _("不同意"),
            {A.PENDING_PRINCIPAL},
            A.REJECTED,
            {PRINCIPAL},
            ("reason",),
            needs_reason=True,
            style="secondary",
        ),
        move(
            "confirm_principal",
            _("确认为企业负责人"),
            {A.PENDING_HUB},
            A.APPROVED,
            {HUB},
            ("note",),
            description="核对企业库联系人或电话核实后，确认其为该企业的负责联系人",
            style="primary",
        ),
        move(
            "refuse_principal",
            _("不予确认"),
            {A.PENDING_HUB},
            A.REJECTED,
            {HUB},
            ("reason",),
            needs_reason=True,
            style="secondary",
        ),
        move(
            "revoke",
            _("停用"),
            {A.APPROVED},
            A.REJECTED,
            {PRINCIPAL, HUB},
            ("reason",),
            needs_reason=True,
            description="该联系人不再代表本企业：账号不再能查看本企业的诉求",
            style="secondary",
        ),
    ],
    relations=_relations,
    relation_labels={PRINCIPAL: "企业负责人", HUB: "统筹协调专员"},
    audited=("is_principal", "decided_by_id", "decided_at"),
    history=record_state_change,
    since_field="state_since",
    stale_message="该联系人已被他人处理，请刷新后重试",
    initial=(A.PENDING_PRINCIPAL, A.PENDING_HUB),
    pk_arg="access_id",
)
