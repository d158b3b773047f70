"""-9101 covered / border incomplete, on card photos rendered and degraded here (no engine): each cue
fires on its own problem and stays quiet on the same card photographed cleanly."""

import dataclasses

import cv2
import numpy as np
import pytest

from ocr.checks import covered
from ocr.checks.context import TextLine
from ocr.synth.degrade import Card, degrade
from tests.test_checks_cards import render_card, view_from_shot

# Seeds of this file's own, distinct from the benchmark's and the other check tests'.
SEED = 7373


@pytest.fixture(scope="module")
def card():
    return render_card(np.random.default_rng(SEED))


@pytest.fixture(scope="module")
def clean_view(card):
    return view_from_shot(degrade(card, "clean", np.random.default_rng(SEED + 1)), card)


def _stuck(card: Card, box, colour, seed: int, *, face_found: bool = True):
    """The card with a plain label stuck on it, photographed."""
    img = card.image.copy()
    x, y, w, h = box
    cv2.rectangle(img, (x, y), (x + w, y + h), colour, -1)
    stuck = Card(img, card.face_box, card.text_boxes, card.fields)
    view = view_from_shot(degrade(stuck, "clean", np.random.default_rng(seed)), stuck)
    return view if face_found else dataclasses.replace(view, face_box=None)


def test_clean_photo_raises_nothing(clean_view):
    assert covered.check(clean_view) is None
    assert covered.crossing_score(clean_view)[0] == 0


def test_corner_outside_the_frame_raises_9101_with_a_box(card, clean_view):
    view = view_from_shot(degrade(card, "covered_corner_out", np.random.default_rng(SEED + 2)), card)
    detail = covered.check(view)
    assert detail is not None and detail.box is not None
    assert covered.score(view) > covered.score(clean_view)


def test_outline_round_something_bigger_than_the_card_is_not_a_cut_card(card):
    # the same cut photo, but every text line sits in the middle of the outline: the outline is a
    # print or a screen holding the card, whose running off the frame leaves the card whole
    view = view_from_shot(degrade(card, "covered_corner_out", np.random.default_rng(SEED + 2)), card)
    W, H = view.warped.shape[1], view.warped.shape[0]
    centred = [TextLine(t.text, t.score, tuple((W / 2 + (x - W / 2) * 0.5, H / 2 + (y - H / 2) * 0.5) for x, y in t.box))
               for t in view.text_lines]
    assert covered.border_score(view)[0] > 0
    assert covered.border_score(dataclasses.replace(view, text_lines=centred))[0] == 0


def test_thumb_over_the_edge_raises_9101(card, clean_view):
    for k in range(3):
        view = view_from_shot(degrade(card, "covered_finger", np.random.default_rng(SEED + 10 + k)), card)
        assert covered.check(view) is not None, k
        assert covered.score(view) > covered.score(clean_view)


def test_label_over_a_text_line_raises_9101_with_its_box(card, clean_view):
    (x, y, w, h), _ = card.text_boxes[1]  # the name line
    view = _stuck(card, (x - 6, y - 6, w + 12, h + 12), (250, 230, 90), SEED + 1)
    detail = covered.check(view)
    assert detail is not None and detail.box is not None
    bx, by, bw, bh = detail.box
    qx0, qy0 = view.quad.min(0)
    qx1, qy1 = view.quad.max(0)
    assert qx0 - 5 <= bx and bx + bw <= qx1 + 5 and qy0 - 5 <= by and by + bh <= qy1 + 5


def test_label_over_the_portrait_raises_9101_although_no_face_is_found(card, clean_view):
    fx, fy, fw, fh = card.face_box
    view = _stuck(card, (fx - 5, fy - 5, fw + 10, fh + 10), (255, 170, 190), SEED + 1, face_found=False)
    assert covered.patch_score(view)[0] >= covered.DEFAULT_THRESHOLD
    assert covered.check(view) is not None
    # the clean card with its portrait not found: the portrait's own plain parts are no label
    assert covered.check(dataclasses.replace(clean_view, face_box=None)) is None


def test_no_outline_text_running_into_the_picture_border_is_a_cut_card(clean_view):
    # the engine found no outline and read the whole picture as the card
    view = dataclasses.replace(clean_view, quad=None)
    W = view.warped.shape[1]
    inside = [TextLine("KAD PENGENALAN", 0.9, ((40, 30), (300, 30), (300, 60), (40, 60)))]
    cut = [TextLine("PENGENALAN", 0.9, ((1, 30), (200, 30), (200, 60), (1, 60)))]
    assert covered.border_score(dataclasses.replace(view, text_lines=inside))[0] == 0
    assert covered.border_score(dataclasses.replace(view, text_lines=cut))[0] >= covered.DEFAULT_THRESHOLD
    assert W > 200
