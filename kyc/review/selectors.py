"""Reads for the review screens. Each page costs a fixed number of queries, however many submissions,
fields or events there are."""

import base64
import binascii
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from ..checks import FAIL, UNKNOWN, Check, card_checks
from ..masking import mask_id_number
from ..models import AuditEvent, CardField, CardImage, CardWarning, Decision, Note, OcrAttempt, Status, Submission
from ..services.review import four_eyes_reasons
from .labels import CHECKS_DISABLED, FIELD_LABELS, FIELD_ORDER, warning_label

WAITING = "waiting"  # the queue's default: everything a reviewer can act on now


def waiting_statuses(user) -> list[str]:
    statuses = [Status.NEEDS_REVIEW, Status.OCR_FAILED]
    if user.has_perm("kyc.second_approve_submission"):
        statuses.append(Status.PENDING_SECOND_APPROVAL)
    return statuses


def reviewers() -> QuerySet:
    """Users who can hold a submission (reviewer role, directly, by group or as superuser)."""
    perm = Q(codename="review_submission", content_type__app_label="kyc")
    from django.contrib.auth.models import Permission

    review_perm = Permission.objects.filter(perm)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=review_perm) | Q(user_permissions__in=review_perm))
        .distinct()
        .order_by("username")
    )


def _id_search_forms(query: str) -> list[str]:
    """A full ID number as typed, and MyKad digits with and without dashes."""
    compact = re.sub(r"[\s-]", "", query).upper()
    forms = {query.upper(), compact}
    if re.fullmatch(r"\d{12}", compact):
        forms.add(f"{compact[:6]}-{compact[6:8]}-{compact[8:]}")
    return sorted(forms)


def mask_if_id_number(query: str) -> str:
    """A search shown back to the reviewer: masked when it is an ID number, as typed otherwise."""
    compact = re.sub(r"[\s-]", "", query).upper()
    if re.fullmatch(r"\d{12}|[STFGM]\d{7}[A-Z]", compact):
        return mask_id_number(compact)
    return query


def queue_submissions(*, user, filters: dict) -> QuerySet:
    """The queue, filtered. With no filters: waiting, mine or unassigned, oldest first."""
    qs = Submission.objects.select_related("assignee").prefetch_related(Prefetch("warnings", queryset=CardWarning.objects.only("submission_id", "code")))

    status = filters.get("status") or WAITING
    qs = qs.filter(status__in=waiting_statuses(user)) if status == WAITING else qs.filter(status=status)

    assignee = filters.get("assignee") or "mine_or_unassigned"
    if assignee == "mine_or_unassigned":
        qs = qs.filter(Q(assignee=user) | Q(assignee__isnull=True))
    elif assignee == "mine":
        qs = qs.filter(assignee=user)
    elif assignee == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif assignee.isdigit():
        qs = qs.filter(assignee_id=int(assignee))

    if filters.get("country"):
        qs = qs.filter(country=filters["country"])
    if filters.get("card_type"):
        qs = qs.filter(card_type__iexact=filters["card_type"])
    if filters.get("warning") not in (None, ""):
        qs = qs.filter(Exists(CardWarning.objects.filter(submission=OuterRef("pk"), code=int(filters["warning"]))))
    if filters.get("low_confidence"):
        qs = qs.filter(has_low_confidence=True)
    tz = timezone.get_current_timezone()
    if isinstance(filters.get("date_from"), date):
        qs = qs.filter(created_at__gte=datetime.combine(filters["date_from"], time.min, tzinfo=tz))
    if isinstance(filters.get("date_to"), date):
        qs = qs.filter(created_at__lte=datetime.combine(filters["date_to"], time.max, tzinfo=tz))
    if query := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(external_ref__icontains=query) | Q(holder_name__icontains=query) | Q(id_number__in=_id_search_forms(query))
        )
    return qs.order_by("created_at", "pk")


def next_submission(*, user, after_pk=None) -> Submission | None:
    """The oldest card in the reviewer's default queue, other than the one just decided."""
    qs = queue_submissions(user=user, filters={})
    if after_pk is not None:
        qs = qs.exclude(pk=after_pk)
    # Skip what this user already gave the first approval to: they cannot give the second.
    qs = qs.exclude(
        Q(status=Status.PENDING_SECOND_APPROVAL)
        & Q(decisions__action=Decision.Action.FIRST_APPROVAL, decisions__made_by=user)
    )
    return qs.first()


# --- Detail -----------------------------------------------------------------------------------------


