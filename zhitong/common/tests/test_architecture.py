"""The house's structure, checked on the code itself: no import cycle between our modules,
and arrows between apps point down the declared floors (a lower app never imports a higher
one; it offers a hook the higher app fills in its AppConfig.ready instead)."""

import ast
from pathlib import Path

import zhitong

ROOT = Path(zhitong.__file__).resolve().parent
# From the bottom floor up. `core` is the ground (errors, the request context, the base
# model); `common` holds the transition kernel, which writes the audit log and notifications.
# A module may sit above its app's floor: the audit log's reading side (its page and export)
# names the objects of every app and links to their pages, as the portal's home shows every
# app's panels, so it sits on the top floor; the log itself (models, services, chain) on floor 1.
AUDIT_READING = {
    "audit.selectors",
    "audit.views",
    "audit.urls",
    "audit.forms",
    "audit.catalog",
    "audit.kinds",
    "audit.readable",
    # Its Django admin page asks organizations.capabilities who may read the log (三员分立).
    "audit.admin",
}
FLOORS = [
    {"core"},
    # `delivery`: the channels beside the inbox (e-mail, SMS, group robots), filled in by
    # notifications' delivered hook.
    {"audit", "notifications", "outbox", "delivery"},
    # The message hub's pages use the page forms of `common`; its models and services stay below.
    {"common", "outbox.home", "notifications.views", "notifications.forms", "notifications.urls"},
    {"organizations"},
    {"enterprises", "workdays"},
    {"projects"},
    {"appeals"},
    # `webhooks`: appeal events to API clients (appeals' timeline signal).
    {"coordination", "webhooks"},
    # The monthly accountability loop (issue 11): counts, rates, scorecards, month close.
    # `eportal`: the enterprise's own door (issue 12), above appeals, below the portal's home.
    # `public`: the public side (seeds/003 三、五, seeds/002), fills appeals' committed-limit hook.
    {"assessment", "eportal", "public"},
    # The supervision office's views, rectification orders and findings (seeds/000 三、四):
    # above assessment (it registers its findings as deduction sources).
    {"supervision"},
    # Ledgers, dashboards, briefings: above assessment (its month close freezes the ledgers).
    {"reports"},
    {"api", "open311", "portal", "demo", *AUDIT_READING},
    # `bench`: `zhitong generate` and `zhitong bench` (issue 14), above everything they measure.
    {"bench"},
]
FLOOR_OF = {app: i for i, apps in enumerate(FLOORS) for app in apps}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources():
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).parts
        if "tests" in rel or "migrations" in rel or path.name == "conftest.py":
            continue
        yield path


def import_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in _sources()}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # `from pkg import mod` imports the submodule when there is one.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != name and t.startswith("zhitong"):
                    graph[name].add(t)
    return graph


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def _app(module: str) -> str:
    """The floor key of a module: its app, or app.module where that has its own floor."""
    parts = module.split(".")
    if len(parts) > 2 and f"{parts[1]}.{parts[2]}" in FLOOR_OF:
        return f"{parts[1]}.{parts[2]}"
    return parts[1] if len(parts) > 1 else ""


def test_the_import_graph_has_no_cycle():
    assert _cycles(import_graph()) == []


def test_arrows_between_apps_point_down():
    upward = []
    for src, targets in import_graph().items():
        for dst in targets:
            a, b = _app(src), _app(dst)
            if a in FLOOR_OF and b in FLOOR_OF and FLOOR_OF[b] > FLOOR_OF[a]:
                upward.append(f"{src} -> {dst}")
    assert upward == []


def test_every_app_is_on_a_floor():
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in ("locale",)}
    assert apps - set(FLOOR_OF) == set()
