from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhitong.core.crypto import BlindIndexField, EncryptedCharField
from zhitong.core.models import TimeStampedModel
from zhitong.core.search import SearchDocumentField

from .choices import (
    OPEN_STATUSES,
    Channel,
    CloseReason,
    ExemptionStatus,
    Rating,
    Status,
    Tier,
    WithdrawalCheck,
)


class Category(models.Model):
    """An appeal category with its time limits in working days. `legal_limit_days` is the
    statutory ceiling that no extension may pass (seeds/003 六.3)."""

    code = models.CharField(_("类别编码"), max_length=32, unique=True)
    name = models.CharField(_("类别名称"), max_length=50)
    handling_days = models.PositiveIntegerField(_("承诺办理时限(工作日)"), null=True, blank=True)
    legal_limit_days = models.PositiveIntegerField(_("法定时限(工作日)"), null=True, blank=True)
    required_materials = models.JSONField(_("所需材料"), default=list, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class AppealQuerySet(models.QuerySet):
    """Bulk writes on appeals (no save signals: the calendar re-timing, a merge re-pointing its
    duplicates) throw away every cached list count (counters.py: the `all` generation)."""

    def _bulk_written(self):
        from . import counters

        counters.bump_all()

    def update(self, **kwargs):
        n = super().update(**kwargs)
        self._bulk_written()
        return n

    def bulk_update(self, objs, fields, batch_size=None):
        n = super().bulk_update(objs, fields, batch_size=batch_size)
        self._bulk_written()
        return n

    def bulk_create(self, objs, *args, **kwargs):
        out = super().bulk_create(objs, *args, **kwargs)
        self._bulk_written()
        return out

    def delete(self):
        out = super().delete()
        self._bulk_written()
        return out


class Appeal(TimeStampedModel):
    """One difficulty raised by an enterprise or project owner, registered once.

    The deadline columns are stored and indexed so the clock job and the light filters
    are plain range queries; only services (appeals/services) write them.
    """

    code = models.CharField(_("编号"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="appeals"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("诉求内容"))
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="appeals"
    )
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices)
    tier = models.CharField(_("办理层级"), max_length=20, choices=Tier.choices, default=Tier.UNIT)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every move; a stale form is refused."
    )

    # Intake and first-inquiry responsibility (首问负责, seeds/003 四)
    received_at = models.DateTimeField(_("受理时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问责任人"),
        on_delete=models.PROTECT,
        related_name="first_inquiry_appeals",
    )
    received_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("首问单位"),
        on_delete=models.PROTECT,
        related_name="received_appeals",
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(
        _("联系电话"), max_length=20, blank=True, blind_index="contact_phone_bidx"
    )
    contact_phone_bidx = BlindIndexField(source="contact_phone")  # zhitong/core/crypto.py: exact lookups
    materials_complete = models.BooleanField(_("材料齐全"), default=True)
    materials_completed_on = models.DateField(_("材料齐全日期"), null=True, blank=True)
    # seeds/003 六.2: the one-time notice of missing materials (一次性告知) — given at most
    # once per appeal; stored on the row so the machine's guard needs no query.
    materials_notice_at = models.DateTimeField(_("一次性告知时间"), null=True, blank=True)

    # Routing
    lead_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_appeals",
    )
    cooperating_units = models.ManyToManyField(
        "organizations.Unit",
        verbose_name=_("配合单位"),
        through="Cooperation",
        related_name="cooperating_appeals",
        blank=True,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_appeals",
    )
    units_passed = models.PositiveIntegerField(_("流转单位数"), default=0)
    reopen_count = models.PositiveIntegerField(_("重办次数"), default=0)
    is_problem = models.BooleanField(_("问题诉求(提级督办)"), default=False, db_index=True)
    # Code, title, description and enterprise name as search tokens (appeals/search.py,
    # docs/search.md): a GIN-indexed tsvector on PostgreSQL. Written by save() below.
    search_document = SearchDocumentField(default="", blank=True, editable=False)

    # The clock. `handling_due` is the handling deadline; `legal_due` the ceiling no
    # extension passes; `clock_due`/`clock_yellow_from` the deadline of whatever the
    # current state waits for (sign-for, materials notice, handling, rating), which the
    # periodic job and the light filters read.
    handling_days = models.PositiveIntegerField(_("办理时限(工作日)"), null=True, blank=True)
    sign_due = models.DateField(_("签收期限"), null=True, blank=True)
    handling_due = models.DateField(_("办理期限"), null=True, blank=True)
    legal_due = models.DateField(_("法定期限"), null=True, blank=True)
    clock_due = models.DateField(_("当前期限"), null=True, blank=True, db_index=True)
    clock_yellow_from = models.DateField(null=True, blank=True, db_index=True)
    clock_provisional = models.BooleanField(_("期限按临时日历计算"), default=False)

    # Closure
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度"), choices=Rating.choices, null=True, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rating_reminded_at = models.DateTimeField(null=True, blank=True)
    resolved_on_time = models.BooleanField(null=True, blank=True)

    # When the current status was entered; per-state clocks (sign-for, transfer settling,
    # verification, rating) count from it.
    state_since = models.DateTimeField(_("进入当前状态时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("分办时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    # A pending extension request (seeds/003 六.3): the proposed deadline, awaiting the
    # unit head. Stored on the row so `available_moves` needs no query.
    extension_requested_due = models.DateField(_("申请延期至"), null=True, blank=True)
    extension_count = models.PositiveIntegerField(_("延期次数"), default=0)

    # Exemption (不纳入考核, seeds/000 五(二)3)
    exemption_status = models.CharField(
        max_length=12, choices=ExemptionStatus.choices, default=ExemptionStatus.NONE
    )

    # Withdrawal by the enterprise and the hub's call-back (撤单质检, issue 12).
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("撤回理由"), blank=True)
    withdrawal_check = models.CharField(
        _("撤单回访"), max_length=12, choices=WithdrawalCheck.choices, default="", blank=True, db_index=True
    )
    # How many times a withdrawal of this appeal turned out not voluntary at the call-back.
    pressured_withdrawals = models.PositiveIntegerField(_("非自愿撤回次数"), default=0)

    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_duplicates"
    )
    # Idempotent intake: a hotline that retries never creates twins. A key (or a source
    # system's own id) belongs to the client that sent it — the account that registered,
    # `received_by` — and stands for one request: `intake_hash` is the SHA-256 of that
    # request's canonical payload, so a key re-used for different content is refused.
    source_system = models.CharField(_("来源系统"), max_length=50, blank=True)
    source_id = models.CharField(_("来源系统编号"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    intake_hash = models.CharField(_("登记请求摘要"), max_length=64, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_at", "-id"]
        constraints = [
            # Per client: the same key from another client is another key (and a
            # unique index across clients would tell one client about another's keys).
            models.UniqueConstraint(
                fields=["received_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="appeal_unique_client_key",
            ),
            models.UniqueConstraint(
                fields=["received_by", "source_system", "source_id"],
                condition=~models.Q(source_id=""),
                name="appeal_unique_client_source_id",
            ),
        ]
        # Every default sort and the common filters have an index (issue 14; plans at 300k
        # appeals in docs/api.md "Listing appeals"): the workbench's default list (open, by
        # deadline) walks the partial index of open appeals in its order; the API's and the
        # clerk's (by receipt) and "updated" walk theirs backwards.
        indexes = [
            models.Index(fields=["lead_unit", "status"]),
            models.Index(fields=["status", "clock_due"]),
            models.Index(fields=["received_at", "id"], name="appeal_received_idx"),
            models.Index(fields=["updated_at", "id"], name="appeal_updated_idx"),
            models.Index(fields=["status", "received_at"], name="appeal_status_received_idx"),
            models.Index(fields=["received_unit", "status"], name="appeal_recv_unit_status_idx"),
            models.Index(fields=["received_by", "received_at"], name="appeal_recv_by_received_idx"),
            models.Index(
                fields=["clock_due", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="appeal_open_due_idx",
            ),
            models.Index(
                fields=["lead_unit", "clock_due"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="appeal_open_lead_due_idx",
            ),
            # The monthly scorecard (assessment/rates.py, counting.py) takes a month's slice of
            # each deadline and of the verifications: a range scan, not the whole table.
            models.Index(fields=["sign_due", "id"], name="appeal_sign_due_idx"),
            models.Index(fields=["handling_due", "id"], name="appeal_handling_due_idx"),
            # With the columns the concluded count reads (assessment/counting.py, `resolved`):
            # the closed months' counts the scorecard's adjustments check are an index-only
            # scan of their range on PostgreSQL (SQLite ignores `include`).
            models.Index(
                fields=["verified_at", "id"],
                include=["lead_unit", "status", "exemption_status"],
                name="appeal_verified_cover_idx",
            ),
            # Few rows have an exemption requested or decided; the hub counts those awaiting it.
            models.Index(
                fields=["exemption_status"],
                condition=~models.Q(exemption_status=ExemptionStatus.NONE),
                name="appeal_exemption_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        """Keeps the search document current: rebuilt when the appeal is created, on a
        full save, or when a searched field is among `update_fields`."""
        fields = kwargs.get("update_fields")
        if fields is None or {"code", "title", "description", "enterprise", "enterprise_id"} & set(fields):
            from .search_document import document_of

            self.search_document = document_of(self)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "search_document"}
        super().save(*args, **kwargs)

    @property
    def is_exempt(self) -> bool:
        return self.exemption_status == ExemptionStatus.APPROVED


class Cooperation(models.Model):
    """A cooperating unit on an appeal; it answers the lead unit within 3 working days."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="cooperations")
    # Indexed with the appeal (Meta.indexes), not alone.
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    due = models.DateField(_("答复期限"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("配合意见"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "unit"], name="cooperation_unique_unit")]
        indexes = [
            # The scope of unit staff (selectors.appeal_scope_q) reads "the appeals unit U
            # cooperates on" as `id IN (SELECT appeal_id … WHERE unit_id IN …)`. With the
            # unit's index alone, every cooperation row of the unit is fetched from the table
            # (61k rows, 134 ms cold, for the busiest unit at province scale, issue 14); with
            # the appeal in the index it is an index-only scan. It serves lookups by unit alone
            # too (the leading column), so the foreign key's own index is dropped.
            models.Index(fields=["unit", "appeal"], name="cooperation_unit_appeal_idx"),
        ]


class Transition(models.Model):
    """One move of an appeal: the history row written by every service (the timeline)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_unit = models.ForeignKey(
        "organizations.Unit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # The ratings of a month (assessment.counting's `ratings`: 满意率, 重办, and the
            # closed months' re-handlings the adjustments compare): one move in eight is a
            # rating, and through the `at` index a month's ratings cost its every move.
            models.Index(fields=["at"], name="transition_rate_at_idx", condition=models.Q(action="rate")),
            # The ratings that sent the appeal back (re-handling, assessment/counting.py
            # `rehandled`): the scorecard checks the three closed months' for changes, and
            # through the index above read every rating of them (~24,000 at a city of 300,000
            # appeals) to find a handful.
            models.Index(
                fields=["at"],
                name="transition_reopen_at_idx",
                condition=models.Q(action="rate", data__reopened=True),
            ),
        ]


class AppealCounter(models.Model):
    """The last sequence number issued per year for codes ZT-YYYY-NNNNNN. Intake locks
    the year's row (SELECT … FOR UPDATE), so two concurrent intakes never share a code."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")
    # seeds/003 六.3: an extension is approved before the time limit expires; a request
    # still pending when it expires lapses (the clock job's `lapse_extension` move).
    LAPSED = "lapsed", _("期限届满未审批，已失效")


class AppealExtension(models.Model):
    """One extension request and the unit head's decision (seeds/003 六.3): asked before
    the deadline with a reason; the new deadline never passes the legal limit."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(_("延期理由"))
    old_due = models.DateField(_("原期限"))
    requested_due = models.DateField(_("申请延期至"))
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    approved_due = models.DateField(_("批准期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["requested_at", "id"]


def evidence_upload_to(instance, filename: str) -> str:
    # The stored name is the content hash, never the user's file name (which may carry
    # path tricks); the original name is kept in `original_name`.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class AppealEvidence(models.Model):
    """A file proving the handling (formal document, minutes, photos). Its type is checked
    by content (magic bytes), not by the name; `sha256` identifies the content."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("文件类型"), max_length=10)  # pdf, jpeg, png, docx, xlsx, doc
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    transition = models.ForeignKey(
        Transition, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )

    class Meta:
        verbose_name = _("办理佐证材料")
        verbose_name_plural = _("办理佐证材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return {"jpeg": ".jpg"}.get(self.kind, f".{self.kind}")


class RoutingRule(models.Model):
    """Category × industry × location → default lead unit, read at triage (seeds/000 一(一)).

    Units are named by code and resolved when the rule is used, so rules can be seeded
    before the units exist; a rule whose unit is missing is skipped. A rule with
    `use_enterprise_location` routes to the enterprise's own county or park (local matters).
    The lowest `priority` number among matching rules wins; blank criteria match anything.
    """

    name = models.CharField(_("规则名称"), max_length=100)
    priority = models.PositiveIntegerField(_("优先级(小者优先)"), default=100)
    category = models.ForeignKey(
        Category,
        verbose_name=_("诉求类别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    industry = models.CharField(_("行业"), max_length=20, blank=True)
    location_code = models.CharField(_("企业所在县区/园区编码"), max_length=32, blank=True)
    lead_unit_code = models.CharField(_("牵头单位编码"), max_length=32, blank=True)
    use_enterprise_location = models.BooleanField(_("由企业所在县区/园区牵头"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分办规则")
        verbose_name_plural = _("分办规则")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name
