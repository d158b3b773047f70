"""-9101 with no outline: a pen lying over the card's print and on past its edge onto the desk (the
pen breaks the outline, so the engine read the whole picture as the card). Photos rendered here."""

import cv2
import numpy as np

from ocr.checks import covered
from ocr.checks.context import CardView, TextLine
from ocr.synth.degrade import degrade
from tests.test_checks_cards import WARPED, card, clean_view  # noqa: F401 (fixtures)

# Seeds of this file's own, distinct from the benchmark's and the other check tests'.
SEED = 7474


def _no_outline(card, lines=None, draw=None, tight: float = 0.0) -> CardView:
    """The card photographed, something drawn on the photo, handed over as the engine does when it
    finds no outline: the whole picture squeezed to the card's size, the print read in it."""
    shot = degrade(card, "clean", np.random.default_rng(SEED + 1))
    img = shot.image.copy()
    quad = shot.quad.astype(np.float32)
    if draw:
        draw(img, quad)
    if tight:  # framed with only `tight` of the card's width round the card
        pad = tight * float(np.linalg.norm(quad[1] - quad[0]))
        x0, y0 = np.maximum(quad.min(0) - pad, 0).astype(int)
        x1, y1 = (quad.max(0) + pad).astype(int)
        img, quad = np.ascontiguousarray(img[y0:y1, x0:x1]), quad - np.float32([x0, y0])
    h, w = img.shape[:2]
    ww, wh = WARPED
    warped = cv2.resize(img, (ww, wh), interpolation=cv2.INTER_AREA)
    # the card's text boxes: card px -> photo (the shot's quad) -> squeezed picture
    ch, cw = card.image.shape[:2]
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]]), quad)
    text = []
    for (x, y, bw, bh), t in card.text_boxes if lines is None else lines:
        pts = cv2.perspectiveTransform(np.float32([[[x, y], [x + bw, y], [x + bw, y + bh], [x, y + bh]]]), m)[0]
        text.append(TextLine(t, 0.95, tuple((float(px * ww / w), float(py * wh / h)) for px, py in pts)))
    return CardView("MLIDCardOCR", "front", b"", "JPEG", img, None, warped, text, None, dict(card.fields))


def _pen(frac_thick: float, colour, *, off: bool = True, deg: float = 25):
    """A pen across the card's middle at 25 degrees, 1.4 card widths long (the longest the generator draws), running past both its edges (or, off=False,
    short enough to stay inside the card)."""
    def draw(img, quad):
        q = quad.astype(np.float32)
        cw = float(np.linalg.norm(q[1] - q[0]))
        c = q.mean(0)
        ang = np.radians(deg)
        d = np.array([np.cos(ang), np.sin(ang)]) * cw * (0.7 if off else 0.2)
        yy = np.linspace(0.9, 1.1, img.shape[0])[:, None, None]
        mask = np.zeros(img.shape[:2], np.float32)
        cv2.line(mask, tuple((c - d).astype(int)), tuple((c + d).astype(int)), 1.0, max(2, int(cw * frac_thick)))
        mask = cv2.GaussianBlur(mask, (0, 0), 1.2)[..., None]
        img[:] = np.clip(img * (1 - mask) + np.float32(colour) * yy * mask, 0, 255).astype(np.uint8)
    return draw


def test_pen_across_the_card_and_off_it_raises_9101_with_its_box(card):
    view = _no_outline(card, draw=_pen(0.055, (40, 150, 60)))
    s, box = covered.analyse(view)
    assert s >= covered.DEFAULT_THRESHOLD
    assert box is not None and box[2] > 0 and box[3] > 0


def test_pen_off_the_card_up_to_a_near_frame_border_raises_9101(card, monkeypatch):
    # framed close round the card: the pen's stretch on the desk is cut short by the
    # frame, yet the strip runs on from the print past the card's edge right up to the border
    view = _no_outline(card, draw=_pen(0.055, (150, 40, 60), deg=60), tight=0.02)
    assert covered.analyse(view)[0] >= covered.DEFAULT_THRESHOLD
    monkeypatch.setattr(covered, "PEN_PAST_EDGE", 10.0)  # without running up to the border: too short
    assert covered.analyse(view)[0] == 0


def test_no_outline_without_a_pen_raises_nothing(card):
    assert covered.analyse(_no_outline(card))[0] == 0


def test_pen_only_on_the_card_is_not_this_cue(card):
    # a strip that stays on the card (like the card's own bands) does not break the outline: the
    # outline cues deal with it, not this one
    assert covered.analyse(_no_outline(card, draw=_pen(0.055, (40, 150, 60), off=False)))[0] == 0


def test_thin_line_across_the_card_is_no_pen(card):
    # a line 1% of the card's width (a card's rim, a printed rule, a crease) is too thin for a pen
    assert covered.analyse(_no_outline(card, draw=_pen(0.01, (40, 150, 60))))[0] == 0


def test_desk_stripes_are_no_pen(card):
    # a striped desk: many parallel strips, none going onto the card (the card lies over them)
    def stripes(img, quad):
        h, w = img.shape[:2]
        q = quad.astype(np.int32)
        card_mask = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(card_mask, q, 1)
        for y in range(0, h, max(8, h // 25)):
            band = np.zeros((h, w), np.uint8)
            cv2.line(band, (0, y), (w, y + w // 6), 1, max(3, h // 60))
            img[(band == 1) & (card_mask == 0)] = (90, 60, 40)
    assert covered.analyse(_no_outline(card, draw=stripes))[0] == 0
