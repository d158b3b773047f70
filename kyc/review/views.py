"""The reviewer's pages. Reads go through selectors, writes through one service each; every view
gets its submission from ``get_submission_for_user``."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from ..models import CardImage, Country, Side
from ..services import review as services
from ..services.reporting import month_previous, verification_report
from . import forms
from .access import get_submission_for_user, require_review_access
from .selectors import mask_if_id_number, next_submission, portrait_jpeg, queue_submissions, reviewers, submission_detail


SEARCH_SESSION_KEY = "review_queue_search"


def _refused(request, exc: Exception) -> None:
    messages.error(request, str(exc))


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _back(submission):
    return redirect("review:detail", pk=submission.pk)


@require_GET
@never_cache
def queue(request):
    require_review_access(request.user)
    people = list(reviewers())
    form = forms.QueueFilterForm(request.GET or None, reviewers=people)
    filters = dict(form.cleaned_data) if form.is_bound and form.is_valid() else {}
    search = request.session.get(SEARCH_SESSION_KEY, "")
    filters["q"] = search
    page = Paginator(queue_submissions(user=request.user, filters=filters), settings.REVIEW_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "search_form": forms.SearchForm(initial={"filters": query.urlencode()}),
        "search_shown": mask_if_id_number(search),
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "review/queue.html", context)


@require_POST
@sensitive_post_parameters("q")
def search(request):
    require_review_access(request.user)
    form = forms.SearchForm(request.POST)
    form.is_valid()
    query = form.cleaned_data.get("q", "")
    if query:
        request.session[SEARCH_SESSION_KEY] = query
    else:
        request.session.pop(SEARCH_SESSION_KEY, None)
    filters = form.cleaned_data.get("filters", "").replace("\r", "").replace("\n", "")
    return redirect(reverse("review:queue") + (f"?{filters}" if filters else ""))


@require_GET
def next_card(request):
    """After a decision: the next card in this reviewer's queue, or the queue when it is empty."""
    require_review_access(request.user)
    try:
        after = uuid.UUID(request.GET.get("after", ""))
    except ValueError:
        after = None
    upcoming = next_submission(user=request.user, after_pk=after)
    if upcoming is None:
        messages.info(request, "No more cards waiting for you.")
        return redirect("review:queue")
    return redirect("review:detail", pk=upcoming.pk)


@require_GET
@never_cache
def detail(request, pk):
    submission = get_submission_for_user(request.user, pk)
    revealed = request.session.pop("revealed_submission", None) == str(submission.pk)
    context = {
        "d": submission_detail(submission=submission, user=request.user, revealed=revealed),
        "revealed": revealed,
        "is_assignee": submission.assignee_id == request.user.pk,
        "reject_form": forms.RejectForm(),
        "reupload_form": forms.ReuploadForm(),
        "approve_form": forms.ApproveForm(),
        "note_form": forms.NoteForm(),
    }
    if request.user.has_perm("kyc.reassign_submission"):
        context["reassign_form"] = forms.ReassignForm(reviewers=reviewers(), initial={"to_user": submission.assignee_id})
    return render(request, "review/detail.html", context)


def _private_image(data, filename: str) -> HttpResponse:
    response = FileResponse(data, content_type="image/jpeg", filename=filename, as_attachment=False)
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
@never_cache
def image(request, pk, image_id):
    submission = get_submission_for_user(request.user, pk, perm="view_card_image")
    card_image = get_object_or_404(CardImage.objects.select_related("submission"), pk=image_id, submission=submission)
    if not card_image.display_file:
        raise Http404("No display copy of this image.")
    services.image_view(image=card_image, user=request.user)
    return _private_image(card_image.display_file.open("rb"), f"{card_image.side}.jpg")


@require_GET
@never_cache
def portrait(request, pk):
    submission = get_submission_for_user(request.user, pk, perm="view_card_image")
    data = portrait_jpeg(submission)
    front = CardImage.objects.filter(submission=submission, generation=submission.generation, side=Side.FRONT).first()
    if data is None or front is None:
        raise Http404("No portrait for this card.")
    front.submission = submission
    services.image_view(image=front, user=request.user, what="portrait")
    return _private_image(iter([data]), "portrait.jpg")


