"""-9103 recaptured, the print-grain cue: a printed photo of a card carries a colour print's grain
on the card and on the desk printed around it; a genuine photo, a photocopy (toner on the card,
blank paper around it) and plain brightness texture do not."""

import dataclasses

import cv2
import numpy as np
import pytest

from ocr.checks import recapture
from ocr.synth.degrade import degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

SEED = 5757  # not a benchmark seed


def _same(view, **changes):
    return dataclasses.replace(view, **changes)


def _colour_grain(h, w, rng, strength=14.0):
    """Independent fine noise per ink: what cyan, magenta and yellow dots look like up close."""
    g = rng.normal(0, strength, (h, w, 3)).astype(np.float32)
    return cv2.GaussianBlur(g, (0, 0), 0.8)


def _inside_mask(view):
    h, w = view.original.shape[:2]
    m = np.zeros((h, w), np.float32)
    cv2.fillConvexPoly(m, view.quad.astype(np.int32), 1.0)
    return m[..., None]


@pytest.mark.parametrize("offset", [2, 3, 4])
def test_printed_photo_raises_9103_and_its_clean_photo_does_not(card, clean_view, offset):
    printed = view_from_shot(degrade(card, "recapture_print", np.random.default_rng(SEED + offset)), card)
    inner, around = recapture.grain_measures(printed)
    clean_inner, clean_around = recapture.grain_measures(clean_view)
    assert around is not None and min(inner, around) > recapture.GRAIN_CENTRE
    assert clean_around is None or min(clean_inner, clean_around) < recapture.GRAIN_CENTRE
    assert recapture.score(printed) >= recapture.DEFAULT_THRESHOLD > recapture.score(clean_view)


@pytest.mark.parametrize("kind", ["photocopy_grey", "photocopy_colour"])
def test_photocopies_are_not_recaptures(card, kind):
    for k in range(2):
        copy = view_from_shot(degrade(card, kind, np.random.default_rng(SEED + 10 + k)), card)
        assert recapture.score(copy) < recapture.DEFAULT_THRESHOLD


def test_grain_must_be_on_the_card_and_around_it(clean_view):
    rng = np.random.default_rng(SEED + 20)
    orig = clean_view.original.astype(np.float32)
    h, w = orig.shape[:2]
    grain = _colour_grain(h, w, rng)
    inside = _inside_mask(clean_view)
    everywhere = _same(clean_view, original=np.clip(orig + grain, 0, 255).astype(np.uint8))
    card_only = _same(clean_view, original=np.clip(orig + grain * inside, 0, 255).astype(np.uint8))
    around_only = _same(clean_view, original=np.clip(orig + grain * (1 - inside), 0, 255).astype(np.uint8))
    assert recapture.grain_score(everywhere) >= recapture.DEFAULT_THRESHOLD
    # a copy's toner (card only) or a grainy tablecloth (around only) is not a printed photo
    assert recapture.grain_score(card_only) < recapture.DEFAULT_THRESHOLD
    assert recapture.grain_score(around_only) < recapture.DEFAULT_THRESHOLD
    assert recapture.score(card_only) < recapture.DEFAULT_THRESHOLD


def test_brightness_texture_everywhere_is_not_print_grain(clean_view):
    # the same noise in all three channels: a rough desk, sensor luminance noise; no coloured dots
    rng = np.random.default_rng(SEED + 21)
    orig = clean_view.original.astype(np.float32)
    h, w = orig.shape[:2]
    grey_grain = _colour_grain(h, w, rng)[..., :1]
    rough = _same(clean_view, original=np.clip(orig + grey_grain, 0, 255).astype(np.uint8))
    assert recapture.grain_score(rough) < recapture.DEFAULT_THRESHOLD


def test_stronger_grain_scores_higher(clean_view):
    rng = np.random.default_rng(SEED + 22)
    orig = clean_view.original.astype(np.float32)
    h, w = orig.shape[:2]
    base = _colour_grain(h, w, rng, 1.0)
    scores = [recapture.grain_score(_same(clean_view, original=np.clip(orig + base * s, 0, 255).astype(np.uint8)))
              for s in (2.0, 6.0, 14.0)]
    assert scores[0] < scores[1] < scores[2]


def _card_in_a_bigger_outline(view, angle):
    """The upright card shrunk onto a plain dark surround and turned by `angle`: what the engine
    hands over when it took a print's (or a screen's) edge for the card's."""
    h, w = view.warped.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 0.7)
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (w, h))[..., None] / 255.0
    card = cv2.warpAffine(view.warped, m, (w, h)).astype(np.float32)
    surround = np.full((h, w, 3), (70, 60, 55), np.float32)
    return (card * mask + surround * (1 - mask)).astype(np.uint8)


def test_a_card_inside_the_found_outline_is_found_when_turned_to_it(clean_view):
    assert not recapture.nested_card(clean_view)
    assert recapture.nested_card(_same(clean_view, warped=_card_in_a_bigger_outline(clean_view, 6.0)))
    # square to the outline, like a panel printed on a card: not taken for a card inside a print
    assert not recapture.nested_card(_same(clean_view, warped=_card_in_a_bigger_outline(clean_view, 0.0)))


def test_grain_inside_only_counts_when_the_outline_holds_a_card(clean_view):
    # grain inside the outline and none around: a photocopy, unless the outline is a print's edge
    rng = np.random.default_rng(SEED + 23)
    orig = clean_view.original.astype(np.float32)
    grain = _colour_grain(*orig.shape[:2], rng)
    inside_only = np.clip(orig + grain * _inside_mask(clean_view), 0, 255).astype(np.uint8)
    copy_like = _same(clean_view, original=inside_only)
    print_edge = _same(copy_like, warped=_card_in_a_bigger_outline(clean_view, 6.0))
    assert recapture.grain_score(copy_like) < recapture.DEFAULT_THRESHOLD
    assert recapture.grain_score(print_edge) >= recapture.DEFAULT_THRESHOLD


def _peakiness_ring_by_ring(tile):
    """The moire measure as first written, one np.median per ring: the reference of the one-sort
    version."""
    t = tile.astype(np.float32)
    t = (t - t.mean()) * recapture.WINDOW
    mag = np.log1p(np.abs(np.fft.rfft2(t)))
    med = np.zeros(recapture.TILE // 2 + 1, np.float32)
    for r in range(recapture.TILE // 10, recapture.TILE // 2 + 1):
        if len(recapture.RINGS[r]):
            med[r] = np.median(mag.ravel()[recapture.RINGS[r]])
    excess = (mag - med[recapture.RING]) * recapture.KEEP
    return float(np.sort(excess.ravel())[-4:].mean())


def test_ring_medians_in_one_sort_are_numpys_medians(clean_view):
    rng = np.random.default_rng(SEED)
    yy, xx = np.mgrid[: recapture.TILE, : recapture.TILE]
    grid = (128 + 60 * np.sin(xx * 2.1) * np.sin(yy * 1.7)).astype(np.uint8)  # a screen's pixel grid
    tiles = recapture.tiles(clean_view) + [grid, rng.integers(0, 256, grid.shape).astype(np.uint8)]
    for t in tiles:
        assert recapture._peakiness(t) == _peakiness_ring_by_ring(t)
