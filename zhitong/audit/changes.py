"""What an update changed, for the services that record it with audit_record."""

from zhitong.core.errors import ServiceError

MASKED = "(已变更)"


def snapshot(obj, fields) -> dict:
    """{field: value} of `obj` for these fields."""
    return {f: getattr(obj, f) for f in fields}


def check_fields(changes, fields) -> None:
    """ServiceError naming the fields of `changes` not among `fields` (those a service may change)."""
    unknown = set(changes) - set(fields)
    if unknown:
        raise ServiceError(f"不能修改字段：{', '.join(sorted(unknown))}")


def apply_changes(obj, changes: dict, fields, clean=None) -> tuple[dict, dict]:
    """Set `changes` on `obj` (each value through `clean(field, value)` when given), after
    check_fields; returns the (before, after) snapshots of `fields`."""
    check_fields(changes, fields)
    before = snapshot(obj, fields)
    for f, v in changes.items():
        setattr(obj, f, clean(f, v) if clean else v)
    return before, snapshot(obj, fields)


def changed_only(before: dict, after: dict, *, masked=()) -> tuple[dict, dict]:
    """(before, after) reduced to the fields whose value changed, as audit_record takes them;
    the values of `masked` fields read "(已变更)" (the log is read more widely than they are)."""
    changed = [k for k in after if after[k] != before[k]]

    def shown(values: dict) -> dict:
        return {k: MASKED if k in masked else values[k] for k in changed}

    return shown(before), shown(after)
