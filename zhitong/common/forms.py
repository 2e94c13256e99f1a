"""Form helpers shared by the apps' views: one set of Chinese error messages for every page
form, the checks every form makes at the edge, and the refusal message of a move form.

Every page form inherits `Form` (a plain `forms.Form` plus `harden`): Django's own messages
("这个字段是必填项。", "确保该变量…", "Enter a valid date.") never reach a page; text is
bounded (the column's length, or TEXT_MAX for a text column; the page shows a live counter
against it, static/zhitong/site.js, and a line break counts once), a required text must have
something visible in it, control characters are refused, numbers are bounded to what an
integer column holds, dates are sane (DATE_FLOOR … today + FUTURE_YEARS), and lists and
uploads are bounded. A form that needs a tighter rule says so on its field; `harden` only
fills in what the field left open.

Dates: DATE_FLOOR is 2020-01-01. Zhitong went into service after that, so an earlier date
on any page (an appeal received in 1900, a deadline in 2019) is a typo, not history. The
ceiling is today + FUTURE_YEARS; a tighter rule (an appeal is not received in the future)
is the service's, with its own message.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhitong.core import fields
from zhitong.core.errors import ServiceError

from .transitions import VERSION_REQUIRED

# The platform's window for dates and the text columns' limit are the API's (core/fields.py):
# a page and the API accept the same values.
DATE_FLOOR = fields.DATE_FLOOR
FUTURE_YEARS = 5
INT_MAX = 2_147_483_647  # the largest value an integer column holds (PostgreSQL `integer`)
TEXT_MAX = fields.LONG_TEXT_MAX  # a text (TextField) column's limit
MAX_ITEMS = 100  # a multiple choice without its own limit
MAX_FILES = 10  # files in one upload field

# The messages, by what went wrong. msgids are the Chinese text (zhitong/locale/en has the
# English); %(…)s placeholders are filled by the validators.
MESSAGES = {
    "required": _("请填写此项"),
    "required_choice": _("请选择此项"),
    "required_check": _("请勾选此项"),
    "required_file": _("请选择文件"),
    "blank": _("请填写内容，不能只有空格"),
    "max_length": _("内容过长：最多 %(limit_value)d 个字，当前 %(show_value)d 个字"),
    "min_length": _("内容过短：至少 %(limit_value)d 个字，当前 %(show_value)d 个字"),
    "control": _("内容含有不可见的控制字符，请删除后再提交"),
    "invalid": _("格式不正确"),
    "invalid_choice": _("所选的选项不可用，请重新选择"),
    "invalid_list": _("请从列表中选择"),
    "too_many": _("最多可选 %(limit)d 项，当前选了 %(count)d 项"),
    "invalid_int": _("请输入整数"),
    "max_value": _("不能大于 %(limit_value)s"),
    "min_value": _("不能小于 %(limit_value)s"),
    "invalid_date": _("日期格式不正确，请按“年-月-日”填写，例如 2026-03-15"),
    "impossible_date": _("日期不存在：%(value)s"),
    "invalid_datetime": _("时间格式不正确，请按“年-月-日 时:分”填写，例如 2026-03-15 09:30"),
    "date_too_early": _("日期不能早于 %(limit)s"),
    "date_too_late": _("日期不能晚于 %(limit)s"),
    "file_invalid": _("没有收到文件，请重新选择"),
    "file_empty": _("文件是空的，请检查后重新选择"),
    "file_name_too_long": _("文件名过长：最多 %(max)d 个字，当前 %(length)d 个字"),
    "file_too_large": _("文件“%(name)s”过大：最大 %(limit)s，当前 %(size)s"),
    "too_many_files": _("一次最多上传 %(limit)d 个文件，当前 %(count)d 个"),
}

# A date typed as digits that is not a day of the calendar (2026-02-30): said as such.
_DATE_SHAPE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?\s*")


def _messages_for(field: forms.Field) -> dict:
    """Our message for each of Django's error codes, by the kind of field."""
    if isinstance(field, forms.BooleanField):
        required = MESSAGES["required_check"]
    elif isinstance(field, forms.FileField):
        required = MESSAGES["required_file"]
    elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        required = MESSAGES["required_choice"]
    else:
        required = MESSAGES["required"]
    invalid = {
        forms.DateTimeField: MESSAGES["invalid_datetime"],
        forms.DateField: MESSAGES["invalid_date"],
        forms.IntegerField: MESSAGES["invalid_int"],
        forms.FileField: MESSAGES["file_invalid"],
    }
    return {
        "required": required,
        "invalid": next((m for cls, m in invalid.items() if isinstance(field, cls)), MESSAGES["invalid"]),
        "invalid_choice": MESSAGES["invalid_choice"],
        "invalid_list": MESSAGES["invalid_list"],
        "invalid_pk_value": MESSAGES["invalid_choice"],
        "missing": MESSAGES["file_invalid"],
        "empty": MESSAGES["file_empty"],
        "contradiction": MESSAGES["file_invalid"],
        "max_length": MESSAGES["file_name_too_long"],
    }


