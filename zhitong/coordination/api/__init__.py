"""/api/v1/coordination — the same operations as the pages, through the same selectors and
services. Token authentication (Authorization: Bearer …) comes from zhitong.api.

Monthly escalation batch (seeds/000 二, Annex 2)
- GET  /batches                         months with their cut-off and counts (hub)
- GET  /batches/{YYYY-MM}               one batch with its requests (hub)
- POST /batches/{YYYY-MM}/moves/{move}  start_review | submit {version} (hub)
- POST /requests/{id}/moves/{move}      accept {leader_id?, note} | return {reason} (hub)
- GET  /my-batch                        the requests reported to the calling leader
Coordination meetings (协调会)
- GET/POST /meetings, GET /meetings/{id}, POST /meetings/{id}/items {appeal_ids, escalation_ids},
  POST /meetings/{id}/moves/{move}: minutes (multipart `upload`) | opinion {item_id, opinion,
  unit_ids, due_workdays | due_date}
- GET /annex3?unit_id=&month=YYYY-MM&section=city|county (rows of Annex 3, or of the county's
  own table of its principal leaders' meetings), GET /facts?month=YYYY-MM&include_uncounted=
  (counting facts), GET /facts/certifications?month=YYYY-MM, POST
  /facts/certifications/{id}/moves/{move}: certify {note} | reopen {reason} (hub, seeds/000 五(二)1)
Tasks
- GET /tasks?status=&light=&source=, GET /tasks/{id},
  POST /tasks/{id}/moves/{move}: progress | done | confirm {note}, reject {reason}
Every …/moves/{move} takes the move's fields (coordination/machines/, docs/state-machines.md)
and the `version` the caller read (required: without it 422 `version_required`; every object
answered carries its `version`); it answers the object.
Face-to-face events (面对面, seeds/001)
- GET/POST /events, GET /events/{id}, POST /events/{id}/appeals {appeal_ids},
  POST /events/{id}/problems (a new problem → a face_to_face appeal),
  POST /event-items/{id}/verify {result, note}, POST /event-items/{id}/opinion,
  POST /events/{id}/actions/{action} — start_verification, submit_catalog, review, approve,
  notify, hold, generate_document, review_document, approve_document, assign, close
- POST /events/{id}/reschedule, POST /event-items/{id}/unit, DELETE /event-items/{id},
  DELETE /meeting-items/{id}
- GET /events/{id}/document → the .docx

Errors are JSON {"code", "message"} in Chinese: 400 bad data, 403 not yours to do, 404 missing
or out of scope, 409 wrong step or stale version (or `conflict`: another request held the
rows, nothing was saved — retry), 422 a move without its `version`.
"""

# One router; each aggregate module adds its endpoints to it when imported (in this order,
# which is the order of the OpenAPI document).
from . import batches, meetings, facts, tasks, events  # noqa: F401, I001
from ._common import router

__all__ = ["router"]
