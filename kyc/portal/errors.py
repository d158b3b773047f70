"""Every refusal of the portal API has the same shape: ``{"error": {"code": ..., "message": ...}}``.

Codes are stable and documented; messages are for the integrating developer and may change.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

# DRF's own codes, renamed where ours read better to an integrator.
RENAMED_CODES = {"throttled": "rate_limited", "authentication_failed": "token_invalid"}


class ApiError(exceptions.APIException):
    def __init__(self, code: str, message: str, status_code: int = status.HTTP_400_BAD_REQUEST):
        super().__init__(message, code=code)
        self.status_code = status_code


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def _code_and_message(exc: exceptions.APIException) -> tuple[str, str]:
    detail = exc.detail
    field = None
    # A serializer's errors are nested by field; the first one is reported, named by its field.
    while isinstance(detail, (dict, list)) and detail:
        if isinstance(detail, dict):
            field, detail = next(iter(detail.items()))
        else:
            detail = detail[0]
    code = getattr(detail, "code", None) or exc.default_code
    code = RENAMED_CODES.get(code, code)
    if field and field != "non_field_errors":
        return f"{field}_{code}", f"{field}: {detail}"
    return code, str(detail)


def portal_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = ApiError("request_too_large", "The request body is too large.", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    response = drf_exception_handler(exc, context)
    if response is None:
        # A bug, not bad input: the traceback goes to the log, never to the client.
        logger.exception("Unexpected error in the portal API")
        set_rollback()
        return Response(
            error_body("internal_error", "Something went wrong on our side; it has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    response.data = error_body(*_code_and_message(exc))
    return response
