"""-9101 precision (covered.patch_score): a region of the card pasted from another photo of it - the
card's paper in another light, carrying its own fine print and that photo's grain - is no covering;
an opaque plain label of the same size, place and colour, which hides that print, still is. (A
pasted region as smooth as a label - a dimmer photo with little grain - still warns: the cue only
sets aside a piece a little grainier than the card's paper.)"""

import dataclasses

import numpy as np
import pytest

from ocr.checks import covered
from ocr.synth.degrade import Card, degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

# Seeds of this file's own, distinct from the benchmark's and the other check tests'.
SEED = 8383
BOX = (300, 150, 560, 290)  # x0, y0, x1, y1 on the rendered card: beside the chip, under the number


def _photo(card: Card, img: np.ndarray, seed: int):
    other = Card(img, card.face_box, card.text_boxes, card.fields)
    return view_from_shot(degrade(other, "clean", np.random.default_rng(seed)), other)


def _fine(card: Card) -> Card:
    """The card with the fine security print of a real card's paper (fine guilloche lines a few px
    apart at 320 px wide, where the rendered card has only broad waves) over its background."""
    img = card.image.astype(np.float32)
    yy, xx = np.mgrid[0:img.shape[0], 0:img.shape[1]].astype(np.float32)
    lines = 3 * np.sin((xx + 0.6 * yy) / 2.2 + 2 * np.sin(yy / 23))
    bg = np.all(img > 150, axis=2)
    img[bg] += lines[bg][:, None]
    return Card(np.clip(img, 0, 255).astype(np.uint8), card.face_box, card.text_boxes, card.fields)


def _spliced(card: Card, gain: float, seed: int, iso: float = 0.0):
    """A photo of the card with BOX pasted from another photo of it: the donor's own pixels - the
    card's fine print, that photo's grain (`iso`: the sensor noise a camera adds when it gains up in
    dim light) - in a dimmer light (`gain`); the host's photo round it."""
    host = _photo(card, card.image, SEED + 10 + seed)
    donor = _photo(card, card.image, SEED + 20 + seed)
    wh, ww = host.warped.shape[:2]
    sx, sy = ww / card.image.shape[1], wh / card.image.shape[0]
    x0, y0, x1, y1 = int(BOX[0] * sx), int(BOX[1] * sy), int(BOX[2] * sx), int(BOX[3] * sy)
    warped = host.warped.copy()
    noise = np.random.default_rng(SEED + seed).normal(0, iso, (y1 - y0, x1 - x0, 1)) if iso else 0
    warped[y0:y1, x0:x1] = np.clip(donor.warped[y0:y1, x0:x1] * np.float32(gain) + noise, 0, 255).astype(np.uint8)
    return dataclasses.replace(host, warped=warped)


def _labelled(card: Card, gain: float) -> np.ndarray:
    """An opaque plain label over BOX in the colour the splice has there (its paper's median)."""
    img = card.image.copy()
    x0, y0, x1, y1 = BOX
    img[y0:y1, x0:x1] = np.clip(np.median(img[y0:y1, x0:x1].reshape(-1, 3), axis=0) * np.float32(gain), 0, 255)
    return img


@pytest.mark.parametrize("gain, seed", [(0.84, 1), (0.9, 2)])
def test_splice_from_a_dimmer_grainier_photo_is_not_covered(card, gain, seed):
    card = _fine(card)
    view = _spliced(card, gain, seed, iso=8.0)
    assert covered.patch_score(view)[0] == 0
    assert covered.check(view) is None


@pytest.mark.parametrize("gain, seed", [(0.84, 1), (0.8, 2)])
def test_plain_label_of_the_splice_colour_raises_9101(card, gain, seed):
    card = _fine(card)
    view = _photo(card, _labelled(card, gain), SEED + seed)
    sc, box = covered.patch_score(view)
    assert sc >= 65 and box is not None
    assert covered.check(view) is not None
