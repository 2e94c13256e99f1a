"""`zhitong backup --out DIR`: the database, the media and a manifest of checksums
(zhitong/audit/backup.py, docs/deploy.md "Backups and restore")."""

from django.core.management.base import BaseCommand, CommandError

from zhitong.audit.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, or SQLite's online backup) and MEDIA_ROOT into DIR."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="DIR", help="a new or empty directory")

    def handle(self, *args, out, **options):
        try:
            manifest = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for name, meta in manifest["files"].items():
            self.stdout.write(f"{name}: {meta['bytes']} bytes, sha256 {meta['sha256']}")
        head = manifest["audit_head"]
        if head:
            self.stdout.write(f"audit head: #{head['last_event_id']} ({head['count']} events)")
        self.stdout.write(f"backup written to {out}")
