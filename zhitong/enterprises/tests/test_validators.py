import pytest
from django.core.exceptions import ValidationError

from zhitong.enterprises.validators import (
    credit_code_check_char,
    credit_code_error,
    phone_error,
    validate_credit_code,
)

# A real-format code: 91 (enterprise, market regulation) + 350100 + org code + check.
BODY = "91350100MA2XN0KX7"
VALID = BODY + credit_code_check_char(BODY)


def test_a_code_with_the_right_check_character_is_valid():
    assert credit_code_error(VALID) is None
    validate_credit_code(VALID)  # does not raise


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example printed in GB 32100-2015
        "91110108551385082Q",  # published codes of well-known companies
        "91440300708461136T",
    ],
)
def test_published_codes_are_valid(code):
    assert credit_code_error(code) is None


def test_it_refuses_a_wrong_check_character():
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    wrong = next(c for c in alphabet if c != VALID[-1])
    err = credit_code_error(VALID[:-1] + wrong)
    assert err is not None and "校验码" in err
    with pytest.raises(ValidationError):
        validate_credit_code(VALID[:-1] + wrong)


@pytest.mark.parametrize("code", [VALID[:-1], VALID + "0", VALID[:10], ""])
def test_it_refuses_a_wrong_length(code):
    err = credit_code_error(code)
    assert err is not None
    assert ("18位" in err) or ("不能为空" in err)


def test_it_refuses_lowercase_letters():
    lower = VALID.lower()
    assert lower != VALID
    assert "大写" in credit_code_error(lower)


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_it_refuses_letters_the_code_never_uses(letter):
    # Put the letter in the organisation code part; even a "matching" check character
    # cannot make it valid because the letter has no value in the alphabet.
    code = BODY[:9] + letter + BODY[10:] + VALID[-1]
    err = credit_code_error(code)
    assert err is not None
    assert f"第10位“{letter}”" in err


@pytest.mark.parametrize(
    "phone", ["13812341234", "19912345678", "0591-87654321", "059187654321", "0591-8765432-123"]
)
def test_it_accepts_mobiles_and_landlines(phone):
    assert phone_error(phone) is None


@pytest.mark.parametrize("phone", ["1381234123", "12812341234", "abc", "87654321", ""])
def test_it_refuses_malformed_phones(phone):
    assert phone_error(phone) is not None
