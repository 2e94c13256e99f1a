from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhitong.core.crypto import BlindIndexField, EncryptedCharField
from zhitong.core.models import TimeStampedModel

from .choices import LeaderLevel, Role, UnitKind


class Unit(TimeStampedModel):
    """A unit of the city's organisation, in a tree (city government → departments,
    counties, parks, associations, supervision office, People's Congress → sections).

    `path` is a materialised path ("/1/7/23/") so "this unit and its sub-units" is one
    indexed prefix query rather than a recursive walk.
    """

    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    duties = models.TextField(_("主要职责"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("model", "单位")
        verbose_name_plural = pgettext_lazy("models", "单位")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        new_path = self.compute_path()
        if new_path != self.path:
            old_path = self.path
            self.path = new_path
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                # Re-root descendants when a unit moves in the tree.
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old_path) :]
                    Unit.objects.filter(pk=child.pk).update(path=child.path)


class ServiceWindow(TimeStampedModel):
    """The unit's published service window (一键启动, seeds/003 三): a responsible leader
    and a section that receive enterprises' matters, with named staff and phones."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="window", verbose_name=_("单位"))
    leader_name = models.CharField(_("负责领导"), max_length=50)
    leader_position = models.CharField(_("领导职务"), max_length=50, blank=True)
    section_name = models.CharField(_("具体科室"), max_length=50)
    phone = models.CharField(_("对外联系电话"), max_length=30)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    hours = models.CharField(_("办公时间"), max_length=100, blank=True)
    is_public = models.BooleanField(_("向社会公布"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "服务窗口")
        verbose_name_plural = pgettext_lazy("models", "服务窗口")

    def __str__(self) -> str:
        return _("%(unit)s服务窗口") % {"unit": self.unit.name}


class WindowStaff(models.Model):
    """A named person of a service window: name, position, post, duties, phone (seeds/003 三)."""

    window = models.ForeignKey(ServiceWindow, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50)
    post = models.CharField(_("岗位"), max_length=50, blank=True)
    duties = models.CharField(_("职责"), max_length=200)
    phone = EncryptedCharField(_("联系电话"), max_length=30, blind_index="phone_bidx")
    phone_bidx = BlindIndexField(source="phone")  # zhitong/core/crypto.py: exact lookups
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = pgettext_lazy("model", "窗口人员")
        verbose_name_plural = pgettext_lazy("models", "窗口人员")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. `unit` is where they work; `role` is the capacity of this
    account (see choices.Role). Leaders have a portfolio of units (分管)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(
        _("角色"), max_length=20, choices=Role.choices, default=Role.HANDLER, db_index=True
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = EncryptedCharField(_("手机号码"), max_length=20, blank=True, blind_index="phone_bidx")
    phone_bidx = BlindIndexField(source="phone")  # zhitong/core/crypto.py: exact lookups
    leader_level = models.CharField(_("领导层级"), max_length=20, choices=LeaderLevel.choices, blank=True)
    portfolio = models.ManyToManyField(Unit, verbose_name=_("分管单位"), blank=True, related_name="leaders")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Passwords (GB/T 22239-2019 8.1.4.1 a: 口令…定期更换; organizations/password_policy.py).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("管理员设置的密码：用户首次登录时须改为自己的密码。"),
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "用户")
        verbose_name_plural = pgettext_lazy("models", "用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password):
        # Every new password dates itself and keeps the replaced hash for the history
        # (organizations/password_policy.py: expiry, no reuse of the last ones).
        self._replaced_password_hash = getattr(self, "_replaced_password_hash", None) or self.password
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        old = getattr(self, "_replaced_password_hash", None)
        if old is not None:
            self._replaced_password_hash = None
            if old and old != self.password:
                PasswordHistory.keep(self, old)


class TotpDevice(models.Model):
    """A user's TOTP second factor (organizations/totp.py). The secret is sealed
    (`totp.seal_secret`); `last_step` is the last accepted time step, so a code is accepted
    once (replay refusal); recovery codes are kept as salted hashes only."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret_sealed = models.TextField(editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    recovery_salt = models.CharField(max_length=32, default="", editable=False)
    recovery_hashes = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "双因素认证设备")
        verbose_name_plural = pgettext_lazy("models", "双因素认证设备")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"


class PasswordHistory(models.Model):
    """The hashes of a user's previous passwords (GB/T 22239-2019 8.1.4.1 a; the last
    ZHITONG_PASSWORD_HISTORY cannot be reused)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    @classmethod
    def keep(cls, user, old_hash: str) -> None:
        """Keep the replaced password's hash; only the last ones are kept (with the current
        one they make ZHITONG_PASSWORD_HISTORY)."""
        from django.conf import settings

        cls.objects.create(user=user, password=old_hash, created_at=timezone.now())
        keep = max(settings.ZHITONG_PASSWORD_HISTORY - 1, 0)
        stale = list(cls.objects.filter(user=user).values_list("pk", flat=True)[keep:])
        if stale:
            cls.objects.filter(pk__in=stale).delete()


class SignInSession(models.Model):
    """One signed-in session of a user (the limit of concurrent sessions,
    ZHITONG_MAX_SESSIONS_PER_USER). `ended_reason` tells a session ended by a newer sign-in
    why it ended."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signin_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"])]
