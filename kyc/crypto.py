"""Reversible encryption for secrets the application must use again (webhook and API signing keys).

The key comes from settings.FIELD_ENCRYPTION_KEY, never from the database, so a dump alone yields
no working secret.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(settings.FIELD_ENCRYPTION_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("cannot decrypt: FIELD_ENCRYPTION_KEY differs from the one that encrypted it") from None


def token_hash(token: str) -> str:
    """How bearer tokens are stored: they are random and long, so a plain SHA-256 is enough."""
    return hashlib.sha256(token.encode()).hexdigest()
