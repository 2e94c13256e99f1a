"""Pages of the counting facts (seeds/000 五(二)) and the hub's monthly certification of the
county principals' meetings."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhitong.common.forms import id_or_none
from zhitong.common.pages import month_param
from zhitong.organizations.models import Unit

from .. import permissions, selectors
from ..choices import CountedAs, FactStanding
from ..machines.facts import CERTIFICATION
from ._common import get_or_404, histories_of, history_rows, move_forms, move_view, today


@login_required
def facts(request):
    """The counting facts of a month (seeds/000 五(二)2), and the hub's certification of the
    county principals' meetings (五(二)1). Each count links to its list below, filtered by
    unit, standing and what it counts as (a garbage filter value lists as if unset)."""
    if not permissions.can_read_facts(request.user):
        raise PermissionDenied
    month = month_param(request.GET.get("month"), today().replace(day=1))
    rows = list(selectors.facts_for(month=month).order_by("unit__path", "meeting__held_at", "id"))
    per_unit: dict[Unit, dict] = {}
    for f in rows:
        c = per_unit.setdefault(f.unit, {k: 0 for k in (*CountedAs.values, *FactStanding.values)})
        c[f.standing] += 1
        if f.counted:
            c[f.counted_as] += 1
    certifications = selectors.certification_rows(month=month, facts=rows)
    history = histories_of([r.certification for r in certifications])
    for row in certifications:
        cert = row.certification
        row.moves = move_forms(
            CERTIFICATION, request.user, cert, url="coordination:certification_move", arg=cert.pk
        )
        row.history = history_rows(CERTIFICATION, history.get(cert.pk, []))
    unit_id = id_or_none(request.GET.get("unit", ""))
    standing = request.GET.get("standing") if request.GET.get("standing") in FactStanding.values else ""
    counted_as = request.GET.get("as") if request.GET.get("as") in CountedAs.values else ""
    shown = [
        f
        for f in rows
        if (unit_id is None or f.unit_id == unit_id)
        and (not standing or f.standing == standing)
        and (not counted_as or f.counted_as == counted_as)
    ]
    return TemplateResponse(
        request,
        "coordination/facts.html",
        {
            "month": month,
            "facts": shown,
            "filtered": unit_id is not None or standing or counted_as,
            "per_unit": per_unit.items(),
            "certifications": certifications,
        },
    )


@login_required
@require_POST
def certification_move(request, pk, name):
    """A move of the hub's monthly certification (seeds/000 五(二)1)."""
    cert = get_or_404(selectors.certification_get_for_user, user=request.user, certification_id=pk)
    back = reverse("coordination:facts") + f"?month={cert.month:%Y-%m}#cert-{cert.pk}"
    return move_view(request, CERTIFICATION, pk=cert.pk, name=name, back=back)
