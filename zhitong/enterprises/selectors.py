"""Reads for enterprises and their contacts, filtered by the user's data scope.

Who sees which enterprise (one rule, used by pages and the API alike):
- hub, supervisor, overseer, admin, city leaders: every enterprise (leaders need the
  whole city to coordinate across portfolios; what they may *do* is checked elsewhere);
- enterprise users: only their own enterprise;
- clerks, handlers and unit heads: enterprises located in their scope (their unit's
  subtree), enterprises that have an appeal led by, cooperated on by, or received by a
  unit in their scope, and enterprises whose 1+1+N team they belong to (butler or member);
- anyone else: none.
"""

import re
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from zhitong.core.errors import AccessDenied
from zhitong.core.phones import mask_phone  # noqa: F401  (re-exported)
from zhitong.core.scope import get_in_scope, scoped
from zhitong.core.text import IGNORED, bigrams, text_similarity
from zhitong.organizations.capabilities import (
    is_unit_staff,
    keeps_enterprise_library,
    sees_all_enterprises,
    sees_full_phones,
)
from zhitong.organizations.selectors import (
    NO_ROWS,
    county_supervision_root,
    outsider_scope_q,
    user_scope_unit_ids,
)

from .choices import ReviewStatus
from .models import SIZE_FLAGS, TAG_FLAGS, Contact, Enterprise, TeamMember, flag_labels

# Filter names shown in the list page and accepted by the API.
FLAGS = flag_labels(SIZE_FLAGS)
TAGS = flag_labels(TAG_FLAGS)


# Apps above this one widen a unit's enterprise scope through this hook (the arrow may not
# go up from here): each function takes the unit ids in scope and returns a Q on
# Enterprise. The appeals app registers "enterprises with an appeal led, cooperated on or
# received by one of these units" in its AppConfig.ready.
_UNIT_SCOPE_EXTENSIONS: list[Callable[[set[int]], Q]] = []


def register_unit_scope_extension(func: Callable[[set[int]], Q]) -> None:
    """Add `func(unit_ids) -> Q` to the enterprises a unit's staff see (idempotent)."""
    if func not in _UNIT_SCOPE_EXTENSIONS:
        _UNIT_SCOPE_EXTENSIONS.append(func)


def _team_q(user) -> Q:
    return Q(butler_id=user.pk) | Q(
        Exists(TeamMember.objects.filter(enterprise_id=OuterRef("pk"), user=user))
    )


def enterprise_scope_q(user) -> Q | None:
    """The Q an Enterprise queryset is filtered by for `user`; None = no restriction."""
    county = county_supervision_root(user)
    if sees_all_enterprises(user) and county is None:
        return None
    outsider = outsider_scope_q(user, enterprise_field="pk")
    if outsider is not None:
        return outsider
    # Unit staff, and a county's supervision office over its county's units (seeds/000 三).
    if is_unit_staff(user) or county is not None:
        ids = user_scope_unit_ids(user) or set()
        q = Q(location_id__in=ids) | _team_q(user)
        for extension in _UNIT_SCOPE_EXTENSIONS:
            q |= extension(ids)
        return q
    return NO_ROWS


def enterprise_list_for_user(
    *,
    user,
    q: str | None = None,
    location_id: int | None = None,
    industry: str | None = None,
    flag: str | None = None,
    tag: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Enterprise]:
    """Enterprises the user may see, optionally searched (name or credit code) and filtered.
    `location_id` includes the location's sub-units; `flag` / `tag` are keys of FLAGS / TAGS."""
    qs = scoped(Enterprise.objects.select_related("location", "butler"), enterprise_scope_q(user))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if q:
        q = q.strip()
        cond = Q(name__icontains=q)
        if re.fullmatch(r"[0-9A-Za-z]{4,18}", q):
            cond |= Q(credit_code__contains=q.upper())
        qs = qs.filter(cond)
    if location_id:
        from zhitong.organizations.models import Unit

        loc = Unit.objects.filter(pk=location_id).first()
        qs = qs.filter(location__path__startswith=loc.path) if loc else qs.none()
    if industry:
        qs = qs.filter(industry=industry)
    if flag in FLAGS:
        qs = qs.filter(**{flag: True})
    if tag in TAGS:
        qs = qs.filter(**{tag: True})
    return qs.order_by("name", "id")


def enterprise_get_for_user(*, user, enterprise_id: int) -> Enterprise:
    """One enterprise in the user's scope, or AccessDenied (same for missing and not yours)."""
    qs = Enterprise.objects.select_related("location", "butler", "butler__unit").prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "id")),
        Prefetch(
            "team",
            queryset=TeamMember.objects.select_related("unit", "user", "contact").order_by("role", "id"),
        ),
    )
    return get_in_scope(qs, enterprise_scope_q(user), enterprise_id)


