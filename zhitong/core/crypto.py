"""Personal data at rest: phone numbers and ID numbers encrypted in their columns, with a
blind index beside them so an exact match still finds the row (GB/T 22239-2019 8.1.4.8
数据保密性, 8.1.4.11 个人信息保护; docs/security.md "Personal data at rest").

- `EncryptedCharField` stores AES-256-GCM ciphertext (`zt1$<key id>$<nonce+ciphertext>`,
  base64url) and hands the clear text to Python when the row is read, so the code that sends
  an SMS or fills a form keeps working; the database, its dumps and its backups hold no
  clear number. An empty value stays empty (a blank optional phone is not a secret).
- `BlindIndexField` is its sibling column: HMAC-SHA256, under a separate key, of the value
  normalised (digits only for phones, upper case without spaces for ID numbers). It is filled
  on every save and indexed.
- `filter(phone=x)` and `filter(phone__in=[…])` on an encrypted field compare the sibling
  column with the blind index of `x`: the callers that look a number up (sign-up by phone,
  the per-phone SMS limits) are unchanged. Other lookups (`icontains`, `startswith`…) cannot
  work on ciphertext and raise `FieldError` instead of silently finding nothing.

Keys live outside the database, like the audit chain's (zhitong/audit/keys.py):
`settings.FIELD_KEYS` (environment `ZHITONG_FIELD_KEYS`, comma-separated; the first encrypts,
the others are retired keys that still decrypt) and `settings.BLIND_INDEX_KEY`
(`ZHITONG_BLIND_INDEX_KEY`; it cannot rotate without recomputing every index: `zhitong
fieldkeys reencrypt` does both). Unset in the embedded mode: random key files under var/, 0600.
Each ciphertext names the key that made it (a fingerprint of the key), so old rows decrypt
after a rotation as long as the retired key stays in the list.

`encrypt(bytes) -> str` / `decrypt(str) -> bytes` are the same scheme for other secrets
(a TOTP seed). A column of such tokens that its app opens itself is registered with
`register_sealed_column`, so that the rotation re-seals it too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In, IsNull

PREFIX = "zt1"
NONCE_BYTES = 12
TAG_BYTES = 16
MIN_KEY_LENGTH = 32
KINDS = ("phone", "id_number", "text")


class DecryptionError(ValueError):
    """A ciphertext that no key in the keyring opens (wrong key, or a changed value)."""


# --- keys -------------------------------------------------------------------------------


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return hmac.new(secret, b"zhitong.field " + purpose, hashlib.sha256).digest()


def key_id(secret: bytes) -> str:
    """A 16-hex-digit fingerprint of a field key, stored in each ciphertext."""
    return _derive(secret, b"key id").hex()[:16]


@dataclass(frozen=True)
class FieldKeyring:
    current_id: str
    keys: dict  # key id -> 32-byte AES key

    def aes(self, kid: str) -> AESGCM | None:
        key = self.keys.get(kid)
        return AESGCM(key) if key else None


def keyring() -> FieldKeyring:
    keys = tuple(settings.FIELD_KEYS) or (_key_file(str(settings.FIELD_KEY_FILE)),)
    return _keyring(keys)


@lru_cache(maxsize=8)
def _keyring(keys: tuple) -> FieldKeyring:
    ring = {}
    for text in reversed(keys):  # the current key last: it wins a duplicate
        raw = text.encode("utf-8")
        if len(raw) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(
                f"each ZHITONG_FIELD_KEYS key must be at least {MIN_KEY_LENGTH} characters "
                "(zhitong audit newkey makes one)"
            )
        ring[key_id(raw)] = _derive(raw, b"aes-256-gcm")
    return FieldKeyring(current_id=key_id(keys[0].encode("utf-8")), keys=ring)


def blind_key() -> bytes:
    text = settings.BLIND_INDEX_KEY or _key_file(str(settings.BLIND_INDEX_KEY_FILE))
    if len(text) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(f"ZHITONG_BLIND_INDEX_KEY must be at least {MIN_KEY_LENGTH} characters")
    return _derive(text.encode("utf-8"), b"blind index")


@lru_cache(maxsize=8)
def _key_file(path: str) -> str:
    """The embedded mode's key: read the file, or create it (0600) if it does not exist;
    hard-linked into place so two processes starting at once agree on one key (the audit
    keyring's recipe, zhitong/audit/keys.py, which sits a floor above)."""
    target = Path(path)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(32) + "\n")
            try:
                os.link(tmp, target)
            except FileExistsError:
                pass  # another process won the race: use its key
        finally:
            tmp.unlink(missing_ok=True)
    key = target.read_text(encoding="utf-8").strip()
    if not key:
        raise ImproperlyConfigured(f"the key file {path} is empty")
    return key


