from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "zhitong.webhooks"
    label = "webhooks"
    verbose_name = _("事件推送")

    def ready(self):
        from zhitong.appeals.signals import appeal_transition_recorded
        from zhitong.outbox.services import register_handler

        from .services import WEBHOOK, webhook_deliver, webhook_failed, webhooks_queue_for_transition

        # Every row of an appeal's timeline, in the move's transaction: one outbox row per
        # subscription that asked for the event and may see the appeal.
        appeal_transition_recorded.connect(webhooks_queue_for_transition, dispatch_uid="webhooks")
        register_handler(WEBHOOK, webhook_deliver, on_failure=webhook_failed)
