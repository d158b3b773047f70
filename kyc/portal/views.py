"""The portal API: upload a card, follow its status, re-upload when asked.

Views only validate, call one service and answer; refusals are raised and turned into
``{"error": {"code", "message"}}`` by one exception handler.
"""

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..images import ImageRejected
from ..models import PortalClient, Submission
from ..services.intake import ReuploadLimitReached
from ..services.submissions import IllegalTransition
from . import serializers as s
from .authentication import IsPortalClient, PortalTokenAuthentication
from .errors import ApiError, portal_exception_handler
from .services import ExternalRefTaken, IdempotencyKeyReused, portal_submission_create, portal_submission_reupload
from .throttling import PortalClientRateThrottle

# Two images at the Base64 limit plus the form around them; anything bigger is refused unread.
MAX_REQUEST_BYTES = 2 * settings.MAX_IMAGE_BASE64_BYTES + 64 * 1024


def _translate(exc, context):
    """Domain refusals raised by the services, as API errors with stable codes."""
    if isinstance(exc, ImageRejected):
        exc = ApiError(exc.code, exc.message)
    elif isinstance(exc, ReuploadLimitReached):
        exc = ApiError("reupload_limit_reached", f"{exc} The submission has been rejected.", status.HTTP_409_CONFLICT)
    elif isinstance(exc, IllegalTransition):
        exc = ApiError(
            "reupload_not_requested", "New images are accepted only after a reviewer asks for them.",
            status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, ExternalRefTaken):
        exc = ApiError("external_ref_taken", str(exc), status.HTTP_409_CONFLICT)
    elif isinstance(exc, IdempotencyKeyReused):
        exc = ApiError("idempotency_key_reused", str(exc), status.HTTP_422_UNPROCESSABLE_ENTITY)
    return portal_exception_handler(exc, context)


@method_decorator(login_not_required, name="dispatch")
class PortalView(APIView):
    authentication_classes = [PortalTokenAuthentication]
    permission_classes = [IsPortalClient]
    throttle_classes = [PortalClientRateThrottle]
    parser_classes = [MultiPartParser, JSONParser]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self):
        return _translate

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_REQUEST_BYTES:
            raise ApiError(
                "request_too_large", f"At most {MAX_REQUEST_BYTES} bytes are accepted.",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )

    def validated(self, request, multipart: type, json: type) -> dict:
        is_multipart = request.content_type.startswith("multipart/")
        serializer = (multipart if is_multipart else json)(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def get_submission_for_client(client: PortalClient, submission_id: str) -> Submission:
    """The one way the API finds a submission: another client's answers exactly like a missing one."""
    try:
        pk = uuid.UUID(submission_id)
    except ValueError:
        pk = None
    submission = Submission.objects.filter(pk=pk, portal_client=client).first() if pk else None
    if submission is None:
        raise ApiError("not_found", "No such submission.", status.HTTP_404_NOT_FOUND)
    return submission


def idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if len(key) > 255 or not all(33 <= ord(c) <= 126 for c in key):
        raise ApiError("idempotency_key_invalid", "Idempotency-Key must be 1-255 visible ASCII characters.")
    return key


# --- Schema documentation -----------------------------------------------------------------------------

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Any unique string (a UUID is ideal). A retry with the same key and the same request returns "
    "the first result (with `Idempotent-Replayed: true`); the same key with a different request is refused (422).",
)
JPEG_B64 = "/9j/4AAQSkZJRgABAQAAAQABAAD..."


def _error(code: str, message: str) -> OpenApiExample:
    return OpenApiExample(code, value={"error": {"code": code, "message": message}}, response_only=True)


ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Bad input", examples=[
        _error("image_format_not_allowed", "Front image: GIF images are not accepted for MY; use JPEG, PNG."),
        _error("image_undecodable", "Front image: The file is not a readable image."),
        _error("image_base64_invalid", "front: not valid Base64."),
        _error("country_invalid_choice", 'country: "XX" is not a valid choice.'),
        _error("front_required", "front: This field is required."),
    ]),
    401: OpenApiResponse(s.ErrorSerializer, description="Missing, invalid or revoked token", examples=[
        _error("not_authenticated", "Authentication credentials were not provided."),
        _error("token_revoked", "This token has been revoked; ask for a new one."),
    ]),
    413: OpenApiResponse(s.ErrorSerializer, description="Too large"),
    429: OpenApiResponse(s.ErrorSerializer, description="Rate limited; wait `Retry-After` seconds", examples=[
        _error("rate_limited", "Request was throttled. Expected available in 12 seconds."),
    ]),
}
CREATED_EXAMPLE = OpenApiExample(
    "created", value={"id": "6f1c2a9e-3d4b-4c55-9a1e-2b7f0c8d9e10", "status": "received"}, response_only=True
)


