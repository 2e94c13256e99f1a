from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city 榕城市 (`zhitong demo`, `zhitong demo_logins`): builders on top of every
    domain app; no domain app imports it."""

    name = "zhitong.demo"
    label = "demo"
    verbose_name = _("演示城市")
