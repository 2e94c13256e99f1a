from django.core.management.base import BaseCommand, CommandError

from zhitong.common.diagrams import DOC, render


class Command(BaseCommand):
    help = "Write docs/state-machines.md from the declared tables of moves (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")

    def handle(self, *args, check=False, **options):
        text = render()
        if check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError(f"{DOC} is out of date: run `zhitong diagrams`")
            self.stdout.write("up to date")
            return
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {DOC}")
