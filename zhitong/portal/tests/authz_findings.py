"""Findings of the authorization matrix (issue 15): answers the code gives today that differ
from the rule stated in authz_matrix.py. test_authz_matrix asserts them as they are, so
fixing one fails the test until its entry is removed here."""

from __future__ import annotations

from .authz_matrix import ENTERPRISES, GOVERNMENT, OK

# Answers the code gives today that differ from the rule (issue 15 findings, to be fixed):
# (row key, principal) → the answer observed. Fixing one fails the test until it is removed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _gaps() -> dict[tuple[str, str], str]:
    gaps = {}
    # F1. A county's supervision office opens the city units' objects: the role is in
    # capabilities.WHOLE_CITY_ROLES, while supervision.scope (seeds/000 三: 各县(市)区政府督查室
    # 督查落实 in their county) limits it to its county only for orders and findings.
    for key in (
        "appeals:detail",
        "enterprises:detail",
        "coordination:meeting_detail",
        "coordination:task_detail",
        "coordination:event_detail",
        "projects:detail",
        "projects:daily_list",
        "projects:milestone",
        "projects:dispatch:session",
        "GET /appeals/{appeal_id}",
        "GET /enterprises/{enterprise_id}",
        "GET /coordination/meetings/{meeting_id}",
        "GET /coordination/tasks/{task_id}",
        "GET /coordination/events/{event_id}",
        "GET /projects/{project_id}",
        "GET /projects/{project_id}/moves",
        "GET /projects/{project_id}/progress",
        "GET /projects/{project_id}/reports",
        "GET /projects/{project_id}/daily-reports",
        "GET /projects/{project_id}/commitments",
        "GET /projects/{project_id}/milestones",
        "GET /projects/{project_id}/milestones/{milestone_id}",
        "GET /dispatch/projects/{project_id}/consultations",
        "GET /dispatch/sessions/{session_id}",
    ):
        gaps[(key, "county_supervisor")] = OK
    # F2. An enterprise's contact opens the government lists (is_government_user: "the appeal
    # workbench"; sees_project_library: "every government role"); the rows are scoped to its
    # own enterprise, so nothing of another enterprise shows, but the door is open.
    for key in (
        "appeals:workbench",
        "enterprises:list",
        "organizations:units",
        "projects:list",
        "projects:export",
        "coordination:meetings",
        "coordination:tasks",
        "coordination:events",
        "GET /appeals",
        "GET /appeals/moves",
        "GET /appeals/categories",
        "GET /enterprises",
        "GET /organizations/units",
        "GET /organizations/units/tree",
        "GET /organizations/windows",
        "GET /projects",
        "GET /projects/roadmap/template",
        "GET /coordination/meetings",
        "GET /coordination/tasks",
        "GET /coordination/events",
    ):
        for who in ENTERPRISES:
            gaps[(key, who)] = OK
    # F3. The enterprise portal's status page answers every government account (it shows
    # "no portal access"; no data).
    for who in GOVERNMENT:
        gaps[("eportal:status", who)] = OK
    # F4. The duplicate check of intake (POST, read-only) answers roles that do not register
    # appeals (can_register_appeals): it lists similar open appeals of any enterprise named.
    for who in ("supervisor", "county_supervisor", "overseer", "leader"):
        gaps[("POST /appeals/duplicates", who)] = OK
        gaps[("GET /appeals/duplicates", who)] = OK
    return gaps


KNOWN_GAPS.update(_gaps())
