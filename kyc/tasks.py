"""Celery tasks: thin. Each takes ids, calls a service, and decides retry or fail."""

import logging
import random

from celery import shared_task
from django.conf import settings

from ocr.errors import OcrError

from .services import pipeline

logger = logging.getLogger(__name__)


def retry_delay(failures: int) -> float:
    """Exponential backoff with jitter: between half and all of base * 2**failures, capped. The random
    half keeps workers that failed together (a Tencent outage) from all coming back at once."""
    ceiling = min(settings.OCR_RETRY_BACKOFF_MAX_SECONDS, settings.OCR_RETRY_BACKOFF_SECONDS * 2**failures)
    return random.uniform(ceiling / 2, ceiling)


# max_retries=None: the limits are ours (OCR_MAX_RETRIES on OcrErrors), because waiting for a rate-limit
# slot is a retry too and must not use up the error budget.
@shared_task(bind=True, acks_late=True, max_retries=None)
def run_ocr(self, submission_id: str, generation: int | None = None, failures: int = 0) -> str:
    args = {"submission_id": submission_id, "generation": generation}
    try:
        return pipeline.ocr_run(**args, task_id=self.request.id, failures=failures)
    except pipeline.RateLimited as exc:
        raise self.retry(countdown=exc.wait + random.uniform(0, 0.25)) from None
    except OcrError as exc:
        if exc.transient and failures < settings.OCR_MAX_RETRIES:
            logger.info("OCR of %s failed (%s), retry %d", submission_id, exc.code, failures + 1)
            raise self.retry(countdown=retry_delay(failures), kwargs={**args, "failures": failures + 1}) from None
        pipeline.ocr_fail(**args, task_id=self.request.id, error=exc)
        return "ocr_failed"
    except Exception as exc:
        # Not the backend (that is an OcrError): the database or storage. Worth a few tries before a
        # reviewer sees ocr_failed; the submission must not be left in processing with no task.
        if self.request.retries < settings.OCR_MAX_RETRIES:
            logger.warning("OCR of %s hit %s, retrying", submission_id, type(exc).__name__, exc_info=True)
            raise self.retry(countdown=retry_delay(self.request.retries)) from None
        error = OcrError(pipeline.UNEXPECTED_ERROR_CODE, f"The OCR pipeline failed ({type(exc).__name__}).")
        pipeline.ocr_fail(**args, task_id=self.request.id, error=error)
        raise


@shared_task
def requeue_stale_ocr() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): uploads whose OCR task never got to the broker."""
    return pipeline.ocr_requeue_stale()
