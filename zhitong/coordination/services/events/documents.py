"""(六) 《企业诉求事项处理意见》: generated from the on-site opinions (.docx), reviewed by the
deputy leader (or returned), approved by the city leader; the moves of machines/events.py."""

from __future__ import annotations

from datetime import datetime

from django.core.files.base import ContentFile

from zhitong.organizations.models import User

from ...choices import EventLevel
from ...models import Event
from .._common import local_date, required
from ._recipe import office_hubs, performs, tell


def _next_document_number(event: Event, now: datetime) -> str:
    year = local_date(now).year
    prefix = "榕面对面办" if event.level == EventLevel.CITY else f"{event.office_unit.display_name}面对面办"
    # Each office numbers its own documents (a county's first is its 1号, whatever the city's).
    used = (
        Event.objects.filter(document_generated_at__year=year, document_number__startswith=prefix)
        .exclude(pk=event.pk)
        .count()
    )
    return f"{prefix}〔{year}〕{used + 1}号"


@performs("generate_document")
def event_generate_document(step):
    """Generate the document from the on-site opinions (every one recorded: the guard)."""
    from ...documents.opinions import render_opinions_docx

    event = step.obj
    if not event.document_number:
        event.document_number = _next_document_number(event, step.now)
    content = render_opinions_docx(event=event, now=step.now)
    event.document.save(f"event-{event.pk}-opinions-draft.docx", ContentFile(content), save=False)
    event.document_generated_at = step.now
    event.document_review_note = ""
    step.commit(
        fields=["document", "document_number", "document_generated_at", "document_review_note"],
        data={"document_number": event.document_number, "bytes": len(content)},
    )
    tell(
        step,
        [event.deputy],
        "event_document_review",
        f"《企业诉求事项处理意见》（{event.title}）待审核",
        key=f"event-docreview:{event.pk}:{event.version}",
    )


@performs("withdraw_document")
def event_withdraw_document(step, note: str = ""):
    """The office takes the draft back to change opinions (recording an opinion on a drafted
    event does the same); the document must be generated again."""
    step.commit(note=(note or "").strip())


@performs("review_document")
def _pass_document(step, note: str = ""):
    """The deputy leader passes the draft on to the leader."""
    event = step.obj
    event.document_review_note = (note or "").strip()
    event.document_reviewed_at = step.now
    step.commit(fields=["document_review_note", "document_reviewed_at"], note=event.document_review_note)
    tell(
        step,
        [event.chair],
        "event_document_approve",
        f"《企业诉求事项处理意见》（{event.title}）待审定",
        key=f"event-docapprove:{event.pk}:{event.version}",
    )


def event_review_document(*, actor: User, event_id: int, approve: bool = True, note: str = "", **kw) -> Event:
    """报市府办公室审核修改: the deputy leader (the task force's 市政府副秘书长 sits in 市府办)
    passes the draft on to the leader (move review_document), or returns it to the office
    with what to change (move return_document)."""
    if approve:
        return _pass_document(actor=actor, event_id=event_id, note=note, **kw)
    return event_return_document(actor=actor, event_id=event_id, reason=note, **kw)


@performs("return_document")
def event_return_document(step, reason: str):
    """The deputy leader sends the draft back to the office with what to change."""
    event = step.obj
    reason = required(reason, "退回修改须写明修改意见", "reason")
    event.document_review_note = reason
    step.commit(fields=["document_review_note"], note=reason)
    tell(
        step,
        office_hubs(event),
        "event_document_returned",
        f"《企业诉求事项处理意见》（{event.title}）退回修改",
        body=reason,
    )


@performs("approve_document")
def event_approve_document(step, note: str = ""):
    """呈市政府领导审定: the document is rendered again as approved, dated this day, its
    working-day deadlines counted from it (the draft said 自印发之日起)."""
    from ...documents.opinions import render_opinions_docx

    event = step.obj
    event.document_approved_at = step.now
    content = render_opinions_docx(event=event, now=step.now)
    event.document.save(f"event-{event.pk}-opinions.docx", ContentFile(content), save=False)
    step.commit(fields=["document_approved_at", "document"], note=(note or "").strip())
    tell(
        step,
        office_hubs(event),
        "event_document_approved",
        f"《企业诉求事项处理意见》（{event.title}）已审定，请交办",
    )
