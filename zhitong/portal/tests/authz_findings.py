"""Findings of the authorization matrix (issue 15): answers the code gives today that differ
from the rule stated in authz_matrix.py. test_authz_matrix asserts them as they are, so
fixing one fails the test until its entry is removed here."""

from __future__ import annotations

# Answers the code gives today that differ from the rule (issue 15 findings, to be fixed):
# (row key, principal) → the answer observed. Fixing one fails the test until it is removed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


# Closed in issue 15 (each now follows its row in authz_matrix.py):
# F1. A county's supervision office opened the city units' objects (the role was city-wide):
#     organizations.selectors.county_supervision_root now limits it to its county everywhere.
# F2. An enterprise's contact opened the government lists: organizations.access
#     (government_page, require_government) sends it to its own pages; 我的诉求 and the API's
#     enterprise audience of GET /appeals were by design and their rows now say so.
# F3. The portal's status page answered every government account: now the contact and the hub.
# F4. The intake duplicate check answered roles that do not register appeals: now gated on
#     capabilities.can_register_appeals.
