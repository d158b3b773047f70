"""Rate limits that hold across all processes and machines, not per process.

Counting happens in the database with conditional UPDATEs, which are atomic on both SQLite and
PostgreSQL; a per-process Celery ``rate_limit`` or an in-memory counter would let N workers send N
times the quota.
"""

import math
import time

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateLimitWindow


def try_acquire(key: str, *, limit: int, period: float = 1.0) -> float:
    """Take one of ``limit`` slots per ``period`` seconds for ``key``.

    Returns 0.0 when a slot was taken, otherwise how many seconds until the next window opens.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    now = time.time()
    window_start = math.floor(now / period) * period
    rows = RateLimitWindow.objects.filter(key=key)
    for _ in range(2):
        with transaction.atomic():
            if rows.filter(window_start=window_start, count__lt=limit).update(count=F("count") + 1):
                return 0.0
            if rows.filter(window_start__lt=window_start).update(window_start=window_start, count=1):
                return 0.0
            if rows.filter(window_start=window_start).exists():
                return max(window_start + period - now, 0.001)
        try:
            with transaction.atomic():
                RateLimitWindow.objects.create(key=key, window_start=window_start, count=1)
            return 0.0
        except IntegrityError:
            continue  # another process created it first: count against its row
    return max(window_start + period - now, 0.001)


def limit_for_rate(rate_per_second: float) -> tuple[int, float]:
    """Express a rate such as 5/s or 0.5/s as (limit, period) for ``try_acquire``."""
    if rate_per_second <= 0:
        raise ValueError("rate must be positive")
    if rate_per_second >= 1:
        return int(rate_per_second), 1.0
    return 1, 1.0 / rate_per_second
