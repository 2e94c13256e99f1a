from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "zhitong.delivery"
    label = "delivery"
    verbose_name = _("消息渠道")

    def ready(self):
        from zhitong.notifications.services import register_delivered_hook
        from zhitong.outbox.services import register_handler

        from .services import (
            CHANNEL,
            SMS,
            channel_deliver,
            channel_failed,
            channels_queue_for_message,
            sms_deliver,
            sms_failed,
        )

        # An in-app message written → the user's other channels queued in that transaction;
        # each channel delivery is its own outbox row (its own retries, exactly once).
        register_delivered_hook(channels_queue_for_message)
        register_handler(CHANNEL, channel_deliver, on_failure=channel_failed)
        # SHARED_CONTRACTS.md: other apps queue SMS as outbox rows of kind "sms".
        register_handler(SMS, sms_deliver, on_failure=sms_failed)
