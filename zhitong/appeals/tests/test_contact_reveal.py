"""An appeal's contact number is masked on its page; "显示完整号码" shows it in full to the
hub and to the handlers and head of the lead unit, and writes an audit event each time
(GB/T 22239-2019 8.1.4.11; docs/security.md "Masking and unmasking"). Others: 403 if they
see the appeal, 404 if they do not. The column holds ciphertext."""

import io
import re

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from zhitong.appeals.choices import Status
from zhitong.audit.models import AuditEvent
from zhitong.core.crypto import is_ciphertext

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
MASKED = "139****5678"


@pytest.fixture
def appeal(flow):
    a = flow.to(Status.ASSIGNED, contact_name="王经理", contact_phone=PHONE)
    assert a.contact_phone == PHONE
    return a


def _reveal(client, user, appeal, htmx=True):
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("appeals:reveal_contact_phone", args=[appeal.pk]), **headers)


def test_the_page_shows_the_number_masked(client, city, appeal):
    client.force_login(city.handler)
    html = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert MASKED in html and PHONE not in html and "显示完整号码" in html
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM appeals_appeal WHERE id = %s", [appeal.pk])
        raw = cursor.fetchone()[0]
    assert is_ciphertext(raw) and not re.search(r"\d{11}", raw)
    # Nor does the audit log or the timeline carry it in clear.
    assert PHONE not in str(list(AuditEvent.objects.values_list("before", "after")))


@pytest.mark.parametrize("who", ["hub", "handler", "head"])
def test_the_hub_and_the_lead_unit_may_reveal_and_it_is_audited(client, city, appeal, who):
    response = _reveal(client, getattr(city, who), appeal)
    assert response.status_code == 200 and PHONE in response.content.decode()
    event = AuditEvent.objects.get(action="appeal.contact_phone_revealed")
    assert event.actor == getattr(city, who) and event.object_id == str(appeal.pk)
    # Without htmx: the detail page again, with the number shown.
    response = _reveal(client, getattr(city, who), appeal, htmx=False)
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert AuditEvent.objects.filter(action="appeal.contact_phone_revealed").count() == 2


def test_the_workbench_and_its_export_show_no_full_number(client, city, appeal):
    client.force_login(city.hub)
    page = client.get(reverse("appeals:workbench"), {"tab": "all"})
    assert PHONE not in page.content.decode()
    response = client.get(reverse("appeals:workbench"), {"tab": "all", "export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert cells and not any(PHONE in c for c in cells)
    assert any(appeal.title in c for c in cells)  # the export does list the appeal


def test_others_are_refused_and_nothing_is_recorded(client, city, appeal):
    # The supervisor sees the appeal but does not need the number: 403, and no button.
    client.force_login(city.supervisor)
    assert "显示完整号码" not in client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert _reveal(client, city.supervisor, appeal).status_code == 403
    # The outsider (another unit) and the enterprise's own user do not see it here: 404 / 403.
    assert _reveal(client, city.outsider, appeal).status_code == 404
    assert _reveal(client, city.other_enterprise_user, appeal).status_code == 404
    assert _reveal(client, city.enterprise_user, appeal).status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="appeal.contact_phone_revealed").exists()
    # GET is not a reveal.
    client.force_login(city.hub)
    assert client.get(reverse("appeals:reveal_contact_phone", args=[appeal.pk])).status_code == 405
