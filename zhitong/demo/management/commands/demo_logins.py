"""`zhitong demo_logins`: the demo city's sign-in accounts, as a table (used by `make run`)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from zhitong.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "列出演示城市的登录账号（用户名、密码、角色、单位）。"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="where the server listens")

    def handle(self, *args, **opts):
        from zhitong.demo.organizations import MAIN_LOGINS
        from zhitong.organizations.models import User

        users = {
            u.username: u
            for u in User.objects.filter(username__in=MAIN_LOGINS).select_related("unit", "enterprise")
        }
        if not users:
            self.stdout.write("没有演示账号：请先运行 `zhitong demo`。")
            return
        rows = [("用户名", "密码", "角色", "单位 / 分管")]
        for name in MAIN_LOGINS:
            u = users.get(name)
            if u is None:
                continue
            if u.role == "leader":
                where = f"{u.position}，分管：" + "、".join(p.display_name for p in u.portfolio.all())
            elif u.role == "enterprise":
                where = u.enterprise.name if u.enterprise else ""
            else:
                where = u.unit.display_name if u.unit else ""
            rows.append((u.username, DEMO_PASSWORD, u.get_role_display(), where))
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        self.stdout.write(f"演示账号（{opts['url']} 登录）：")
        for r in rows:
            cells = [r[i] + " " * (widths[i] - _width(r[i])) for i in range(3)]
            self.stdout.write("  " + "  ".join([*cells, r[3]]))
        from zhitong.demo import DEMO_TOTP_SECRET
        from zhitong.organizations import totp

        self.stdout.write(
            f"双因素认证（{'、'.join(sorted(settings.ZHITONG_TOTP_ROLES))}）：演示密钥 {DEMO_TOTP_SECRET}，"
            f"可添加到任意身份验证器；当前验证码 {totp.code_for(DEMO_TOTP_SECRET)}（30秒内有效，每个只能用一次）。"
        )
        admin = users.get("admin")
        if admin is not None:
            # Every demo account shares one password hash, so this counts them without hashing.
            more = User.objects.filter(password=admin.password).exclude(username__in=MAIN_LOGINS).count()
            if more:
                self.stdout.write(
                    f"另有 {more} 个演示账号，密码相同：handler_<单位编码>、head_<单位编码>、"
                    "leader_<县区编码>（县区主要领导）、butler_<县区编码>_1/2（项目管家），如 handler_fgw、head_tjq。"
                )


def _width(s: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(c) > 0x2E80 else 1 for c in s)
