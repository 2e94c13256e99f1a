"""Home-page context (see /work/notes/home_hook.md): what coordination asks of each role."""

from django.utils import timezone

from zhitong.organizations.choices import Role


def home_context(request) -> dict:
    user = request.user
    from . import selectors

    today = timezone.localdate()
    if user.role == Role.LEADER:
        pending = selectors.leader_pending(user=user)
        for event in pending["events"]:
            event.my_action = selectors.event_action_for(event, user)
        return {"coordination_leader": pending}
    context: dict = {"home_widgets": []}
    if user.role == Role.HUB:
        # The hub's desk: batches waiting for review or submission, and the events its own
        # office must move on.
        from .choices import BatchStatus

        rows = [
            r
            for r in selectors.batch_list(today=today)
            if r.batch.status == BatchStatus.UNDER_REVIEW
            or (r.batch.status == BatchStatus.OPEN and r.total and r.batch.cutoff < today)
        ]
        events = [
            e for e in selectors.event_list_for_user(user=user) if selectors.event_office_action(e, user)
        ]
        for e in events:
            e.my_action = selectors.event_office_action(e, user)
        if rows or events:
            context.update({"coordination_hub": {"batches": rows, "events": events}})
            context["home_widgets"].append("coordination/_home_hub.html")
    if user.role in (Role.HANDLER, Role.UNIT_HEAD, Role.SUPERVISOR, Role.HUB):
        counts = selectors.task_counts(selectors.task_list_for_user(user=user), today=today)
        if counts["open"] or counts["reported"]:
            context["coordination_tasks"] = counts
            context["home_widgets"].append("coordination/_home_tasks.html")
    return context if context["home_widgets"] else {}
