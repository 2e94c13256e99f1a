from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhitong.notifications"
    label = "notifications"
    verbose_name = "消息"
