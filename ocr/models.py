import secrets
import string

from django.db import models
from django.utils import timezone

from kyc.crypto import decrypt, encrypt

_ALPHABET = string.ascii_letters + string.digits


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


class ApiKeyQuerySet(models.QuerySet):
    def create_key(self, name: str, **fields) -> tuple["ApiKey", str]:
        """Make a new SecretId/SecretKey pair. The SecretKey is returned this once, never again."""
        secret_key = _random(32)
        key = self.create(name=name, secret_id="AKID" + _random(32), secret_key_encrypted=encrypt(secret_key), **fields)
        return key, secret_key


class ApiKey(models.Model):
    """A SecretId/SecretKey pair for callers of our Tencent-compatible OCR API (POST / + X-TC-Action).

    TC3 verification needs the SecretKey itself (an HMAC key, not a password), so it cannot be
    hashed; it is encrypted with settings.FIELD_ENCRYPTION_KEY, which never lives in the database.
    """

    name = models.CharField(max_length=100, unique=True)
    # Public half, like Tencent's "AKID…": sent in every Authorization header.
    secret_id = models.CharField("SecretId", max_length=64, unique=True, editable=False)
    secret_key_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField("active", default=True, help_text="Disabled keys are refused as unknown SecretIds.")
    # Per-key overrides of settings.OCR_API_RATE_LIMITS (requests per second); empty: the default.
    rate_limit_mlid = models.FloatField("MLIDCardOCR limit (per s)", null=True, blank=True)
    rate_limit_sg = models.FloatField("RecognizeSingaporeIDCardOCR limit (per s)", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "OCR API key"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.secret_id})"

    @property
    def secret_key(self) -> str:
        return decrypt(self.secret_key_encrypted)

    def rate_for(self, action: str, defaults: dict) -> float:
        override = {"MLIDCardOCR": self.rate_limit_mlid, "RecognizeSingaporeIDCardOCR": self.rate_limit_sg}.get(action)
        return override if override else defaults[action]

    def set_active(self, active: bool) -> None:
        self.is_active = active
        self.disabled_at = None if active else timezone.now()
        self.save(update_fields=["is_active", "disabled_at"])
