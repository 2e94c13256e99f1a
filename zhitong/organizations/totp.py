"""The TOTP second factor (RFC 6238, via pyotp) of the roles in ZHITONG_TOTP_ROLES.

GB/T 22239-2019 8.1.4.1 身份鉴别 d: 应采用口令、密码技术、生物技术等两种或两种以上组合的鉴别技术对用户
进行身份鉴别. The password is the first factor; a code from the user's authenticator app the
second (organizations/signin_steps.py runs the steps; the session is not signed in until both
passed).

- **Secrets sealed at rest.** `seal_secret` / `open_secret` are the one pair every read and
  write goes through: zhitong/core/crypto.py's `encrypt` / `decrypt` (AES-256-GCM under the
  field keys of ZHITONG_FIELD_KEYS, bound to the TOTP column by SEAL_AAD), so `zhitong
  fieldkeys reencrypt` rotates them with the phone numbers. Secrets sealed by the earlier
  scheme (`v1:`, a key from ZHITONG_TOTP_KEY or SECRET_KEY) are re-sealed by migration
  organizations 0005.
- **Replay refused.** A code is accepted for its time step or a neighbouring one (clock
  drift), and only for a step later than the last accepted one: the same code, or an older
  one, is refused for the rest of its window. The check-and-set is one conditional UPDATE, so
  two requests racing with the same code cannot both pass.
- **Recovery codes.** Ten one-time codes shown once at enrolment, stored as salted SHA-256
  hashes (they are random, 50 bits each: a slow hash adds nothing but a second of CPU per
  sign-in).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import datetime

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhitong.core import crypto

from .models import TotpDevice, User

ISSUER = "Zhitong"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # one step either side: a phone's clock a little off still works
RECOVERY_CODES = 10


# -- sealing ---------------------------------------------------------------------------------

# The associated data every sealed secret is bound to: a TOTP token cannot be passed off as
# another column's ciphertext, or the other way round.
SEAL_AAD = b"zhitong.totp"


def seal_secret(secret: str) -> str:
    """The secret encrypted under the current field key (crypto.encrypt), as text for a TextField."""
    return crypto.encrypt(secret.encode("ascii"), aad=SEAL_AAD)


def open_secret(sealed: str) -> str:
    """The secret back from `seal_secret`'s text (crypto.DecryptionError on a tampered value)."""
    return crypto.decrypt(sealed, aad=SEAL_AAD).decode("ascii")


# -- who needs it ------------------------------------------------------------------------------


def requires_totp(user) -> bool:
    """The user's role is one of ZHITONG_TOTP_ROLES (a superuser counts as an administrator)."""
    roles = set(settings.ZHITONG_TOTP_ROLES)
    return user.role in roles or (bool(user.is_superuser) and "admin" in roles)


def confirmed_device(user) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


# -- enrolment ---------------------------------------------------------------------------------


def enrolment_device(user) -> TotpDevice:
    """The device being enrolled: an unconfirmed one kept across page loads (the QR code the
    user scanned stays valid), or a new secret."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        device = TotpDevice.objects.create(user=user, secret_sealed=seal_secret(pyotp.random_base32()))
    return device


def provisioning_uri(user, device: TotpDevice) -> str:
    return pyotp.TOTP(open_secret(device.secret_sealed)).provisioning_uri(
        name=user.username, issuer_name=ISSUER
    )


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG (no image request, nothing for the CSP to refuse)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2933", light="#ffffff")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def code_for(secret: str, *, step: int | None = None) -> str:
    """The code of `step` (default: now) — for tests and the demo's printed codes."""
    step = current_step() if step is None else step
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def verify_code(device: TotpDevice, code: str, *, at: float | None = None) -> bool:
    """Accept `code` once: it must be the code of the current step or a neighbour, and of a
    step later than the last one accepted (replay refusal)."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(open_secret(device.secret_sealed))
    now_step = current_step(at)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if step <= device.last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            # Check-and-set in one statement: two requests with the same code, one wins.
            won = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
            if won:
                device.last_step = step
            return bool(won)
    return False


def _hash_recovery(salt: str, code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"{salt}:{normal}".encode()).hexdigest()


def new_recovery_codes(device: TotpDevice) -> list[str]:
    """Ten fresh one-time codes (the old ones stop working); returns them in clear, once."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = [
        "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODES)
    ]
    device.recovery_salt = secrets.token_hex(8)
    device.recovery_hashes = [_hash_recovery(device.recovery_salt, c) for c in codes]
    device.save(update_fields=["recovery_salt", "recovery_hashes"])
    return codes


@transaction.atomic
def use_recovery_code(device: TotpDevice, code: str) -> bool:
    """Accept a recovery code once (it is struck off)."""
    device = TotpDevice.objects.select_for_update().get(pk=device.pk)
    digest = _hash_recovery(device.recovery_salt, code or "")
    if digest not in device.recovery_hashes:
        return False
    device.recovery_hashes = [h for h in device.recovery_hashes if h != digest]
    device.save(update_fields=["recovery_hashes"])
    _audit("auth.totp_recovery_used", device.user, after={"left": len(device.recovery_hashes)})
    return True


@transaction.atomic
def confirm_enrolment(
    user, device: TotpDevice, code: str, *, now: datetime | None = None
) -> list[str] | None:
    """Confirm the device with a code from the app; returns the recovery codes (shown once),
    or None for a wrong code."""
    if not verify_code(device, code):
        return None
    device.confirmed_at = now or timezone.now()
    device.save(update_fields=["confirmed_at"])
    codes = new_recovery_codes(device)
    _audit("auth.totp_enrolled", user)
    return codes


@transaction.atomic
def totp_reset(*, actor, user: User, now: datetime | None = None) -> bool:
    """The security administrator's reset (lost phone): the device is removed; the user
    enrols again at the next sign-in. Audited. Returns whether there was a device."""
    from .capabilities import can_reset_second_factor

    if not can_reset_second_factor(actor):
        from zhitong.core.errors import AccessDenied

        raise AccessDenied()
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    _audit("auth.totp_reset", user, actor=actor, after={"had_device": bool(deleted)})
    return bool(deleted)


def enrol_with_secret(user, secret: str, *, now: datetime | None = None) -> TotpDevice:
    """A confirmed device with a known secret (the demo city's fixed demo secret)."""
    device, _ = TotpDevice.objects.update_or_create(
        user=user, defaults={"secret_sealed": seal_secret(secret), "confirmed_at": now or timezone.now()}
    )
    return device


def _audit(action: str, user, *, actor=None, after=None) -> None:
    from zhitong.audit.services import audit_record

    audit_record(action=action, obj=user, actor=actor or user, after=after)
