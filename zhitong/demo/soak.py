"""The soak harness (`zhitong soak`, docs/reliability.md): a small generated city, virtual
users that drive the running server over loopback HTTP for a bounded time, and the counts
taken in the database afterwards.

A hand loop, not locust: the load is a handful of scripted journeys (register with an
idempotency key, replay it, the appeal's moves to closing, the pages people read), and what
matters is the bookkeeping after the run — every 201's code, every key — which the loop keeps
exactly, with the standard library and threads only. Locust would add gevent's monkey
patching and a second process model for no figure we need (it measures throughput
distributions, which `zhitong bench` covers).

- `soak_setup()` (in the soak database): units, people, enterprises, API tokens and signed-in
  page sessions; returns a JSON-able `world`.
- `drive(base_url, world, seconds=…, users=…)`: threads, each a virtual user looping through
  its journey until the time is up; returns a `Tally`.
- `soak_count(tally)` (in the soak database): lost appeals, duplicated keys, half-written
  appeals, the audit chain.
"""

from __future__ import annotations

import http.client
import json
import random
import secrets
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LEAD_UNITS = 3
ENTERPRISES = 12


# -- the world -----------------------------------------------------------------------------


def soak_setup(*, run: str | None = None) -> dict:
    """Create the soak's units, people, enterprises, tokens and page sessions (in the
    current database). Returns the world the virtual users need."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from zhitong.api.models import ApiToken
    from zhitong.appeals.models import Category
    from zhitong.enterprises.choices import Industry
    from zhitong.enterprises.models import Enterprise
    from zhitong.enterprises.validators import credit_code_check_char
    from zhitong.organizations.choices import Role, UnitKind
    from zhitong.organizations.models import Unit, User

    run = run or secrets.token_hex(3)
    password = make_password(secrets.token_urlsafe(16))  # one hash for all: nobody signs in by it

    def unit(code, name, kind=UnitKind.DEPARTMENT, parent=None):
        return Unit.objects.create(
            code=f"{code}-{run}", name=f"{name}（压测{run}）", kind=kind, parent=parent
        )

    def user(name, role, unit_):
        return User.objects.create(
            username=f"soak-{name}-{run}", full_name=f"压测{name}", role=role, unit=unit_, password=password
        )

    city = unit("SZF", "榕城市人民政府", UnitKind.CITY_GOVERNMENT)
    hub_unit = unit("FGW", "市发展和改革委员会", parent=city)
    hotline = unit("HOTLINE", "市12345热线", parent=city)
    county = unit("GLQ", "鼓楼区", UnitKind.COUNTY, parent=city)
    leads = [unit(f"D{i}", f"市第{i}局", parent=city) for i in range(1, LEAD_UNITS + 1)]
    clerk, hub = user("clerk", Role.CLERK, hotline), user("hub", Role.HUB, hub_unit)
    handlers = [user(f"handler{i}", Role.HANDLER, u) for i, u in enumerate(leads, 1)]
    enterprises = []
    for i in range(ENTERPRISES):
        body = f"91350100{int(run, 16) % 1000:03d}{i:06d}"
        enterprises.append(
            Enterprise.objects.create(
                credit_code=body + credit_code_check_char(body),
                name=f"压测{run}科技有限公司{i}",
                industry=Industry.MANUFACTURING,
                location=county,
            )
        )

    def token(u):
        return ApiToken.issue(user=u, name=f"压测{run}", rate_limit=1_000_000)[1]

    def session(u):
        c = Client()
        c.force_login(u)
        return c.cookies[settings.SESSION_COOKIE_NAME].value

    return {
        "run": run,
        "clerk": token(clerk),
        "hub": token(hub),
        "handlers": {str(u.unit_id): token(u) for u in handlers},
        "sessions": [session(u) for u in [hub, *handlers]],
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "lead_unit_ids": [u.pk for u in leads],
        "enterprise_ids": [e.pk for e in enterprises],
        "category_ids": list(Category.objects.filter(is_active=True).values_list("pk", flat=True)[:5]),
    }


# -- the virtual users ---------------------------------------------------------------------


@dataclass
class Tally:
    """What the virtual users saw: each answer's kind and status, their times, and the
    bookkeeping of intake (every key sent, every code answered 201)."""

    statuses: Counter = field(default_factory=Counter)  # (kind, status) -> count
    times: dict = field(default_factory=dict)  # kind -> [seconds]
    created: dict = field(default_factory=dict)  # idempotency key -> code answered 201
    replayed: dict = field(default_factory=dict)  # key -> code answered 200 on a replay
    keys: list = field(default_factory=list)  # every key sent
    errors: list = field(default_factory=list)  # the first few refusals, 5xx, broken answers
    closed: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, kind: str, status: int, took: float, body: bytes = b"") -> None:
        with self.lock:
            self.statuses[(kind, status)] += 1
            self.times.setdefault(kind, []).append(took)
            if (status >= 400 or status == 0) and len(self.errors) < 20:
                self.errors.append((kind, status, body[:300].decode(errors="replace")))

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.statuses.items() if status >= 500 or status == 0)

    def to_json(self) -> dict:
        return {"created": self.created, "replayed": self.replayed, "keys": self.keys}


class Client:
    """One virtual user's keep-alive HTTP connection to the server."""

    def __init__(self, base_url: str, tally: Tally):
        u = urllib.parse.urlsplit(base_url)
        self.host, self.port, self.tally = u.hostname, u.port or 80, tally
        self.conn = None
        self.reads = 0

    def call(self, kind, method, path, *, body=None, headers=None, expect=(200,)):
        headers = dict(headers or {})
        started = time.monotonic()
        status, data = 0, b""
        for attempt in (1, 2):  # a keep-alive connection the server closed: reconnect once
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                status, data = response.status, response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                break
            except (http.client.HTTPException, OSError) as exc:
                self.close()
                if attempt == 2:
                    status, data = 0, f"{type(exc).__name__}: {exc}".encode()
        self.tally.record(kind, status, time.monotonic() - started, data)
        return status, data

    def api(self, kind, method, path, token, payload=None, **kw):
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        body = None
        if payload is not None:
            body = json.dumps(payload, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        status, data = self.call(kind, method, f"/api/v1{path}", body=body, headers=headers)
        try:
            return status, json.loads(data) if data else {}
        except ValueError:
            return status, {}

    def page(self, kind, path, cookie_name, session):
        return self.call(kind, "GET", path, headers={"Cookie": f"{cookie_name}={session}"})[0]

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, data in files:
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def journey(c: Client, world: dict, vu: int, n: int, rng: random.Random, tally: Tally) -> None:
    """One appeal from registration to closing, with replays and the pages read between."""
    key = f"soak-{world['run']}-{vu}-{n}"
    body = {
        "enterprise_id": rng.choice(world["enterprise_ids"]),
        "category_id": rng.choice(world["category_ids"]),
        "channel": "hotline",
        "title": f"压测诉求{vu}-{n}：厂房用电报装逾期未接电",
        "description": "企业新厂房用电报装已逾一个月未接电，影响设备调试。（压测数据）",
    }
    with tally.lock:
        tally.keys.append(key)
    status, appeal = c.api(
        "intake", "POST", "/appeals", world["clerk"], body, headers={"Idempotency-Key": key}
    )
    if status == 201:
        with tally.lock:
            tally.created[key] = appeal["code"]
    if status not in (200, 201):
        return
    if rng.random() < 0.3:  # a client's retry of the same request
        s, again = c.api("replay", "POST", "/appeals", world["clerk"], body, headers={"Idempotency-Key": key})
        if s == 200:
            with tally.lock:
                tally.replayed[key] = again.get("code")
    read_pages(c, world, rng)
    lead = rng.choice(world["lead_unit_ids"])
    handler = world["handlers"][str(lead)]
    pk, version = appeal["id"], appeal["version"]

    def move(name, token, data=None):
        nonlocal version
        s, a = c.api(
            f"move:{name}",
            "POST",
            f"/appeals/{pk}/moves/{name}",
            token,
            {"expected_version": version, "data": data or {}},
        )
        if s == 200:
            version = a["version"]
        return s == 200

    if not move("assign", world["hub"], {"lead_unit_id": lead, "override_reason": "压测：指定牵头单位"}):
        return
    if not move("sign", handler):
        return
    if not move("add_progress", handler, {"note": "已约谈企业，正在协调供电公司。"}):
        return
    payload, content_type = _multipart(
        {"expected_version": version, "note": "会议纪要"},
        [("files", f"纪要{vu}-{n}.pdf", PDF + key.encode())],
    )
    s, data = c.call(
        "evidence",
        "POST",
        f"/api/v1/appeals/{pk}/evidence",
        body=payload,
        headers={"Authorization": f"Bearer {handler}", "Content-Type": content_type},
    )
    if s != 201:
        return
    version += 1
    read_pages(c, world, rng)
    if not move("resolve", handler, {"resolution": "已协调供电公司完成接电。"}):
        return
    if not move("verify", world["hub"], {"note": "电话核实属实。"}):
        return
    if move("rate", world["hub"], {"rating": 5, "comment": "电话回访满意"}):
        with tally.lock:
            tally.closed += 1


PAGES = ("/", "/appeals/", "/appeals/?status=in_progress", "/assessment/scorecards/")


def read_pages(c: Client, world: dict, rng: random.Random) -> None:
    session = rng.choice(world["sessions"])
    path = PAGES[c.reads % len(PAGES)]  # each page in turn
    c.reads += 1
    kind = {"/": "home", "/assessment/scorecards/": "scorecards"}.get(path, "workbench")
    c.page(kind, path, world["session_cookie"], session)
    c.api("api:list", "GET", "/appeals?page_size=20", world["hub"])


def drive(base_url: str, world: dict, *, seconds: float, users: int, seed: int = 1) -> Tally:
    """Run `users` virtual users against `base_url` for `seconds` (each finishes the journey
    it is in, bounded by the server's answers); returns what they saw."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    def vu(i):
        rng = random.Random(seed * 1000 + i)
        c = Client(base_url, tally)
        n = 0
        try:
            while time.monotonic() < deadline:
                journey(c, world, i, n, rng, tally)
                n += 1
        finally:
            c.close()

    threads = [threading.Thread(target=vu, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 300)
    tally.seconds = time.monotonic() - started
    return tally


# -- the counts ----------------------------------------------------------------------------


def soak_count(bookkeeping: dict) -> dict:
    """Count in the database (the current one): the appeals of every 201 (lost: answered
    201, not stored), one appeal per key (duplicates), every stored appeal with its
    timeline and audit row (half written), and the audit chain."""
    from django.db.models import Count

    from zhitong.appeals.models import Appeal, Transition
    from zhitong.audit.models import AuditEvent
    from zhitong.audit.services import audit_verify

    created, replayed, keys = bookkeeping["created"], bookkeeping["replayed"], bookkeeping["keys"]
    stored = dict(Appeal.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "code"))
    lost = sorted(code for key, code in created.items() if stored.get(key) != code)
    dupes = (
        Appeal.objects.filter(idempotency_key__in=keys)
        .values("idempotency_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    wrong_replays = sorted(k for k, code in replayed.items() if code != created.get(k, stored.get(k)))
    ids = list(Appeal.objects.filter(idempotency_key__in=keys).values_list("pk", flat=True))
    with_timeline = set(Transition.objects.filter(appeal_id__in=ids).values_list("appeal_id", flat=True))
    audited = {
        int(x)
        for x in AuditEvent.objects.filter(object_type="appeals.appeal", object_id__in=[str(i) for i in ids])
        .values_list("object_id", flat=True)
        .distinct()
    }
    half = sorted(set(ids) - (with_timeline & audited))
    chain = audit_verify()
    return {
        "keys_sent": len(keys),
        "created_201": len(created),
        "stored": len(stored),
        "lost": lost,
        "duplicate_keys": dupes,
        "wrong_replays": wrong_replays,
        "half_written": half,
        "audit_ok": chain.ok,
        "audit": str(chain),
    }


def report_rows(tally: Tally, counts: dict) -> list[tuple[str, str]]:
    """The table printed after a run (and pasted into docs/reliability.md)."""

    def pct(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0

    rows = [
        ("duration (s)", f"{tally.seconds:.0f}"),
        ("requests", str(tally.requests)),
        ("requests/s", f"{tally.requests / tally.seconds:.1f}" if tally.seconds else "0"),
        ("5xx or no answer", str(tally.server_errors)),
        ("appeals registered (201)", str(counts["created_201"])),
        ("appeals closed (rated)", str(tally.closed)),
        ("replays (200, same appeal)", str(len(tally.replayed))),
        ("lost appeals (201, not stored)", str(len(counts["lost"]))),
        ("duplicate appeals per key", str(counts["duplicate_keys"])),
        ("replays answering another appeal", str(len(counts["wrong_replays"]))),
        ("half-written appeals", str(len(counts["half_written"]))),
        ("audit chain", counts["audit"]),
    ]
    for kind in sorted(tally.times):
        times = tally.times[kind]
        statuses = ", ".join(f"{s}×{n}" for (k, s), n in sorted(tally.statuses.items()) if k == kind)
        rows.append(
            (
                f"  {kind}",
                f"{len(times)} ({statuses}); p50 {pct(times, 0.5) * 1000:.0f} ms, "
                f"p95 {pct(times, 0.95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms",
            )
        )
    return rows


def passed(tally: Tally, counts: dict) -> bool:
    return (
        tally.server_errors == 0
        and not counts["lost"]
        and counts["duplicate_keys"] == 0
        and not counts["wrong_replays"]
        and not counts["half_written"]
        and counts["audit_ok"]
        and counts["created_201"] > 0
    )
