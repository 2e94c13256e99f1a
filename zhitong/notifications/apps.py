from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhitong.notifications"
    label = "notifications"
    verbose_name = "消息"

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
