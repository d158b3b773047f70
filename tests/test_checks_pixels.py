"""The pixel checks on card photos rendered and degraded here (no engine): each problem raises its
own code at the default thresholds, and the same card photographed cleanly raises nothing."""

import dataclasses
import cv2
import numpy as np
import pytest

from ocr.checks import run_checks
from ocr.checks import blur, glare, photocopy, recapture
from ocr.synth.degrade import degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

# Seeds distinct from the benchmark's, so tests do not share its images.
SEED = 4242


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
    softer = dataclasses.replace(clean_view, warped=cv2.GaussianBlur(clean_view.warped, (0, 0), 4))
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
    view = dataclasses.replace(clean_view, warped=bright)
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


# --- round 2: precision on clean cards, and the cheap recall cues -----------------------------

def _same(view, **changes):
    return dataclasses.replace(view, **changes)


def test_motion_blur_raises_9108_although_one_direction_stays_sharp(clean_view):
    k = np.zeros((25, 25), np.float32)
    k[12, :] = 1.0 / 25  # a horizontal smear: vertical detail (horizontal strokes) stays sharp
    smeared = _same(clean_view, warped=cv2.filter2D(clean_view.warped, -1, k))
    lap, reblur, aniso, _ = blur.measures(smeared)
    assert aniso < blur.ANISO_CENTRE < blur.measures(clean_view)[2]
    assert -9108 in codes(smeared) and -9108 not in codes(clean_view)


def test_colourless_back_is_not_called_a_grey_copy(clean_view):
    g = cv2.cvtColor(clean_view.warped, cv2.COLOR_RGB2GRAY)
    grey_card = np.repeat(g[..., None], 3, axis=2)
    front = _same(clean_view, warped=grey_card)
    assert photocopy.score(front) >= photocopy.DEFAULT_THRESHOLD  # a colourless front is a copy
    assert photocopy.score(_same(front, side="back")) < photocopy.DEFAULT_THRESHOLD


def _fine_lines(h, w, period=4.0):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # faint (a few grey levels): as strong inside the card as a card back's line screen
    return (np.cos(2 * np.pi * (xx * 0.8 + yy * 0.6) / period) * 8).astype(np.float32)[..., None]


def test_fine_periodic_print_on_the_card_alone_is_not_a_recapture(clean_view):
    orig = clean_view.original.astype(np.float32)
    h, w = orig.shape[:2]
    inside = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(inside, clean_view.quad.astype(np.int32), 1)
    lines = _fine_lines(h, w)
    card_only = np.clip(orig + lines * inside[..., None], 0, 255).astype(np.uint8)
    everywhere = np.clip(orig + lines, 0, 255).astype(np.uint8)
    on_card, around = recapture.measures(_same(clean_view, original=card_only))
    assert on_card > recapture.PEAK_CENTRE > around  # the pattern is strong inside, absent around
    assert recapture.score(_same(clean_view, original=card_only)) < recapture.DEFAULT_THRESHOLD
    assert recapture.score(_same(clean_view, original=everywhere)) >= recapture.DEFAULT_THRESHOLD


def test_plain_sticker_over_a_field_raises_9101_with_its_box(card, clean_view):
    covered_img = card.image.copy()
    (x, y, w, h), _ = card.text_boxes[0]
    cv2.rectangle(covered_img, (x - 6, y - 6), (x + w + 6, y + h + 6), (250, 230, 90), -1)
    stuck = card.__class__(covered_img, card.face_box, card.text_boxes, card.fields)
    view = view_from_shot(degrade(stuck, "clean", np.random.default_rng(SEED + 1)), stuck)
    details = [d for d in run_checks(view) if d.code == -9101]
    assert details and details[0].box is not None
    assert -9101 not in codes(clean_view)


def test_square_corners_of_a_paper_copy_raise_9102_and_the_rounded_card_does_not(card):
    from ocr.synth.degrade import Shot, _camera, _place

    def shot(radius):
        rng = np.random.default_rng(SEED + 9)
        scene, quad = _place(card.image, rng, corner_radius=radius)
        return Shot(_camera(scene, rng), quad, None, "test", quality=90)

    rounded = view_from_shot(shot(0.037), card)
    square = view_from_shot(shot(0.0), card)
    assert photocopy.corner_score(rounded)[0] == 0.0
    assert photocopy.corner_score(square)[0] >= 0.75
    assert -9102 in codes(square) and -9102 not in codes(rounded)


def test_a_failing_check_is_logged_and_the_others_still_run(card, monkeypatch, caplog):
    view = view_from_shot(degrade(card, "blur_gaussian", np.random.default_rng(SEED + 2)), card)

    def broken(_view):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(photocopy, "check", broken)
    with caplog.at_level("ERROR"):
        assert -9108 in codes(view)
    assert "-9102" in caplog.text
