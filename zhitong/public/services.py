"""Writes of the public side: catalog items (create, edit a draft, the moves) and policies."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, ServiceError
from zhitong.organizations.capabilities import keeps_policy_library
from zhitong.organizations.models import Unit

from .choices import CommitmentStatus, EnterpriseSize, PolicyTag
from .machine import COMMITMENT_ITEM, keeps_unit_catalog
from .models import CommitmentItem, Policy

ITEM_FIELDS = (
    "title",
    "category_id",
    "legal_days",
    "committed_days",
    "materials",
    "fees",
    "procedure",
    "basis",
)


def check_limits(*, legal_days, committed_days) -> None:
    """seeds/003 六.1: the committed limit may be shorter than the legal one, never longer.
    The one check of the form, the API and the import (the table's constraint backs it)."""
    for name, value, label in (
        ("legal_days", legal_days, "法定时限"),
        ("committed_days", committed_days, "承诺时限"),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
            raise ServiceError(f"{label}须为1至1000之间的工作日数", field=name)
    if committed_days > legal_days:
        raise ServiceError(
            f"承诺时限（{committed_days}个工作日）不得超过法定时限（{legal_days}个工作日）",
            code="committed_exceeds_legal",
            field="committed_days",
        )


def _category(category_id):
    from zhitong.appeals.models import Category

    if category_id in (None, ""):
        return None
    category = Category.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise ServiceError("诉求类别不存在", field="category_id")
    return category


def _clean(values: dict) -> dict:
    check_limits(legal_days=values["legal_days"], committed_days=values["committed_days"])
    title = (values.get("title") or "").strip()
    if not title:
        raise ServiceError("请填写事项名称", field="title")
    return {
        "title": title,
        "category": _category(values.get("category_id")),
        "legal_days": values["legal_days"],
        "committed_days": values["committed_days"],
        "materials": (values.get("materials") or "").strip(),
        "fees": (values.get("fees") or "").strip(),
        "procedure": (values.get("procedure") or "").strip(),
        "basis": (values.get("basis") or "").strip(),
    }


def _duplicate(unit_id: int, title: str, exclude: int | None = None) -> None:
    qs = CommitmentItem.objects.filter(unit_id=unit_id, title=title)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise ConflictError(f"本单位已有同名事项“{title}”", code="duplicate", field="title")


def commitment_create(*, actor, unit_id: int, now: datetime | None = None, **values) -> CommitmentItem:
    """A new draft item of `unit_id`'s catalog, by its staff or the hub."""
    now = now or timezone.now()
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise ServiceError("单位不存在", field="unit_id")
    if not keeps_unit_catalog(actor, unit.pk):
        raise Forbidden("只能维护本单位的服务承诺事项")
    data = _clean(values)
    with transaction.atomic():
        _duplicate(unit.pk, data["title"])
        try:
            with transaction.atomic():
                item = CommitmentItem.objects.create(unit=unit, created_by=actor, **data)
        except IntegrityError:
            raise ConflictError(f"本单位已有同名事项“{data['title']}”", code="duplicate", field="title")
        audit_record(
            action="commitment_item.create",
            obj=item,
            actor=actor,
            before={},
            after={"title": item.title, "legal_days": item.legal_days, "committed_days": item.committed_days},
            now=now,
        )
    return item


def commitment_update(
    *, actor, item_id: int, expected_version=None, now: datetime | None = None, **values
) -> CommitmentItem:
    """Edit a draft (a published item is withdrawn and redrafted first)."""
    now = now or timezone.now()
    data = _clean(values)
    with transaction.atomic():
        item = CommitmentItem.objects.select_for_update(of=("self",)).filter(pk=item_id).first()
        if item is None or not keeps_unit_catalog(actor, item.unit_id):
            raise AccessDenied()
        if expected_version is not None and int(expected_version) != item.version:
            raise ConflictError("该承诺事项已被他人更新，请刷新后重试", code="stale")
        if item.status != CommitmentStatus.DRAFT:
            raise ConflictError("只能修改草稿；已公布的事项请先撤回再重新编辑", code="not_draft")
        _duplicate(item.unit_id, data["title"], exclude=item.pk)
        before = {k: getattr(item, k) for k in ("title", "legal_days", "committed_days")}
        for k, v in data.items():
            setattr(item, k, v)
        item.version += 1
        item.save()
        audit_record(
            action="commitment_item.update",
            obj=item,
            actor=actor,
            before=before,
            after={k: getattr(item, k) for k in before},
            now=now,
        )
    return item


@COMMITMENT_ITEM.service("publish")
def commitment_publish(*, item_id: int, actor, expected_version=None, now=None) -> CommitmentItem:
    def apply(step):
        step.obj.published_at = step.now
        return ["published_at"]

    return COMMITMENT_ITEM.perform(
        pk=item_id, move="publish", actor=actor, expected_version=expected_version, now=now, apply=apply
    )


@COMMITMENT_ITEM.service("withdraw")
def commitment_withdraw(
    *, item_id: int, actor, reason: str, expected_version=None, now=None
) -> CommitmentItem:
    if not (reason or "").strip():
        raise ServiceError("请说明撤回理由", field="reason")
    return COMMITMENT_ITEM.perform(
        pk=item_id, move="withdraw", actor=actor, expected_version=expected_version, now=now, note=reason
    )


@COMMITMENT_ITEM.service("redraft")
def commitment_redraft(*, item_id: int, actor, expected_version=None, now=None) -> CommitmentItem:
    return COMMITMENT_ITEM.perform(
        pk=item_id, move="redraft", actor=actor, expected_version=expected_version, now=now
    )


# -- policies ----------------------------------------------------------------------------------


def _policy_values(values: dict) -> dict:
    from zhitong.enterprises.choices import Industry

    title = (values.get("title") or "").strip()
    summary = (values.get("summary") or "").strip()
    issuer = (values.get("issuer") or "").strip()
    if not title:
        raise ServiceError("请填写政策名称", field="title")
    if not issuer:
        raise ServiceError("请填写发布单位", field="issuer")
    if not summary:
        raise ServiceError("请填写政策要点", field="summary")
    issued_on, valid_until = values.get("issued_on"), values.get("valid_until")
    if not isinstance(issued_on, date):
        raise ServiceError("请填写发布日期", field="issued_on")
    if valid_until and valid_until < issued_on:
        raise ServiceError("有效期不得早于发布日期", field="valid_until")
    out = {
        "title": title,
        "issuer": issuer,
        "summary": summary,
        "issued_on": issued_on,
        "valid_until": valid_until,
    }
    for name, allowed in (
        ("industries", Industry.values),
        ("sizes", EnterpriseSize.values),
        ("tags", PolicyTag.values),
    ):
        chosen = list(dict.fromkeys(values.get(name) or []))
        wrong = [v for v in chosen if v not in allowed]
        if wrong:
            raise ServiceError(f"未知的选项：{'、'.join(map(str, wrong))}", field=name)
        out[name] = chosen
    link = (values.get("link") or "").strip()
    if link and not link.startswith(("https://", "http://")):
        raise ServiceError("原文链接须以 http:// 或 https:// 开头", field="link")
    out["link"] = link
    out["is_published"] = bool(values.get("is_published", True))
    return out


def policy_save(*, actor, policy_id: int | None = None, now: datetime | None = None, **values) -> Policy:
    """Create or edit a policy of the library; the hub keeps it (seeds/002 惠企政策宣传)."""
    if not keeps_policy_library(actor):
        raise Forbidden("惠企政策库由统筹协调专员维护")
    now = now or timezone.now()
    data = _policy_values(values)
    with transaction.atomic():
        if policy_id:
            policy = Policy.objects.select_for_update().filter(pk=policy_id).first()
            if policy is None:
                raise AccessDenied()
            before = {"title": policy.title, "is_published": policy.is_published}
            for k, v in data.items():
                setattr(policy, k, v)
            policy.save()
            action = "policy.update"
        else:
            policy = Policy.objects.create(**data)
            before, action = {}, "policy.create"
        audit_record(
            action=action,
            obj=policy,
            actor=actor,
            before=before,
            after={"title": policy.title, "is_published": policy.is_published},
            now=now,
        )
    return policy


from . import promises  # noqa: E402,F401  (the ledger's move services register with their table)
