"""-9104: typed-over text is sharper than the camera's print, the card's noise is
read without a large pasted region, and a double compression counts only beside local evidence."""

import dataclasses

import cv2
import numpy as np
import pytest

from ocr.checks import edited
from ocr.synth.degrade import degrade
from tests.test_checks_cards import card, view_from_shot  # noqa: F401 (fixtures)

SEED = 9191


def test_typed_over_number_is_sharper_than_every_printed_line(card):
    clean = view_from_shot(degrade(card, "clean", np.random.default_rng(9205)), card)
    typed = view_from_shot(degrade(card, "edit_text_patch", np.random.default_rng(9205)), card)
    score, box = edited.sharp_text_analysis(typed)
    assert score >= edited.DEFAULT_THRESHOLD
    assert edited.sharp_text_analysis(clean)[0] < edited.DEFAULT_THRESHOLD
    # the box is a printed line holding a number (the retyped field), in warped-card pixels
    x, y, w, h = box
    assert 0 <= x < clean.warped.shape[1] and 0 <= y < clean.warped.shape[0] and w > h > 0
    assert edited.score(typed) >= edited.DEFAULT_THRESHOLD > edited.score(clean)


def test_a_blurred_copy_of_the_same_lines_is_not_sharper(card):
    # every line through the same optics: no line stands out, whatever the blur
    shot = degrade(card, "clean", np.random.default_rng(9205))
    soft = view_from_shot(dataclasses.replace(shot, image=cv2.GaussianBlur(shot.image, (0, 0), 1.2)), card)
    assert edited.sharp_text_analysis(soft)[0] < edited.DEFAULT_THRESHOLD


def test_too_few_lines_say_nothing(card):
    typed = view_from_shot(degrade(card, "edit_text_patch", np.random.default_rng(9205)), card)
    assert edited.sharp_text_analysis(dataclasses.replace(typed, text_lines=typed.text_lines[:3])) == (0, None)


def test_card_noise_is_not_pulled_down_by_a_large_noise_free_region():
    rng = np.random.default_rng(SEED)
    sigma = rng.uniform(1.5, 2.5, (30, 50)).astype(np.float32)
    sigma[3:27, 4:34] = 0.01  # a pasted, noise-free portrait: over half of the measured blocks
    ok = np.ones_like(sigma, bool)
    ok[:, 40:] = False  # the clipped background is not measured
    assert np.median(sigma[ok]) < 0.6  # a plain median reads the paste's own noise
    assert 1.5 < edited._card_noise(sigma, ok) < 2.5
    plain = rng.uniform(1.5, 2.5, (30, 50)).astype(np.float32)
    assert edited._card_noise(plain, ok) == pytest.approx(float(np.median(plain[ok])))


def test_resaved_edit_fires_where_the_same_double_compression_alone_does_not(card):
    edit = view_from_shot(degrade(card, "edit_resave", np.random.default_rng(9204)), card)
    assert edited.double_jpeg_statistic(edit) > edited.DQ_FIRE
    assert edited.score(edit) >= edited.DEFAULT_THRESHOLD
    shot = degrade(card, "clean", np.random.default_rng(9204))
    resent = view_from_shot(dataclasses.replace(shot, first_quality=80, quality=90), card)
    assert edited.double_jpeg_statistic(resent) > edited.DQ_FIRE
    assert edited.score(resent) < edited.DEFAULT_THRESHOLD


def test_lines_outside_the_card_are_skipped_not_a_crash(card):
    typed = view_from_shot(degrade(card, "edit_text_patch", np.random.default_rng(9205)), card)
    far = [dataclasses.replace(t, box=tuple((x + 5000, y + 5000) for x, y in t.box)) for t in typed.text_lines]
    assert edited.sharp_text_analysis(dataclasses.replace(typed, text_lines=far)) == (0, None)
