"""Scale data and benchmarks (issue 14): `zhitong generate` builds a working city's worth of
rows quickly (generate/), `zhitong bench` measures the pages, the intake (intake.py: the loopback load), the month close,
the Annex 1 export and the calendar against baselines (sections/). Sits above every app
(it writes their tables directly and reads their pages); no app imports it."""
