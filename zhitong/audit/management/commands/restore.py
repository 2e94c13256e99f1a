"""`zhitong restore DIR [--force]`: load a backup made by `zhitong backup`, then verify the
audit chain; non-zero exit if a checksum or the chain is broken (zhitong/audit/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from zhitong.audit.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and MEDIA_ROOT from a `zhitong backup` directory and verify the audit chain."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("src", metavar="DIR")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database or media directory that is in use"
        )

    def handle(self, *args, src, force=False, **options):
        try:
            result = restore(src, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the backup of {result.manifest['created_at']} from {src}")
        self.stdout.write(f"audit chain: {result.verify}")
        if not result.verify.ok:
            raise CommandError(f"the restored audit chain is broken: {result.verify}")
