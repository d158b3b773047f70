"""The reviewer's main paths in real Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from kyc.models import Decision, Status, Submission
from tests.conftest import PASSWORD
from tests.review_factory import fast_passwords, make_submission  # noqa: F401 (autouse fixture)

# Playwright's sync API runs an event loop in this thread; the ORM calls in the test are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
from playwright import sync_api as playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Debian's chromium, installed by `make test` (scripts/system-deps.sh): a missing browser fails here.
CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(transactional_db):
    # Per test, started after the database and stopped before its teardown.
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def signed_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/review/")
    return page


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_claim_correct_and_approve_with_four_eyes(browser, live_server, reviewer, second_reviewer):
    submission = make_submission(ref="ABC-123", warnings=[(-9107, 87, [330, 60, 260, 300]), (-9102, 64, None)])

    page = signed_in(browser, live_server, reviewer)
    shot(page, "queue")
    page.click("text=ABC-123")
    page.wait_for_selector(".card-image:not(.hidden) img[src]")
    assert page.evaluate("document.querySelector('.card-image:not(.hidden) img').naturalWidth") == 640
    page.click("button[data-rotate]")
    assert "rotate(90deg)" in page.get_attribute(".card-image:not(.hidden) .stage", "style")
    page.click("button[data-reset]")

    page.keyboard.press("c")  # claim
    page.wait_for_selector("text=assigned to you")
    page.fill("#fix-Name", "KAVIN ONG KHI MIN")
    page.click("#field-Name button:has-text('Save')")
    page.wait_for_selector("#field-Name del:has-text('KAVIN ONG KHI MN')")
    assert "KAVIN ONG KHI MIN" in page.inner_text("#field-Name")
    shot(page, "detail-corrected")

    page.keyboard.press("a")
    page.wait_for_selector("#dlg-approve[open]")
    assert "first of two" in page.inner_text("#dlg-approve")
    page.click("#dlg-approve button:has-text('Confirm approval')")
    page.wait_for_selector("text=First approval recorded")
    submission.refresh_from_db()
    assert submission.status == Status.PENDING_SECOND_APPROVAL

    senior = signed_in(browser, live_server, second_reviewer)
    senior.goto(f"{live_server.url}/review/{submission.pk}/")
    assert "First approval by rita" in senior.inner_text(".banner")
    senior.click("button:has-text('Claim')")
    senior.wait_for_selector("text=assigned to you")
    shot(senior, "detail-second-approval")
    senior.click("button[data-dialog=dlg-approve]")
    senior.click("#dlg-approve button:has-text('Confirm approval')")
    senior.wait_for_selector("text=Approved: ABC-123")
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED
    assert submission.decisions.get(action=Decision.Action.APPROVE).approved_fields["fields"]["Name"] == "KAVIN ONG KHI MIN"

    # The senior reviewer sees how the automated checks fared this month: the card was flagged
    # (glare, photocopy, a low-confidence address) and approved all the same.
    assert "Automated checks" not in page.inner_text("header nav")  # not a plain reviewer's page
    senior.click("header nav a:has-text('Automated checks')")
    senior.fill("#id_month", timezone.localdate().strftime("%Y-%m"))
    senior.click("button:has-text('Show')")
    row = senior.inner_text("table.report tbody tr")
    assert "1 (100% of approved)" in row  # a false alarm, and corrected
    assert "Glare (-9107)" in senior.inner_text("body")
    shot(senior, "verification-report")


def test_request_a_reupload_then_the_next_card_opens(browser, live_server, reviewer):
    first = make_submission(ref="BLURRY-1", age_minutes=60, warnings=[(-9108, 91, None)])
    upcoming = make_submission(ref="NEXT-2", age_minutes=10, country="SG", warnings=[(-9109, None, None)])

    page = signed_in(browser, live_server, reviewer)
    page.goto(f"{live_server.url}/review/{first.pk}/")
    page.keyboard.press("c")
    page.wait_for_selector("text=assigned to you")
    page.keyboard.press("u")
    page.wait_for_selector("#dlg-reupload[open]")
    page.check("#dlg-reupload input[value=blurry]")
    page.fill("#reupload-comment", "Hold the card still, in daylight")
    shot(page, "reupload-dialog")
    page.click("#dlg-reupload button:has-text('Confirm request')")
    page.wait_for_url(f"{live_server.url}/review/{upcoming.pk}/")
    assert "New upload requested: BLURRY-1." in page.inner_text(".messages")
    # The next card has no warning checks: it must never look clean.
    assert "Warning checks not enabled — review manually" in page.inner_text(".warnings")
    shot(page, "next-card-sg")
    first.refresh_from_db()
    assert first.status == Status.REUPLOAD_REQUESTED
    assert first.decisions.get().reason_codes == ["blurry"]


def test_a_failed_ocr_is_sent_back_to_be_read_from_its_detail_page(browser, live_server, reviewer):
    submission = make_submission(ref="OCR-FAIL-1", status=Status.OCR_FAILED, assignee=reviewer)
    Submission.objects.filter(pk=submission.pk).update(
        ocr_error_code="FailedOperation.NoMASIDCard", ocr_error_message="No Malaysian identity card was found in the image.")

    page = signed_in(browser, live_server, reviewer)
    page.goto(f"{live_server.url}/review/{submission.pk}/")
    page.wait_for_selector("button:has-text('Retry OCR')")
    shot(page, "detail-ocr-failed")
    page.click("button:has-text('Retry OCR')")
    page.wait_for_selector("text=OCR will run again")
    submission.refresh_from_db()
    assert submission.status == Status.RECEIVED