# --- bytes ------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encrypt(data: bytes, *, aad: bytes = b"") -> str:
    """`data` sealed under the current field key: `zt1$<key id>$<base64url(nonce|ct|tag)>`."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.aes(ring.current_id).encrypt(nonce, data, aad or None)
    return f"{PREFIX}${ring.current_id}${_b64(nonce + sealed)}"


_TOKEN = re.compile(r"^zt1\$[0-9a-f]{16}\$[A-Za-z0-9_-]{38,}$")


def is_ciphertext(text: str | None) -> bool:
    """Whether `text` has the shape `encrypt` makes (at least 59 characters: longer than any
    clear value an encrypted column accepts)."""
    return isinstance(text, str) and bool(_TOKEN.match(text))


def decrypt(token: str, *, aad: bytes = b"") -> bytes:
    """The bytes `encrypt` sealed; `DecryptionError` if no key in the ring opens them."""
    try:
        prefix, kid, body = token.split("$")
        raw = _unb64(body)
    except (ValueError, TypeError) as exc:
        raise DecryptionError("not a Zhitong ciphertext") from exc
    aes = keyring().aes(kid) if prefix == PREFIX else None
    if aes is None:
        raise DecryptionError(f"no field key with id {kid!r} in ZHITONG_FIELD_KEYS")
    try:
        return aes.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad or None)
    except Exception as exc:  # cryptography's InvalidTag, or a truncated body
        raise DecryptionError("the ciphertext does not open with its key") from exc


def key_id_of(token: str) -> str | None:
    return token.split("$")[1] if is_ciphertext(token) else None


# --- normalising and the blind index -------------------------------------------------------

_NOT_DIGIT = re.compile(r"\D")


def normalise(value: str | None, kind: str = "phone") -> str:
    """The form a value is indexed under: a phone's digits (a mobile's +86 dropped), an ID
    number upper case without spaces, other text stripped."""
    if not value:
        return ""
    if kind == "phone":
        digits = _NOT_DIGIT.sub("", value)
        if len(digits) == 13 and digits.startswith("861"):
            digits = digits[2:]
        return digits
    if kind == "id_number":
        return re.sub(r"\s", "", value).upper()
    return value.strip()


def blind_index(value: str | None, kind: str = "phone") -> str:
    """HMAC-SHA256 (hex) of the normalised value under the blind-index key; "" for empty."""
    norm = normalise(value, kind)
    if not norm:
        return ""
    return hmac.new(blind_key(), f"{kind}:{norm}".encode(), hashlib.sha256).hexdigest()


# --- model fields ------------------------------------------------------------------------


class EncryptedCharField(models.CharField):
    """A CharField whose column holds ciphertext. `max_length` bounds the clear text (forms,
    validation); the column is wide enough for the ciphertext. `blind_index` names the
    sibling `BlindIndexField` (required for lookups); `kind` is how the value is normalised
    for it and masked ("phone", "id_number")."""

    def __init__(self, *args, kind: str = "phone", blind_index: str = "", **kwargs):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        self.kind = kind
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    @property
    def db_max_length(self) -> int:
        # prefix, key id, two "$", base64 of nonce + tag + 4 bytes per character at most
        return len(PREFIX) + 16 + 2 + ((NONCE_BYTES + TAG_BYTES + 4 * self.max_length + 2) // 3) * 4

    def db_type_parameters(self, connection):
        params = dict(super().db_type_parameters(connection))
        params["max_length"] = self.db_max_length
        return params

    def from_db_value(self, value, expression, connection):
        if value is None or not is_ciphertext(value):
            return value  # empty, or a row written before the data migration ran
        return decrypt(value).decode("utf-8")

    def get_db_prep_save(self, value, connection):
        value = self.get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value).encode("utf-8"))

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if self.blind_index:
            setattr(model_instance, self.blind_index, blind_index(value, self.kind))
        return value

    def get_lookup(self, lookup_name):
        if lookup_name in ("exact", "in", "isnull"):
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: only exact matches (through its blind index) "
            f"are possible, not '{lookup_name}'"
        )

    def get_transform(self, lookup_name):
        return None


class BlindIndexField(models.CharField):
    """The indexed HMAC of `source`'s normalised value, filled on every save."""

    def __init__(self, *args, source: str = "", kind: str = "phone", **kwargs):
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = blind_index(getattr(model_instance, self.source), self.kind)
        setattr(model_instance, self.attname, value)
        return value


def _sibling_col(lookup) -> Col:
    col = lookup.lhs
    if not isinstance(col, Col) or not getattr(col.target, "blind_index", ""):
        raise FieldError("an encrypted field can be matched only directly, through its blind index")
    sibling = col.target.model._meta.get_field(col.target.blind_index)
    return Col(col.alias, sibling)


def _digest(lookup, value):
    if hasattr(value, "resolve_expression"):
        raise FieldError("an encrypted field cannot be compared with an expression")
    return blind_index(None if value is None else str(value), lookup.lhs.target.kind)


@EncryptedCharField.register_lookup
class BlindExact(Exact):
    """`phone=x`: the sibling column equals the blind index of x."""

    def get_prep_lookup(self):
        return _digest(self, self.rhs)

    def process_lhs(self, compiler, connection, lhs=None):
        if self.rhs == "":  # empty is stored as "": `phone=""` needs no index
            return super().process_lhs(compiler, connection, lhs)
        return compiler.compile(_sibling_col(self))


