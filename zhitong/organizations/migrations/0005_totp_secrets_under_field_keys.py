"""The TOTP seeds re-sealed under the field keys (zhitong/core/crypto.py `encrypt`, as
organizations/totp.py now seals them). Until this migration they were sealed by totp.py's
own AES-256-GCM (`v1:` + base64url(nonce | ciphertext | tag), associated data b"totp", the
key SHA-256 of b"zhitong.totp.v1:" + ZHITONG_TOTP_KEY or SECRET_KEY); that scheme lives on
here only, to open the rows written before. Reversible: backwards seals them the old way."""

import base64
import hashlib
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import migrations

from zhitong.core import crypto

LEGACY_PREFIX = "v1:"
LEGACY_AAD = b"totp"
SEAL_AAD = b"zhitong.totp"  # organizations/totp.py SEAL_AAD, frozen here


def legacy_key() -> bytes:
    material = getattr(settings, "ZHITONG_TOTP_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"zhitong.totp.v1:" + material.encode("utf-8")).digest()


def legacy_open(sealed: str) -> str:
    raw = base64.urlsafe_b64decode(sealed.removeprefix(LEGACY_PREFIX).encode("ascii"))
    return AESGCM(legacy_key()).decrypt(raw[:12], raw[12:], LEGACY_AAD).decode("ascii")


def legacy_seal(secret: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(legacy_key()).encrypt(nonce, secret.encode("ascii"), LEGACY_AAD)
    return LEGACY_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def forwards(apps, schema_editor):
    """Re-seal every `v1:` secret; one that does not open (its key is gone) raises, naming
    the device: the security administrator resets it (the user enrols again) before rerunning."""
    TotpDevice = apps.get_model("organizations", "TotpDevice")
    devices = TotpDevice.objects.using(schema_editor.connection.alias)
    for pk, sealed in devices.filter(secret_sealed__startswith=LEGACY_PREFIX).values_list("pk", "secret_sealed"):
        try:
            secret = legacy_open(sealed)
        except Exception as exc:
            raise RuntimeError(
                f"TOTP device {pk}: its secret does not open with ZHITONG_TOTP_KEY/SECRET_KEY; "
                "reset it (the user enrols again) or restore the key, then migrate again"
            ) from exc
        devices.filter(pk=pk).update(secret_sealed=crypto.encrypt(secret.encode("ascii"), aad=SEAL_AAD))


def backwards(apps, schema_editor):
    TotpDevice = apps.get_model("organizations", "TotpDevice")
    devices = TotpDevice.objects.using(schema_editor.connection.alias)
    for pk, sealed in devices.values_list("pk", "secret_sealed"):
        if crypto.is_ciphertext(sealed):
            secret = crypto.decrypt(sealed, aad=SEAL_AAD).decode("ascii")
            devices.filter(pk=pk).update(secret_sealed=legacy_seal(secret))


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_security_auth"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
