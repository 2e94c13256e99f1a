"""Shared helpers of the coordination views: run a service and say how it went."""

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from zhitong.common.errors import AccessDenied, ServiceError

from ..forms import first_error


def perform(request, back: str, action: Callable[[], object], success: str = "已保存"):
    """POST handlers: run the service; a refused action comes back as a message on the page
    it came from (the page shows the reason in Chinese), a missing object as 404."""
    try:
        action()
    except AccessDenied:
        raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success)
    return redirect(back)


def invalid(request, back: str, form):
    messages.error(request, first_error(form))
    return redirect(back)


def get_or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except AccessDenied:
        raise Http404


def parse_month(value: str) -> date:
    """ "2026-01" → date(2026, 1, 1); 404 for anything else."""
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        raise Http404


def today() -> date:
    return timezone.localdate()