@EncryptedCharField.register_lookup
class BlindIn(In):
    """`phone__in=[…]`: the sibling column is one of their blind indexes."""

    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression"):
            raise FieldError("an encrypted field cannot be matched against a subquery")
        return [_digest(self, v) for v in self.rhs]

    def process_lhs(self, compiler, connection, lhs=None):
        return compiler.compile(_sibling_col(self))


EncryptedCharField.register_lookup(IsNull)


# --- rotation ----------------------------------------------------------------------------


def encrypted_fields():
    """(model, field) for every EncryptedCharField of the installed models."""
    from django.apps import apps

    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedCharField):
                yield model, f


# Text columns of `encrypt` tokens that are not EncryptedCharFields: "app_label.Model.field"
# -> the associated data they are sealed with.
_SEALED_COLUMNS: dict[str, bytes] = {}


def register_sealed_column(model_label: str, field: str, *, aad: bytes = b"") -> None:
    """Declare a text column holding `encrypt(…, aad=aad)` tokens that its app opens itself
    (the TOTP seed, organizations/totp.py), from the app's `ready()`: `reencrypt_all`
    re-seals it and `zhitong fieldkeys status` counts it, so a retired key can leave
    ZHITONG_FIELD_KEYS without stranding it."""
    _SEALED_COLUMNS[f"{model_label}.{field}"] = aad


def sealed_columns():
    """(model, field, aad) for every registered sealed column."""
    from django.apps import apps

    for name, aad in sorted(_SEALED_COLUMNS.items()):
        model_label, field = name.rsplit(".", 1)
        model = apps.get_model(model_label)
        yield model, model._meta.get_field(field), aad


def reencrypt_all(*, chunk_size: int = 500) -> dict[str, int]:
    """Rewrite every encrypted value under the current field key and recompute its blind
    index (after adding a key to ZHITONG_FIELD_KEYS, or changing ZHITONG_BLIND_INDEX_KEY).
    Rows are read through the ORM (any key in the ring opens them) and written back with
    `update`, which encrypts with the first key; the registered sealed columns are opened
    and sealed again. Returns {model.field: rows rewritten}."""
    from django.db import transaction

    done = {}
    for model, f in encrypted_fields():
        count = 0
        qs = model._base_manager.exclude(**{f.attname: ""}).order_by("pk").values_list("pk", f.attname)
        for pk, value in qs.iterator(chunk_size=chunk_size):
            if value is None:
                continue
            changes = {f.attname: value}
            if f.blind_index:
                changes[f.blind_index] = blind_index(value, f.kind)
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**changes)
            count += 1
        done[f"{model._meta.label}.{f.name}"] = count
    for model, f, aad in sealed_columns():
        count = 0
        qs = model._base_manager.order_by("pk").values_list("pk", f.attname)
        for pk, token in qs.iterator(chunk_size=chunk_size):
            if not is_ciphertext(token):
                continue
            with transaction.atomic():
                # Only if unchanged meanwhile (a user enrolling again at this moment wins).
                model._base_manager.filter(pk=pk, **{f.attname: token}).update(
                    **{f.attname: encrypt(decrypt(token, aad=aad), aad=aad)}
                )
            count += 1
        done[f"{model._meta.label}.{f.name}"] = count
    return done


# --- migrations --------------------------------------------------------------------------


def encrypt_column(app_label: str, model_name: str, field: str):
    """A RunPython pair for a data migration: encrypt a column's clear values and fill its
    blind index (forwards); write them back in clear (backwards). Plain SQL on the raw
    column, so a value is never encrypted twice and a rerun skips what is done."""

    def _columns(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        f = model._meta.get_field(field)
        qn = schema_editor.connection.ops.quote_name
        bidx = qn(model._meta.get_field(f.blind_index).column) if f.blind_index else None
        return qn(model._meta.db_table), qn(model._meta.pk.column), qn(f.column), bidx, f.kind

    def forwards(apps, schema_editor):
        table, pk, col, bidx, kind = _columns(apps, schema_editor)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {col} FROM {table}")
            rows = [(i, v) for i, v in cursor.fetchall() if v and not is_ciphertext(v)]
            for i, value in rows:
                sets, params = [f"{col} = %s"], [encrypt(value.encode("utf-8"))]
                if bidx:
                    sets.append(f"{bidx} = %s")
                    params.append(blind_index(value, kind))
                cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {pk} = %s", [*params, i])

    def backwards(apps, schema_editor):
        table, pk, col, _, _ = _columns(apps, schema_editor)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {col} FROM {table}")
            rows = [(i, v) for i, v in cursor.fetchall() if is_ciphertext(v)]
            for i, value in rows:
                clear = decrypt(value).decode("utf-8")
                cursor.execute(f"UPDATE {table} SET {col} = %s WHERE {pk} = %s", [clear, i])

    return forwards, backwards
