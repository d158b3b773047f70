import math

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from ..models import PortalClient
from ..ratelimit import try_acquire


class PortalClientRateThrottle(BaseThrottle):
    """PORTAL_RATE_LIMIT_PER_MINUTE per client across every web process (DRF's own throttles count
    in a cache per key without atomic increments, and would let a burst through)."""

    def allow_request(self, request, view):
        if not isinstance(request.auth, PortalClient):
            return True  # unauthenticated requests are refused before they cost anything
        self._wait = try_acquire(f"portal:{request.auth.pk}", limit=settings.PORTAL_RATE_LIMIT_PER_MINUTE, period=60.0)
        return self._wait == 0.0

    def wait(self):
        return math.ceil(self._wait)
