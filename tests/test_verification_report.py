"""The monthly measurement of the automated checks against reviewers' decisions (BNM e-KYC)."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from kyc.models import Decision
from kyc.services import review
from ocr.idnumbers import nric_check_letter
from kyc.services.reporting import automated_result, verification_report
from tests.review_factory import MY_FIELDS, SG_FIELDS, fast_passwords, make_submission  # noqa: F401 (autouse fixture)

KL = ZoneInfo("Asia/Kuala_Lumpur")
CONFIDENT_MY = {name: (value, 0.99) for name, (value, _) in MY_FIELDS.items()}
# No confidences from the SG action: the rule checks stand in, so the number must agree with the rest
CLEAR_SG = dict(SG_FIELDS, ID=("S8812345" + nric_check_letter("S", "8812345"), None), PostCode=("123456", None))
GLARE = [(-9107, 87, [10, 10, 100, 50])]


def _decide(submission, user, how, *, second=None, **kwargs):
    review.review_claim(submission=submission, user=user)
    if how == "approve":
        decision = review.review_approve(submission=submission, user=user)
        if second is not None:  # a warned or corrected card needs a second reviewer
            review.review_claim(submission=submission, user=second)
            decision = review.review_approve(submission=submission, user=second)
        return decision
    if how == "reject":
        return review.review_reject(submission=submission, user=user, reason_codes=["tampered"])
    return review.review_request_reupload(submission=submission, user=user, reason_codes=["blurry"])


def _this_month():
    return verification_report(timezone.localdate())


def test_the_snapshot_says_why_a_card_is_not_clear(db):
    assert automated_result(make_submission(fields=CONFIDENT_MY, ref="A"))["clear"] is True
    warned = automated_result(make_submission(fields=CONFIDENT_MY, warnings=GLARE, ref="B"))
    assert warned["clear"] is False and warned["warnings"] == [-9107]
    low = automated_result(make_submission(ref="C"))  # the factory's address is read at 0.62
    assert low["clear"] is False and low["low_confidence"] == ["Address"]
    # the ID number says 1971-07-16 and male; a birth date read as 1981 fails the consistency check
    wrong = dict(CONFIDENT_MY, Birthday=("16/07/1981", 0.99))
    mismatch = automated_result(make_submission(fields=wrong, ref="D"))
    assert mismatch["clear"] is False and mismatch["failed_checks"]


def test_a_clear_card_rejected_is_a_false_acceptance(db, reviewer):
    _decide(make_submission(fields=CONFIDENT_MY, ref="A"), reviewer, "reject")
    _decide(make_submission(fields=CONFIDENT_MY, warnings=GLARE, ref="B"), reviewer, "reject")
    _decide(make_submission(fields=CONFIDENT_MY, ref="C"), reviewer, "approve")
    m = _this_month().total
    assert (m.rejected, m.approved, m.clear, m.false_acceptances) == (2, 1, 2, 1)
    assert m.false_acceptance_rate == 0.5
    assert m.false_alarms == 0 and m.false_alarm_rate == 0.0


def test_a_flagged_card_approved_is_a_false_alarm_of_its_warning(db, reviewer, second_reviewer):
    _decide(make_submission(fields=CONFIDENT_MY, warnings=GLARE, ref="A"), reviewer, "approve", second=second_reviewer)
    _decide(make_submission(fields=CONFIDENT_MY, warnings=GLARE, ref="B"), reviewer, "reupload")
    m = _this_month().total
    assert m.false_alarms == 1 and m.false_alarm_rate == 1.0
    assert m.warned[-9107] == 2 and m.warned_approved[-9107] == 1
    # only final decisions count: the first of the two approvals is not a second decided card
    assert m.decided == 2 and m.reupload == 1


def test_the_automation_is_judged_on_what_it_read_not_on_the_correction(db, reviewer, second_reviewer):
    wrong = dict(CONFIDENT_MY, Birthday=("16/07/1981", 0.99))
    submission = make_submission(fields=wrong, ref="A")
    review.review_claim(submission=submission, user=reviewer)
    review.field_correct(submission=submission, user=reviewer, name="Birthday", value="16/07/1971")
    review.review_approve(submission=submission, user=reviewer)
    review.review_claim(submission=submission, user=second_reviewer)
    decision = review.review_approve(submission=submission, user=second_reviewer)
    assert decision.automated_result["clear"] is False
    m = _this_month().total
    assert (m.misread, m.misread_rate, m.false_alarms) == (1, 1.0, 1)


def test_months_follow_the_application_time_zone_and_countries_are_apart(db, reviewer):
    october = _decide(make_submission(fields=CONFIDENT_MY, ref="A"), reviewer, "reject")
    november = _decide(make_submission(country="SG", fields=CLEAR_SG, ref="B"), reviewer, "reject")
    # 23:30 on 31 October in Kuala Lumpur is still October there (15:30 UTC)
    Decision.objects.filter(pk=october.pk).update(created_at=datetime(2026, 10, 31, 23, 30, tzinfo=KL))
    Decision.objects.filter(pk=november.pk).update(created_at=datetime(2026, 11, 1, 0, 30, tzinfo=KL))
    oct_report = verification_report(date(2026, 10, 5))
    assert list(oct_report.by_country) == ["MY"] and oct_report.total.rejected == 1
    nov_report = verification_report(date(2026, 11, 20), country="SG")
    assert list(nov_report.by_country) == ["SG"] and nov_report.total.false_acceptances == 1


def test_decisions_from_before_snapshots_are_counted_apart(db, reviewer):
    decision = _decide(make_submission(fields=CONFIDENT_MY, ref="A"), reviewer, "reject")
    Decision.objects.filter(pk=decision.pk).update(automated_result=None)
    m = _this_month().total
    assert (m.rejected, m.without_snapshot, m.false_acceptances) == (1, 1, 0)
    assert m.false_acceptance_rate is None  # nothing measured: no rate, rather than 0%


def test_the_command_writes_text_csv_and_json(db, reviewer, capsys):
    _decide(make_submission(fields=CONFIDENT_MY, ref="A"), reviewer, "reject")
    month = timezone.localdate().strftime("%Y-%m")
    call_command("verification_report", "--month", month)
    text = capsys.readouterr().out
    assert "false acceptances (clear, then rejected): 1 = 100.0% of rejected cards" in text
    call_command("verification_report", "--month", month, "--format", "csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("month,scope,decided") and lines[1].startswith(f"{month},MY,1,0,1,")
    call_command("verification_report", "--month", month, "--format", "json", "--country", "MY")
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["scope"] for r in rows] == ["MY"] and rows[0]["false_acceptance_rate"] == 1.0
    call_command("verification_report", "--month", "2001-01")
    assert "No final decisions" in capsys.readouterr().out


def test_a_bad_month_is_a_clear_error(db):
    for bad in ("October", "2026-13", "0001-01"):
        with pytest.raises(CommandError, match="YYYY-MM"):
            call_command("verification_report", "--month", bad)


@pytest.mark.parametrize("persona,status", [("outsider", 403), ("reviewer", 403), ("second_reviewer", 200), ("admin_user", 200)])
def test_the_screen_is_for_senior_reviewers_and_admins(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("review:verification")).status_code == status


def test_anonymous_is_sent_to_login_from_the_screen(client, db):
    response = client.get(reverse("review:verification"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_screen_shows_the_month_asked_for(client, reviewer, second_reviewer):
    _decide(make_submission(fields=CONFIDENT_MY, ref="A"), reviewer, "reject")
    _decide(make_submission(fields=CONFIDENT_MY, warnings=GLARE, ref="B"), reviewer, "reupload")
    client.force_login(second_reviewer)
    html = client.get(reverse("review:verification"), {"month": timezone.localdate().strftime("%Y-%m")}).content.decode()
    assert "<strong>1</strong> (100% of rejected)" in html  # one rejection, and it was clear
    assert "Glare (-9107)" in html and "710716" not in html  # counts only, no personal data
    # a month that cannot be read is said so, and the default month is shown instead of a 500
    for bad in ("last week", "2026-13", "0001-01"):
        response = client.get(reverse("review:verification"), {"month": bad})
        assert response.status_code == 200 and "Pick a month" in response.content.decode(), bad
    assert "No final decisions" in client.get(reverse("review:verification"), {"month": "2001-01"}).content.decode()
