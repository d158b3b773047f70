"""-9101 white labels on pale cards (covered.label_score), on card photos rendered and degraded here
(no engine): an opaque white label that a printed line runs into is a label; the same white patch
where no line stops at it (a brighter splice, the card's own white), or a reflection with a soft
rim, is not."""

import cv2
import numpy as np

from ocr.checks import covered
from ocr.synth.degrade import Card, degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

# Seeds of this file's own, distinct from the benchmark's and the other check tests'.
SEED = 7474
WHITE = (250, 250, 245)  # label paper


def _pale(card: Card) -> Card:
    """The card on near-white stock (a pale card), print and portrait kept."""
    img = card.image.astype(np.float32)
    bg = np.all(img > 150, axis=2) & (img.std(axis=2) > 4)
    img[bg] = 0.35 * img[bg] + 0.65 * np.float32([236, 232, 226])
    return Card(np.clip(img, 0, 255).astype(np.uint8), card.face_box, card.text_boxes, card.fields)


def _photo(card: Card, img: np.ndarray, boxes, seed: int):
    stuck = Card(img, card.face_box, boxes, card.fields)
    return view_from_shot(degrade(stuck, "clean", np.random.default_rng(seed)), stuck)


def _over_line_end(card: Card, k: int = 2):
    """A white label over the right half of address line k and on past it; the line as the engine
    reads it stops at the label."""
    img = card.image.copy()
    boxes = list(card.text_boxes)
    (x, y, w, h), t = boxes[2 + k]
    lx = x + w // 2
    cv2.rectangle(img, (lx, y - 8), (lx + 230, y + h + 8), WHITE, -1)
    boxes[2 + k] = ((x, y, lx - 2 - x, h), t[: len(t) // 2])
    return img, boxes


def test_pale_card_clean_has_no_label(card):
    pale = _pale(card)
    view = _photo(pale, pale.image, pale.text_boxes, SEED + 1)
    assert covered.label_score(view)[0] == 0
    assert covered.check(view) is None


def test_white_label_a_line_runs_into_raises_9101(card):
    pale = _pale(card)
    img, boxes = _over_line_end(pale)
    view = _photo(pale, img, boxes, SEED + 2)
    sc, box = covered.label_score(view)
    assert sc >= 65 and box is not None
    assert covered.check(view) is not None


def test_white_patch_no_line_stops_at_is_no_label(card):
    # the same white patch, but every line runs on whole beside it (a splice from a brighter photo
    # carries the card's print: its lines run on or stop short of the patch)
    pale = _pale(card)
    img, _ = _over_line_end(pale)
    boxes = list(pale.text_boxes)
    (x, y, w, h), t = boxes[4]
    boxes[4] = ((x, y, w // 2 - 40, h), t)  # stops well short of the patch
    view = _photo(pale, img, boxes, SEED + 2)
    assert covered.label_score(view)[0] == 0


def test_soft_rimmed_white_is_glare_not_a_label(card):
    # light added with a spatial falloff over the same place: clipped core, soft rim
    pale = _pale(card)
    img, boxes = _over_line_end(pale)
    base = pale.image.astype(np.float32)
    (x, y, w, h), _ = pale.text_boxes[4]
    mask = np.zeros(base.shape[:2], np.float32)
    cv2.rectangle(mask, (x + w // 2, y - 8), (x + w // 2 + 230, y + h + 8), 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 9)
    lit = np.clip(base + 400 * mask[..., None], 0, 255).astype(np.uint8)
    view = _photo(pale, lit, boxes, SEED + 2)
    assert covered.label_score(view)[0] == 0