def _django_defaults(field: forms.Field) -> dict:
    out: dict = {}
    for cls in reversed(type(field).__mro__):
        out.update(getattr(cls, "default_error_messages", {}))
    return out


# ---------------------------------------------------------------------------------------
# Validators
# ---------------------------------------------------------------------------------------


class MaxLength(validators.MaxLengthValidator):
    message = MESSAGES["max_length"]


class MinLength(validators.MinLengthValidator):
    message = MESSAGES["min_length"]


# Control characters (Unicode category Cc) but tab and line breaks, and lone surrogates (Cs).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def no_control_characters(value) -> None:
    """NUL and the other control characters (PostgreSQL refuses NUL in text) and lone
    surrogates (they cannot be encoded); tabs and line breaks are text."""
    if _CONTROL.search(str(value)):
        raise ValidationError(MESSAGES["control"], code="control")


def has_visible_text(value) -> bool:
    """Something besides spaces, zero-width spaces and other format or control characters."""
    return any(unicodedata.category(ch)[0] not in ("Z", "C") for ch in str(value))


def visible_text(value) -> None:
    """A required text needs something visible."""
    if not has_visible_text(value):
        raise ValidationError(MESSAGES["blank"], code="blank")


def id_or_none(value) -> int | None:
    """An id (or version) from a query string or a hidden field: a whole number 0…INT_MAX in
    ASCII digits, else None ("²".isdigit() is true, "１" is a digit to int())."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    number = int(text)
    return number if number <= INT_MAX else None


def search_text(value, max_length: int = 100) -> str:
    """What was typed in a search box or a GET filter, made safe to search with: control
    characters dropped, spaces trimmed, at most `max_length` characters (a hand-edited
    link with garbage finds nothing rather than failing)."""
    if not isinstance(value, str):
        return ""
    kept = "".join(
        ch for ch in value[: max_length * 2] if unicodedata.category(ch) not in ("Cc", "Cs") or ch in "\t\r\n"
    )
    return kept.strip()[:max_length]


def ids_from(values) -> list[int]:
    """The ids among `values` (see id_or_none), in order, each once; others dropped."""
    out = (id_or_none(v) for v in values)
    return list(dict.fromkeys(v for v in out if v is not None))


def _day(value):
    return value.date() if isinstance(value, datetime) else value


class DateRange:
    """Dates from DATE_FLOOR to today + FUTURE_YEARS (a form may narrow it)."""

    def __init__(self, *, floor: date = DATE_FLOOR, future_years: int = FUTURE_YEARS):
        self.floor, self.future_years = floor, future_years

    def __call__(self, value) -> None:
        if value is None:
            return
        day = _day(value)
        if day < self.floor:
            raise ValidationError(
                MESSAGES["date_too_early"], code="date_too_early", params={"limit": self.floor.isoformat()}
            )
        today = timezone.localdate()
        try:
            ceiling = today.replace(year=today.year + self.future_years)
        except ValueError:  # 29 February
            ceiling = today.replace(year=today.year + self.future_years, day=28)
        if day > ceiling:
            raise ValidationError(
                MESSAGES["date_too_late"], code="date_too_late", params={"limit": ceiling.isoformat()}
            )


# ---------------------------------------------------------------------------------------
# Fields that Django does not bound by itself
# ---------------------------------------------------------------------------------------


def _impossible_date(value) -> ValidationError | None:
    """ "2026-02-30": the right shape, but no such day."""
    m = _DATE_SHAPE.fullmatch(str(value)) if isinstance(value, str) and len(value) < 40 else None
    if m is None:
        return None
    try:
        date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return ValidationError(
            MESSAGES["impossible_date"], code="impossible_date", params={"value": f"{m[1]}-{m[2]}-{m[3]}"}
        )
    return None


class _InWindow:
    """A date or date-time field in the sane range (see DateRange) that says "日期不存在" for
    the right shape with no such day (2026-02-30, 2026-02-30 09:00)."""

    def __init__(self, *, floor: date = DATE_FLOOR, future_years: int = FUTURE_YEARS, **kw):
        super().__init__(**kw)
        self.validators.append(DateRange(floor=floor, future_years=future_years))

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise _impossible_date(value) or ValidationError(self.error_messages["invalid"], code="invalid")


class DateField(_InWindow, forms.DateField):
    pass


class DateTimeField(_InWindow, forms.DateTimeField):
    pass


class _Bounded:
    """A list-valued field that refuses more than `max_items` values before looking them up
    (a model multiple choice makes a query per value)."""

    def __init__(self, *args, max_items: int = MAX_ITEMS, **kw):
        self.max_items = max_items
        super().__init__(*args, **kw)

    def clean(self, value):
        if isinstance(value, list | tuple) and len(value) > self.max_items:
            raise ValidationError(
                MESSAGES["too_many"], code="too_many", params={"limit": self.max_items, "count": len(value)}
            )
        return super().clean(value)


class MultipleChoiceField(_Bounded, forms.MultipleChoiceField):
    pass


class TypedMultipleChoiceField(_Bounded, forms.TypedMultipleChoiceField):
    pass


class ModelMultipleChoiceField(_Bounded, forms.ModelMultipleChoiceField):
    """Also refuses a value that cannot be an id before the `pk__in` query (a number past
    the column's range fails in the database, not as "not a choice")."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        if key == "pk" and self.queryset.model._meta.pk.get_internal_type().endswith("AutoField"):
            for v in value:
                if id_or_none(v) is None:
                    raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)}KB"


