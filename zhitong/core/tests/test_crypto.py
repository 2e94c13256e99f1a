"""Personal data at rest (docs/security.md, GB/T 22239-2019 8.1.4.8 / 8.1.4.11): phone numbers
are ciphertext in their columns, found by exact match through the blind index, and the SMS
step still gets the clear number."""

import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection

from zhitong.core import crypto
from zhitong.core.phones import mask_id_number, mask_phone
from zhitong.enterprises.models import Contact
from zhitong.enterprises.tests.factories import ContactFactory

KEY_A = "a" * 40
KEY_B = "b" * 40


@pytest.fixture(autouse=True)
def _keys(settings):
    settings.FIELD_KEYS = [KEY_A]
    settings.BLIND_INDEX_KEY = "i" * 40


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_bytes_round_trip_and_rotation(settings):
    token = crypto.encrypt(b"13800001234")
    assert crypto.is_ciphertext(token) and "13800001234" not in token
    assert crypto.decrypt(token) == b"13800001234"
    assert crypto.encrypt(b"x") != crypto.encrypt(b"x")  # a fresh nonce each time
    # Rotation: a new first key writes, the retired one still opens old values.
    settings.FIELD_KEYS = [KEY_B, KEY_A]
    assert crypto.decrypt(token) == b"13800001234"
    assert crypto.key_id_of(crypto.encrypt(b"x")) != crypto.key_id_of(token)
    # Without the retired key the old value is refused, not garbled.
    settings.FIELD_KEYS = [KEY_B]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_a_changed_ciphertext_is_refused():
    token = crypto.encrypt(b"13800001234")
    body = token.rsplit("$", 1)[1]
    forged = token[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(forged)


def test_normalising_for_the_blind_index():
    assert crypto.normalise("+86 138-0000-1234") == "13800001234"
    assert crypto.normalise("0591-87654321") == "059187654321"
    assert crypto.normalise("320102 19900101 123x", "id_number") == "32010219900101123X"
    assert crypto.blind_index("") == ""
    assert crypto.blind_index("138 0000 1234") == crypto.blind_index("13800001234")
    assert crypto.blind_index("13800001234") != crypto.blind_index("13800001235")


@pytest.mark.django_db
def test_the_column_holds_no_clear_digits_and_lookups_use_the_blind_index():
    c = ContactFactory(phone="13912345678")
    raw = _raw("enterprises_contact", "phone", c.pk)
    assert "13912345678" not in raw and not re.search(r"\d{11}", raw)
    assert crypto.is_ciphertext(raw)
    assert _raw("enterprises_contact", "phone_bidx", c.pk) == crypto.blind_index("13912345678")
    c.refresh_from_db()
    assert c.phone == "13912345678"  # clear in Python
    assert list(Contact.objects.filter(phone="139 1234 5678")) == [c]
    assert list(Contact.objects.filter(phone__in=["+8613912345678", "1"])) == [c]
    assert not Contact.objects.filter(phone="13912345679").exists()
    assert list(Contact.objects.filter(phone="13912345678").values_list("phone", flat=True)) == [
        "13912345678"
    ]
    with pytest.raises(FieldError):
        list(Contact.objects.filter(phone__icontains="1391"))
    # An update re-encrypts and re-indexes.
    c.phone = "13700000000"
    c.save()
    assert list(Contact.objects.filter(phone="13700000000")) == [c]


@pytest.mark.django_db
def test_no_table_holds_a_clear_phone_after_a_sign_up_code():
    from zhitong.eportal.models import PhoneCode, Signup
    from zhitong.eportal.otp import send_code
    from zhitong.outbox.models import OutboxMessage

    signup = Signup.objects.create(
        enterprise=ContactFactory().enterprise,
        name="李四",
        phone="13612345678",
        password_hash="x",
        created_at="2026-06-01T08:00:00+08:00",
    )
    code = send_code(signup, address="10.0.0.1")
    assert crypto.is_ciphertext(_raw("eportal_signup", "phone", signup.pk))
    assert crypto.is_ciphertext(_raw("eportal_phonecode", "phone", code.pk))
    assert PhoneCode.objects.filter(phone="13612345678").count() == 1  # the per-phone limit still counts
    payload = OutboxMessage.objects.get(kind="sms").payload
    assert "13612345678" not in str(payload) and crypto.decrypt(payload["phone"]) == b"13612345678"


@pytest.mark.django_db
def test_the_data_migration_encrypts_rows_written_in_clear():
    c = ContactFactory(phone="13512345678")
    with connection.cursor() as cursor:  # a row as it was before the migration
        cursor.execute(
            "UPDATE enterprises_contact SET phone = %s, phone_bidx = '' WHERE id = %s", ["13512345678", c.pk]
        )
    c.refresh_from_db()
    assert c.phone == "13512345678"  # a clear legacy value is read as it is
    forwards, backwards = crypto.encrypt_column("enterprises", "Contact", "phone")
    editor = SimpleNamespace(connection=connection)
    forwards(apps, editor)
    forwards(apps, editor)  # a rerun leaves encrypted values alone
    assert crypto.is_ciphertext(_raw("enterprises_contact", "phone", c.pk))
    assert list(Contact.objects.filter(phone="13512345678")) == [c]
    backwards(apps, editor)
    assert _raw("enterprises_contact", "phone", c.pk) == "13512345678"


def test_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("320102199001011234") == "3201**********1234"
    assert mask_id_number("32010219900101123x") == "3201**********123X"
    assert mask_id_number("") == ""
    assert "1990" not in mask_id_number("320102199001011234")


@pytest.mark.django_db
def test_rotation_re_encrypts_every_row(settings):
    import io

    from django.core.management import call_command

    c = ContactFactory(phone="13412345678")
    old_kid = crypto.key_id_of(_raw("enterprises_contact", "phone", c.pk))
    settings.FIELD_KEYS = [KEY_B, KEY_A]
    out = io.StringIO()
    call_command("fieldkeys", "reencrypt", stdout=out)
    assert "enterprises.Contact.phone: 1 re-encrypted" in out.getvalue()
    raw = _raw("enterprises_contact", "phone", c.pk)
    assert crypto.key_id_of(raw) != old_kid
    settings.FIELD_KEYS = [KEY_B]  # the old key can go now
    c.refresh_from_db()
    assert c.phone == "13412345678"
    assert list(Contact.objects.filter(phone="13412345678")) == [c]
    out = io.StringIO()
    call_command("fieldkeys", "status", stdout=out)
    assert f"enterprises.Contact.phone: {crypto.key_id_of(raw)} (current): 1" in out.getvalue()
