"""Manage the SecretId/SecretKey pairs of our Tencent-compatible OCR API.

    manage.py ocr_api_key create --name NAME   # prints the pair once
    manage.py ocr_api_key list
    manage.py ocr_api_key disable|enable SECRET_ID_OR_NAME
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.db.models import Q

from ocr.models import ApiKey


class Command(BaseCommand):
    help = "Create, list, disable or enable OCR API keys (SecretId/SecretKey)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        create = sub.add_parser("create", help="make a key and print its SecretId and SecretKey once")
        create.add_argument("--name", required=True)
        create.add_argument("--rate-mlid", type=float, help="MLIDCardOCR requests per second (default: settings)")
        create.add_argument("--rate-sg", type=float, help="RecognizeSingaporeIDCardOCR requests per second (default: settings)")
        sub.add_parser("list", help="list keys (never their SecretKeys)")
        for name in ("disable", "enable"):
            sub.add_parser(name).add_argument("key", help="SecretId or name")

    def handle(self, *args, command, **options):
        if command == "create":
            try:
                key, secret_key = ApiKey.objects.create_key(
                    options["name"], rate_limit_mlid=options["rate_mlid"], rate_limit_sg=options["rate_sg"]
                )
            except IntegrityError:
                raise CommandError(f"a key named {options['name']!r} already exists") from None
            self.stdout.write(f"SecretId:  {key.secret_id}\nSecretKey: {secret_key}")
            self.stderr.write("Store the SecretKey now: it cannot be shown again.")
        elif command == "list":
            for key in ApiKey.objects.all():
                state = "active" if key.is_active else "disabled"
                used = key.last_used_at.isoformat() if key.last_used_at else "never"
                self.stdout.write(f"{key.secret_id}  {key.name}  {state}  last used {used}")
        else:
            key = ApiKey.objects.filter(Q(secret_id=options["key"]) | Q(name=options["key"])).first()
            if key is None:
                raise CommandError(f"no key {options['key']!r}")
            key.set_active(command == "enable")
            self.stdout.write(f"{key.secret_id} {command}d")
