from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "zhitong.outbox"
    label = "outbox"
    verbose_name = "发件箱"
