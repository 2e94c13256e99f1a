"""`zhitong token create | list | revoke` — API clients' tokens from the command line.

zhitong token create --user hotline --name 12345热线 --scope appeals:write --scope open311 \
    [--expires 2027-06-30] [--rate-limit 600]      prints the secret once
zhitong token list [--all]                         active tokens (--all: revoked and expired too)
zhitong token revoke <id or prefix>                refuses it at once
"""

from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from zhitong.api import ratelimit, services
from zhitong.api.models import ApiToken
from zhitong.api.scopes import ALL_SCOPES
from zhitong.core.commands import OperationalCommand
from zhitong.core.errors import ServiceError


class Command(OperationalCommand):
    help = "API tokens: create one (the secret is printed once), list them, revoke one."

    def add_actions(self, sub):
        p = sub.add_parser("create", help="issue a token for an account; prints the secret once")
        p.add_argument("--user", required=True, help="the owner account's username")
        p.add_argument("--name", required=True, help="what the token is for (e.g. 12345热线)")
        p.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            required=True,
            help="a scope, repeatable: " + ", ".join(ALL_SCOPES),
        )
        p.add_argument("--expires", help="last valid day, YYYY-MM-DD (the token ends with that day)")
        p.add_argument("--rate-limit", type=int, help="requests per minute (default: the system's)")
        p = sub.add_parser("list", help="list tokens (never their secrets)")
        p.add_argument("--all", action="store_true", help="include revoked and expired tokens")
        p = sub.add_parser("revoke", help="revoke a token by its id or its prefix (zt_xxxxx)")
        p.add_argument("token", help="the id or the prefix shown by `token list`")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

    def do_create(self, *, user, name, scopes, expires=None, rate_limit=None, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"no account named {user!r}")
        expires_at = None
        if expires:
            try:
                day = datetime.strptime(expires, "%Y-%m-%d").date()
            except ValueError as exc:
                raise CommandError("--expires must be YYYY-MM-DD") from exc
            expires_at = timezone.make_aware(datetime.combine(day, time.max))
        tok, raw = services.token_create(
            actor=None,
            owner_id=owner.pk,
            name=name,
            scopes=scopes,
            expires_at=expires_at,
            rate_limit=rate_limit,
        )
        self.stdout.write(f"token #{tok.pk} for {owner.username}: {', '.join(tok.scopes)}")
        self.stdout.write("secret (shown once, store it now):")
        self.stdout.write(raw)

    def do_list(self, *, all=False, **options):
        now = timezone.now()
        qs = ApiToken.objects.select_related("user").order_by("id")
        rows = [t for t in qs if all or t.state(now) == "active"]
        if not rows:
            self.stdout.write("no tokens")
            return
        for t in rows:
            expires = f"{timezone.localtime(t.expires_at):%Y-%m-%d %H:%M}" if t.expires_at else "never"
            used = f"{timezone.localtime(t.last_used_at):%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"#{t.pk}\t{t.prefix}…\t{t.state(now)}\t{t.user.username}\t{t.name}\t"
                f"scopes={','.join(t.scopes)}\texpires={expires}\tlast_used={used}\t"
                f"rate={ratelimit.limit_of(t)}/min"
            )

    def do_revoke(self, *, token, **options):
        matches = list(
            ApiToken.objects.filter(pk=int(token))
            if token.isdigit()
            else ApiToken.objects.filter(prefix=token)
        )
        if len(matches) != 1:
            raise CommandError(f"{len(matches)} tokens match {token!r}: give the id")
        tok = services.token_revoke(actor=None, token_id=matches[0].pk)
        self.stdout.write(f"token #{tok.pk} ({tok.prefix}…, {tok.name}) revoked")
