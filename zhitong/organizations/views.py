from django.template.response import TemplateResponse

from zhitong.common.forms import search_text

from . import selectors
from .access import government_page


def directory(request):
    """The public directory of service windows (一键启动, seeds/003 三: each unit's leader,
    section, people, posts, duties and phones "向社会公布"), so it needs no sign-in."""
    q = search_text(request.GET.get("q"))
    groups = selectors.service_window_directory(q=q or None)
    return TemplateResponse(
        request,
        "organizations/directory.html",
        {"groups": groups, "q": q, "count": sum(len(ws) for _, _, ws in groups)},
    )


@government_page
def unit_tree(request):
    """The organisation chart, with the user's own scope marked."""
    scope = selectors.user_scope_unit_ids(request.user)
    rows = []

    def walk(nodes, depth):
        for n in nodes:
            rows.append((n["unit"], depth, scope is None or n["unit"].pk in scope))
            walk(n["children"], depth + 1)

    walk(selectors.unit_tree(), 0)
    return TemplateResponse(
        request, "organizations/unit_tree.html", {"rows": rows, "sees_all": scope is None}
    )
