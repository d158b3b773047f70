"""-9101 labels that carry print (covered.patch_score), on card photos rendered and degraded here (no
engine): a word printed on a label ("PAID") breaks its plain inside - notches it, or on a label one
line high pushes it off the line's start - but the label's paper round the word is still one convex
label where a line was; the same label moved off the column of lines is not."""

import dataclasses

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.checks import covered
from ocr.synth.degrade import Card, degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

# Seeds of this file's own, distinct from the benchmark's and the other check tests'.
SEED = 7575
DARK, GREEN, GREY = (40, 40, 40), (120, 220, 140), (90, 90, 90)


def _label(card: Card, box, colour, word: str | None, seed: int, *, unread: str | None = None):
    """The card with a plain label stuck on it, `word` printed at its top left, photographed; the
    line `unread` left out of what the engine read."""
    img = Image.fromarray(card.image.copy())
    d = ImageDraw.Draw(img)
    x, y, w, h = box
    d.rectangle([x, y, x + w, y + h], fill=colour)
    if word:
        d.text((x + 5, y + 3), word, fill=GREY, font=ImageFont.truetype("DejaVuSans.ttf", max(8, h // 3)))
    stuck = Card(np.asarray(img), card.face_box, card.text_boxes, card.fields)
    view = view_from_shot(degrade(stuck, "clean", np.random.default_rng(seed)), stuck)
    if unread:
        view = dataclasses.replace(view, text_lines=[t for t in view.text_lines if t.text != unread])
    return view


def _line(card: Card, text: str):
    return next(b for b in card.text_boxes if b[1] == text)[0]


def test_clean_photo_has_no_label(clean_view):
    assert covered.patch_score(clean_view)[0] == 0
    assert covered.check(clean_view) is None


def test_label_notched_by_its_print_over_the_portraits_top_raises_9101(card):
    # a dark label over the top of the portrait and past its side, "PAID" printed in its corner: its
    # plain inside is notched (solidity < 0.9, once taken for the portrait's own plain areas)
    fx, fy, fw, fh = card.face_box
    box = (fx - 140, fy - 40, 170, 150)  # partly over the portrait tile
    log: list = []
    sc, _ = covered.patch_score(_label(card, box, DARK, "PAID", SEED + 1), log)
    assert sc >= covered.DEFAULT_THRESHOLD
    assert log and log[0]["solid"] >= 0.9


def test_thin_label_with_a_word_at_its_start_over_a_line_raises_9101_off_the_column_not(card):
    # a label one line high over the last address line, "PAID" at its start: the plain inside begins
    # only past the word, off the line's start; the whole label's edge is where the line started
    x, y, w, h = _line(card, "40400 SHAH ALAM")
    over = _label(card, (x - 6, y - 6, w + 12, h + 12), GREEN, "PAID", SEED + 2, unread="40400 SHAH ALAM")
    assert covered.patch_score(over)[0] >= covered.DEFAULT_THRESHOLD
    assert covered.check(over) is not None
    stray = _label(card, (x + 60, y - 6, w + 12, h + 12), GREEN, "PAID", SEED + 2)
    assert covered.patch_score(stray)[0] == 0


def test_small_long_label_over_a_line_counts_where_the_line_is(card):
    # a dark label over one address line, too long to be taken for a chip and smaller than
    # PATCH_MIN (a 7x7 window leaves little of a thin label's height): in the column of lines it
    # hides that line, moved right off the column it is a stray plain strip
    x, y, w, h = _line(card, "TAMAN SRI MUDA")
    log: list = []
    over = _label(card, (x - 6, y - 10, 175, h + 20), DARK, None, SEED + 3, unread="TAMAN SRI MUDA")
    assert covered.patch_score(over, log)[0] >= covered.DEFAULT_THRESHOLD
    assert log and log[0]["frac"] < covered.PATCH_MIN and not log[0]["box"][2] < 0.15 * covered.PATCH_WIDTH
    stray = _label(card, (x + 30, y - 10, 175, h + 20), DARK, None, SEED + 3)
    assert covered.patch_score(stray)[0] == 0


def test_a_plain_piece_whose_colour_runs_on_round_it_has_no_label_extent():
    # the piece's colour going on past the search box: an area of the card's own, no label to fill in
    H, W = 202, 320
    labels = np.zeros((H, W), np.int32)
    labels[H // 2 - 5:H // 2 + 5, W // 2 - 20:W // 2 + 20] = 1
    flat = np.full((H, W, 3), 128, np.float32)  # one colour everywhere
    assert covered._label_extent(flat, labels, 1, (W // 2 - 20, H // 2 - 5, 40, 10), np.float32([128, 128, 128])) is None
    # ... and a plain rectangle of its own colour on another is one label, its box round the piece
    flat[H // 2 - 8:H // 2 + 8, W // 2 - 23:W // 2 + 23] = (40, 128, 128)
    ext = covered._label_extent(flat, labels, 1, (W // 2 - 20, H // 2 - 5, 40, 10), np.float32([40, 128, 128]))
    assert ext is not None and ext[1] >= 0.9
    assert ext[0] == (W // 2 - 23, H // 2 - 8, 46, 16)
    # ... but not when its colour takes in another plain piece: a chip's pads, not one label
    labels[H // 2 + 6:H // 2 + 8, W // 2 - 20:W // 2 + 20] = 2
    assert covered._label_extent(flat, labels, 1, (W // 2 - 20, H // 2 - 5, 40, 10), np.float32([40, 128, 128])) is None
