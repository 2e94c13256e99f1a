"""Intake against the peer: django-helpdesk's ticket creation through its REST API
(peer.py), at the same connection counts and gunicorn workers as our intake, on a
database holding as many tickets as ours holds appeals; then our API intake and the
bare view on our server, in the same run."""

from __future__ import annotations

from ..load import run_intake_load, run_load
from ..peer import ensure
from ..stats import Row, ratio
from .intake import gunicorn


def run(*, seconds: float = 15, workers: int = 4, connections=(8, 16), **_) -> list[Row]:
    from zhitong.api.models import ApiToken
    from zhitong.appeals.models import Appeal, Category
    from zhitong.enterprises.models import Enterprise
    from zhitong.organizations.choices import Role
    from zhitong.organizations.models import User

    appeals = Appeal.objects.count()
    peer = ensure(tickets=appeals)
    headers = {"Authorization": f"Token {peer['token']}"}

    def ticket(client, seq):
        return client.post(
            "/api/tickets/",
            data={
                "queue": peer["queue"],
                "title": f"Bench ticket {seq}",
                "description": "Road in front of the factory is broken; trucks cannot pass.",
                "submitter_email": f"b{seq}@example.com",
                "priority": 3,
            },
            headers=headers,
        )

    hub = User.objects.filter(role=Role.HUB, is_active=True).order_by("id").first()
    _, secret = ApiToken.issue(user=hub, name="bench peer", rate_limit=10**6)
    ents = list(Enterprise.objects.order_by("id").values_list("id", flat=True)[:2000])
    cats = list(Category.objects.filter(is_active=True).values_list("id", flat=True))
    peer_rates, ours, bare = {}, {}, {}
    with gunicorn(
        workers=workers,
        settings="hdsite.settings",
        app="hdsite.wsgi:application",
        python=peer["python"],
        cwd=peer["site"],
        env_extra={**peer["env"]},
    ) as base:
        for n in connections:
            peer_rates[n] = run_load(base, connections=n, seconds=seconds, request=ticket)
    with gunicorn(workers=workers) as base:
        for n in connections:
            bare[n] = run_load(
                base, connections=n, seconds=seconds, request=lambda c, i: c.get("/bench/bare/")
            )
            ours[n] = run_intake_load(base, secret, n, seconds, enterprise_ids=ents, category_ids=cats)
    rows = []
    for n in connections:
        p, o, b = peer_rates[n], ours[n], bare[n]
        rows.append(
            Row(
                "intake",
                f"django-helpdesk API tickets, {n} conn (/s)",
                p["per_second"],
                None,
                None,
                "",
                None,
                f"median {p['median_ms']:.0f} ms, p95 {p['p95_ms']:.0f} ms; {p['statuses']}",
            )
        )
        rows.append(
            Row(
                "intake",
                f"bare one-query view, {n} conn (req/s)",
                b["per_second"],
                None,
                1,
                "",
                None,
                f"median {b['median_ms']:.0f} ms, p95 {b['p95_ms']:.0f} ms",
            )
        )
        rows.append(
            Row(
                "intake",
                f"API intake, {n} conn (appeals/s)",
                o["per_second"],
                None,
                None,
                "peer",
                ratio(o["per_second"], p["per_second"]),
                f"{ratio(o['per_second'], b['per_second']) or 0:.3f}× bare; median {o['median_ms']:.0f} ms, "
                f"p95 {o['p95_ms']:.0f} ms; {o['statuses']}",
            )
        )
    rows.append(
        Row(
            "intake",
            "tickets / appeals loaded",
            appeals,
            None,
            None,
            "",
            None,
            f"django-helpdesk 2.6.1, gunicorn {workers} sync workers each, {seconds:.0f} s per run",
        )
    )
    return rows
