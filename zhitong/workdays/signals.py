"""`calendar_changed(sender=None, years=[…])` is sent after a calendar change commits (a day
set or cleared, a CSV import, a re-seed). Apps that store dates computed with working-day
arithmetic (e.g. a stored deadline marked provisional) connect to it to recompute them;
receivers run after the commit, outside the change's transaction."""

from django.dispatch import Signal

calendar_changed = Signal()