@require_POST
def claim(request, pk):
    submission = get_submission_for_user(request.user, pk, perm="review_submission")
    try:
        services.review_claim(submission=submission, user=request.user)
    except services.ReviewRefused as exc:
        _refused(request, exc)
    return _back(submission)


@require_POST
def release(request, pk):
    submission = get_submission_for_user(request.user, pk, perm="review_submission")
    try:
        services.review_release(submission=submission, user=request.user)
    except services.ReviewRefused as exc:
        _refused(request, exc)
        return _back(submission)
    return redirect("review:queue")


@require_POST
def reassign(request, pk):
    submission = get_submission_for_user(request.user, pk, perm="reassign_submission")
    form = forms.ReassignForm(request.POST, reviewers=reviewers())
    if not form.is_valid():
        _form_errors(request, form)
        return _back(submission)
    try:
        services.review_reassign(submission=submission, user=request.user, to_user=form.cleaned_data["to_user"])
    except services.ReviewRefused as exc:
        _refused(request, exc)
    return _back(submission)


@require_POST
@sensitive_post_parameters("value")
def correct(request, pk):
    submission = get_submission_for_user(request.user, pk, perm="review_submission")
    form = forms.CorrectionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(submission)
    try:
        services.field_correct(submission=submission, user=request.user, **form.cleaned_data)
    except services.ReviewRefused as exc:
        _refused(request, exc)
    return redirect(reverse("review:detail", args=[submission.pk]) + f"#field-{form.cleaned_data['name']}")


def _decide(request, pk, form_class, service, done: str):
    submission = get_submission_for_user(request.user, pk, perm="review_submission")
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(submission)
    try:
        decision = service(submission=submission, user=request.user, **form.cleaned_data)
    except services.ReviewRefused as exc:
        _refused(request, exc)
        return _back(submission)
    label = submission.external_ref or str(submission.pk)[:8]
    if decision.action == decision.Action.FIRST_APPROVAL:
        done = "First approval recorded; a second reviewer must now approve"
    messages.success(request, f"{done}: {label}.")
    return redirect(reverse("review:next") + f"?after={submission.pk}")


@require_POST
def approve(request, pk):
    return _decide(request, pk, forms.ApproveForm, services.review_approve, "Approved")


@require_POST
def reject(request, pk):
    return _decide(request, pk, forms.RejectForm, services.review_reject, "Rejected")


@require_POST
def reupload(request, pk):
    return _decide(request, pk, forms.ReuploadForm, services.review_request_reupload, "New upload requested")


@require_POST
def retry_ocr(request, pk):
    submission = get_submission_for_user(request.user, pk, perm="review_submission")
    try:
        services.review_ocr_retry(submission=submission, user=request.user)
    except services.ReviewRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "OCR will run again; the card returns to the queue when it has been read.")
    return _back(submission)


@require_POST
def note(request, pk):
    submission = get_submission_for_user(request.user, pk, perm="review_submission")
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(submission)
    try:
        services.note_add(submission=submission, user=request.user, text=form.cleaned_data["text"])
    except services.ReviewRefused as exc:
        _refused(request, exc)
    return redirect(reverse("review:detail", args=[submission.pk]) + "#notes")


@require_POST
def reveal(request, pk):
    """Logs the reveal and shows the full number on the next page view only (never in a URL)."""
    submission = get_submission_for_user(request.user, pk, perm="reveal_id_number")
    services.id_reveal(submission=submission, user=request.user)
    request.session["revealed_submission"] = str(submission.pk)
    return _back(submission)


@require_GET
@never_cache
def verification(request):
    """How the automated checks compared with the reviewers' final decisions in one month."""
    if not request.user.has_perm("kyc.view_verification_report"):
        raise PermissionDenied
    form = forms.MonthForm(request.GET or None)
    month = month_previous(timezone.localdate())
    if form.is_bound and form.is_valid():
        month = form.cleaned_data["month"]
    elif not form.is_bound:
        form = forms.MonthForm(initial={"month": month.strftime("%Y-%m")})
    report = verification_report(month)
    scopes = [(Country(code).label, m) for code, m in report.by_country.items()]
    if len(scopes) > 1:
        scopes.append(("Both countries", report.total))
    codes = sorted(report.total.warned)
    return render(request, "review/verification.html", {
        "form": form, "month": report.month, "scopes": scopes, "total": report.total,
        "warnings": [(code, report.total.warned[code], report.total.warned_approved[code]) for code in codes],
    })
