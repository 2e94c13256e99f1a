from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from zhitong.common.forms import Form, clean_filters
from zhitong.core.errors import Forbidden

from .selectors import SIGNIN_REFUSALS, audit_events_for_user


class AuditFilterForm(Form):
    # The columns' lengths (models.AuditEvent).
    object_type = forms.CharField(
        label="对象类型", required=False, max_length=64, help_text="如 appeals.appeal"
    )
    object_id = forms.CharField(label="对象ID", required=False, max_length=64)
    actor = forms.CharField(label="操作人（登录名）", required=False, max_length=150)
    action = forms.CharField(label="动作", required=False, max_length=64, help_text="前缀匹配，如 auth.")
    kind = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部"), (SIGNIN_REFUSALS, "近24小时登录限制")]
    )


@login_required
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    # A filter that does not validate is shown with its error and not applied.
    filters = {k: v.strip() for k, v in clean_filters(form).items() if v} if form.is_bound else {}
    try:
        events = audit_events_for_user(user=request.user, **filters)
    except Forbidden as exc:
        raise PermissionDenied(exc.message)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()}
    )
