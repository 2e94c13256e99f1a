from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city 榕城市 (`zhitong demo`, `zhitong demo_logins`): builders on top of every
    domain app; no domain app imports it."""

    name = "zhitong.demo"
    label = "demo"
    verbose_name = "演示城市"
