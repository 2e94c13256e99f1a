"""`zhitong generate`: a working city's data, quickly (docs/performance.md "The data")."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from .appeals import AppealGenerator
from .base import build_enterprises, build_organisation, build_projects, load_city
from .calendar import FastCalendar
from .writer import Ids, analyze, reset_sequences


@dataclass(frozen=True)
class Scale:
    name: str
    enterprises: int
    projects: int
    appeals: int
    chunk: int


SCALES = {
    "tiny": Scale("tiny", 300, 30, 2_000, 1_000),
    "city": Scale("city", 20_000, 1_000, 300_000, 20_000),
    "province": Scale("province", 200_000, 10_000, 3_000_000, 25_000),
}


def generate(*, scale: Scale, seed: int = 14, years: int = 3, now=None, progress=None) -> dict:
    """Build the data set on the default database; returns {stage: seconds} and counts."""

    from ..progress import Progress

    progress = progress or Progress(quiet=True)
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = date(today.year - years, today.month, 1) + timedelta(days=0)
    t0 = time.monotonic()
    ids = Ids()

    progress.stage("organisation")
    build_organisation(now, rng)
    city = load_city()
    cal = FastCalendar(start - timedelta(days=30), date(today.year + 2, 12, 31))

    progress.stage("enterprises")
    with transaction.atomic():
        build_enterprises(city, scale.enterprises, rng, ids, now)
    progress.add(scale.enterprises)
    progress.stage("projects")
    with transaction.atomic():
        build_projects(city, scale.projects, rng, ids, now, start)
    progress.add(scale.projects * 2)

    progress.stage("appeals")
    gen = AppealGenerator(city, cal, rng, ids, now, start)
    done = 0
    while done < scale.appeals:
        n = min(scale.chunk, scale.appeals - done)
        with transaction.atomic():
            rows = gen.chunk(n)
        done += n
        progress.add(rows, done, scale.appeals)
    with transaction.atomic():
        gen.save_counters()

    progress.stage("sequences, statistics")
    finish()
    progress.end()
    return {"seconds": time.monotonic() - t0, "stages": progress.timings, "appeals": done}


def finish() -> None:
    """What a run does after its last chunk (and what `zhitong generate --finish` does after an
    interrupted one: every chunk is its own transaction): each year's code counter past the
    highest code issued, the id sequences past the ids allocated here, fresh statistics."""
    from django.db.models import Max

    from zhitong.appeals.models import Appeal, AppealCounter, AppealEvidence, Cooperation, Transition
    from zhitong.audit.models import AuditEvent
    from zhitong.enterprises.models import Enterprise
    from zhitong.projects.models import Project, ProjectStageChange

    with transaction.atomic():
        for year in range(2015, timezone.localdate().year + 2):
            top = Appeal.objects.filter(code__startswith=f"ZT-{year}-").aggregate(m=Max("code"))["m"]
            if top:
                last = int(top.rsplit("-", 1)[1])
                counter, _ = AppealCounter.objects.get_or_create(year=year, defaults={"last": last})
                if counter.last < last:
                    AppealCounter.objects.filter(year=year).update(last=last)
    models = [
        Enterprise,
        Project,
        ProjectStageChange,
        Appeal,
        Transition,
        Cooperation,
        AppealEvidence,
        AuditEvent,
    ]
    reset_sequences(models)
    analyze(models)
