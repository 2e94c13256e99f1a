"""Issue 9 on the intake page: an enterprise missing from the library is added without
losing what was typed (htmx, and without JavaScript), offered instead when its code is in
the library, warned about when a similar name is; and nothing typed travels in a URL — the
duplicate panel posts its 5,000 characters."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal
from zhitong.enterprises.choices import Industry, ReviewStatus
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.tests.factories import make_credit_code

pytestmark = pytest.mark.django_db

INTAKE = reverse("appeals:intake")
ADD = reverse("appeals:intake_enterprise_add")
DUPLICATES = reverse("appeals:intake_duplicates")
CODE = make_credit_code(424_242)


def html(response) -> str:
    return response.content.decode()


def new_enterprise(city, **kw) -> dict:
    data = {
        "new-credit_code": CODE,
        "new-name": "鼓楼区云帆智能装备有限公司",
        "new-industry": Industry.MANUFACTURING,
        "new-location_id": city.units.glq.pk,
    }
    return data | {f"new-{k}": v for k, v in kw.items()}


def appeal_typed(city, **kw) -> dict:
    return {
        "category_id": city.category.pk,
        "channel": Channel.HOTLINE,
        "title": "新厂房用电增容报装迟迟未批",
        "description": "企业新厂房设备已进场，用电增容报装提交一个月仍未批复。" * 3,
        "contact_name": "周经理",
        "contact_phone": "13900001111",
    } | kw


# -- htmx ---------------------------------------------------------------------------------


def test_the_clerk_adds_an_enterprise_and_it_is_chosen_without_touching_the_appeal(client, city):
    client.force_login(city.clerk)
    response = client.post(ADD, new_enterprise(city) | {"contact_name": "周经理"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    new = Enterprise.objects.get(credit_code=CODE)
    assert (new.review_status, new.added_by) == (ReviewStatus.PENDING, city.clerk)
    page = html(response)
    # The new enterprise listed and chosen, with its "pending" mark.
    assert re.search(rf'value="{new.pk}"\s+checked', page)
    assert "待核实" in page and "已新增企业" in page
    # Its dependants out of band: no projects, the contact typed kept, no duplicates.
    assert 'id="ent-extra"' in page and 'hx-swap-oob="true"' in page
    assert 'value="周经理"' in page
    assert 'id="dup-panel"' in page
    # The appeal's own fields are not in the answer: they stay as typed in the browser.
    assert 'name="title"' not in page and 'name="description"' not in page


def test_a_code_already_in_the_library_is_offered_not_added(client, city):
    client.force_login(city.clerk)
    data = new_enterprise(city, credit_code=city.other_enterprise.credit_code)
    page = html(client.post(ADD, data, HTTP_HX_REQUEST="true"))
    assert f'value="{city.other_enterprise.pk}"' in page  # listed, to be chosen
    assert "请直接选用该企业" in page and "<details" in page and " open" in page
    assert Enterprise.objects.filter(added_at_intake=True).count() == 0


def test_a_similar_name_is_shown_and_added_once_confirmed(client, city):
    client.force_login(city.clerk)
    similar = new_enterprise(city, name="榕城精密机械制造有限公司")
    page = html(client.post(ADD, similar, HTTP_HX_REQUEST="true"))
    assert "名称相同或相近" in page and city.enterprise.name in page
    assert f'value="{city.enterprise.pk}"' in page
    assert f'name="new-similar_seen" value="{city.enterprise.pk}"' in page
    assert not Enterprise.objects.filter(credit_code=CODE).exists()
    confirmed = similar | {"new-similar_seen": str(city.enterprise.pk), "new-confirm_distinct": "on"}
    client.post(ADD, confirmed, HTTP_HX_REQUEST="true")
    assert Enterprise.objects.filter(credit_code=CODE, added_at_intake=True).exists()


def test_a_wrong_check_character_is_said_on_the_field(client, city):
    client.force_login(city.clerk)
    data = new_enterprise(city, credit_code=CODE[:-1] + ("1" if CODE[-1] != "1" else "2"))
    page = html(client.post(ADD, data, HTTP_HX_REQUEST="true"))
    assert "校验码错误" in page
    assert not Enterprise.objects.filter(added_at_intake=True).exists()


@pytest.mark.parametrize("who", ["leader", "supervisor", "enterprise_user"])
def test_those_who_do_not_register_appeals_may_not_add_on_the_page(client, city, who):
    client.force_login(getattr(city, who))
    assert client.post(ADD, new_enterprise(city), HTTP_HX_REQUEST="true").status_code == 403
    assert client.post(INTAKE, new_enterprise(city) | {"_add_enterprise": "1"}).status_code == 403
    assert not Enterprise.objects.filter(credit_code=CODE).exists()


def test_the_add_endpoint_takes_posts_only(client, city):
    client.force_login(city.clerk)
    assert client.get(ADD).status_code == 405


# -- without JavaScript -------------------------------------------------------------------


def test_without_javascript_the_whole_form_comes_back_with_the_new_enterprise_chosen(client, city):
    client.force_login(city.clerk)
    typed = appeal_typed(city)
    response = client.post(INTAKE, typed | new_enterprise(city) | {"_add_enterprise": "1"})
    assert response.status_code == 200
    new = Enterprise.objects.get(credit_code=CODE)
    page = html(response)
    assert re.search(rf'value="{new.pk}"\s+checked', page)
    assert typed["title"] in page and typed["description"] in page and "周经理" in page
    assert "请选择企业" not in page and not Appeal.objects.exists()  # nothing submitted yet
    # Then the appeal is registered for it as usual.
    response = client.post(INTAKE, typed | {"enterprise_id": new.pk})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.enterprise, appeal.status) == (new, Status.SUBMITTED)


def test_without_javascript_a_refused_add_keeps_everything_typed(client, city):
    client.force_login(city.clerk)
    typed = appeal_typed(city)
    data = typed | new_enterprise(city, credit_code="123") | {"_add_enterprise": "1"}
    page = html(client.post(INTAKE, data))
    assert "统一社会信用代码应为18位" in page
    assert typed["description"] in page and 'value="鼓楼区云帆智能装备有限公司"' in page
    assert not Enterprise.objects.filter(added_at_intake=True).exists()


def test_a_search_that_finds_nothing_opens_the_add_panel_with_what_was_searched(client, city):
    client.force_login(city.clerk)
    page = html(client.post(INTAKE, {"_search": "1", "enterprise_q": "云帆智能"}))
    assert "可在下方新增" in page
    assert re.search(r'<details id="ent-add"[^>]*\sopen', page)
    assert 'name="new-name" value="云帆智能"' in page


# -- the duplicate panel: POST, 5,000 characters ------------------------------------------


def test_the_duplicate_panel_takes_a_description_of_5000_characters(client, city, flow):
    earlier = flow.intake(title="新厂房用电增容报装迟迟未批")
    client.force_login(city.clerk)
    description = ("企业新厂房设备已进场，用电增容报装提交一个月仍未批复，影响投产。" * 200)[:5000]
    assert len(description) == 5000
    response = client.post(
        DUPLICATES,
        {"enterprise_id": city.enterprise.pk, "title": "新厂房用电增容报装未批", "description": description},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert earlier.code in html(response)


def test_the_duplicate_panel_no_longer_answers_a_get(client, city):
    client.force_login(city.clerk)
    assert client.get(DUPLICATES, {"enterprise_id": city.enterprise.pk, "title": "x"}).status_code == 405


def test_the_duplicate_panel_is_refused_to_those_who_do_not_register(client, city):
    client.force_login(city.leader)
    assert client.post(DUPLICATES, {"enterprise_id": city.enterprise.pk, "title": "x"}).status_code == 403


class _Requests(HTMLParser):
    """Every htmx GET of a page (its own name and what it includes) and every field's bound."""

    def __init__(self):
        super().__init__()
        self.gets: list[dict] = []
        self.fields: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("hx-get"):
            self.gets.append(a | {"tag": tag})
        if tag in ("input", "textarea", "select") and a.get("name"):
            self.fields.setdefault(a["name"], a | {"tag": tag})
        if a.get("id") and tag in ("input", "textarea", "select"):
            self.fields.setdefault("#" + a["id"], a | {"tag": tag})


