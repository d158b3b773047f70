import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from kyc import roles
from kyc.audit import Actor, audit_record


class Command(BaseCommand):
    help = (
        "Create the first admin account (a superuser in the admin group) with a random password, "
        "printed once. Does nothing when an admin account exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        if User.objects.filter(Q(is_superuser=True) | Q(groups__name=roles.ADMIN)).exists():
            self.stdout.write("An admin account exists; no new one created.")
            return
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} exists but is not an admin; choose --username.")
        # Never stored or logged anywhere: the operator copies it now or resets it with
        # `manage.py changepassword`.
        password = secrets.token_urlsafe(18)
        validate_password(password)
        with transaction.atomic():
            user = User.objects.create_superuser(username=username, email=email, password=password)
            user.groups.add(Group.objects.get(name=roles.ADMIN))
            audit_record(actor=Actor.system(), event="user.created", subject=user, after={"username": username, "role": roles.ADMIN})
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "=" * 64,
                    "Admin account created. The password is shown this once only.",
                    f"  username: {username}",
                    f"  password: {password}",
                    "=" * 64,
                    "",
                ]
            )
        )