@dataclass
class FieldRow:
    field: CardField
    label: str
    display_ocr: str
    display_value: str
    low_confidence: bool
    doubtful_by_rule: bool
    checks: list[Check] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.low_confidence or self.doubtful_by_rule


@dataclass
class TimelineEntry:
    at: datetime
    who: str
    text: str
    kind: str


@dataclass
class Detail:
    submission: Submission
    images: list[CardImage]
    warnings: list[dict]
    checks_disabled: bool
    ocr_ran: bool
    rows: list[FieldRow]
    checks: list[Check]
    duplicates: list[Submission]
    four_eyes: list[str]
    first_approval: Decision | None
    decisions: list[Decision]
    notes: list[Note]
    timeline: list[TimelineEntry]
    has_portrait: bool
    threshold: float


def _response_of(attempt: OcrAttempt | None) -> dict:
    if attempt is None or not attempt.raw_response:
        return {}
    try:
        body = json.loads(attempt.raw_response)
    except ValueError:
        return {}
    if isinstance(body, dict) and isinstance(body.get("Response"), dict):
        body = body["Response"]
    return body if isinstance(body, dict) else {}


def _latest_attempt_with_response(submission: Submission) -> OcrAttempt | None:
    return (
        OcrAttempt.objects.filter(submission=submission, generation=submission.generation, error_code="")
        .exclude(raw_response="")
        .order_by("-created_at")
        .first()
    )


def portrait_b64(response: dict) -> str:
    """The cropped portrait: `Image` in MLIDCardOCR, `Photo` in the Singapore action."""
    return response.get("Image") or response.get("Photo") or ""


