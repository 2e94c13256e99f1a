"""The organisation pages in English (issue 9): no Chinese left outside the stored data."""

import pytest
from django.urls import reverse

from zhitong.core.tests.english import EnglishPage, assert_page_in_english, english_world  # noqa: F401

PAGES = [
    EnglishPage(
        "service windows, signed out",
        None,
        lambda w: reverse("organizations:directory"),
        expect=("Service windows for enterprises", "Responsible leader", "Municipal department", "Sign in"),
    ),  # fmt: skip
    EnglishPage(
        "service windows searched",
        "handler",
        lambda w: reverse("organizations:directory") + "?q=Industry",
        expect=("1 window found.",),
    ),  # fmt: skip
    EnglishPage(
        "service windows, nothing found",
        "handler",
        lambda w: reverse("organizations:directory") + "?q=zzz",
        expect=("No service window found for “zzz”.",),
    ),  # fmt: skip
    EnglishPage(
        "units as a handler", "handler", lambda w: reverse("organizations:units"), expect=("In your scope",)
    ),
    EnglishPage(
        "units as the hub", "hub", lambda w: reverse("organizations:units"), expect=("the whole city",)
    ),
]


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_the_page_is_in_english(client, english_world, case):  # noqa: F811
    assert_page_in_english(client, english_world, case)
