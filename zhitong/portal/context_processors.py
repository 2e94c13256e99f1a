from .navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation_for(user, request.path)}


def page_script(request):
    """What static/zhitong/site.js needs from the server, rendered by base.html as a JSON
    block (the Content-Security-Policy allows no inline script): its Chinese texts, and for a
    signed-in user the idle rule (common/middleware.py) and where to ask about it."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import gettext as _

    data: dict = {
        "text": {
            # The same words as the page forms' message (common/forms.py MESSAGES["max_length"]).
            "too_long": _("内容过长：最多 %(limit)s 个字，当前 %(count)s 个字，请删减后再提交")
            % {"limit": "{limit}", "count": "{count}"},
            "draft_restored": _("已恢复未提交的草稿"),
            "draft_saved_at": _("保存于 %(time)s") % {"time": "{time}"},
            "draft_changed": _("此页面在您离开后已有更新，请核对后再提交。"),
            "draft_discard": _("放弃草稿"),
        }
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        data["session"] = {
            "user": user.pk,
            "idle": int(settings.ZHITONG_IDLE_TIMEOUT_MINUTES * 60),
            "warn": settings.ZHITONG_IDLE_WARNING_SECONDS,
            "status": reverse("session_status"),
            "login": reverse("login"),
        }
    return {"zt_script": data, "zt_idle_minutes": settings.ZHITONG_IDLE_TIMEOUT_MINUTES}
