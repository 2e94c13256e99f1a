"""Coordination: the monthly escalation batch, city-leader coordination meetings (协调会),
face-to-face events (面对面), the tasks their opinions give to units, and the counting
facts the scorecards read, and the requests for city-leader coordination (Annex 2) that
make up the batches. Only coordination/services write these rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhitong.appeals.choices import EscalationStatus
from zhitong.core.crypto import BlindIndexField, EncryptedCharField
from zhitong.core.models import TimeStampedModel
from zhitong.organizations.choices import LeaderLevel

from .choices import (
    BatchStatus,
    CertificationStatus,
    CountedAs,
    EventItemSource,
    EventKind,
    EventLevel,
    EventStatus,
    FactStanding,
    MeetingStatus,
    NoticeKind,
    TaskReportKind,
    TaskStatus,
    Verification,
)


class EscalationBatch(TimeStampedModel):
    """One month's batch of requests for city-leader coordination (seeds/000 二, Annex 2).

    Its members are the EscalationRequest rows with `batch_month == month` (and `batch` = it).
    `cutoff` is stored so the page and the export say which day closed the batch: the
    10th, or the next working day when the 10th is not one (see services/batches.py).
    """

    month = models.DateField(_("批次月份(月份首日)"), unique=True)
    cutoff = models.DateField(_("申报截止日"))
    cutoff_provisional = models.BooleanField(_("截止日按临时日历计算"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.OPEN, db_index=True
    )
    review_started_at = models.DateTimeField(null=True, blank=True)
    review_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("提请市领导协调批次")
        verbose_name_plural = _("提请市领导协调批次")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}批次"

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


class EscalationRequest(TimeStampedModel):
    """A request for city-leader coordination, with the fields of Annex 2 of seeds/000
    (《企业或重大项目需市政府协调解决问题申报表》). Requests received by the 10th of a month
    join that month's batch (seeds/000 二).

    The appeals app's `escalate` move files it (through the `appeals.signals.appeal_escalated`
    signal, in the move's transaction). The table keeps its original name: the model moved
    here from the appeals app without a schema change. `batch` is the batch of `batch_month`
    (kept together: set when the request is filed and when it is re-filed)."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="escalations")
    project_name = models.CharField(_("项目名称"), max_length=200)
    basic_situation = models.TextField(_("基本情况"))
    problem = models.TextField(_("需要提请市里协调解决的问题"))
    units_to_coordinate = models.ManyToManyField(
        "organizations.Unit", verbose_name=_("需协调的县(市)区或市直单位"), related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管市领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations_to_lead",
    )
    reporting_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("申报单位"),
        on_delete=models.PROTECT,
        related_name="escalations_reported",
    )
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_mobile = models.CharField(_("手机号码"), max_length=20)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("申报时间"))
    batch_month = models.DateField(_("所属批次(月份首日)"), db_index=True)
    batch = models.ForeignKey(
        EscalationBatch,
        verbose_name=_("所属批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    status = models.CharField(
        max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.SUBMITTED, db_index=True
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # the ESCALATION table's expected version

    class Meta:
        db_table = "appeals_escalationrequest"
        verbose_name = _("提请市领导协调申报")
        verbose_name_plural = _("提请市领导协调申报")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.project_name}：{self.problem[:20]}"


class OpinionFields(models.Model):
    """An opinion on one appeal (协调意见 / 处理意见) and the deadline it gives the units:
    either a number of working days from the day of the opinion, or a date."""

    opinion = models.TextField(_("意见"), blank=True)
    opinion_at = models.DateTimeField(null=True, blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("牵头责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_units = models.ManyToManyField(
        "organizations.Unit", verbose_name=_("责任单位(含牵头)"), blank=True, related_name="+"
    )
    due_workdays = models.PositiveIntegerField(_("办理时限(工作日)"), null=True, blank=True)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    due_provisional = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def has_opinion(self) -> bool:
        return bool(self.opinion_at)

    def ordered_units(self) -> list:
        """The responsible units, the lead unit first (a many-to-many keeps no order)."""
        units = sorted(
            self.responsible_units.all(), key=lambda u: (u.pk != self.lead_unit_id, u.sort_order, u.code)
        )
        return units


class Meeting(TimeStampedModel):
    """A coordination meeting (协调会) convened by a leader: county principal leaders,
    a vice mayor or the mayor (seeds/000 五(二)1; seeds/004: at least one a month for each
    project in construction)."""

    title = models.CharField(_("会议名称"), max_length=200)
    level = models.CharField(_("召开领导层级"), max_length=20, choices=LeaderLevel.choices)
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("召开协调会的领导"),
        on_delete=models.PROTECT,
        related_name="convened_meetings",
    )
    held_at = models.DateTimeField(_("召开时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    units_present = models.ManyToManyField(
        "organizations.Unit", verbose_name=_("参会单位"), blank=True, related_name="meetings_attended"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, db_index=True
    )
    minutes = models.FileField(_("会议纪要"), upload_to="coordination/minutes/%Y/%m/", blank=True)
    minutes_name = models.CharField(max_length=200, blank=True)
    minutes_size = models.PositiveIntegerField(default=0)
    minutes_uploaded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("协调会")
        verbose_name_plural = _("协调会")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.title


class MeetingItem(OpinionFields):
    """One appeal discussed at a meeting. `unit` is the unit that reported the problem
    (申报单位), whose Annex 3 lists the row and whose scorecard the fact credits."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="meeting_items")
    escalation = models.ForeignKey(
        EscalationRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_items",
    )
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="+"
    )
    project_name = models.CharField(_("项目名称"), max_length=200)
    basic_situation = models.TextField(_("基本情况"), blank=True)
    problem = models.TextField(_("需协调解决的问题"))
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "appeal"], name="meeting_item_unique_appeal")
        ]


class Event(TimeStampedModel):
    """A face-to-face government–enterprise event (面对面政企交流活动, seeds/001) run by its
    office (the task-force office at 工信局 for city events, the county for county events)
    through the eight steps of seeds/001 四."""

    title = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动方式"), max_length=20, choices=EventKind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=EventLevel.choices, default=EventLevel.CITY)
    office_unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("专班办公室"), on_delete=models.PROTECT, related_name="+"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出席市政府领导(审定)"),
        on_delete=models.PROTECT,
        related_name="chaired_events",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专班副组长(审核)"),
        on_delete=models.PROTECT,
        related_name="deputy_events",
    )
    scheduled_at = models.DateTimeField(_("活动时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=EventStatus.choices, default=EventStatus.COLLECTING, db_index=True
    )
    version = models.PositiveIntegerField(default=1)

    # seeds/001 四(二): the catalog reaches 市府办 at least 4 working days before the event.
    catalog_due = models.DateField(_("目录报送截止日"), null=True, blank=True)
    catalog_due_provisional = models.BooleanField(default=False)
    catalog_submitted_at = models.DateTimeField(null=True, blank=True)
    catalog_late_workdays = models.PositiveIntegerField(_("目录逾期工作日"), default=0)
    # Reported after its due day (Asia/Shanghai calendar day), also when no working day has
    # passed since (reported on the rest days after it): late_workdays alone cannot say so.
    catalog_late = models.BooleanField(_("目录逾期报送"), default=False)
    review_note = models.TextField(_("副组长审核意见"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(_("市领导审定意见"), blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)

    document = models.FileField(_("企业诉求事项处理意见"), upload_to="coordination/events/%Y/", blank=True)
    document_number = models.CharField(_("文号"), max_length=50, blank=True)
    document_generated_at = models.DateTimeField(null=True, blank=True)
    document_review_note = models.TextField(blank=True)
    document_reviewed_at = models.DateTimeField(null=True, blank=True)
    document_approved_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("面对面活动")
        verbose_name_plural = _("面对面活动")
        ordering = ["-scheduled_at", "-id"]

    def __str__(self) -> str:
        return self.title


class EventItem(OpinionFields):
    """One enterprise problem on an event's catalog, from collection to the on-site opinion."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="items")
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="event_items")
    source = models.CharField(max_length=12, choices=EventItemSource.choices)
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("核实单位"), on_delete=models.PROTECT, related_name="+"
    )
    verification = models.CharField(
        _("核实结果"), max_length=16, choices=Verification.choices, default=Verification.PENDING
    )
    verification_note = models.TextField(_("核实情况"), blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_handling = models.TextField(_("处理意见建议"), blank=True)
    in_final_list = models.BooleanField(_("列入现场研究清单"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    # seeds/001 四(七)(八): the event closes when each problem on its list is 办结, or was
    # explicitly carried on to regular handling (转入常态化办理/继续跟踪) — the event's
    # `carry_on` move, by the office, with a reason; its tasks stay under supervision.
    carried_on_at = models.DateTimeField(_("转入常态化办理时间"), null=True, blank=True)
    carried_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    carried_on_reason = models.TextField(_("转入常态化办理理由"), blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "appeal"], name="event_item_unique_appeal")]


class EventNotice(models.Model):
    """One line of the printable notice list (seeds/001 四(四)): a department head or an
    enterprise's principal asked to attend."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True, blind_index="phone_bidx")
    phone_bidx = BlindIndexField(source="phone")  # zhitong/core/crypto.py: exact lookups
    notified_users = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "id"]


class Task(TimeStampedModel):
    """A task an opinion gives to one unit, with its deadline (stored, indexed: the lights
    and the supervision list are range queries on `due`)."""

    meeting_item = models.ForeignKey(
        MeetingItem, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    event_item = models.ForeignKey(
        EventItem, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="coordination_tasks")
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="coordination_tasks",
    )
    is_lead = models.BooleanField(_("牵头"), default=True)
    content = models.TextField(_("任务内容"))
    due = models.DateField(_("办理期限"), db_index=True)
    due_provisional = models.BooleanField(default=False)
    # What `due` was counted from, so a calendar change can count it again
    # (coordination/deadlines.py): N working days after `due_base`; both empty for a date
    # the leader set.
    due_base = models.DateField(_("期限起算日"), null=True, blank=True)
    due_workdays = models.PositiveIntegerField(_("办理时限(工作日)"), null=True, blank=True)
    # The first yellow day of the task's light (coordination/deadlines.py task_yellow_from:
    # the appeals' light rule), stored so the yellow list and count are range queries;
    # re-timed with `due` when the calendar changes.
    yellow_from = models.DateField(_("临期起始日"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED, db_index=True
    )
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_note = models.TextField(_("最新进展"), blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("交办任务")
        verbose_name_plural = _("交办任务")
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "due"]),
            # The yellow list: open tasks with yellow_from <= today <= due.
            models.Index(fields=["status", "yellow_from"], name="task_yellow_from"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meeting_item__isnull=False, event_item__isnull=True)
                | models.Q(meeting_item__isnull=True, event_item__isnull=False),
                name="task_from_meeting_or_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}：{self.content[:30]}"

    @property
    def source_label(self) -> str:
        if self.meeting_item_id:
            return self.meeting_item.meeting.title
        return self.event_item.event.title


class TaskReport(models.Model):
    """The task's history: progress notes, the unit's report of completion, the hub's or
    supervisor's confirmation or return."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=12, choices=TaskReportKind.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class FactQuerySet(models.QuerySet):
    def counted(self):
        """The facts that count (seeds/000 五(二)1–3): every fact that needs no certification,
        and a county principal's meeting's once certified."""
        return self.filter(models.Q(needs_certification=False) | models.Q(certified_at__isnull=False))


class CoordinationFact(models.Model):
    """What a meeting counts for in the scorecard (seeds/000 五(二)2), one row per counted
    problem, keyed as the unique constraints say: a unit's problems of one project at one
    meeting are one project problem, whichever enterprises raised them (`enterprise` is then
    the project's owner); the same project at another meeting is another; an enterprise's
    (non-project) problems at one meeting are one enterprise problem (一企一议); exempted
    appeals are left out. Evaluated by services/facts.py (see there for when).

    seeds/000 五(二)1: a fact of a county principal's meeting (`needs_certification`) counts
    only once the meeting's minutes or plan are filed and the hub (市发改委) has certified
    the unit's month (`certified_at`, set by the FactCertification's `certify` move).
    `counted` / `standing` say where it stands; `CoordinationFact.objects.counted()` is what
    the scorecards read."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="facts")
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="coordination_facts"
    )
    month = models.DateField(_("月份(月份首日)"), db_index=True)
    counted_as = models.CharField(max_length=20, choices=CountedAs.choices)
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    appeal_ids = models.JSONField(_("涉及诉求"), default=list)
    evaluated_at = models.DateTimeField()
    needs_certification = models.BooleanField(_("须市发改委认定"), default=False)
    certified_at = models.DateTimeField(_("认定时间"), null=True, blank=True)

    objects = FactQuerySet.as_manager()

    class Meta:
        verbose_name = _("协调计数")
        verbose_name_plural = _("协调计数")
        ordering = ["month", "meeting_id", "id"]
        indexes = [models.Index(fields=["unit", "month"])]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "unit", "project"],
                condition=models.Q(counted_as="project_problem"),
                name="fact_one_project_problem_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "unit", "enterprise"],
                condition=models.Q(counted_as="enterprise_problem"),
                name="fact_one_enterprise_problem_per_meeting",
            ),
            # The keys above hold only if a project problem names its project and an
            # enterprise problem none (a NULL project would escape the first).
            models.CheckConstraint(
                condition=(
                    models.Q(counted_as="project_problem", project__isnull=False)
                    | models.Q(counted_as="enterprise_problem", project__isnull=True)
                ),
                name="fact_project_iff_project_problem",
            ),
        ]

    @property
    def counted(self) -> bool:
        return not self.needs_certification or self.certified_at is not None

    @property
    def standing(self) -> str:
        """FactStanding: counted, or what it waits for (reads `meeting.minutes`)."""
        if self.counted:
            return FactStanding.COUNTED
        if not self.meeting.minutes:
            return FactStanding.AWAITING_EVIDENCE
        return FactStanding.AWAITING_CERTIFICATION

    def get_standing_display(self) -> str:
        return FactStanding(self.standing).label


class FactCertification(TimeStampedModel):
    """The hub's (市发改委) certification of the problems one unit coordinated in one month
    (seeds/000 五(二)1: 申报的协调项目和企业问题需提供主要领导协调问题的会议方案、会议纪要……于每月底上传，
    由市发改委牵头认定每个月协调问题的数量). Opened with the first fact of a county principal's
    meeting credited to the unit in the month; its moves (machines/facts.py) certify the
    facts whose meeting has its minutes or plan filed, or withdraw the certification."""

    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份(月份首日)"), db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=CertificationStatus.choices,
        default=CertificationStatus.PENDING,
        db_index=True,
    )
    certified_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certified_count = models.PositiveIntegerField(_("认定数量"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("协调问题数量认定")
        verbose_name_plural = _("协调问题数量认定")
        ordering = ["-month", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="fact_certification_one_per_unit_month")
        ]

    def __str__(self) -> str:
        return f"{self.unit}{self.label}协调问题数量认定"

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"
