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


def changed_only(before: dict, after: dict, *, masked=()) -> tuple[dict, dict]:
    """(before, after) reduced to the fields whose value changed, as audit_record takes them;
    the values of `masked` fields read "(已变更)" (the log is read more widely than they are)."""
    changed = [k for k in after if after[k] != before[k]]

    def shown(values: dict) -> dict:
        return {k: MASKED if k in masked else values[k] for k in changed}

    return shown(before), shown(after)
