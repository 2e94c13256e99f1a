import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from zhitong.organizations.passwords import CharacterClassValidator
from zhitong.organizations.tests.factories import UserFactory


@pytest.mark.parametrize(
    "weak",
    [
        "Ab1!",  # too short
        "rongchengshi",  # one class only
        "rongcheng2026",  # two classes
        "83920174650011",  # all digits
        "Password123",  # a common password (three classes, long enough)
    ],
)
@pytest.mark.django_db
def test_weak_passwords_are_refused_in_chinese(weak):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_password(weak, UserFactory.build(username="wangwei", full_name="王伟"))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(info.value.messages))


@pytest.mark.django_db
def test_a_password_like_the_username_is_refused():
    user = UserFactory.build(username="zhangsanfeng", email="zhangsanfeng@example.cn")
    with pytest.raises(ValidationError):
        validate_password("Zhangsanfeng1", user)


@pytest.mark.parametrize("strong", ["Rongcheng#2026", "jiang-shui-9-liu", "QINGSHAN绿水2026"])
@pytest.mark.django_db
def test_strong_passwords_are_accepted(strong):
    assert validate_password(strong, UserFactory.build(username="wangwei")) is None


def test_three_character_classes_are_needed():
    validator = CharacterClassValidator()
    with pytest.raises(ValidationError, match="三类") as info:
        validator.validate("onlylowercaseand123")
    assert info.value.error_list[0].code == "password_too_simple"
    validator.validate("lower123UPPER")
    validator.validate("lower-123-case")
    assert "三类" in validator.get_help_text()
