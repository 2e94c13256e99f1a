"""The coordination demo's face-to-face events (seeds/001 政企“面对面”): four quarterly
events (the latest in progress), regular ones, and a visit whose catalog waits for review.
Mixed into `CoordinationDemo` (coordination.py), whose helpers it uses."""

from __future__ import annotations

from datetime import date, timedelta

from zhitong.appeals import services as appeal_services
from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal
from zhitong.coordination import services
from zhitong.coordination.choices import EventKind, TaskStatus, Verification
from zhitong.coordination.machines.events import unsettled_items
from zhitong.coordination.models import Task
from zhitong.coordination.services._common import prev_month
from zhitong.enterprises.models import Enterprise
from zhitong.workdays.services import add_workdays

from .data import EVENT_PROBLEMS


class EventsMixin:
    # -- face-to-face events ------------------------------------------------------------------------

    def events(self, months: list[date]) -> None:
        rng = self.rng
        today = self.today
        q_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        quarters = [q_start]
        for _ in range(3):
            m = quarters[0]
            for _ in range(3):
                m = prev_month(m)
            quarters.insert(0, m)
        problems = rng.sample(EVENT_PROBLEMS, k=len(EVENT_PROBLEMS))
        pool = list(Enterprise.objects.filter(is_active=True).filter(above_scale=True).order_by("pk"))
        special = list(Enterprise.objects.filter(is_active=True).exclude(above_scale=True).order_by("pk"))
        own = (
            self.enterprise_user.enterprise
            if self.enterprise_user and self.enterprise_user.enterprise_id
            else None
        )
        for n, q in enumerate(quarters):
            year, quarter = q.year, (q.month - 1) // 3 + 1
            current = n == len(quarters) - 1
            if current:
                day = self.workday(max(today + timedelta(days=18), q + timedelta(days=40)))
            else:
                day = self.workday(q + timedelta(days=44 + rng.randint(0, 10)))
            items = [problems[(n * 3 + k) % len(problems)] for k in range(4 if not current else 3)]
            enterprises = rng.sample(pool, k=2) + rng.sample(special, k=1)
            if own is not None and n == len(quarters) - 2:
                enterprises[0] = own  # the demo enterprise's matter is being handled now
            self.event(
                title=f"{year}年第{quarter}季度“面对面”政企交流活动",
                kind=EventKind.QUARTERLY,
                day=day,
                chair=self.users["mayor"],
                deputy=self.users["leader"],
                place="市民服务中心三楼会议室",
                problems=list(zip(items, enterprises * 2, strict=False)),
                late=n == 1,
                returned=n == 0,
                current=current,
            )
        regular = [
            (EventKind.BREAKFAST, "民营企业家早餐会", 10),
            (EventKind.VISIT, "规上工业企业走访调研", 8),
            (EventKind.PLATFORM, "政企服务平台企业诉求专场", 5),
            (EventKind.DINNER, "乡贤企业家晚餐会", 3),
            (EventKind.PHONE, "重点企业电话回访", 1),
        ]
        for k, (kind, title, months_ago) in enumerate(regular):
            m = months[max(0, len(months) - 1 - months_ago)]
            day = self.workday(m + timedelta(days=rng.randint(8, 20)))
            if day >= today:
                day = self.workday(today - timedelta(days=12))
            picks = [problems[(k * 2 + 5 + j) % len(problems)] for j in range(2)]
            self.event(
                title=f"{day.year}年{day.month}月{title}",
                kind=kind,
                day=day,
                chair=self.users["exec_leader"] if k % 2 == 0 else self.users["leader"],
                deputy=self.users["leader"] if k % 2 == 0 else self.users["leader2"],
                place="企业现场" if kind == EventKind.VISIT else "市政府第一会议室",
                problems=list(zip(picks, rng.sample(pool + special, k=2), strict=True)),
            )
        # A visit next week whose catalog waits for the deputy leader's review (首页 "待我审定").
        day = add_workdays(today, 6).date
        self.event(
            title=f"{day.year}年{day.month}月外资企业走访座谈",
            kind=EventKind.VISIT,
            day=day,
            chair=self.users["exec_leader"],
            deputy=self.users["leader"],
            place="榕城高新区企业服务中心",
            problems=list(zip(problems[:2], rng.sample(pool, k=2), strict=True)),
            pending_review=True,
        )

    def event(
        self,
        *,
        title,
        kind,
        day,
        chair,
        deputy,
        place,
        problems,
        late=False,
        returned=False,
        current=False,
        pending_review=False,
    ) -> None:
        rng = self.rng
        created = self.at(day - timedelta(days=30), 10, 0)
        event = services.event_create(
            actor=self.office,
            title=title,
            kind=kind,
            scheduled_at=self.at(day, 15, 0),
            chair=chair,
            deputy=deputy,
            place=place,
            now=created,
        )
        self.stats.events += 1
        for k, ((ptitle, desc, cat, unit_code), enterprise) in enumerate(problems):
            t = created + timedelta(days=2 + k, hours=1)
            unit = self.units.get(unit_code) or self.units["GXJ"]
            category = self.cats.get(cat, self.cats["QT"])
            item = services.event_register_problem(
                actor=self.office,
                event_id=event.pk,
                enterprise=enterprise,
                title=ptitle,
                description=desc,
                category=category,
                unit=unit,
                contact_name=(enterprise.legal_representative or "企业负责人")[:50],
                now=t,
            )
            self.stats.appeals += 1
            appeal_services.appeal_move(
                appeal_id=item.appeal_id,
                move="assign",
                actor=self.hub,
                lead_unit_id=unit.pk,
                handling_days=category.handling_days or 15,
                override_reason="面对面活动问题由核实单位牵头办理。",
                now=t + timedelta(hours=1),
            )
            appeal_services.appeal_move(
                appeal_id=item.appeal_id, move="sign", actor=self.handler(unit), now=t + timedelta(hours=3)
            )
        if current:
            # The current quarter's event also picks open appeals raised through the channels.
            picks = list(
                Appeal.objects.filter(
                    status=Status.IN_PROGRESS,
                    channel__in=[Channel.FACE_TO_FACE, Channel.CHAMBER, Channel.VISIT],
                )
                .exclude(project__isnull=False)
                .order_by("-received_at")[:2]
            )
            if picks:
                services.event_add_appeals(
                    actor=self.office,
                    event_id=event.pk,
                    appeal_ids=[a.pk for a in picks],
                    now=created + timedelta(days=6),
                )
        verify_at = created + timedelta(days=8)
        services.event_start_verification(actor=self.office, event_id=event.pk, now=verify_at)
        items = list(event.items.select_related("unit", "appeal").order_by("sort_order"))
        for k, item in enumerate(items):
            t = verify_at + timedelta(days=1 + k % 3, hours=2)
            if current and k >= len(items) - 2:
                break  # still with the departments
            if not self.past(t):
                break
            confirmed = rng.random() > 0.1 or k == 0
            services.event_item_verify(
                actor=self.handler(item.unit),
                item_id=item.pk,
                result=Verification.CONFIRMED if confirmed else Verification.NOT_CONFIRMED,
                note="经核实，企业反映情况属实，需协调解决。"
                if confirmed
                else "经核实，该问题已于近期解决，不再列入目录。",
                now=t,
            )
        if current:
            return
        event.refresh_from_db()
        due = event.catalog_due or add_workdays(day, 0).date
        submit_day = add_workdays(due, 1).date if late else due
        submit = self.at(submit_day if kind == EventKind.QUARTERLY else day - timedelta(days=6), 11, 0)
        if pending_review:
            services.event_submit_catalog(
                actor=self.office, event_id=event.pk, now=self.now - timedelta(hours=5)
            )
            return
        if not self.past(submit + timedelta(days=2, hours=4)):
            return
        services.event_submit_catalog(actor=self.office, event_id=event.pk, now=submit)
        confirmed = list(event.items.filter(verification=Verification.CONFIRMED).select_related("appeal"))
        services.event_review(
            actor=deputy,
            event_id=event.pk,
            proposals={i.pk: "建议列入现场研究，由核实单位提出具体解决方案。" for i in confirmed},
            note="已召集相关职能部门研究。",
            now=submit + timedelta(days=1),
        )
        services.event_approve(
            actor=chair, event_id=event.pk, item_ids=[i.pk for i in confirmed], now=submit + timedelta(days=2)
        )
        services.event_notify(actor=self.office, event_id=event.pk, now=submit + timedelta(days=2, hours=4))
        held = self.at(day, 17, 30)
        if not self.past(held):
            return
        services.event_hold(actor=self.office, event_id=event.pk, now=held)
        for item in event.items.filter(in_final_list=True).select_related("unit"):
            others = [
                self.units[c]
                for c in rng.sample(["FGW", "ZRJ", "SWJ", "RSJ", "XZFW"], k=1)
                if self.units[c].pk != item.unit_id
            ]
            days = rng.choice([10, 15, 20])
            services.event_record_opinion(
                actor=self.office,
                item_id=item.pk,
                opinion=self.opinion_for(item.unit, others, days),
                unit_ids=[item.unit_id, *[u.pk for u in others]],
                due_workdays=days,
                now=held + timedelta(minutes=30),
            )
        gen = self.at(add_workdays(day, 1).date, 10, 0)
        if not self.past(gen):
            return
        services.event_generate_document(actor=self.office, event_id=event.pk, now=gen)
        review = gen + timedelta(hours=5)
        if returned:
            services.event_review_document(
                actor=deputy,
                event_id=event.pk,
                approve=False,
                note="第2项处理意见请明确办理时限和牵头单位。",
                now=review,
            )
            services.event_generate_document(
                actor=self.office, event_id=event.pk, now=review + timedelta(hours=1)
            )
            review += timedelta(hours=2)
        services.event_review_document(actor=deputy, event_id=event.pk, approve=True, note="", now=review)
        approve = self.at(add_workdays(day, 2).date, 11, 0)
        if not self.past(approve):
            return
        services.event_approve_document(actor=chair, event_id=event.pk, now=approve)
        assign = approve + timedelta(hours=4)
        if not self.past(assign):
            return
        services.event_assign(actor=self.office, event_id=event.pk, now=assign)
        tasks = list(Task.objects.filter(event_item__event=event).select_related("unit"))
        self.follow_tasks(tasks, force_done_before=self.today - timedelta(days=20))
        # The appeals are resolved and verified when their tasks are done; the event closes
        # the working day after the last (after its verification), ratings due later follow.
        done, all_done = [], True
        for item in event.items.filter(in_final_list=True).select_related("appeal"):
            item_tasks = list(Task.objects.filter(event_item=item))
            if item_tasks and all(t.status == TaskStatus.DONE for t in item_tasks):
                done.append((item, max(t.done_at for t in item_tasks) + timedelta(hours=2)))
            else:
                all_done = False
        close = None
        if all_done and done:
            close = self.at(add_workdays(max(d for _, d in done).date(), 1).date, 11, 0)
        later = []
        for item, done_at in done:
            rating = rng.choices([5, 4, 3, 2], weights=[50, 35, 10, 5])[0]
            rate_at = self.close_appeal(item.appeal, done_at, rating=rating, rate_before=close)
            if rate_at is not None:
                later.append((item.appeal, rate_at, rating))
        if close is not None and self.past(close):
            # seeds/001 四(八): a problem not 办结 by then (reopened after an unsatisfied
            # rating, say) is carried on explicitly, with a reason, before the event closes.
            for item in unsettled_items(event):
                services.event_carry_on(
                    actor=self.office,
                    event_id=event.pk,
                    item_id=item.pk,
                    carry_on_reason="该问题尚需较长时间解决，转入常态化办理，由牵头单位继续办理、督查室继续跟踪。",
                    now=close - timedelta(minutes=30),
                )
            services.event_close(actor=self.office, event_id=event.pk, now=close)
        for appeal, rate_at, rating in later:
            self.rate_appeal(appeal, rate_at, rating)
        # Problems not confirmed are answered by the unit directly.
        for item in event.items.filter(in_final_list=False).select_related("appeal"):
            self.close_appeal(item.appeal, held + timedelta(days=3))
