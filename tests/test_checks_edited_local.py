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


def _noise_map_in_floats(g, clipped):
    """The noise map as first written, in float32 throughout: the reference the integer one keeps."""
    k = np.float32([[1, -2, 1], [-2, 4, -2], [1, -2, 1]])
    g = g.astype(np.float32)
    res = np.abs(cv2.filter2D(g, cv2.CV_32F, k))
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)
    flat = ((gx * gx + gy * gy) < 40.0**2) & (g > edited.DARK) & (g < edited.BRIGHT) & ~clipped
    flat = cv2.erode(flat.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(np.float32)
    b = edited.BLOCK
    bh, bw = g.shape[0] // b, g.shape[1] // b

    def per_block(a):
        return a[: bh * b, : bw * b].reshape(bh, b, bw, b).sum((1, 3))

    n_b = per_block(flat)
    return np.sqrt(np.pi / 2) / 6 * per_block(res * flat) / np.maximum(n_b, 1), n_b, per_block(g * flat) / np.maximum(n_b, 1)


def test_noise_map_in_integers_is_the_float_computation_to_the_bit():
    rng = np.random.default_rng(SEED)
    # a card's range of content: flat areas at every level, noise, strong edges, clipped white
    base = np.repeat(np.linspace(0, 255, 37), 14)[None, :518].repeat(330, 0)
    g = np.clip(base + rng.normal(0, 3, base.shape), 0, 255).astype(np.uint8)
    g[100:140, 50:400:20] = 10  # text-like strokes
    g[200:260, 300:420] = 255
    clipped = g >= 250
    for a, b in zip(edited._noise_map(g, clipped), _noise_map_in_floats(g, clipped)):
        assert a.dtype == b.dtype and np.array_equal(a, b)


@pytest.mark.parametrize("local, measured", [(60, True), (90, True), (91, False), (95, False)])
def test_double_compression_is_measured_only_where_it_could_change_the_score(card, monkeypatch, local, measured):
    edit = view_from_shot(degrade(card, "edit_resave", np.random.default_rng(9204)), card)
    calls = []
    monkeypatch.setattr(edited, "noise_analysis", lambda v: (local, (10, 10, 50, 20)))
    monkeypatch.setattr(edited, "double_jpeg_statistic", lambda v: calls.append(v) or 100.0)
    assert edited.score(edit) == max(local, edited.DQ_TOP if measured else 0)
    assert bool(calls) == measured
