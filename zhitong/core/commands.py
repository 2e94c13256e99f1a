from django.core.management.base import BaseCommand


class OperationalCommand(BaseCommand):
    """A command for nightly jobs and scripts, made of actions (`zhitong <command> <action> …`).

    It must not refuse to run over an unrelated system-check finding, hence no system checks."""

    requires_system_checks: list = []

    def add_arguments(self, parser):
        self.add_actions(parser.add_subparsers(dest="action", required=True))

    def add_actions(self, sub) -> None:
        """Add one sub-parser per action to `sub`."""
        raise NotImplementedError
