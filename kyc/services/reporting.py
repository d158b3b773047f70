"""How well the automated checks agree with the reviewers, month by month.

BNM's e-KYC policy asks that automated ID verification be measured (its false acceptance rate),
recorded monthly and reported half-yearly. Every decision keeps a snapshot of what the automated
checks said of the card when it was taken (``automated_result``); this module compares the two.

- The automated result is *clear* when OCR succeeded, the card raised no warning, no field was read
  with low confidence and no consistency check (number against birth date, sex, check letter) failed
  or could not be made. Only a clear card is one the automation would have let through alone.
- A *false acceptance* is a clear card that a reviewer rejected for good; the rate is over all
  rejected cards. A clear card sent back for a new photo is counted apart: the photo was unusable,
  not the identity false.
- A *false alarm* is a card the automation flagged and a reviewer approved; per warning code, the
  share of flagged cards approved all the same is what a threshold costs reviewers.
- A *misread* is an approved card whose fields a reviewer had to correct.

Only final decisions count (approve, reject, request a new upload), in the month they were taken,
in the application's time zone. Decisions taken before snapshots were kept are counted apart.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

from ..checks import FAIL, UNKNOWN, card_checks
from ..models import Decision, Submission

FINAL_ACTIONS = (Decision.Action.APPROVE, Decision.Action.REJECT, Decision.Action.REQUEST_REUPLOAD)


def automated_result(submission: Submission) -> dict:
    """What the automated checks say of the submission's current card, kept on each decision."""
    fields = list(submission.fields.all())
    threshold = settings.REVIEW_CONFIDENCE_THRESHOLD
    low = sorted(f.name for f in fields if f.confidence is not None and f.confidence < threshold)
    # The OCR values, not a reviewer's corrections: the automation is judged on what it read.
    read = {f.name: f.ocr_value for f in fields}
    checks = card_checks(submission.country, submission.card_type, read, today=timezone.localdate())
    doubtful = sorted({c.code for c in checks if c.status in (FAIL, UNKNOWN)})
    warnings = sorted(set(submission.warnings.values_list("code", flat=True)))
    ocr_error = submission.ocr_error_code or None
    return {
        "clear": not (ocr_error or warnings or low or doubtful),
        "ocr_error": ocr_error,
        "warnings": warnings,
        "low_confidence": low,
        "failed_checks": doubtful,
    }


@dataclass
class Measures:
    """One month's counts for one country (or both)."""

    approved: int = 0
    rejected: int = 0
    reupload: int = 0
    without_snapshot: int = 0  # decided before snapshots were kept: in the three counts above only
    # the same three counts over the decisions with a snapshot, the denominators of the rates
    measured: Counter = field(default_factory=Counter)
    clear: int = 0
    false_acceptances: int = 0  # clear, then rejected
    clear_reupload: int = 0  # clear, then sent back for a new photo
    false_alarms: int = 0  # flagged, then approved
    misread: int = 0  # approved with at least one corrected field
    # per warning code: on how many decided cards it was raised, and how many of those were approved
    warned: Counter = field(default_factory=Counter)
    warned_approved: Counter = field(default_factory=Counter)

    @property
    def decided(self) -> int:
        return self.approved + self.rejected + self.reupload

    def add(self, decision: Decision) -> None:
        action = decision.action
        if action == Decision.Action.APPROVE:
            self.approved += 1
        elif action == Decision.Action.REJECT:
            self.rejected += 1
        else:
            self.reupload += 1
        result = decision.automated_result
        if result is None:
            self.without_snapshot += 1
            return
        self.measured[action] += 1
        approved = action == Decision.Action.APPROVE
        if result["clear"]:
            self.clear += 1
            if action == Decision.Action.REJECT:
                self.false_acceptances += 1
            elif action == Decision.Action.REQUEST_REUPLOAD:
                self.clear_reupload += 1
        elif approved:
            self.false_alarms += 1
        if approved and (decision.approved_fields or {}).get("corrected"):
            self.misread += 1
        for code in result["warnings"]:
            self.warned[code] += 1
            if approved:
                self.warned_approved[code] += 1

    @property
    def false_acceptance_rate(self) -> float | None:
        return rate(self.false_acceptances, self.measured[Decision.Action.REJECT])

    @property
    def false_alarm_rate(self) -> float | None:
        return rate(self.false_alarms, self.measured[Decision.Action.APPROVE])

    @property
    def misread_rate(self) -> float | None:
        return rate(self.misread, self.measured[Decision.Action.APPROVE])


@dataclass
class MonthReport:
    month: date  # the first day of the month
    by_country: dict[str, Measures]
    total: Measures


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    last = calendar.monthrange(month.year, month.month)[1]
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(month.replace(day=1), time.min), tz)
    end = timezone.make_aware(datetime.combine(month.replace(day=last), time.max), tz)
    return start, end


def month_parse(text: str) -> date:
    """'2026-10' (what a browser's month input sends) as the first day of that month. ValueError
    for anything else, years before 1970 included (year 1's first hour in Kuala Lumpur is before
    the first UTC date Python holds)."""
    year, month = (int(part) for part in text.strip().split("-"))
    if year < 1970:
        raise ValueError(f"no reports before 1970: {text!r}")
    return date(year, month, 1)


def month_previous(today: date) -> date:
    first = today.replace(day=1)
    return first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1)


def verification_report(month: date, *, country: str | None = None) -> MonthReport:
    """The final decisions taken in `month` (any day of it), measured against their snapshots."""
    start, end = _month_bounds(month)
    decisions = Decision.objects.filter(action__in=FINAL_ACTIONS, created_at__range=(start, end))
    if country:
        decisions = decisions.filter(submission__country=country)
    by_country: dict[str, Measures] = {}
    total = Measures()
    for decision in decisions.select_related("submission").only(
        "action", "automated_result", "approved_fields", "submission__country"
    ).iterator():
        by_country.setdefault(decision.submission.country, Measures()).add(decision)
        total.add(decision)
    return MonthReport(month=month.replace(day=1), by_country=dict(sorted(by_country.items())), total=total)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None
