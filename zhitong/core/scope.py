"""Querysets narrowed: to what a user may see (each app's `*_scope_q(user)` says what that is:
a Q, or None for no restriction), and by the filters a user gave."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from .errors import AccessDenied


def scoped(qs: QuerySet, scope: Q | None) -> QuerySet:
    """`qs` filtered by `scope` (None: no restriction)."""
    return qs if scope is None else qs.filter(scope)


def get_in_scope(qs: QuerySet, scope: Q | None, pk):
    """The row `pk` of `qs` within `scope`, or AccessDenied: the same for a row that does not
    exist and one the user may not see, so that the answer tells nothing about other rows."""
    try:
        return scoped(qs, scope).get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise AccessDenied()


def require_in_scope(qs: QuerySet, scope: Q | None, pks) -> None:
    """AccessDenied unless every row `pks` of `qs` exists within `scope` (one query). An
    action on several objects (merging one appeal into another, putting appeals on an
    agenda) needs access to each of them; one missing and one out of sight get the same
    answer. Rows already fetched and locked are passed by pk: this only asks the scope."""
    try:
        wanted = {qs.model._meta.pk.to_python(pk) for pk in pks}
    except (ValidationError, TypeError, ValueError):
        raise AccessDenied()
    if wanted and scoped(qs, scope).filter(pk__in=wanted).count() != len(wanted):
        raise AccessDenied()


def filter_given(qs: QuerySet, **lookups) -> QuerySet:
    """`qs` filtered by each lookup whose value was given (not None, "" or 0)."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return qs.filter(**given) if given else qs
