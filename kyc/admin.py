"""The admin site: for looking things up, not for changing them.

Every change to a submission goes through a service that checks the state machine and writes the
audit log in the same transaction; admin forms would do neither. So the review records are read-only
here (the one write is the "retry OCR" action, which calls the service), the audit log can never be
added to, edited or deleted, and ID numbers are shown masked.
"""

import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from .audit import Actor, audit_record
from .masking import mask_id_number
from .models import (
    AuditEvent,
    CardField,
    CardImage,
    CardWarning,
    Decision,
    IdempotencyKey,
    Note,
    OcrAttempt,
    PortalClient,
    RateLimitWindow,
    Status,
    Submission,
)
from .portal.services import portal_client_create, portal_client_revoke, portal_client_rotate_token
from .portal.webhooks import WebhookUrlRefused, webhook_url_check
from .services.pipeline import ocr_retry
from .services.submissions import IllegalTransition

# Field names whose values are ID numbers (MLIDCardOCR's back side repeats it as MyKadNumber).
ID_FIELDS = frozenset({"ID", "MyKadNumber", "NRICCode"})


class ReadOnlyMixin:
    """View permission only: the records are written by services, never by admin forms."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True
    can_delete = False


def _link(obj, label=None):
    if obj is None:
        return "-"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or obj)


PORTRAIT_FIELDS = frozenset({"Image", "Photo"})  # the holder's face, base64, when it was asked for


def _masked(value):
    """A stored OCR response or audit detail as staff may see it: ID numbers masked and portraits
    left out, as on every other admin page. What is stored is never changed."""
    if isinstance(value, dict):
        if value.get("field") in ID_FIELDS:  # an audit event of a correction to an ID number
            value = {k: mask_id_number(v) if k in ("value", "ocr_value") and isinstance(v, str) else v
                     for k, v in value.items()}
        out = {}
        for key, item in value.items():
            if key in ID_FIELDS and isinstance(item, str):
                out[key] = mask_id_number(item)
            elif key in PORTRAIT_FIELDS and isinstance(item, str) and item:
                out[key] = f"[portrait, {len(item)} base64 characters, not shown]"
            else:
                out[key] = _masked(item)
        return out
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def _pretty_json(text: str, masked: bool = False):
    """The stored body, indented for reading when it is JSON (and then masked if asked)."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        pass
    else:
        text = json.dumps(_masked(data) if masked else data, indent=2, ensure_ascii=False)
    return format_html('<pre style="white-space: pre-wrap; max-height: 40em; overflow: auto">{}</pre>', text)


class CardImageInline(ReadOnlyInline):
    model = CardImage
    fields = ["generation", "side", "format", "width", "height", "size_bytes", "sha256", "uploaded_at"]
    readonly_fields = fields


class OcrAttemptInline(ReadOnlyInline):
    model = OcrAttempt
    fields = ["created_at", "generation", "backend", "action", "sides", "request_id", "error_code", "latency_ms", "task_id"]
    readonly_fields = fields


class CardFieldInline(ReadOnlyInline):
    model = CardField
    fields = ["name", "shown_ocr_value", "confidence", "shown_corrected_value", "corrected_by", "corrected_at", "source_attempt"]
    readonly_fields = fields
    show_change_link = False

    @admin.display(description="OCR value")
    def shown_ocr_value(self, obj):
        return mask_id_number(obj.ocr_value) if obj.name in ID_FIELDS else obj.ocr_value

    @admin.display(description="corrected value")
    def shown_corrected_value(self, obj):
        if obj.corrected_value is None:
            return "-"
        return mask_id_number(obj.corrected_value) if obj.name in ID_FIELDS else obj.corrected_value


class CardWarningInline(ReadOnlyInline):
    model = CardWarning
    fields = ["side", "code", "score", "box"]
    readonly_fields = fields
    show_change_link = False


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["created_at", "action", "made_by", "reason_codes", "comment"]
    readonly_fields = fields


