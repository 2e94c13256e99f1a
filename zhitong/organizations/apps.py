from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "zhitong.organizations"
    label = "organizations"
    verbose_name = _("组织机构与用户")

    def ready(self):
        from zhitong.core import crypto

        from . import sessions, totp

        sessions.connect()
        # The TOTP seeds are field-key ciphertext: the key rotation re-seals them.
        crypto.register_sealed_column("organizations.TotpDevice", "secret_sealed", aad=totp.SEAL_AAD)
