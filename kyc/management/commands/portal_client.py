"""Issue, rotate and revoke portal API credentials from the command line.

The token and the webhook signing secret are printed once and never stored in clear: lose them and
the only remedy is to rotate.
"""

from django.core.management.base import BaseCommand, CommandError

from kyc.audit import Actor
from kyc.models import PortalClient
from kyc.portal.services import portal_client_create, portal_client_revoke, portal_client_rotate_token
from kyc.portal.webhooks import WebhookUrlRefused


class Command(BaseCommand):
    help = "Create, rotate or revoke a portal client's API token."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="New client; prints its API token and webhook secret once.")
        create.add_argument("--name", required=True)
        create.add_argument("--webhook-url", default="")
        rotate = sub.add_parser("rotate", help="New API token; the old one stops working at once.")
        rotate.add_argument("--name", required=True)
        revoke = sub.add_parser("revoke", help="Refuse this client's token from now on.")
        revoke.add_argument("--name", required=True)

    def handle(self, *args, action, name, **options):
        actor = Actor.system()
        if action == "create":
            if PortalClient.objects.filter(name=name).exists():
                raise CommandError(f"A portal client named {name!r} already exists.")
            try:
                issued = portal_client_create(name=name, webhook_url=options["webhook_url"], actor=actor)
            except WebhookUrlRefused as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Created portal client {name!r}. Shown once; store both now:")
            self.stdout.write(f"API token:              {issued.token}")
            self.stdout.write(f"Webhook signing secret: {issued.webhook_secret}")
            return
        client = PortalClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"No portal client named {name!r}.")
        if action == "rotate":
            if client.revoked_at is not None:
                raise CommandError(f"{name!r} is revoked; create a new client instead.")
            token = portal_client_rotate_token(client=client, actor=actor)
            self.stdout.write(f"New API token for {name!r} (shown once; the old one no longer works):")
            self.stdout.write(token)
        else:
            portal_client_revoke(client=client, actor=actor)
            self.stdout.write(f"Revoked {name!r}: its token is refused from now on.")
