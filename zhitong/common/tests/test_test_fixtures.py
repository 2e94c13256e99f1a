"""The suite's own speed fixtures (conftest.py) do what they say: one that silently does
nothing costs CI time without anyone noticing (it happened: `no_template_capture` looked for
an attribute Django 5.2 does not have, and the sweeps ran instrumented for a stop)."""

from django.template import Context, Template
from django.test.signals import template_rendered


def _signals_sent() -> int:
    seen = []

    def receiver(**kwargs):
        seen.append(kwargs["template"])

    template_rendered.connect(receiver)
    try:
        Template("{{ x }}").render(Context({"x": 1}))
    finally:
        template_rendered.disconnect(receiver)
    return len(seen)


def test_templates_are_instrumented_under_test():
    assert _signals_sent() == 1


def test_no_template_capture_renders_without_the_signal(no_template_capture):
    assert _signals_sent() == 0
