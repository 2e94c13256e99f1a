"""Signals the appeals app sends for the apps above it (appeals imports none of them).

`appeal_escalated` — the `escalate` move (`services.appeal_escalate`), sent inside the
move's transaction once the appeal is locked and the move checked, before the move is
recorded. Arguments: `appeal` (locked), `actor`, `now`, `leader` (the leader the unit
named, else the one in charge of its lead unit, or None), `units_to_coordinate` (a list of
Units) and the Annex 2 text fields `project_name`, `basic_situation`, `problem`,
`contact_name`, `contact_mobile`. The receiver that files the request (the coordination
app) returns it; the move records its `pk` and `batch_month` on the timeline. An exception
in a receiver rolls the whole move back. Exactly one receiver must file the request.

`appeal_exemption_approved` — the `approve_exemption` move (`services.appeal_approve_exemption`),
sent inside the move's transaction once the appeal is locked and the move checked, before
the move is recorded (so a receiver takes its row locks before the audit chain's). Arguments:
`appeal` (locked; its exemption is being approved), `actor`, `now`. The coordination app's
receiver takes the appeal out of the counted facts at once (seeds/000 五(二)3); what a
receiver returns (a dict) goes into the move's history data. An exception rolls it back.

`appeal_transition_recorded` — every row of an appeal's timeline (`recipe.record_transition`:
every move, intake, notes), sent inside the move's transaction right after the row is
written. Arguments: `transition` (the new `Transition`), `appeal`. A receiver only queues
(e.g. the webhooks app writes one outbox row per subscription); an exception rolls the move
back, so a receiver must not call anything outside the database.
"""

from django.dispatch import Signal

appeal_escalated = Signal()
appeal_exemption_approved = Signal()
appeal_transition_recorded = Signal()
