"""The one way a review view gets a submission: it exists (404) and this user may see it (403)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import Submission


def get_submission_for_user(user, pk, *, perm: str = "view_submission") -> Submission:
    if not user.has_perm(f"kyc.{perm}"):
        raise PermissionDenied
    return get_object_or_404(Submission.objects.select_related("assignee", "portal_client"), pk=pk)


def require_review_access(user) -> None:
    """For pages that list submissions rather than show one."""
    if not user.has_perm("kyc.view_submission"):
        raise PermissionDenied
