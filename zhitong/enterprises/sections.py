"""The sections an enterprise's page gets from the apps above this one ("one place for
everything about an enterprise": its projects, its appeals …).

Enterprises sits below projects and appeals, so it cannot read them: each of those apps
registers a Section here in its AppConfig.ready (`register`). A section's `context(request,
enterprise, today)` returns the dict its template reads as `ctx` — scoped reads only, through
the owning app's selectors — or None to leave the section out for this user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str  # the section's id on the page (anchor)
    title: str
    template: str
    context: Callable  # (request, enterprise, today) -> dict | None


SECTIONS: list[Section] = []


def register(section: Section) -> None:
    """Add `section` to the enterprise page (once: registering a key again replaces it)."""
    for i, s in enumerate(SECTIONS):
        if s.key == section.key:
            SECTIONS[i] = section
            return
    SECTIONS.append(section)


def sections_for(request, enterprise, today) -> list[dict]:
    """[{"section", "context"}] of the sections this user gets, in registration order."""
    out = []
    for section in SECTIONS:
        context = section.context(request, enterprise, today)
        if context is not None:
            out.append({"section": section, "context": context})
    return out
