import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

TOO_SIMPLE = gettext_noop("密码须至少包含小写字母、大写字母、数字、符号中的三类。")


class CharacterClassValidator:
    """Passwords need at least three of: lower case, upper case, digits, symbols."""

    CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")

    def validate(self, password, user=None):
        if sum(1 for c in self.CLASSES if re.search(c, password or "")) < 3:
            raise ValidationError(_(TOO_SIMPLE), code="password_too_simple")

    def get_help_text(self):
        return _(TOO_SIMPLE)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in Chinese: Django 5.2 changed the message's
    msgid and its zh_Hans catalogue still has only the old one, so it showed in English."""

    def get_error_message(self):
        return ngettext(
            "密码太短，至少需要 %(min_length)d 个字符。",
            "密码太短，至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "密码至少需要 %(min_length)d 个字符。", "密码至少需要 %(min_length)d 个字符。", self.min_length
        ) % {"min_length": self.min_length}
