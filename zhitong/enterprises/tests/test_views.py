from io import BytesIO

import pytest
from django.urls import reverse

from zhitong.audit.models import AuditEvent
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.tests.factories import make_credit_code
from zhitong.organizations.choices import Role

from .conftest import make_xlsx

pytestmark = pytest.mark.django_db


def detail_url(e):
    return reverse("enterprises:detail", args=[e.pk])


def test_the_list_shows_a_handler_the_enterprises_of_unit_a_and_not_of_b(client, city):
    client.force_login(city.handler_a)
    html = client.get(reverse("enterprises:list")).content.decode()
    assert city.enterprise_a.name in html
    assert city.enterprise_b.name not in html


def test_the_list_searches_and_answers_htmx_with_the_results_only(client, city, user_with_role):
    client.force_login(user_with_role(Role.HUB))
    resp = client.get(reverse("enterprises:list"), {"q": "恒通"}, headers={"HX-Request": "true"})
    html = resp.content.decode()
    assert city.enterprise_b.name in html and city.enterprise_a.name not in html
    assert "<html" not in html


def test_the_list_pages_through_many_enterprises(client, city, user_with_role):
    from zhitong.enterprises.tests.factories import EnterpriseFactory

    EnterpriseFactory.create_batch(30, location=city.unit_b)
    client.force_login(user_with_role(Role.HUB))
    first = client.get(reverse("enterprises:list"), {"location": city.unit_b.pk})
    assert first.context["page_obj"].paginator.count == 31
    assert len(first.context["page_obj"].object_list) == 25
    second = client.get(reverse("enterprises:list"), {"location": city.unit_b.pk, "page": 2})
    assert len(second.context["page_obj"].object_list) == 6
    assert f"location={city.unit_b.pk}&amp;page=2" in first.content.decode()


def test_an_outsider_gets_404_on_an_enterprise_he_cannot_see(client, city):
    client.force_login(city.outsider_b)
    assert client.get(detail_url(city.enterprise_a)).status_code == 404
    client.force_login(city.handler_a)
    assert client.get(detail_url(city.enterprise_a)).status_code == 200


