"""Load and timing helpers for `zhitong bench` (the command itself lives with the bench helper)."""
