"""-9101 with no outline: the card's own edge, seen on the desk, runs on to the picture's border (the
frame cut a corner or a strip of the card off, and the engine, which drops an outline meeting two
sides of the frame, read the whole picture as the card). Photos rendered and cut here."""

import cv2
import numpy as np
import pytest

from ocr.checks import covered
from ocr.checks.context import CardView, TextLine
from ocr.synth.degrade import degrade
from tests.test_checks_cards import WARPED, card, clean_view  # noqa: F401 (fixtures)

# Seeds of this file's own, distinct from the benchmark's and the other check tests'.
SEED = 8484


def _no_outline(card, img: np.ndarray, quad: np.ndarray) -> CardView:
    """What the engine hands over when it finds no outline: the whole picture squeezed to the
    card's size, the lines it reads there (those the frame left whole)."""
    h, w = img.shape[:2]
    ww, wh = WARPED
    warped = cv2.resize(img, (ww, wh), interpolation=cv2.INTER_AREA)
    ch, cw = card.image.shape[:2]
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]]), quad.astype(np.float32))
    text = []
    for (x, y, bw, bh), t in card.text_boxes:
        pts = cv2.perspectiveTransform(np.float32([[[x, y], [x + bw, y], [x + bw, y + bh], [x, y + bh]]]), m)[0]
        if pts.min() < 0 or (pts[:, 0] > w - 1).any() or (pts[:, 1] > h - 1).any():
            continue
        text.append(TextLine(t, 0.95, tuple((float(px * ww / w), float(py * wh / h)) for px, py in pts)))
    return CardView("MLIDCardOCR", "front", b"", "JPEG", img, None, warped, text, None, dict(card.fields))


def _photo(card, seed: int):
    shot = degrade(card, "clean", np.random.default_rng(seed))
    return shot.image.copy(), shot.quad.astype(np.float32)


def _cut(img: np.ndarray, quad: np.ndarray, corner: int, cut_x: float, cut_y: float):
    """The picture cut `cut_x` / `cut_y` of the card's width inside corner `corner` (TL, TR, BR, BL)."""
    h, w = img.shape[:2]
    cw = float(np.linalg.norm(quad[1] - quad[0]))
    px, py = quad[corner]
    x0, y0, x1, y1 = 0, 0, w, h
    if corner in (0, 3):
        x0 = int(px + cut_x * cw)
    else:
        x1 = int(px - cut_x * cw)
    if cut_y:
        if corner in (0, 1):
            y0 = int(py + cut_y * cw)
        else:
            y1 = int(py - cut_y * cw)
    return np.ascontiguousarray(img[y0:y1, x0:x1]), quad - np.float32([x0, y0])


@pytest.mark.parametrize("corner, cut_x, cut_y, seed", [(1, 0.06, 0.05, 1), (2, 0.1, 0.04, 2), (2, 0.08, 0.0, 3)])
def test_card_edge_running_off_the_picture_raises_9101_at_the_cut(card, corner, cut_x, cut_y, seed):
    # the portrait's side of the card cut off (no printed line reaches the frame there)
    img, quad = _cut(*_photo(card, SEED + seed), corner, cut_x, cut_y)
    view = _no_outline(card, img, quad)
    s, box = covered._edge_into_frame(view)
    assert s >= covered.DEFAULT_THRESHOLD
    assert covered.analyse(view)[0] >= covered.DEFAULT_THRESHOLD
    # the box marks where the edge leaves the picture: at the cut side
    assert box[0] + box[2] / 2 > img.shape[1] / 2


def test_whole_card_framed_tight_is_not_cut(card):
    # a band printed across the card runs right up to its edge, a few px short of the frame: the
    # card's paper must go on up to the border
    img, quad = _photo(card, SEED + 4)
    cw = float(np.linalg.norm(quad[1] - quad[0]))
    pad = 0.02 * cw
    x0, y0 = np.maximum(quad.min(0) - pad, 0).astype(int)
    x1, y1 = (quad.max(0) + pad).astype(int)
    view = _no_outline(card, np.ascontiguousarray(img[y0:y1, x0:x1]), quad - np.float32([x0, y0]))
    assert covered.analyse(view)[0] == 0
    assert covered._edge_into_frame(view)[0] == 0


def _scene(card, *, sheet: bool, seed: int):
    """A flat shot, drawn here: the card (600 px wide) on a dark desk running off the picture's
    right border - or, with `sheet`, whole on a sheet of paper a little lighter than its own paper
    (a colour copy's) that runs off the border instead."""
    rng = np.random.default_rng(seed)
    img = np.empty((820, 1200, 3), np.float32)
    img[:] = rng.uniform(40, 90, 3)
    img += rng.normal(0, 3, img.shape)
    paper = np.median(card.image[card.image.mean(axis=2) > np.percentile(card.image.mean(axis=2), 60)], axis=0)
    x0, y0 = (420, 190) if sheet else (700, 190)
    if sheet:
        img[150:615, 360:] = np.clip(paper * 1.04 + 4, 0, 255)
    small = cv2.resize(card.image, (600, int(600 * card.image.shape[0] / card.image.shape[1])), interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    vis = min(w, img.shape[1] - x0)
    img[y0:y0 + h, x0:x0 + vis] = small[:, :vis]
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    quad = np.float32([[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]])
    return _no_outline(card, np.clip(img, 0, 255).astype(np.uint8), quad)


def test_a_sheet_round_the_card_running_off_the_picture_is_not_the_card_cut(card, monkeypatch):
    assert covered._edge_into_frame(_scene(card, sheet=False, seed=SEED + 6))[0] > 0  # the card itself cut
    view = _scene(card, sheet=True, seed=SEED + 6)
    assert covered._edge_into_frame(view)[0] == 0
    # the card's own edge on the way in from the sheet's edge to the print is what tells them apart
    monkeypatch.setattr(covered, "EDGE_INNER_STEP", 1e9)
    monkeypatch.setattr(covered, "EDGE_PAPER_BETWEEN", 0.0)
    assert covered._edge_into_frame(view)[0] > 0


def test_crop_of_the_whole_card_has_no_edge_to_follow(card):
    # a scan-like crop: the picture is the card; the edge of the band printed across its top runs
    # into the border at both ends (a cut card's edge turns at a corner in the picture at one end)
    h, w = card.image.shape[:2]
    view = _no_outline(card, card.image.copy(), np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
    assert covered._edge_into_frame(view)[0] == 0
    assert covered.analyse(view)[0] == 0
