import json

from django import template

register = template.Library()


@register.filter
def as_json(value) -> str:
    """before/after as compact JSON (Chinese left readable), "" for none."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
