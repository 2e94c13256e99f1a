"""The ground floor: what every app uses and that uses nothing of ours — the error contract,
the request context the audit log records, the abstract base model, small helpers for
scoped querysets, masked phones, read-only admins and operational commands."""
