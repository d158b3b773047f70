"""Named personas shared by the whole suite: a reviewer, a second (senior) reviewer, an admin, an
outsider with an account but no role, and a portal client."""

import pytest
from django.contrib.auth.models import Group, User

from kyc import roles
from kyc.crypto import encrypt, token_hash
from kyc.models import PortalClient

from .broker import use_suite_broker

PASSWORD = "correct horse battery staple"


def _user(username: str, *groups: str, superuser: bool = False) -> User:
    user = User.objects.create_user(username, f"{username}@example.test", PASSWORD, is_staff=superuser, is_superuser=superuser)
    for group in groups:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reviewer(db):
    return _user("rita", roles.REVIEWER)


@pytest.fixture
def second_reviewer(db):
    return _user("sam", roles.SENIOR_REVIEWER)


@pytest.fixture
def admin_user(db):
    return _user("ada", roles.ADMIN, superuser=True)


@pytest.fixture
def outsider(db):
    return _user("otto")


PORTAL_TOKEN = "kyc_test_token_0123456789abcdef0123456789abcdef"
WEBHOOK_SECRET = "whsec_test_0123456789abcdef"


@pytest.fixture
def portal_client(db):
    return PortalClient.objects.create(
        name="shop-a",
        token_hash=token_hash(PORTAL_TOKEN),
        token_prefix=PORTAL_TOKEN[:8],
        webhook_secret_encrypted=encrypt(WEBHOOK_SECRET),
    )


# --- Celery and storage, kept away from the developer's ./var --------------------------------------


@pytest.fixture(scope="session", autouse=True)
def celery_broker():
    """See tests.broker.use_suite_broker: never the filesystem broker `make run`'s worker reads."""
    use_suite_broker()
    yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Card images written by a test land in its own temporary folder, not in ./var."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": None},
        },
    }
    return tmp_path / "media"