URL_SAFE = 100  # characters a GET may carry from one field (the search box's bound)


def _bounded(field: dict) -> bool:
    if field["tag"] == "select" or field.get("type") in ("radio", "checkbox", "hidden", "number"):
        return True
    return field["tag"] == "input" and int(field.get("maxlength") or 10**9) <= URL_SAFE


def test_nothing_typed_on_the_intake_page_travels_in_a_url(client, city):
    """Every hx-get of the page sends only choices, ids and the bounded search box; long
    text (title, description, the add panel's fields) goes by POST."""
    client.force_login(city.clerk)
    parser = _Requests()
    parser.feed(html(client.get(INTAKE, {"enterprise_id": city.enterprise.pk})))  # with its radios
    assert parser.gets, "the page has its htmx GETs (search, enterprise, materials)"
    for element in parser.gets:
        sent = []
        if element.get("name"):
            sent.append(element["name"])
        for selector in (element.get("hx-include") or "").split(","):
            m = re.search(r"\[name=(\w+)\]|(#[\w-]+)$", selector.strip())
            if m:
                sent.append(m.group(1) or m.group(2))
        for name in sent:
            assert name in parser.fields, name
            assert _bounded(parser.fields[name]), f"{element['hx-get']} sends {name} in its URL"
    assert "title" in parser.fields and not _bounded(parser.fields["title"])  # the check can fail
