"""The three roles, as Django groups. Permissions are deny-by-default: a user outside these groups
(and not a superuser) can sign in but sees no submission."""

REVIEWER = "reviewer"
SENIOR_REVIEWER = "senior_reviewer"
ADMIN = "admin"

_REVIEW = ["review_submission", "view_card_image", "view_submission", "reveal_id_number"]
GROUP_PERMISSIONS = {
    REVIEWER: _REVIEW,
    SENIOR_REVIEWER: _REVIEW + ["second_approve_submission", "reassign_submission", "view_verification_report"],
    ADMIN: _REVIEW + ["second_approve_submission", "reassign_submission", "view_verification_report"],
}


def ensure_roles(**kwargs) -> None:
    """Create the role groups with their permissions; safe to run any number of times."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="kyc", codename__in=codenames))