def portrait_jpeg(submission: Submission) -> bytes | None:
    """The portrait re-encoded as a plain JPEG (no metadata), or None when the engine gave none."""
    data = portrait_b64(_response_of(_latest_attempt_with_response(submission)))
    if not data:
        return None
    if data.startswith("data:"):
        data = data.split(",", 1)[-1]
    try:
        with Image.open(io.BytesIO(base64.b64decode(data, validate=False))) as image:
            image.load()
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=90)
            return out.getvalue()
    except (binascii.Error, ValueError, OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


def _display(name: str, value: str, country: str, revealed: bool) -> str:
    return value if name not in ("ID", "MyKadNumber") or revealed else mask_id_number(value, country)


def _describe(event: AuditEvent, country: str) -> str:
    before, after = event.before or {}, event.after or {}
    match event.event:
        case "submission.created":
            sides = ", ".join(i.get("side", "?") for i in after.get("images", []))
            return f"Uploaded ({sides or 'images'})"
        case "submission.reuploaded":
            return f"New images uploaded (round {after.get('generation', '?')})"
        case "submission.status":
            text = f"Status: {Status(before['status']).label if before.get('status') in Status.values else before.get('status')} → "
            text += Status(after["status"]).label if after.get("status") in Status.values else str(after.get("status"))
            if after.get("four_eyes"):
                text += f" (second approval needed: {', '.join(after['four_eyes'])})"
            if after.get("reason"):
                text += f" ({str(after['reason']).replace('_', ' ')})"
            return text
        case "submission.assigned":
            how = after.get("how", "")
            if how == "claimed":
                return "Claimed"
            if how == "released":
                return f"Released (was {before.get('assignee')})"
            return f"Reassigned: {before.get('assignee') or 'nobody'} → {after.get('assignee') or 'nobody'}"
        case "field.corrected":
            name = after.get("field", "")
            old = _display(name, before.get("value", ""), country, False)
            new = _display(name, after.get("value", ""), country, False)
            return f"Corrected {FIELD_LABELS.get(name, name)}: “{old}” → “{new}”"
        case "id.revealed":
            return "Revealed the full ID number"
        case "image.viewed":
            what = "portrait" if after.get("what") == "portrait" else f"{after.get('side', '')} image"
            return f"Viewed the {what}"
        case "decision.recorded":
            text = dict(Decision.Action.choices).get(after.get("action"), after.get("action", "Decision"))
            if after.get("reason_codes"):
                text += f": {', '.join(after['reason_codes'])}"
            if after.get("comment"):
                text += f" — “{after['comment']}”"
            return text
        case "note.added":
            return "Added an internal note"
        case "ocr.attempt":
            outcome = f"failed: {after['error_code']}" if after.get("error_code") else "read the card"
            latency = f", {after['latency_ms'] / 1000:.2f} s" if isinstance(after.get("latency_ms"), (int, float)) else ""
            return f"OCR {after.get('backend', '')} {after.get('action', '')} ({after.get('sides', '')}) {outcome}{latency}"
        case "webhook.delivered":
            return f"Portal notified (HTTP {after.get('status_code')}, attempt {after.get('attempt')})"
        case "webhook.failed":
            detail = after.get("status_code") or after.get("error", "")
            return f"Portal notification failed ({detail}, attempt {after.get('attempt')}); will retry"
        case "webhook.refused" | "webhook.skipped":
            return f"Portal not notified ({after.get('reason') or after.get('error', '')})"
        case "webhook.gave_up":
            return f"Portal notification given up after {after.get('attempts')} attempts"
    return event.event.replace(".", " ").replace("_", " ").capitalize()


def submission_detail(*, submission: Submission, user, revealed: bool = False) -> Detail:
    threshold = settings.REVIEW_CONFIDENCE_THRESHOLD
    images = list(CardImage.objects.filter(submission=submission, generation=submission.generation).defer("sha256"))
    images.sort(key=lambda i: i.side != "front")
    fields = list(CardField.objects.filter(submission=submission).select_related("corrected_by"))
    warnings = list(CardWarning.objects.filter(submission=submission))
    attempts = list(OcrAttempt.objects.filter(submission=submission).defer("raw_response").order_by("created_at"))
    latest = _latest_attempt_with_response(submission)
    response = _response_of(latest)

    merged = {f.name: f.value for f in fields}
    checks = card_checks(submission.country, submission.card_type, merged, today=timezone.localdate())
    doubtful_fields = {name for c in checks if c.status in (FAIL, UNKNOWN) for name in c.fields}

    order = FIELD_ORDER.get(submission.country, [])
    fields.sort(key=lambda f: (order.index(f.name) if f.name in order else len(order), f.name))
    rows = []
    for f in fields:
        rows.append(
            FieldRow(
                field=f,
                label=FIELD_LABELS.get(f.name, f.name),
                display_ocr=_display(f.name, f.ocr_value, submission.country, revealed),
                display_value=_display(f.name, f.value, submission.country, revealed),
                low_confidence=f.confidence is not None and f.confidence < threshold,
                # No confidence from the backend (Tencent's SG action): the rule checks stand in.
                doubtful_by_rule=f.confidence is None and (f.name in doubtful_fields or not f.value.strip()),
                checks=[c for c in checks if c.fields and c.fields[0] == f.name],
            )
        )

    duplicates = []
    if submission.id_number:
        duplicates = list(
            Submission.objects.filter(id_number=submission.id_number).exclude(pk=submission.pk).order_by("-created_at")[:20]
        )
    decisions = list(Decision.objects.filter(submission=submission).select_related("made_by"))
    first = None
    if submission.status == Status.PENDING_SECOND_APPROVAL:
        firsts = [d for d in decisions if d.action == Decision.Action.FIRST_APPROVAL]
        first = firsts[-1] if firsts else None
    notes = list(Note.objects.filter(submission=submission).select_related("author"))

    events = list(AuditEvent.objects.filter(submission=submission).order_by("created_at", "id"))
    timeline = [TimelineEntry(e.created_at, e.actor_label, _describe(e, submission.country), e.event.split(".")[0]) for e in events]
    # The pipeline audits each attempt; attempts stored without an audit row are listed from the table.
    audited = {e.subject_id for e in events if e.event == "ocr.attempt"}
    for a in attempts:
        if str(a.pk) in audited:
            continue
        outcome = f"failed: {a.error_code}" if a.error_code else "read the card"
        latency = f", {a.latency_ms / 1000:.2f} s" if a.latency_ms is not None else ""
        timeline.append(TimelineEntry(a.created_at, f"OCR {a.get_backend_display()}", f"{a.action} ({a.sides}) {outcome}{latency}", "ocr"))
    timeline.sort(key=lambda entry: entry.at, reverse=True)

    return Detail(
        submission=submission,
        images=images,
        warnings=[{"code": w.code, "label": warning_label(w.code), "score": w.score, "side": w.side, "box": w.box} for w in warnings],
        checks_disabled=any(w.code == CHECKS_DISABLED for w in warnings),
        ocr_ran=latest is not None,
        rows=rows,
        checks=checks,
        duplicates=duplicates,
        four_eyes=four_eyes_reasons(warning_count=len(warnings), corrected_count=sum(f.is_corrected for f in fields)),
        first_approval=first,
        decisions=decisions,
        notes=notes,
        timeline=timeline,
        has_portrait=bool(portrait_b64(response)),
        threshold=threshold,
    )