class SubmissionCreateView(PortalView):
    @extend_schema(
        operation_id="submissions_create",
        summary="Upload a card",
        parameters=[IDEMPOTENCY_HEADER],
        request={"multipart/form-data": s.MultipartUploadSerializer, "application/json": s.JsonUploadSerializer},
        responses={
            201: OpenApiResponse(s.SubmissionCreatedSerializer, examples=[CREATED_EXAMPLE]),
            **ERRORS,
            409: OpenApiResponse(s.ErrorSerializer, examples=[
                _error("external_ref_taken", "external_ref 'A-1001' is already used by another of your submissions."),
            ]),
            422: OpenApiResponse(s.ErrorSerializer, examples=[
                _error("idempotency_key_reused", "This Idempotency-Key was already used for a different request."),
            ]),
        },
        examples=[
            OpenApiExample(
                "JSON with Base64 images", request_only=True, media_type="application/json",
                value={"country": "MY", "external_ref": "A-1001", "front": JPEG_B64, "back": JPEG_B64},
            ),
        ],
    )
    def post(self, request):
        data = self.validated(request, s.MultipartUploadSerializer, s.JsonUploadSerializer)
        submission, replayed = portal_submission_create(
            client=request.auth, idempotency_key=idempotency_key(request), **data
        )
        return Response(
            {"id": str(submission.pk), "status": submission.status},
            status=status.HTTP_201_CREATED,
            headers={"Idempotent-Replayed": "true"} if replayed else None,
        )


class SubmissionDetailView(PortalView):
    @extend_schema(
        operation_id="submissions_retrieve",
        summary="Status, and the decision once there is one",
        responses={
            200: OpenApiResponse(s.SubmissionSerializer, examples=[OpenApiExample("approved", value={
                "id": "6f1c2a9e-3d4b-4c55-9a1e-2b7f0c8d9e10", "status": "approved", "country": "MY",
                "external_ref": "A-1001", "created_at": "2026-11-21T10:00:00Z", "reupload_count": 0,
                "reuploads_remaining": 3,
                "decision": {"outcome": "approved", "reason_codes": [], "decided_at": "2026-11-21T10:20:00Z",
                             "approved_fields": {"Name": "TAN AH KOW", "ID": "880101-14-5678"}},
            })]),
            401: ERRORS[401],
            404: OpenApiResponse(s.ErrorSerializer, examples=[_error("not_found", "No such submission.")]),
        },
    )
    def get(self, request, submission_id: str):
        return Response(s.submission_out(get_submission_for_client(request.auth, submission_id)))


class SubmissionImagesView(PortalView):
    @extend_schema(
        operation_id="submissions_reupload",
        summary="Re-upload images after a reviewer asked for them",
        parameters=[IDEMPOTENCY_HEADER],
        request={"multipart/form-data": s.MultipartReuploadSerializer, "application/json": s.JsonReuploadSerializer},
        responses={
            200: OpenApiResponse(s.SubmissionCreatedSerializer, examples=[OpenApiExample(
                "back to review", value={"id": "6f1c2a9e-3d4b-4c55-9a1e-2b7f0c8d9e10", "status": "received"},
            )]),
            **ERRORS,
            404: OpenApiResponse(s.ErrorSerializer),
            409: OpenApiResponse(s.ErrorSerializer, examples=[
                _error("reupload_not_requested", "New images are accepted only after a reviewer asks for them."),
                _error("reupload_limit_reached", "At most 3 re-uploads are accepted. The submission has been rejected."),
            ]),
        },
    )
    def post(self, request, submission_id: str):
        submission = get_submission_for_client(request.auth, submission_id)
        data = self.validated(request, s.MultipartReuploadSerializer, s.JsonReuploadSerializer)
        submission, _ = portal_submission_reupload(
            client=request.auth, submission=submission, idempotency_key=idempotency_key(request), **data
        )
        return Response({"id": str(submission.pk), "status": submission.status})
