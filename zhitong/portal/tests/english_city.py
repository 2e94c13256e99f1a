"""An English-speaking city for the English-mode tests (issue 9): units, enterprises,
people and every text in ASCII, driven through the real services into appeals in every
stage, an escalation batch sent to the leader, a coordination meeting with its tasks and a
face-to-face event; the main pages of the appeals, coordination and portal apps; and what
of a page's text is still Chinese. The fixtures are in conftest.py (english_city,
english_story)."""

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhitong.appeals import services as appeal_services
from zhitong.appeals.choices import Channel
from zhitong.appeals.models import Appeal, Category, RoutingRule
from zhitong.coordination import services
from zhitong.coordination.choices import EventKind, Verification
from zhitong.coordination.models import Task
from zhitong.enterprises.choices import Industry
from zhitong.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.models import Project, ProjectStage

TZ = ZoneInfo("Asia/Shanghai")

# CJK ideographs and punctuation (the ideographic space U+3000 is whitespace, not text).
CJK = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Text that is Chinese on purpose in every language: the language switch names Chinese in
# Chinese, and the brand mark is the logo's glyph (aria-hidden).
ALLOWED = {"简体中文", "直"}
# The enterprises app's words are translated too: nothing is excused beyond ALLOWED.
ENTERPRISES_APP = ()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes outside <script>/<style>, and the
    placeholder, title, aria-label and alt attributes."""

    SKIP = {"script", "style", "template"}
    ATTRS = {"placeholder", "title", "aria-label", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if name in self.ATTRS and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def untranslated(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    left = []
    for part in parser.parts:
        if part in ALLOWED:
            continue
        rest = part
        for words in ENTERPRISES_APP:
            rest = rest.replace(words, "")
        if CJK.search(rest):
            left.append(part)
    return left


def build_city():
    """The units, enterprises and people of the pages, all named in ASCII; the seeded
    categories and routing rules renamed likewise."""
    for category in Category.objects.all():
        category.name = f"Category {category.code}"
        category.save(update_fields=["name"])
    for rule in RoutingRule.objects.all():
        rule.name, rule.note = f"Rule {rule.pk}", "Rule basis"
        rule.save(update_fields=["name", "note"])
    root = UnitFactory(code="SZF", name="City Government", kind=UnitKind.CITY_GOVERNMENT)
    u = SimpleNamespace(root=root)
    for code, name, kind in [
        ("SZFB", "General Office", UnitKind.DEPARTMENT),
        ("FGW", "Development and Reform Commission", UnitKind.DEPARTMENT),
        ("GXJ", "Industry Bureau", UnitKind.DEPARTMENT),
        ("SWJ", "Commerce Bureau", UnitKind.DEPARTMENT),
        ("TCJ", "Investment Bureau", UnitKind.DEPARTMENT),
        ("ZJJ", "Housing Bureau", UnitKind.DEPARTMENT),
        ("HOTLINE", "Hotline Office", UnitKind.DEPARTMENT),
        ("DCS", "Supervision Office", UnitKind.SUPERVISION),
        ("RD", "People's Congress", UnitKind.CONGRESS),
        ("GLQ", "Gulou District", UnitKind.COUNTY),
    ]:
        setattr(u, code.lower(), UnitFactory(code=code, name=name, kind=kind, parent=root))
    u.gxj_section = UnitFactory(
        code="GXJ-QYFW", name="Enterprise Service Section", kind=UnitKind.SECTION, parent=u.gxj
    )
    enterprise = EnterpriseFactory(
        name="Acme Precision Machinery Co.", industry=Industry.MANUFACTURING, location=u.glq
    )
    other = EnterpriseFactory(name="Minjiang Trading Co.", industry=Industry.TRADE, location=u.glq)
    ContactFactory(enterprise=enterprise, name="Lin Wei", position="Chairman", phone="13800000011")
    project = Project.objects.create(
        code="P-001",
        name="Acme Plant Expansion",
        owner=enterprise,
        stage=ProjectStage.CONSTRUCTION,
        location=u.glq,
        lead_unit=u.gxj,
        summary="Plant built, fire acceptance pending.",
    )

    def person(username, role, unit, name, **kw):
        return UserFactory(username=username, role=role, unit=unit, full_name=name, **kw)

    people = dict(
        hub=person("t_hub", Role.HUB, u.fgw, "Zhao Hub"),
        hub_gxj=person("t_hub_gxj", Role.HUB, u.gxj_section, "Qian Office"),
        clerk=person("t_clerk", Role.CLERK, u.hotline, "Sun Clerk"),
        handler=person("t_handler", Role.HANDLER, u.gxj, "Li Handler", phone="13800000001"),
        head=person("t_head", Role.UNIT_HEAD, u.gxj, "Wang Head", phone="13900000001"),
        outsider=person("t_outsider", Role.HANDLER, u.swj, "Zhou Commerce"),
        supervisor=person("t_supervisor", Role.SUPERVISOR, u.dcs, "Wu Supervisor"),
        overseer=person("t_overseer", Role.OVERSEER, u.rd, "Zheng Deputy"),
        admin=person("t_admin", Role.ADMIN, u.root, "Feng Admin"),
        enterprise_user=UserFactory(
            username="t_ent", role=Role.ENTERPRISE, unit=None, enterprise=enterprise, full_name="Lin Wei"
        ),
        leader=person("t_leader", Role.LEADER, root, "Chen Vice Mayor", leader_level=LeaderLevel.VICE_MAYOR),
        mayor=person("t_mayor", Role.LEADER, root, "Mayor Huang", leader_level=LeaderLevel.MAYOR),
    )
    people["leader"].portfolio.set([u.gxj, u.swj, u.glq])
    people["mayor"].portfolio.set([root])
    return SimpleNamespace(
        units=u,
        enterprise=enterprise,
        other_enterprise=other,
        project=project,
        category=Category.objects.get(code="SCJY"),
        **people,
    )


class Story:
    """The city's work, through the real services, each step an hour after the last."""

    def __init__(self, city):
        self.c = city
        self.now = at(2025, 9, 1)

    def tick(self, hours=1):
        self.now = self.now + timedelta(hours=hours)
        return self.now

    def intake(self, title, **kw) -> Appeal:
        c = self.c
        with time_machine.travel(self.now, tick=False):
            appeal, _ = appeal_services.appeal_intake(
                actor=c.clerk,
                enterprise_id=kw.pop("enterprise", c.enterprise).pk,
                title=title,
                description="The new plant has been finished for two months; the fire filing is still pending.",
                category_id=c.category.pk,
                channel=Channel.HOTLINE,
                now=self.tick(),
                **kw,
            )
        return appeal

    def move(self, appeal, move, actor, **data) -> Appeal:
        return appeal_services.appeal_move(
            appeal_id=appeal.pk, move=move, actor=actor, now=self.tick(), **data
        )

    def in_progress(self, title, **kw) -> Appeal:
        c = self.c
        appeal = self.intake(title, **kw)
        appeal = self.move(
            appeal,
            "assign",
            c.hub,
            lead_unit_id=c.units.gxj.pk,
            cooperating_unit_ids=[c.units.tcj.pk],
            override_reason="Local and in its remit",
        )
        return self.move(appeal, "sign", c.handler)