class NoteInline(ReadOnlyInline):
    model = Note
    fields = ["created_at", "author", "text"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__", "country", "status", "masked_id_number", "card_type", "portal_client", "assignee",
        "has_low_confidence", "ocr_error_code", "created_at",
    ]
    list_filter = ["status", "country", "card_type", "has_low_confidence", "portal_client", "created_at"]
    # Full numbers are searchable (exact lookups by support staff) but never displayed in clear.
    search_fields = ["=id", "external_ref", "=id_number", "holder_name"]
    date_hierarchy = "created_at"
    list_select_related = ["portal_client", "assignee"]
    fields = [
        "id", "portal_client", "external_ref", "country", "status", "card_type", "masked_id_number", "holder_name",
        "has_low_confidence", "assignee", "generation", "reupload_count", "ocr_error_code", "ocr_error_message",
        "ocr_queued_at", "created_at", "updated_at", "review_ready_at", "decided_at", "audit_log",
    ]
    readonly_fields = fields
    inlines = [CardImageInline, OcrAttemptInline, CardFieldInline, CardWarningInline, DecisionInline, NoteInline]
    actions = ["retry_ocr"]

    @admin.display(description="ID number", ordering="id_number")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description="audit log")
    def audit_log(self, obj):
        url = reverse("admin:kyc_auditevent_changelist") + f"?submission__id__exact={obj.pk}"
        return format_html('<a href="{}">{} events</a>', url, obj.audit_events.count())

    @admin.action(description="Retry OCR of the selected failed submissions", permissions=["review"])
    def retry_ocr(self, request, queryset):
        retried = 0
        for submission in queryset.filter(status=Status.OCR_FAILED):
            try:
                ocr_retry(submission=submission, actor=Actor.of_user(request.user))
                retried += 1
            except IllegalTransition:
                continue  # moved on since the list was shown
        skipped = queryset.count() - retried
        self.message_user(request, f"OCR queued again for {retried} submission(s); {skipped} skipped (not failed).",
                          messages.SUCCESS if retried else messages.WARNING)

    def has_review_permission(self, request):
        return request.user.has_perm("kyc.review_submission")


@admin.register(OcrAttempt)
class OcrAttemptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "submission", "backend", "action", "sides", "error_code", "latency_ms", "request_id"]
    list_filter = ["backend", "action", "sides", "error_code", "created_at"]
    search_fields = ["=submission__id", "=request_id", "=task_id", "error_code"]
    date_hierarchy = "created_at"
    list_select_related = ["submission"]
    fields = [
        "id", "submission_link", "generation", "sides", "backend", "action", "task_id", "request_id", "error_code",
        "error_message", "latency_ms", "created_at", "raw_response_shown",
    ]
    readonly_fields = fields

    @admin.display(description="submission")
    def submission_link(self, obj):
        return _link(obj.submission)

    @admin.display(description="raw response (ID numbers masked, portrait left out)")
    def raw_response_shown(self, obj):
        return _pretty_json(obj.raw_response, masked=True)


@admin.register(CardImage)
class CardImageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["submission", "generation", "side", "format", "width", "height", "size_bytes", "uploaded_at"]
    list_filter = ["side", "format", "uploaded_at"]
    search_fields = ["=submission__id", "=sha256"]
    list_select_related = ["submission"]
    # No file links: images reach people only through the review app's authenticated, logged views.
    fields = ["id", "submission", "generation", "side", "format", "width", "height", "size_bytes", "sha256", "uploaded_at"]
    readonly_fields = fields


@admin.register(CardField)
class CardFieldAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["submission", "name", "shown_ocr_value", "confidence", "shown_corrected_value", "corrected_by"]
    list_filter = ["name", ("corrected_by", admin.EmptyFieldListFilter)]
    search_fields = ["=submission__id", "name"]
    list_select_related = ["submission", "corrected_by"]
    fields = ["submission", "name", "shown_ocr_value", "confidence", "shown_corrected_value", "corrected_by", "corrected_at", "source_attempt"]
    readonly_fields = fields
    shown_ocr_value = CardFieldInline.shown_ocr_value
    shown_corrected_value = CardFieldInline.shown_corrected_value


@admin.register(CardWarning)
class CardWarningAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["submission", "side", "code", "score", "box"]
    list_filter = ["code", "side"]
    search_fields = ["=submission__id"]
    list_select_related = ["submission"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "submission", "action", "made_by", "reason_codes"]
    list_filter = ["action", "created_at", "made_by"]
    search_fields = ["=submission__id", "comment", "made_by__username"]
    date_hierarchy = "created_at"
    list_select_related = ["submission", "made_by"]
    fields = [
        "id", "submission", "action", "made_by", "created_at", "reason_codes", "comment",
        "approved_fields_shown", "automated_result_shown",
    ]
    readonly_fields = fields

    @admin.display(description="approved record (ID numbers masked)")
    def approved_fields_shown(self, obj):
        return _pretty_json(json.dumps(obj.approved_fields), masked=True) if obj.approved_fields else "-"

    @admin.display(description="automated result when decided")
    def automated_result_shown(self, obj):
        return _pretty_json(json.dumps(obj.automated_result)) if obj.automated_result else "-"


