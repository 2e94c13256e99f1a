import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit, User

PASSWORD = "Zhitong-Test-2026!"

_HASHES: dict[str, str] = {}


def password_hash() -> str:
    """PASSWORD hashed once per process and hasher (settings.PASSWORD_HASHERS' first, which
    a test may override). A user is then one INSERT: setting the password after creating the
    user saved every user twice, ~a third of building the tests' cities (CI time, issue 14).
    `User.set_password` still runs wherever a test or the product sets a password."""
    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _HASHES:
        _HASHES[hasher] = make_password(PASSWORD)
    return _HASHES[hasher]


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose password is PASSWORD, dated now (as `User.set_password` dates it)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.HANDLER
    unit = factory.SubFactory(UnitFactory)
    password = factory.LazyFunction(password_hash)
    password_changed_at = factory.LazyFunction(timezone.now)