def test_the_overseer_sees_a_masked_phone_and_no_reveal_button(client, city, user_with_role):
    client.force_login(user_with_role(Role.OVERSEER))
    html = client.get(detail_url(city.enterprise_a)).content.decode()
    assert "138****1234" in html
    assert "13812341234" not in html
    assert "显示完整号码" not in html
    contact = city.enterprise_a.contacts.get()
    assert client.post(reverse("enterprises:reveal_phone", args=[contact.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="enterprise.contact_phone_revealed").exists()


def test_the_hub_reveals_a_phone_with_htmx_and_the_reveal_is_audited(client, city, user_with_role):
    hub = user_with_role(Role.HUB)
    client.force_login(hub)
    html = client.get(detail_url(city.enterprise_a)).content.decode()
    assert "138****1234" in html and "显示完整号码" in html and "13812341234" not in html
    contact = city.enterprise_a.contacts.get()
    resp = client.post(reverse("enterprises:reveal_phone", args=[contact.pk]), headers={"HX-Request": "true"})
    assert resp.status_code == 200
    assert "13812341234" in resp.content.decode() and "<html" not in resp.content.decode()
    event = AuditEvent.objects.get(action="enterprise.contact_phone_revealed")
    assert event.actor == hub and event.object_id == str(contact.pk)


def test_without_javascript_the_reveal_renders_the_page_with_the_number(client, city):
    client.force_login(city.handler_a)
    contact = city.enterprise_a.contacts.get()
    resp = client.post(reverse("enterprises:reveal_phone", args=[contact.pk]))
    html = resp.content.decode()
    assert resp.status_code == 200 and "13812341234" in html and city.enterprise_a.name in html


def test_an_outsider_cannot_reveal_a_phone_of_an_enterprise_he_cannot_see(client, city):
    client.force_login(city.outsider_b)
    contact = city.enterprise_a.contacts.get()
    assert client.post(reverse("enterprises:reveal_phone", args=[contact.pk])).status_code == 404
    assert client.get(reverse("enterprises:reveal_phone", args=[contact.pk])).status_code == 405


def test_an_enterprise_user_sees_only_its_own_enterprise(client, city, user_with_role):
    client.force_login(user_with_role(Role.ENTERPRISE, enterprise=city.enterprise_a))
    assert client.get(detail_url(city.enterprise_a)).status_code == 200
    assert client.get(detail_url(city.enterprise_b)).status_code == 404
    # The enterprise library is the staff's list: an enterprise's contact is sent to its own
    # home (organizations.access.government_page; issue 15 finding F2).
    r = client.get(reverse("enterprises:list"))
    assert r.status_code == 302 and r["Location"] == reverse("home")


def test_pages_need_a_sign_in(client, city):
    assert client.get(reverse("enterprises:list")).status_code == 302
    assert client.get(detail_url(city.enterprise_a)).status_code == 302


# ------------------------------------------------------------------------------ import

HEADER = ["统一社会信用代码", "企业名称", "行业", "所在县区/园区"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # The import keeps an uploaded file with bad rows until the user decides.
    settings.MEDIA_ROOT = tmp_path


def upload(client, rows, kind="enterprises"):
    f = make_xlsx(rows)
    f.name = "企业.xlsx"
    return client.post(reverse("enterprises:import"), {"kind": kind, "file": f})


def test_only_admins_and_the_hub_may_import(client, city, user_with_role):
    client.force_login(city.handler_a)
    assert client.get(reverse("enterprises:import")).status_code == 403
    assert client.get(reverse("enterprises:import_template", args=["enterprises"])).status_code == 403
    client.force_login(user_with_role(Role.ADMIN))
    assert client.get(reverse("enterprises:import")).status_code == 200


def test_a_file_with_a_bad_row_shows_the_report_and_good_rows_only_imports_the_rest(
    client, city, user_with_role
):
    client.force_login(user_with_role(Role.HUB))
    good, bad = make_credit_code(800_001), make_credit_code(800_002)[:-1] + "I"
    resp = upload(
        client,
        [HEADER, [good, "甲区好企业有限公司", "制造业", "甲区"], [bad, "坏企业有限公司", "制造业", "甲区"]],
    )
    html = resp.content.decode()
    assert "未导入任何数据" in html
    assert '<td class="num">3</td>' in html and "统一社会信用代码" in html and "“I”" in html
    assert "仅导入无误的行（1 行）" in html
    assert not Enterprise.objects.filter(credit_code=good).exists()

    token = resp.context["token"]
    resp = client.post(
        reverse("enterprises:import"), {"kind": "enterprises", "token": token, "good_rows_only": "1"}
    )
    assert "仅导入无误的1行" in resp.content.decode()
    assert Enterprise.objects.filter(credit_code=good).exists()
    assert not Enterprise.objects.filter(name="坏企业有限公司").exists()
    # The stored file is used once.
    again = client.post(
        reverse("enterprises:import"), {"kind": "enterprises", "token": token, "good_rows_only": "1"}
    )
    assert again.status_code == 400


def test_a_clean_file_imports_at_once(client, city, user_with_role):
    client.force_login(user_with_role(Role.ADMIN))
    resp = upload(client, [HEADER, [make_credit_code(800_003), "甲区新企业有限公司", "制造业", "甲区"]])
    assert "全部导入成功" in resp.content.decode()
    assert resp.context.get("token") is None
    assert Enterprise.objects.filter(name="甲区新企业有限公司").exists()


def test_the_template_download_has_the_headers(client, city, user_with_role):
    from openpyxl import load_workbook

    client.force_login(user_with_role(Role.HUB))
    resp = client.get(reverse("enterprises:import_template", args=["units"]))
    assert resp.status_code == 200
    assert resp["Content-Disposition"] == (
        'attachment; filename="units-template.xlsx"; '
        "filename*=UTF-8''%E5%8D%95%E4%BD%8D%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    ws = load_workbook(BytesIO(resp.content), read_only=True).worksheets[0]
    headers = next(ws.iter_rows(values_only=True))
    assert headers[:4] == ("单位编码*", "单位名称*", "单位类型*", "上级单位编码")


def test_a_code_registered_by_someone_else_while_the_file_is_imported_is_said_not_a_500(
    client, city, user_with_role, monkeypatch
):
    """The file is checked against the library, then written; a clerk adding one of its
    codes at intake in between makes the write meet the unique credit code. The import
    refuses whole (nothing imported) and says which row, in Chinese."""
    from zhitong.enterprises import imports

    taken, other = make_credit_code(800_011), make_credit_code(800_012)
    checked = imports._validate

    def clerk_adds_it_meanwhile(report, rows):
        plan = checked(report, rows)
        Enterprise.objects.create(
            credit_code=taken, name="甲区抢先登记有限公司", industry="manufacturing", location=city.unit_a
        )
        return plan

    monkeypatch.setattr(imports, "_validate", clerk_adds_it_meanwhile)
    client.force_login(user_with_role(Role.ADMIN))
    resp = upload(
        client,
        [
            HEADER,
            [other, "甲区先写入有限公司", "制造业", "甲区"],
            [taken, "甲区后写入有限公司", "制造业", "甲区"],
        ],
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "导入失败" in html and "第3行" in html and "未导入任何数据" in html
    assert not Enterprise.objects.filter(credit_code=other).exists()  # all or nothing
    assert Enterprise.objects.get(credit_code=taken).name == "甲区抢先登记有限公司"
