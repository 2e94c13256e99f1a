import pytest
from django.urls import reverse

from zhitong.organizations.services import service_window_save

from .org_fixtures import org_fixture  # noqa: F401  (provides the `org` fixture)

pytestmark = pytest.mark.django_db


def test_the_window_directory_is_public_and_lists_staff(client, org):
    service_window_save(
        actor=None,
        unit=org.unit_a,
        leader_name="王建国",
        leader_position="副局长",
        section_name="企业服务科",
        phone="0591-87650001",
        staff=[
            {
                "name": "林晓燕",
                "position": "科长",
                "post": "窗口负责人",
                "duties": "统一受理",
                "phone": "0591-87650002",
            }
        ],
    )
    html = client.get(reverse("organizations:directory")).content.decode()
    assert "甲局" in html and "王建国" in html and "林晓燕" in html and "0591-87650002" in html
    assert "市直部门" in html


def test_the_directory_search_says_when_nothing_matches(client, org):
    html = client.get(reverse("organizations:directory"), {"q": "不存在的科室"}).content.decode()
    assert "没有找到" in html


def test_the_unit_tree_needs_a_sign_in_and_marks_the_users_scope(client, org):
    assert client.get(reverse("organizations:units")).status_code == 302
    client.force_login(org.handler_a)
    resp = client.get(reverse("organizations:units"))
    in_scope = {u.code for u, _depth, mine in resp.context["rows"] if mine}
    assert in_scope == {"A", "A-QYFW"}
