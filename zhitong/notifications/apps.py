from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "zhitong.notifications"
    label = "notifications"
    verbose_name = _("消息")

    def ready(self):
        from zhitong.outbox.services import register_handler

        from .services import (
            NOTIFICATION,
            NOTIFICATION_DIGEST,
            notification_deliver,
            notification_digest_deliver,
        )

        # Notifications are queued in the outbox with the change that causes them and
        # written here, by the deliverer, after the commit; so is each user's daily digest.
        register_handler(NOTIFICATION, notification_deliver)
        register_handler(NOTIFICATION_DIGEST, notification_digest_deliver)