@admin.register(Note)
class NoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "submission", "author"]
    list_filter = ["created_at", "author"]
    search_fields = ["=submission__id", "text", "author__username"]
    list_select_related = ["submission", "author"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Append-only: no add, change or delete here, whoever asks (superusers included)."""

    list_display = ["created_at", "actor_label", "actor_type", "event", "subject_type", "subject_id", "submission"]
    list_filter = ["event", "actor_type", "subject_type", "created_at"]
    search_fields = ["=submission__id", "=subject_id", "actor_label", "event"]
    date_hierarchy = "created_at"
    list_select_related = ["submission"]
    fields = [
        "id", "created_at", "actor_type", "actor_label", "actor_user", "actor_portal_client", "submission",
        "subject_type", "subject_id", "event", "before_shown", "after_shown",
    ]
    readonly_fields = fields

    @admin.display(description="before")
    def before_shown(self, obj):
        return _pretty_json(json.dumps(obj.before), masked=True)

    @admin.display(description="after")
    def after_shown(self, obj):
        return _pretty_json(json.dumps(obj.after), masked=True)


@admin.register(PortalClient)
class PortalClientAdmin(admin.ModelAdmin):
    """Adding a client issues its API token and webhook signing secret, shown once on the next page
    (stored hashed / encrypted). Rotation and revocation go through the audited portal services."""

    list_display = ["name", "token_prefix", "is_active", "webhook_url", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["is_active", "created_at"]
    search_fields = ["name", "token_prefix", "webhook_url"]
    readonly_fields = ["token_prefix", "created_at", "token_rotated_at", "revoked_at", "last_used_at"]
    actions = ["rotate_tokens", "revoke_clients"]
    # A webhook URL typed without a scheme is taken as https (Django 6.0's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "webhook_url"]
        return ["name", "webhook_url", "is_active", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False  # its submissions and audit events point at it

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        def clean_webhook_url(form_self):
            url = form_self.cleaned_data["webhook_url"]
            if url:
                try:
                    webhook_url_check(url)
                except WebhookUrlRefused as exc:
                    raise ValidationError(str(exc)) from None
            return url

        form.clean_webhook_url = clean_webhook_url
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            issued = portal_client_create(
                name=form.cleaned_data["name"], webhook_url=form.cleaned_data["webhook_url"], actor=Actor.of_user(request.user)
            )
            obj.pk = issued.client.pk
            # Kept on the request only for response_add: never in a message (messages may be stored
            # in the session table), never in the database in clear.
            request._issued_credentials = issued
            return
        # The admin's change view runs in one transaction: the audit row is written with the change.
        before = {name: form.initial.get(name) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit_record(
                actor=Actor.of_user(request.user),
                event="portal_client.changed",
                subject=obj,
                before=before,
                after={name: form.cleaned_data[name] for name in form.changed_data},
            )

    def _show_once(self, request, client, token, webhook_secret=None):
        context = {
            **self.admin_site.each_context(request),
            "client": client,
            "token": token,
            "webhook_secret": webhook_secret,
            "opts": self.model._meta,
            "title": "Portal client credentials",
        }
        # Admin views are never_cache, so the page holding the secrets is not kept by the browser.
        return TemplateResponse(request, "admin/kyc/portalclient/credentials.html", context)

    def response_add(self, request, obj, post_url_continue=None):
        issued = getattr(request, "_issued_credentials", None)
        if issued is None:
            return super().response_add(request, obj, post_url_continue)
        return self._show_once(request, issued.client, issued.token, issued.webhook_secret)

    @admin.action(description="Rotate the API token of the selected client")
    def rotate_tokens(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Rotate one client at a time: its new token is shown once.", messages.ERROR)
            return None
        client = queryset.get()
        token = portal_client_rotate_token(client=client, actor=Actor.of_user(request.user))
        client.refresh_from_db()
        return self._show_once(request, client, token)

    @admin.action(description="Revoke the selected clients (their tokens stop working)")
    def revoke_clients(self, request, queryset):
        for client in queryset:
            portal_client_revoke(client=client, actor=Actor.of_user(request.user))
        self.message_user(request, f"{queryset.count()} client(s) revoked.", messages.SUCCESS)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["key", "portal_client", "submission", "created_at"]
    list_filter = ["portal_client"]
    search_fields = ["key"]


@admin.register(RateLimitWindow)
class RateLimitWindowAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["key", "window_start", "count"]
    search_fields = ["key"]
