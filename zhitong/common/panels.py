"""The home-page hook every app implements (one shape for all).

An app that puts something on users' home pages has a `home.py` with

    def home_panels(user, *, today: date) -> list[HomePanel]

returning the panels for that user (an empty list when it has nothing for them). The portal
lists these functions explicitly (portal.views.HOME_HOOKS) — it is the top floor and
imports the apps; no discovery. A panel's `context` is merged into the page's context, so
its keys carry the app's label as a prefix (`coordination_tasks`); the portal refuses two
panels setting the same key. Panels are shown in `order`, lowest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True)
class HomeCount:
    """A figure on a home page and the list it counts: opening `url` as the same user shows
    exactly `value` rows. Compute `value` with the list page's own query for that address
    (e.g. appeals.views.workbench.WorkbenchLists), never with a look-alike aggregate.
    `tone` colours it: "" (plain), "yellow" (due soon), "red" (late), "green"; `light` puts
    a light dot before the label; `key` names it in the page (data-count, for tests); `hint`
    is its tooltip. Rendered by includes/home_count.html; portal/tests/test_home_counts.py
    opens every such link and compares."""

    label: str
    value: int
    url: str
    tone: str = ""
    key: str = ""
    light: str = ""
    hint: str = ""


@dataclass(frozen=True)
class HomePanel:
    """One app's contribution to a user's home page.

    - `template`: included in the page's panel area with `panel` in its context; "" for a
      data-only panel whose `context` the role's own page lays out (e.g. the appeal figures
      around which the staff pages are built);
    - `context`: names the templates read (prefixed with the app label);
    - `counts`: the panel's figures, each linking to its list.
    """

    title: str
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    counts: tuple[HomeCount, ...] = ()


class HomeHook(Protocol):
    def __call__(self, user, *, today: date) -> list[HomePanel]: ...