def check_upload_size(upload, limit: int | None = None) -> None:
    """Refuse a file over `limit` bytes (default ZHITONG_EVIDENCE_MAX_BYTES) by its size."""
    limit = limit or settings.ZHITONG_EVIDENCE_MAX_BYTES
    size = getattr(upload, "size", 0) or 0
    if size > limit:
        raise ValidationError(
            MESSAGES["file_too_large"],
            code="file_too_large",
            params={"name": getattr(upload, "name", ""), "limit": _size(limit), "size": _size(size)},
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (possibly empty). Each file is at most
    ZHITONG_EVIDENCE_MAX_BYTES (said in Chinese before anything is stored), at most
    `max_files` files, file names at most 200 characters."""

    def __init__(self, *args, max_files: int = MAX_FILES, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("max_length", 200)
        self.max_files = max_files
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not items:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(items) > self.max_files:
            raise ValidationError(
                MESSAGES["too_many_files"],
                code="too_many_files",
                params={"limit": self.max_files, "count": len(items)},
            )
        out = []
        for d in items:
            d = super().clean(d, initial)
            check_upload_size(d)
            out.append(d)
        return out


# ---------------------------------------------------------------------------------------
# The base of every page form
# ---------------------------------------------------------------------------------------


def harden(field: forms.Field) -> forms.Field:
    """Our messages and the edge checks on one field (idempotent; see the module's doc)."""
    if getattr(field, "_zt_hardened", False):
        return field
    field._zt_hardened = True
    defaults = _django_defaults(field)
    ours = _messages_for(field)
    for code, message in list(field.error_messages.items()):
        # Only Django's own message is replaced; one the form gave is kept.
        if code in ours and (message is defaults.get(code) or message == ""):
            field.error_messages[code] = ours[code]
    kept = []
    for v in field.validators:
        if type(v) is validators.MaxLengthValidator:
            v = MaxLength(v.limit_value)
        elif type(v) is validators.MinLengthValidator:
            v = MinLength(v.limit_value)
        elif type(v) is validators.MaxValueValidator:
            v = validators.MaxValueValidator(v.limit_value, message=MESSAGES["max_value"])
        elif type(v) is validators.MinValueValidator:
            v = validators.MinValueValidator(v.limit_value, message=MESSAGES["min_value"])
        elif type(v) is validators.ProhibitNullCharactersValidator:
            v = no_control_characters
        kept.append(v)
    field.validators = kept
    if isinstance(field, forms.ModelChoiceField):
        # Django checks a model choice for NUL with a validator of its own making (its
        # message would reach the page); ours says it in the pages' words.
        field.validate_no_null_characters = no_control_characters
    if isinstance(field, forms.CharField):
        if field.max_length is None:
            field.max_length = TEXT_MAX
        if not field.widget.is_hidden:
            # The page counts against the limit as the user types (static/zhitong/site.js:
            # "123/5000", a warning near it, the message over it). The browser's own
            # maxlength would cut pasted text silently, so the limit is not given as one.
            field.widget.attrs.pop("maxlength", None)
            field.widget.attrs["data-maxlength"] = str(field.max_length)
        if not any(isinstance(v, validators.MaxLengthValidator) for v in field.validators):
            # Also a limit set after the field was made (AuthenticationForm's username).
            field.validators.append(MaxLength(field.max_length))
        if no_control_characters not in field.validators:
            field.validators.append(no_control_characters)
        if field.required:
            field.validators.append(visible_text)
    elif isinstance(field, forms.IntegerField):
        if field.max_value is None:
            field.max_value = INT_MAX
            field.validators.append(validators.MaxValueValidator(INT_MAX, message=MESSAGES["max_value"]))
        if field.min_value is None:
            field.min_value = 0
            field.validators.append(validators.MinValueValidator(0, message=MESSAGES["min_value"]))
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        if not any(isinstance(v, DateRange) for v in field.validators):
            field.validators.append(DateRange())
    return field


def unix_line_breaks(data):
    """Submitted form data with each line break as one "\\n". A browser sends a textarea's
    line breaks as CRLF, two characters; the user, the page's counter and the browser see
    one, so a limit counted on CRLF would refuse text the page showed as within it."""
    if isinstance(data, MultiValueDict):  # a QueryDict
        if not any("\r" in v for _, values in data.lists() for v in values if isinstance(v, str)):
            return data
        out = data.copy()  # a QueryDict's copy is mutable
        for key, values in data.lists():
            out.setlist(key, [unix_line_breaks(v) for v in values])
        return out
    if isinstance(data, str):
        return data.replace("\r\n", "\n")
    if isinstance(data, dict):
        return {key: unix_line_breaks(v) for key, v in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(unix_line_breaks(v) for v in data)
    return data


class HardenedMixin:
    """Hardens every field of the form (see `harden`); for forms with another base class
    (Django's AuthenticationForm). Line breaks are read as one character (unix_line_breaks)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = unix_line_breaks(self.data)
        for field in self.fields.values():
            harden(field)

    def full_clean(self):
        # Fields a subclass added after __init__ are hardened too.
        for field in self.fields.values():
            harden(field)
        super().full_clean()


class Form(HardenedMixin, forms.Form):
    """The base of every page form."""


def clean_filters(form: forms.Form) -> dict:
    """A GET filter form's values, dropping any that did not validate: a bookmarked or
    hand-edited link with a garbage value lists as if that filter were not set."""
    form.is_valid()
    return {
        name: form.cleaned_data.get(name)
        for name in form.fields
        if name not in form.errors and name in form.cleaned_data
    }


# ---------------------------------------------------------------------------------------
# Move forms
# ---------------------------------------------------------------------------------------


def refusal_message(
    form, exc: ServiceError, fresh_version: int, *, version_field: str, kept: str = ""
) -> str:
    """A service's refusal of a submitted move form: the error goes on its field when the
    form has one; on a stale version (409) the page shows the object as it is now and the
    form keeps the user's input but carries the current version, so re-submitting after a
    look is deliberate. Returns the message for the page (`kept` is said on a 409)."""
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    if exc.status != 409:
        return exc.message
    data = form.data.copy()
    data[form.add_prefix(version_field)] = str(fresh_version)
    form.data = data
    # The refusal itself is the service's (Chinese, as the API says it); the rest is the page's.
    return gettext("%(message)s。页面已更新为最新状态，%(kept)s请核对后再提交。") % {
        "message": exc.message,
        "kept": kept,
    }


VERSION_INVALID = "页面版本号格式不正确，请刷新页面后重试"


def version_field() -> forms.IntegerField:
    """The hidden field of a move form carrying the version the page was rendered at.
    Required: a move without it (an old page, a hand-made post) is refused in Chinese,
    never applied over a change the user did not see."""
    return forms.IntegerField(
        min_value=0,
        max_value=INT_MAX,
        widget=forms.HiddenInput,
        error_messages={
            "required": VERSION_REQUIRED,
            "invalid": VERSION_INVALID,
            "min_value": VERSION_INVALID,
            "max_value": VERSION_INVALID,
        },
    )
