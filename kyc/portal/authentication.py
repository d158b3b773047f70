"""Bearer-token authentication for portal clients.

Only a SHA-256 of each token is stored, so a token is found by hashing what the client sent. The
client becomes ``request.auth`` (and ``request.user``); there is no Django user behind the API.
"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from ..crypto import token_hash
from ..models import PortalClient

# Updating last_used_at on every request would turn each read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class PortalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None  # IsPortalClient then answers 401 not_authenticated
        if header[0].decode("latin-1").lower() != self.keyword.lower() or len(header) != 2:
            raise TokenInvalid("Send the token as 'Authorization: Bearer <token>'.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise TokenInvalid("The token is not valid.") from None
        client = PortalClient.objects.filter(token_hash=token_hash(token)).first()
        if client is None:
            raise TokenInvalid("The token is not valid.")
        if not client.is_active or client.revoked_at is not None:
            raise TokenRevoked()
        now = timezone.now()
        if client.last_used_at is None or client.last_used_at < now - LAST_USED_RESOLUTION:
            PortalClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return (client, client)

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when the token is missing.
        return f'{self.keyword} realm="api"'


class TokenInvalid(exceptions.AuthenticationFailed):
    default_code = "token_invalid"

    def __init__(self, detail):
        super().__init__(detail, code=self.default_code)


class TokenRevoked(exceptions.AuthenticationFailed):
    default_code = "token_revoked"

    def __init__(self):
        super().__init__("This token has been revoked; ask for a new one.", code=self.default_code)


class IsPortalClient(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, PortalClient)


class PortalTokenScheme(OpenApiAuthenticationExtension):
    """Describes the bearer token in the OpenAPI schema (drf-spectacular finds it by target class)."""

    target_class = PortalTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "The API token printed once by `portal_client create`."}
