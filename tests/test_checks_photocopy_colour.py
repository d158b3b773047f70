"""-9102 photocopy, grey copies: the card's colour measured over broad areas (4 x 4 px blocks of the
white-balanced card at 320 px). A genuine card keeps it, also when the photo is blurred; a grey
copy has none, and the fine colour grain it may show (toner, a halftone screen's moire, chromatic
noise) averages out. Rendered and degraded here, no engine; seeds of this file's own."""

import dataclasses

import cv2
import numpy as np
import pytest

from ocr.checks import photocopy
from ocr.synth.degrade import degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

SEED = 9202  # distinct from the benchmark's and the other check tests' seeds


def _with_warped(view, warped):
    return dataclasses.replace(view, warped=np.clip(warped, 0, 255).astype(np.uint8))


def test_grey_copy_has_no_broad_colour_and_raises_9102(card, clean_view):
    copies = [view_from_shot(degrade(card, "photocopy_grey", np.random.default_rng(SEED + 10 + i)), card) for i in range(3)]
    for copy in copies:
        assert photocopy.colour_extent(copy) < photocopy.GREY_EXTENT - 1
        assert photocopy.check(copy) is not None
    assert photocopy.colour_extent(clean_view) > photocopy.GREY_EXTENT + 4
    assert photocopy.check(clean_view) is None


def test_fine_colour_grain_on_a_grey_card_is_not_broad_colour(clean_view):
    # the clean card turned grey, then given independent noise per channel (chromatic grain, as a
    # halftone screen's moire or a sensor gives): the fine measure sees colour, the broad one not
    rng = np.random.default_rng(SEED + 20)
    grey = cv2.cvtColor(cv2.cvtColor(clean_view.warped, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB).astype(np.float32)
    grain = cv2.GaussianBlur(rng.normal(0, 40, grey.shape).astype(np.float32), (0, 0), 1.5)  # dots of a few px
    grainy = _with_warped(clean_view, grey + grain)
    assert photocopy.colour_extent(grainy, broad=False) > photocopy.GREY_EXTENT + 3
    assert photocopy.colour_extent(grainy) < photocopy.GREY_EXTENT - 2
    assert photocopy.check(grainy) is not None


def test_a_blurred_genuine_card_keeps_its_broad_colour(clean_view):
    blurred = _with_warped(clean_view, cv2.GaussianBlur(clean_view.warped, (0, 0), 6))
    assert photocopy.colour_extent(blurred) > photocopy.GREY_EXTENT + 4
    assert photocopy.check(blurred) is None


def test_a_faded_colour_card_orders_between_the_genuine_card_and_a_grey_one(clean_view):
    w = clean_view.warped.astype(np.float32)
    grey = w.mean(axis=2, keepdims=True)
    extents = [photocopy.colour_extent(_with_warped(clean_view, grey + (w - grey) * k)) for k in (1.0, 0.5, 0.0)]
    assert extents[0] > extents[1] > extents[2]
    assert extents[2] < 2


@pytest.mark.parametrize("step", [14, 28])  # ~2300 dots (read from an integral image) and ~550 (read at the dots)
def test_specks_are_counted_alike_however_many(clean_view, step):
    warped = np.full_like(clean_view.warped, 225)
    h, w = warped.shape[:2]
    placed = 0
    for y in range(20, h - 20, step):
        for x in range(20, w - 20, step):
            cv2.circle(warped, (x, y), 1, (40, 40, 40), -1)
            placed += 1
    sh, sw = round(h * photocopy.SPECK_W / w), photocopy.SPECK_W  # measured on the card at this width
    light_px = (sh - 24) * (sw - 24)
    expected = placed / (light_px / 1e5)
    assert photocopy.speck_density(_with_warped(clean_view, warped)) == pytest.approx(expected, rel=0.05)
