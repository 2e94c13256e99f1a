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
    if user.role in (Role.HANDLER, Role.UNIT_HEAD, Role.SUPERVISOR, Role.HUB):
        counts = selectors.task_counts(selectors.task_list_for_user(user=user), today=today)
        if not counts["open"] and not counts["reported"]:
            return {}
        return {"coordination_tasks": counts, "home_widgets": ["coordination/_home_tasks.html"]}
    return {}
