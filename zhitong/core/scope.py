"""Querysets narrowed: to what a user may see (each app's `*_scope_q(user)` says what that is:
a Q, or None for no restriction), and by the filters a user gave."""

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


def filter_given(qs: QuerySet, **lookups) -> QuerySet:
    """`qs` filtered by each lookup whose value was given (not None, "" or 0)."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return qs.filter(**given) if given else qs
