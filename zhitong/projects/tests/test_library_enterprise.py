"""One place for everything about an enterprise: its page lists its projects — those the
user may see, through the library's own scoped selector — and the count links to the
library filtered by the enterprise, a list of the same length."""

import re

import pytest
from django.urls import reverse

from .plib_world import make_project, plib  # noqa: F401

pytestmark = pytest.mark.django_db


def section(client, enterprise):
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    part = page.split('<article id="projects">', 1)[1].split("</article>", 1)[0]
    codes = re.findall(r'<td class="zt-code"><a href="/projects/\d+/">([^<]+)</a>', part)
    link = re.search(r'<a href="([^"]+)" data-testid="enterprise-projects-count">共 (\d+) 个项目</a>', part)
    return codes, link


@pytest.fixture
def two(plib):  # noqa: F811
    # ent_a's second project is led and hosted by county B.
    make_project("XM-A9", owner=plib.ent_a, lead=plib.unit_b, name="甲企乙区分厂项目")
    return plib


@pytest.mark.parametrize(
    ("who", "expected"),
    [("hub", ["XM-A1", "XM-A9"]), ("handler_a", ["XM-A1"]), ("outsider_b", ["XM-A9"]), ("leader", ["XM-A1"])],
)
def test_the_enterprise_page_lists_the_projects_the_user_may_see(client, two, who, expected):
    client.force_login(getattr(two, who))
    codes, link = section(client, two.ent_a)
    assert codes == expected
    url, count = link[1].replace("&amp;", "&"), int(link[2])
    assert count == len(expected) and url == f"/projects/?owner={two.ent_a.pk}"
    listed = client.get(url).content.decode()
    assert re.search(r'data-testid="project-count">共 (\d+) 个项目', listed)[1] == str(count)


def test_an_enterprise_without_projects_in_sight_says_so(client, plib):  # noqa: F811
    client.force_login(plib.handler_a)
    page = client.get(reverse("enterprises:detail", args=[plib.ent_a.pk])).content.decode()
    assert "XM-A1" in page
    plib.p_a.delete()
    page = client.get(reverse("enterprises:detail", args=[plib.ent_a.pk])).content.decode()
    assert "暂无项目。" in page


def test_the_project_page_links_its_owner_only_when_the_user_may_open_it(client, plib):  # noqa: F811
    from zhitong.projects.models import MemberRole, ProjectMember

    ProjectMember.objects.create(project=plib.p_b, role="butler", user=plib.dept_handler, since="2026-01-05")
    assert MemberRole.BUTLER == "butler"
    client.force_login(plib.dept_handler)
    page = client.get(reverse("projects:detail", args=[plib.p_b.pk])).content.decode()
    assert plib.ent_b.name in page and reverse("enterprises:detail", args=[plib.ent_b.pk]) not in page
    client.force_login(plib.outsider_b)
    page = client.get(reverse("projects:detail", args=[plib.p_b.pk])).content.decode()
    assert reverse("enterprises:detail", args=[plib.ent_b.pk]) in page


def test_an_enterprise_reads_its_project_without_the_staff_working_records(client, plib):  # noqa: F811
    from zhitong.projects.sections import SECTIONS

    client.force_login(plib.ent_user_a)
    page = client.get(reverse("projects:detail", args=[plib.p_a.pk])).content.decode()
    shown = {s.key for s in SECTIONS if f'id="{s.key}"' in page}
    assert shown <= {s.key for s in SECTIONS if s.enterprise}
    assert {"stages", "lead", "team"} <= shown
    assert 'id="dispatch"' not in page and 'id="coordination"' not in page and 'id="appeals"' not in page
    client.force_login(plib.hub)
    page = client.get(reverse("projects:detail", args=[plib.p_a.pk])).content.decode()
    assert 'id="dispatch"' in page and 'id="appeals"' in page


def test_an_enterprise_cannot_open_another_enterprises_project(client, plib):  # noqa: F811
    client.force_login(plib.ent_user_a)
    assert client.get(reverse("projects:detail", args=[plib.p_b.pk])).status_code == 404
