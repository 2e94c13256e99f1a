"""The enterprise pages in English (issue 9): no Chinese left outside the stored data."""

import pytest
from django.urls import reverse

from zhitong.core.tests.english import EnglishPage, assert_page_in_english, english_world  # noqa: F401


def _detail(attr):
    return lambda w: reverse("enterprises:detail", args=[getattr(w, attr).pk])


def _correct(w):
    return reverse("enterprises:move", args=[w.pending.pk, "correct"])


PAGES = [
    EnglishPage(
        "list as the hub",
        "hub",
        lambda w: reverse("enterprises:list"),
        expect=("Size and tags", "Bulk import", "Hometown entrepreneur", "Manufacturing"),
    ),  # fmt: skip
    EnglishPage(
        "list as a handler", "handler", lambda w: reverse("enterprises:list"), expect=("Acme Precision Ltd",)
    ),
    EnglishPage(
        "list filtered, one page (htmx)",
        "hub",
        lambda w: reverse("enterprises:list") + "?flag=above_scale",
        htmx=True,
        expect=("1 enterprise.",),
    ),  # fmt: skip
    EnglishPage(
        "list, nothing found",
        "hub",
        lambda w: reverse("enterprises:list") + "?q=nothing-like-it",
        expect=("No enterprise matches.",),
    ),  # fmt: skip
    EnglishPage(
        "detail as the hub",
        "hub",
        _detail("enterprise"),
        expect=("The 1+1+N service team", "Show full number", "Department contact", "No projects."),
    ),  # fmt: skip
    EnglishPage(
        "detail as a handler", "handler", _detail("enterprise"), expect=("The middle four digits are hidden",)
    ),
    EnglishPage(
        "detail as the enterprise", "company", _detail("enterprise"), expect=("Legal representative",)
    ),
    EnglishPage(
        "detail waiting for review", "hub", _detail("pending"), expect=("Confirm", "Correct and confirm")
    ),
    EnglishPage(
        "full phone number (htmx)",
        "hub",
        lambda w: reverse("enterprises:reveal_phone", args=[w.contact.pk]),
        method="post",
        htmx=True,
        expect=("(viewing recorded)",),
    ),  # fmt: skip
    EnglishPage(
        "review queue", "hub", lambda w: reverse("enterprises:review"), expect=("Correct and confirm",)
    ),
    EnglishPage("correct form", "hub", _correct, expect=("Review note", "Trade and distribution")),
    EnglishPage(
        "correct form refused",
        "hub",
        _correct,
        method="post",
        data=lambda w: {"expected_version": w.pending.version, "name": ""},
        status=400,
        expect=("Please fill in this field",),
    ),  # fmt: skip
    EnglishPage(
        "import",
        "admin",
        lambda w: reverse("enterprises:import"),
        expect=("Kind of data", "Upload and import"),
    ),
    EnglishPage(
        "import without a file",
        "admin",
        lambda w: reverse("enterprises:import"),
        method="post",
        data=lambda w: {"kind": "units"},
        status=400,
        expect=("Please choose an .xlsx file",),
    ),  # fmt: skip
    EnglishPage(
        "home: enterprises to review",
        "hub",
        lambda w: reverse("home"),
        within=("enterprises-review",),
        expect=("Enterprises to review",),
    ),  # fmt: skip
]


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_the_page_is_in_english(client, english_world, case):  # noqa: F811
    assert_page_in_english(client, english_world, case)
