"""The pixel checks on card photos rendered and degraded here (no engine): each problem raises its
own code at the default thresholds, and the same card photographed cleanly raises nothing."""

import cv2
import numpy as np
import pytest

from ocr.checks import run_checks
from ocr.checks import blur, glare, photocopy, recapture
from ocr.synth.degrade import degrade
from tests.test_checks_cards import render_card, view_from_shot

# Seeds distinct from the benchmark's, so tests do not share its images.
SEED = 4242


@pytest.fixture(scope="module")
def card():
    return render_card(np.random.default_rng(SEED))


@pytest.fixture(scope="module")
def clean_view(card):
    shot = degrade(card, "clean", np.random.default_rng(SEED + 1))
    return view_from_shot(shot, card)


def codes(view):
    return {d.code for d in run_checks(view)}


def test_clean_card_raises_nothing(clean_view):
    assert run_checks(clean_view) == []


def test_blurred_card_scores_higher_than_its_sharp_original_and_raises_9108(card, clean_view):
    for kind in ("blur_gaussian", "blur_defocus"):
        view = view_from_shot(degrade(card, kind, np.random.default_rng(SEED + 2)), card)
        assert blur.score(view) > blur.score(clean_view) + 40
        assert -9108 in codes(view)


def test_same_photo_blurred_in_place_is_scored_blurrier(clean_view):
    # same pixels, same layout: only the blur differs
    softer = clean_view.__class__(**{**clean_view.__dict__, "warped": cv2.GaussianBlur(clean_view.warped, (0, 0), 4)})
    assert blur.score(softer) > blur.score(clean_view)


def test_glare_raises_9107_with_a_box_on_the_card(card):
    view = view_from_shot(degrade(card, "glare", np.random.default_rng(SEED + 3)), card)
    details = [d for d in run_checks(view) if d.code == -9107]
    assert details and details[0].score >= glare.DEFAULT_THRESHOLD
    x, y, w, h = details[0].box
    qx0, qy0 = view.quad.min(0)
    qx1, qy1 = view.quad.max(0)
    assert qx0 - 5 <= x and x + w <= qx1 + 5 and qy0 - 5 <= y and y + h <= qy1 + 5


def test_over_exposed_white_is_not_glare(clean_view):
    # the whole card brightened until its light areas clip: over-exposure, not a reflection
    bright = np.clip(clean_view.warped.astype(np.int16) + 60, 0, 255).astype(np.uint8)
    view = clean_view.__class__(**{**clean_view.__dict__, "warped": bright})
    assert -9107 not in codes(view)


def test_grey_photocopy_raises_9102_despite_paper_tint_and_toner(card, clean_view):
    view = view_from_shot(degrade(card, "photocopy_grey", np.random.default_rng(SEED + 4)), card)
    assert photocopy.score(view) > photocopy.score(clean_view)
    assert -9102 in codes(view)


def test_screen_recapture_raises_9103(card, clean_view):
    view = view_from_shot(degrade(card, "recapture_screen", np.random.default_rng(SEED + 5)), card)
    assert recapture.score(view) > recapture.score(clean_view)
    assert -9103 in codes(view)


def test_card_with_a_corner_outside_the_frame_raises_9101(card):
    view = view_from_shot(degrade(card, "covered_corner_out", np.random.default_rng(SEED + 6)), card)
    assert -9101 in codes(view)


def test_threshold_setting_switches_a_check_off_and_rejects_nonsense(card, monkeypatch):
    view = view_from_shot(degrade(card, "blur_gaussian", np.random.default_rng(SEED + 2)), card)
    monkeypatch.setenv("OCR_WARN_THRESHOLD_9108", "101")
    assert -9108 not in codes(view)
    monkeypatch.setenv("OCR_WARN_THRESHOLD_9108", "high")
    with pytest.raises(ValueError, match="OCR_WARN_THRESHOLD_9108"):
        run_checks(view)