def contact_get_for_user(*, user, contact_id: int) -> Contact:
    """A contact of an enterprise the user may see, or AccessDenied."""
    contact = Contact.objects.select_related("enterprise").filter(pk=contact_id).first()
    if contact is None:
        raise AccessDenied()
    enterprise_get_for_user(user=user, enterprise_id=contact.enterprise_id)
    return contact


def can_see_full_phone(user, enterprise: Enterprise) -> bool:
    """Whether the user needs an enterprise contact's full phone number
    (capabilities.sees_full_phones): its butler and 1+1+N team members (they call the
    enterprise), the hub (triage and routing), and the handlers / unit heads of units whose
    scope includes the enterprise. Overseers, supervisors, leaders, clerks and others see
    masked numbers only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    on_team = (
        enterprise.butler_id == user.pk
        or TeamMember.objects.filter(enterprise=enterprise, user=user).exists()
    )

    def in_scope() -> bool:
        return Enterprise.objects.filter(pk=enterprise.pk).filter(enterprise_scope_q(user)).exists()

    return sees_full_phones(user, on_team=on_team, in_scope=in_scope)


# ---------------------------------------------------------------------------------------
# Added at intake: the same enterprise under another spelling, and the keepers' queue
# ---------------------------------------------------------------------------------------

# The organisation form at the end of a name (《企业名称登记管理规定》: 行政区划 + 字号 + 行业
# + 组织形式) says nothing about which enterprise it is; longest first.
ORG_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "个人独资企业",
    "合伙企业",
    "有限公司",
    "集团公司",
    "分公司",
    "公司",
    "集团",
    "厂",
)
SIMILAR_NAME_SCORE = 0.45  # Dice over the names' bigrams from which a name is "similar"
SIMILAR_CANDIDATES = 5000  # names compared at most (those sharing a bigram with the new one)
PROBES = 20  # bigrams of the new name looked for


def name_key(name: str) -> str:
    """The name as written, without spaces and punctuation of either width, Latin letters
    upper-cased: "榕城精密机械（福州）有限公司" and "榕城精密机械(福州)有限公司" are the same name."""
    return "".join(c for c in (name or "").upper() if not c.isspace() and c not in IGNORED)


def name_core(name: str) -> str:
    """The name without its organisation form ("福州市鑫达机械制造有限公司" → "福州市鑫达机械制造").
    The administrative division in front stays: without a gazetteer "永辉超市" cannot be told
    from "福州市"; containment (below) finds "鑫达机械" inside "福州市鑫达机械制造" anyway."""
    core = name_key(name)
    stripped = True
    while stripped:
        stripped = False
        for form in ORG_FORMS:
            if core.endswith(form) and len(core) - len(form) >= 2:
                core, stripped = core[: -len(form)], True
                break
    return core


def name_similarity(a: str, b: str) -> float:
    """1 for the same name (name_key); else the Dice score of the cores' bigrams, at least
    0.8 when one core holds the other (a name typed without its division or industry)."""
    if name_key(a) == name_key(b):
        return 1.0
    x, y = name_core(a), name_core(b)
    score = text_similarity(x, y)
    if min(len(x), len(y)) >= 2 and (x in y or y in x):
        score = max(score, 0.8)
    return score


def enterprises_like(name: str, *, exclude_ids=(), limit: int = 5) -> list[Enterprise]:
    """Active enterprises whose name is the same as `name` or close to it (name_similarity
    of SIMILAR_NAME_SCORE or more), closest first; each carries `.similarity` (0..1) and
    `.same_name`. The names compared are those sharing a bigram with `name`'s core (one
    scan of the name column; the scores are computed here, portably). Like the intake
    picker it looks at the whole library — name, credit code and location are public
    registry facts — whoever asks."""
    core = name_core(name)
    probes = sorted(bigrams(core))[:PROBES]
    if not probes:
        return []
    cond = Q()
    for probe in probes:
        cond |= Q(name__icontains=probe)
    rows = (
        Enterprise.objects.filter(cond, is_active=True)
        .exclude(pk__in=list(exclude_ids))
        .values_list("pk", "name")[:SIMILAR_CANDIDATES]
    )
    scored = {pk: name_similarity(name, other) for pk, other in rows}
    close = {pk: score for pk, score in scored.items() if score >= SIMILAR_NAME_SCORE}
    found = list(Enterprise.objects.filter(pk__in=list(close)).select_related("location"))
    for e in found:
        e.similarity = round(close[e.pk], 3)
        e.same_name = close[e.pk] == 1.0
    found.sort(key=lambda e: (-e.similarity, e.name, e.pk))
    return found[:limit]


def enterprise_review_queue(*, user) -> QuerySet[Enterprise]:
    """The enterprises added at intake that wait for review, oldest first: the library's
    keepers' queue (capabilities.keeps_enterprise_library); nobody else's."""
    if not keeps_enterprise_library(user):
        return Enterprise.objects.none()
    return (
        Enterprise.objects.filter(review_status=ReviewStatus.PENDING)
        .select_related("location", "added_by", "added_by__unit")
        .order_by("created_at", "id")
    )