def tell(city):
    """The city's work from Monday 1 September 2025 (a year with an official calendar, which
    the workdays migration seeds): appeals in every stage, a batch sent to the leader, a
    meeting with its tasks, an event whose catalog is submitted."""
    c, s = city, Story(city)
    s.submitted = s.intake("Road access for trucks")
    s.pending = s.intake("Power connection", materials_missing=["Business licence copy"])
    s.progress = s.in_progress("Fire acceptance filing delayed", project_id=c.project.pk)
    s.progress = s.move(s.progress, "add_progress", c.handler, note="Met the fire brigade.")
    s.progress = s.move(
        s.progress, "request_extension", c.handler, new_due=date(2025, 10, 16), reason="Needs a site visit"
    )
    s.closed = s.in_progress("Water supply permit")
    s.closed = s.move(
        s.closed,
        "resolve",
        c.handler,
        resolution="Permit issued.",
        evidence_files=[SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")],
    )
    s.closed = s.move(s.closed, "verify", c.hub, note="Checked by phone.")
    s.closed = s.move(s.closed, "rate", c.enterprise_user, rating=5, comment="Quick and clear.")
    s.verified = s.in_progress("Sewage connection")
    s.verified = s.move(
        s.verified,
        "resolve",
        c.handler,
        resolution="Connected.",
        evidence_files=[SimpleUploadedFile("done.pdf", PDF, content_type="application/pdf")],
    )
    s.verified = s.move(s.verified, "verify", c.hub, note="")
    # An escalation in September's batch, reviewed and sent to the leader.
    s.escalated = s.in_progress("Land use change", project_id=c.project.pk)
    with time_machine.travel(at(2025, 9, 3), tick=False):
        s.escalated = appeal_services.appeal_move(
            appeal_id=s.escalated.pk,
            move="escalate",
            actor=c.handler,
            project_name=c.project.name,
            basic_situation="Total investment 230 million yuan.",
            problem="Needs the city to coordinate housing and fire services.",
            unit_ids_to_coordinate=[c.units.zjj.pk, c.units.glq.pk],
            contact_name="Lin Wei",
            contact_mobile="13800000000",
            now=at(2025, 9, 3),
        )
    s.request = s.escalated.escalations.get()
    month = date(2025, 9, 1)
    services.batch_start_review(actor=c.hub, month=month, now=at(2025, 9, 11))
    services.escalation_accept(actor=c.hub, request_id=s.request.pk, now=at(2025, 9, 11))
    services.batch_submit(actor=c.hub, month=month, now=at(2025, 9, 11))
    # The leader's coordination meeting: an opinion assigned as tasks, one reported done.
    s.meeting = services.meeting_create(
        actor=c.leader,
        title="Plant expansion meeting",
        convener=c.leader,
        held_at=at(2025, 9, 12, 9),
        place="Room 3",
        unit_ids=[c.units.zjj.pk, c.units.gxj.pk],
        now=at(2025, 9, 12, 8),
    )
    (item,) = services.meeting_add_items(
        actor=c.leader, meeting_id=s.meeting.pk, escalation_ids=[s.request.pk], now=at(2025, 9, 12, 8)
    )
    services.meeting_record_opinion(
        actor=c.leader,
        item_id=item.pk,
        opinion="Housing Bureau leads a joint acceptance within ten working days.",
        unit_ids=[c.units.gxj.pk, c.units.zjj.pk],
        due_workdays=10,
        now=at(2025, 9, 12, 10),
    )
    s.task = Task.objects.get(meeting_item=item, unit=c.units.gxj)
    services.task_report_done(
        actor=c.handler, task_id=s.task.pk, note="Acceptance done.", now=at(2025, 9, 15)
    )
    # A quarterly face-to-face event: an open appeal picked and verified, the catalog reported.
    s.event = services.event_create(
        actor=c.hub_gxj,
        title="Q4 face-to-face event",
        kind=EventKind.QUARTERLY,
        scheduled_at=at(2025, 10, 13, 15),
        chair=c.mayor,
        deputy=c.leader,
        place="Citizen Service Centre",
        now=at(2025, 9, 15),
    )
    picked = s.in_progress("Logistics road not handed over")
    services.event_add_appeals(
        actor=c.hub_gxj, event_id=s.event.pk, appeal_ids=[picked.pk], now=at(2025, 9, 16)
    )
    services.event_start_verification(actor=c.hub_gxj, event_id=s.event.pk, now=at(2025, 9, 16, 10))
    for event_item in s.event.items.all():
        services.event_item_verify(
            actor=c.handler,
            item_id=event_item.pk,
            result=Verification.CONFIRMED,
            note="Confirmed on site.",
            now=at(2025, 9, 17),
        )
    services.event_submit_catalog(actor=c.hub_gxj, event_id=s.event.pk, now=at(2025, 9, 18))
    return s


def pages(c, s):
    """(who, url) of every main page of the three apps."""
    appeals = [
        (c.hub, reverse("appeals:workbench")),
        (c.handler, reverse("appeals:workbench") + "?status=all"),
        (c.hub, reverse("appeals:triage")),
        (c.clerk, reverse("appeals:intake")),
        (c.handler, reverse("appeals:detail", args=[s.progress.pk])),
        (c.head, reverse("appeals:detail", args=[s.progress.pk])),
        (c.hub, reverse("appeals:detail", args=[s.closed.pk])),
        (c.hub, reverse("appeals:detail", args=[s.pending.pk])),
        (c.hub, reverse("appeals:detail", args=[s.submitted.pk])),
        (c.handler, reverse("appeals:detail", args=[s.escalated.pk])),
        # The enterprise's own list and detail (appeals/views/enterprise.py).
        (c.enterprise_user, reverse("appeals:workbench")),
        (c.enterprise_user, reverse("appeals:detail", args=[s.closed.pk])),
        (c.enterprise_user, reverse("appeals:detail", args=[s.pending.pk])),
    ]
    coordination = [
        (c.hub, reverse("coordination:batches")),
        (c.hub, reverse("coordination:batch_detail", args=["2025-09"])),
        (c.leader, reverse("coordination:my_batch")),
        (c.hub, reverse("coordination:meetings")),
        (c.leader, reverse("coordination:meeting_detail", args=[s.meeting.pk])),
        (c.hub, reverse("coordination:meeting_create")),
        (c.handler, reverse("coordination:tasks")),
        (c.supervisor, reverse("coordination:tasks")),
        (c.handler, reverse("coordination:task_detail", args=[s.task.pk])),
        (c.hub_gxj, reverse("coordination:events")),
        (c.hub_gxj, reverse("coordination:event_detail", args=[s.event.pk])),
        (c.leader, reverse("coordination:event_detail", args=[s.event.pk])),
        (c.hub_gxj, reverse("coordination:event_create")),
        (c.hub_gxj, reverse("coordination:event_notices", args=[s.event.pk])),
        (c.hub, reverse("coordination:facts")),
        (c.handler, reverse("coordination:annex3") + "?month=2025-09"),
        (c.hub, reverse("coordination:annex3") + "?month=2025-09"),
    ]
    homes = [
        (who, reverse("home"))
        for who in (
            c.enterprise_user,
            c.clerk,
            c.handler,
            c.head,
            c.hub,
            c.hub_gxj,
            c.leader,
            c.supervisor,
            c.overseer,
            c.admin,
        )
    ]
    return appeals + coordination + homes
