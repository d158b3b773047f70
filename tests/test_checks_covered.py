"""-9101 covered / border incomplete, on card photos rendered and degraded here (no engine): each cue
fires on its own problem and stays quiet on the same card photographed cleanly."""

import dataclasses

import cv2
import numpy as np
import pytest

from ocr.checks import covered
from ocr.checks.context import CardView, TextLine
from ocr.synth.degrade import Card, degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

# Seeds of this file's own, distinct from the benchmark's and the other check tests'.
SEED = 7373


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
    # a line cut through its top: its box hugs the ink left and stops a few px short of the border;
    # a card prints its lines 3% or more inside its edge
    top_cut = [TextLine("NAMA / NAME", 0.9, ((120, 0.004 * W), (200, 0.004 * W), (200, 40), (120, 40)))]
    margin = [TextLine("NAMA / NAME", 0.9, ((120, 0.03 * W), (200, 0.03 * W), (200, 60), (120, 60)))]
    assert covered.border_score(dataclasses.replace(view, text_lines=top_cut))[0] >= covered.DEFAULT_THRESHOLD
    assert covered.border_score(dataclasses.replace(view, text_lines=margin))[0] == 0


def test_a_scan_like_crop_of_the_whole_card_is_not_cut_however_close_its_title(clean_view):
    # no outline in a picture of the card's own proportions: the card cropped at its edge, as a
    # portal's scanner or cropper sends it; the same line in a camera's frame was cut by it
    title = [TextLine("KAD PENGENALAN", 0.9, ((40, 1), (300, 1), (300, 30), (40, 30)))]
    h = clean_view.original.shape[0]
    for w, cut in ((round(h * 85.6 / 53.98), False), (round(h * 4 / 3), True)):
        original = np.zeros((h, w, 3), np.uint8)
        view = dataclasses.replace(clean_view, quad=None, original=original, text_lines=title)
        assert (covered.border_score(view)[0] >= covered.DEFAULT_THRESHOLD) is cut, (w, h)


def _unread(view, text: str):
    """The view as the engine would give it with one printed line hidden: that line not read."""
    return dataclasses.replace(view, text_lines=[t for t in view.text_lines if t.text != text])


def test_small_label_in_the_column_of_lines_raises_9101_a_stray_blob_of_its_size_does_not(card):
    # a label the size of the chip over the last address line: where that line should be, the
    # lines above it start where it starts; the same label off the column is set aside like a chip
    (x, y, w, h), text = next(b for b in card.text_boxes if b[1] == "SELANGOR")
    over = _unread(_stuck(card, (x - 6, y - 12, 120, 46), (250, 230, 90), SEED + 1), text)
    stray = _unread(_stuck(card, (x + 54, y - 12, 120, 46), (250, 230, 90), SEED + 1), text)
    assert covered.check(over) is not None
    assert covered.check(stray) is None


def test_pale_label_over_a_line_counts_when_the_card_number_was_not_read(card):
    # a label barely paler than the card (a splice from another card of the kind steps as little):
    # evidence only when the number, which every card prints, is missing from what was read
    (x, y, w, h), text = card.text_boxes[1]  # the name line, the address lines start under it
    view = _unread(_stuck(card, (x - 6, y - 6, w + 12, h + 12), (222, 222, 214), SEED + 1), text)
    assert covered.check(dataclasses.replace(view, fields={**card.fields, "ID": ""})) is not None
    assert covered.check(view) is None


def test_card_background_boxed_in_by_print_is_no_label(card):
    # a strip of the card's own background between dark print above, below and at both ends stands
    # out from what is round it as much as a label does, but it is the card's colour
    def boxed(fill):
        img = card.image.copy()
        cv2.rectangle(img, (200, 170), (560, 260), (25, 25, 30), -1)
        if fill is None:
            img[196:235, 216:545] = card.image[196:235, 216:545]
        else:
            cv2.rectangle(img, (216, 196), (544, 234), fill, -1)
        c = Card(img, card.face_box, card.text_boxes, card.fields)
        return view_from_shot(degrade(c, "clean", np.random.default_rng(SEED + 1)), c)

    assert covered.patch_score(boxed(None))[0] == 0
    assert covered.patch_score(boxed((250, 230, 90)))[0] >= covered.DEFAULT_THRESHOLD


def test_chip_pads_are_not_a_label_in_the_column_of_lines():
    # two plain pieces of one colour stacked (a chip's pads) and a single one
    lab = np.full((60, 100, 3), 200, np.float32)
    flat = np.zeros((60, 100), np.uint8)
    flat[10:20, 10:50] = 1
    flat[24:34, 10:50] = 1
    n, labels, stats, _ = cv2.connectedComponentsWithStats(flat, 4)
    assert n == 3 and covered._has_twin(labels, stats, 1, lab, lab[15, 20])
    flat[24:34, 10:50] = 0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(flat, 4)
    assert not covered._has_twin(labels, stats, 1, lab, lab[15, 20])
    lines = [(12.0, 0.0, 80.0, 8.0)]
    assert covered._in_text_column((10, 10, 40, 10), lines)
    assert not covered._in_text_column((30, 10, 40, 10), lines)


def test_keys_over_the_portrait_raise_9101_a_light_ragged_area_there_does_not(card):
    # keys hide the face: a ragged, thick, dark plain patch over the portrait tile with no face
    # found; a light one there is what a portrait's own backdrop looks like
    fx, fy, fw, fh = card.face_box

    def keys(colour):
        img = card.image.copy()
        cx, cy = fx + fw // 2, fy + fh // 2
        for dx, dy, ang in ((-40, -30, 20), (30, 10, 110), (-10, 50, 160)):
            cv2.ellipse(img, (cx + dx, cy + dy), (100, 34), ang, 0, 360, colour, -1)
        c = Card(img, card.face_box, card.text_boxes, card.fields)
        view = view_from_shot(degrade(c, "clean", np.random.default_rng(SEED + 3)), c)
        return dataclasses.replace(view, face_box=None)

    assert covered.check(keys((70, 60, 140))) is not None
    assert covered.check(keys((200, 205, 215))) is None


def test_narrow_thing_across_the_edge_counts_when_the_number_was_not_read_or_of_a_strong_colour(card):
    # a stick of one colour lying across the top edge over the number, about 11% of the side wide:
    # a grey one counts only when the number was not read, a coloured one (a narrow finger, a
    # coloured pen; no paper or grey copy is of its chroma) also when it was
    def across(fields, colour=(100, 100, 100)):
        shot = degrade(card, "clean", np.random.default_rng(SEED + 4))
        q = shot.quad
        top = q[0] + (q[1] - q[0]) * 0.3
        down = (q[3] - q[0]) / np.linalg.norm(q[3] - q[0])
        half = 0.055 * np.linalg.norm(q[1] - q[0])
        along = (q[1] - q[0]) / np.linalg.norm(q[1] - q[0])
        poly = np.array([top - along * half - down * 60, top + along * half - down * 60,
                         top + along * half + down * 90, top - along * half + down * 90], np.int32)
        img = shot.image.copy()
        cv2.fillConvexPoly(img, poly, colour)
        shot.image = img
        return view_from_shot(shot, card, fields=fields)

    unread = across({**card.fields, "ID": ""})
    assert covered.crossing_score(unread)[0] >= covered.DEFAULT_THRESHOLD
    assert covered.crossing_score(across(card.fields))[0] == 0
    assert covered.crossing_score(across(card.fields, (150, 160, 90)))[0] >= covered.DEFAULT_THRESHOLD


def _over_last_line(card: Card, rel, colour, shift: int = 0):
    """The card photographed with a label over its last address line ("SELANGOR"), that line not
    read: `rel` is the label's box relative to the line's top-left (dx, dy, w, h); `shift` moves it
    right, off the column of lines."""
    (x, y, _, _), text = next(b for b in card.text_boxes if b[1] == "SELANGOR")
    dx, dy, w, h = rel
    return _unread(_stuck(card, (x + dx + shift, y + dy, w, h), colour, SEED + 1), text)


def test_label_over_one_short_word_counts_only_where_a_line_is(card):
    # a label just covering the last address line (its plain inside ~0.3% of the card, under
    # PATCH_MIN): in the column of lines it is a label; the same blob moved off the column is not
    log: list = []
    over = _over_last_line(card, (-6, -12, 130, 38), (250, 230, 90))
    assert covered.patch_score(over, log)[0] >= covered.DEFAULT_THRESHOLD
    assert log and log[0]["frac"] < covered.PATCH_MIN
    assert covered.check(_over_last_line(card, (-6, -12, 130, 38), (250, 230, 90), shift=40)) is None


@pytest.mark.parametrize("rgb, skin", [
    ((200, 160, 140), True), ((150, 138, 123), True), ((120, 85, 70), True), ((230, 180, 160), True),
    ((90, 130, 200), False), ((130, 160, 100), False), ((160, 160, 160), False), ((60, 60, 200), False),
])
def test_skin_box_takes_every_tone_of_skin_not_blue_green_or_grey(rgb, skin):
    # (150, 138, 123): a thumb lit grey, left out by the box used before (Cr >= 138)
    assert bool(covered._is_skin(np.array([rgb], np.uint8))[0]) is skin


def test_the_chip_of_a_mykad_is_no_label_in_the_column_of_lines(clean_view):
    # a plain chip-sized patch left of the lines, between the number and the name, is the chip on a
    # MyKad-family card; the same place on an i-Kad or a Singapore card holds no chip
    W, H = 320, 202
    chip = (39, 82, 28, 22)
    mykad = dataclasses.replace(clean_view, action="MLIDCardOCR", fields={"Type": "MyKad"})
    assert covered._at_chip(mykad, chip, W, H)
    assert not covered._at_chip(mykad, (150, 82, 28, 22), W, H)
    assert not covered._at_chip(dataclasses.replace(mykad, fields={"Type": "IKAD"}), chip, W, H)
    assert not covered._at_chip(dataclasses.replace(clean_view, action="RecognizeSingaporeIDCardOCR"), chip, W, H)


def _pen(card: Card, a, b, seed: int, width: float = 0.05):
    """The card with a pen `width` of the card wide drawn from `a` to `b` (fractions of the card),
    photographed."""
    img = card.image.copy()
    H, W = img.shape[:2]
    cv2.line(img, (int(a[0] * W), int(a[1] * H)), (int(b[0] * W), int(b[1] * H)), (60, 150, 200), int(width * W))
    c = Card(img, card.face_box, card.text_boxes, card.fields)
    return view_from_shot(degrade(c, "clean", np.random.default_rng(seed)), c)


def test_slanted_pen_raises_9101_even_near_the_edge_where_the_card_has_its_bands(card):
    # a pen from near the top edge down across the card at ~20 degrees: its plain body is long and
    # wide along the top like one of the card's bands (which are set aside), but slanted, and the
    # card prints nothing slanted
    view = _pen(card, (0.3, 0.03), (0.9, 0.4), SEED + 5)
    assert covered.patch_score(view)[0] >= covered.DEFAULT_THRESHOLD
    # a thin one across the lines and the portrait, whose plain middle is only a few px wide at the
    # check's size and, cut by what it lies on, not convex
    thin = _pen(card, (0.05, 0.9), (0.95, 0.2), SEED + 5, width=0.035)
    assert covered.patch_score(thin)[0] >= covered.DEFAULT_THRESHOLD
    pts = np.array([[0, 0], [100, 36], [98, 42], [-2, 6]], np.int32)  # 20 degrees, 5x as long as wide
    assert covered._is_rod(pts, int(0.95 * cv2.contourArea(pts)), 320)
    flat = np.array([[0, 0], [100, 5], [98, 11], [-2, 6]], np.int32)  # 3 degrees: along the card
    assert not covered._is_rod(flat, int(0.95 * cv2.contourArea(flat)), 320)


def test_label_over_a_caption_counts_in_the_column_of_lines_with_a_clear_step(card):
    # a label the size of a caption ("Name"), its plain inside ~0.15% of the card (under
    # PATCH_MIN_LINE): in the column of lines and dark on the pale card it is a label; a pale one,
    # or the same one off the column, is not
    log: list = []
    over = _over_last_line(card, (-6, -8, 72, 36), (40, 40, 40))
    assert covered.patch_score(over, log)[0] >= covered.DEFAULT_THRESHOLD
    assert log and log[0]["frac"] < covered.PATCH_MIN_LINE
    assert covered.check(_over_last_line(card, (-6, -8, 72, 36), (215, 215, 205))) is None  # pale
    assert covered.check(_over_last_line(card, (-6, -8, 72, 36), (40, 40, 40), shift=40)) is None  # off the column


def test_a_side_running_to_the_frame_may_drift_off_the_outline_but_must_be_edge_up_to_it():
    # a card running off the right of the frame; the outline's bottom side leaves the card's edge
    # by ~8 px towards the frame (a loose fit): still the card's edge up to the frame. An outline
    # that ran on across the desk past a card ending inside the frame has no edge next to it.
    def follows(card_right, quad):
        img = np.full((500, 800, 3), 60, np.uint8)
        cv2.rectangle(img, (100, 100), (card_right, 400), (230, 225, 200), -1)
        img = cv2.GaussianBlur(img, (0, 0), 1.0)
        view = CardView("MLIDCardOCR", "front", b"", "JPEG", img, np.float32(quad), np.zeros((540, 856, 3), np.uint8))
        outside = [x > 795 for x, _ in covered._true_quad(view)]
        return covered._outline_follows_card(view, covered.card_quad(view), outside)

    assert follows(900, [[100, 100], [900, 100], [900, 392], [100, 410]])
    assert not follows(640, [[100, 100], [900, 100], [900, 400], [100, 400]])


def test_label_a_little_off_the_column_counts_when_a_field_every_card_prints_is_unread(card):
    # a dark label over the last address line, its left edge ~6 px (at the check's 320 px) off where
    # the lines start - as on a card photographed askew: a label when the sex, which every card
    # prints, was not read; with every field read it is set aside like a chip
    (x, y, w, h), text = next(b for b in card.text_boxes if b[1] == "SELANGOR")
    view = _unread(_stuck(card, (x + 10, y - 12, 120, 46), (40, 40, 40), SEED + 1), text)
    assert covered.check(view) is None
    assert covered.check(dataclasses.replace(view, fields={**card.fields, "Sex": ""})) is not None
    assert covered._field_unread(dataclasses.replace(view, fields={**card.fields, "Address": ""}))
    assert not covered._field_unread(dataclasses.replace(view, fields={**card.fields, "Birthday": ""}))


def test_a_sliver_of_a_band_split_off_by_a_line_of_print_is_the_cards_own():
    # a plain strip 8 px thick with the same colour again just past a line of print: a band of the
    # card; the same colour past the print but 14 px thick (a key of a bunch) or alone is not
    lab = np.full((80, 120, 3), 200, np.float32)

    def sliver(thick, twin):
        flat = np.zeros((80, 120), np.uint8)
        flat[10:10 + thick, 10:90] = 1
        if twin:
            flat[10 + thick + 6:60, 10:90] = 1
        n, labels, stats, _ = cv2.connectedComponentsWithStats(flat, 4)
        return covered._band_sliver(labels, stats, 1, lab, lab[12, 20])

    assert sliver(8, True)
    assert not sliver(14, True)
    assert not sliver(8, False)


def test_a_plain_piece_whose_colour_goes_on_round_it_is_no_label():
    # a label's colour stops at its rim: round it, the card and its print; a piece of a band cut off
    # by print has the band's colour again between the strokes round it
    colour = np.array([200.0, 150.0, 130.0], np.float32)
    card_and_print = np.array([[240, 128, 128]] * 70 + [[40, 128, 128]] * 30, np.float32)
    band_between_print = np.array([[200, 151, 131]] * 45 + [[40, 128, 128]] * 55, np.float32)
    assert covered._ring_same(card_and_print, colour) < covered.RING_SAME
    assert covered._ring_same(band_between_print, colour) >= covered.RING_SAME


def _desk_card(quad, desk=(60, 60, 60), card_box=(100, 100, 640, 400)):
    """A plain pale card on a plain desk, the engine's outline `quad`; the warped card from it."""
    img = np.full((500, 800, 3), desk, np.uint8)
    x0, y0, x1, y1 = card_box
    cv2.rectangle(img, (x0, y0), (x1, y1), (230, 225, 200), -1)
    return img


def _view(img, quad, fields=None):
    q = np.float32(quad)
    m = cv2.getPerspectiveTransform(q, np.float32([[0, 0], [856, 0], [856, 540], [0, 540]]))
    warped = cv2.warpPerspective(img, m, (856, 540), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return CardView("MLIDCardOCR", "front", b"", "JPEG", img, q, warped, [], None, dict(fields or {"ID": "x"}))


def test_a_thing_across_the_edge_must_have_the_cards_edge_on_both_sides_of_it():
    # a stick lying over the top edge of a card: the edge shows either side of it. Near the card's
    # right end, with the outline running on past the card across the desk, one side of the
    # stretch is no edge: an outline that left the card (a corner on the desk), not a thing over it
    quad = [[100, 100], [700, 100], [700, 400], [100, 400]]

    def stick(x):
        img = _desk_card(quad)
        cv2.rectangle(img, (x, 40), (x + 90, 160), (60, 150, 200), -1)
        return _view(cv2.GaussianBlur(img, (0, 0), 1.0), quad)

    assert covered.crossing_score(stick(300))[0] >= covered.DEFAULT_THRESHOLD
    assert covered.crossing_score(stick(555))[0] == 0


def test_a_skin_toned_desk_inside_a_loose_outline_is_no_thumb():
    # a beige-brown desk: inside an outline 40 px loose on the left, it lies along the whole left
    # side and has the desk's chroma; a thumb of the same colour over a tight outline's left side
    # covers a part of it, the card shows along the rest; a thumb of another tone is no desk
    desk = (170, 120, 90)
    loose = [[60, 100], [640, 100], [640, 400], [60, 400]]
    tight = [[100, 100], [640, 100], [640, 400], [100, 400]]
    img = cv2.GaussianBlur(_desk_card(loose, desk), (0, 0), 1.0)
    view = _view(img, loose)
    c320 = covered._card320(view)
    blob = np.zeros(c320.shape[:2], bool)
    blob[40:90, :15] = True
    assert covered._desk_along_side(view, c320, blob, "x", True)

    thumb = _desk_card(tight, desk)
    cv2.ellipse(thumb, (100, 250), (70, 35), 0, 0, 360, desk, -1)
    view = _view(cv2.GaussianBlur(thumb, (0, 0), 1.0), tight)
    c320 = covered._card320(view)
    blob = np.zeros(c320.shape[:2], bool)
    blob[95:125, :30] = True
    assert not covered._desk_along_side(view, c320, blob, "x", True)

    view = _view(cv2.GaussianBlur(_desk_card(loose, (200, 200, 80)), (0, 0), 1.0), loose)
    c320 = covered._card320(view)
    blob = np.zeros(c320.shape[:2], bool)
    blob[40:90, :15] = True
    c320[40:90, :15] = desk
    assert not covered._desk_along_side(view, c320, blob, "x", True)


def test_a_cut_card_has_text_near_its_top_or_bottom_a_screen_showing_it_need_not(card):
    # the cut photo again, its lines pulled towards the middle from top and bottom only (left ends
    # kept): a screen whose picture's left side is close to the card's, the card's top and bottom
    # far inside it - the picture running off the frame leaves the card whole
    view = view_from_shot(degrade(card, "covered_corner_out", np.random.default_rng(SEED + 2)), card)
    H = view.warped.shape[0]
    squeezed = [TextLine(t.text, t.score, tuple((x, H / 2 + (y - H / 2) * 0.6) for x, y in t.box))
                for t in view.text_lines]
    assert covered.border_score(view)[0] > 0
    assert covered.border_score(dataclasses.replace(view, text_lines=squeezed))[0] == 0


def test_a_printed_line_running_into_the_frame_shows_a_cut_card_where_the_outline_left_its_edge():
    # the card runs off the right of the frame and the outline with it but, a loose fit, along no
    # edge of the card (40 px off its top and bottom); a printed line that runs into the frame's
    # border still shows the frame cut the card
    img = cv2.GaussianBlur(_desk_card(None, card_box=(100, 100, 800, 400)), (0, 0), 1.0)
    quad = [[100, 60], [900, 60], [900, 440], [100, 440]]

    def view(right_line):
        lines = [TextLine("KAD PENGENALAN", 0.9, ((20, 20), (300, 20), (300, 50), (20, 50))),
                 TextLine("WARGANEGARA", 0.9, ((600, 300), (right_line, 300), (right_line, 330), (600, 330)))]
        return dataclasses.replace(_view(img, quad), text_lines=lines)

    assert covered.border_score(view(790))[0] >= covered.DEFAULT_THRESHOLD
    assert covered.border_score(view(700))[0] == 0


def test_a_piece_of_the_cards_colour_a_little_lighter_is_its_background_in_brighter_light(card):
    # a plain area boxed in by dark print, of the card's background chroma and 12 levels lighter:
    # the card's own background where the light falls brighter; of another chroma, a label
    (x, y, w, h), _ = card.text_boxes[1]
    bg = cv2.cvtColor(np.uint8([[np.median(card.image.reshape(-1, 3), axis=0)]]), cv2.COLOR_RGB2LAB)[0, 0].astype(int)

    def boxed(db):
        fill = cv2.cvtColor(np.uint8([[np.clip(bg + [12, 0, db], 0, 255)]]), cv2.COLOR_LAB2RGB)[0, 0]
        img = card.image.copy()
        cv2.rectangle(img, (x - 16, y - 30), (x + w + 16, y + h + 30), (40, 40, 40), -1)
        cv2.rectangle(img, (x - 8, y - 22), (x + w + 8, y + h + 22), tuple(int(c) for c in fill), -1)
        stuck = Card(img, card.face_box, card.text_boxes, card.fields)
        return covered.patch_score(view_from_shot(degrade(stuck, "clean", np.random.default_rng(SEED + 1)), stuck))[0]

    assert boxed(0) == 0
    assert boxed(12) >= covered.DEFAULT_THRESHOLD


def test_a_card_whose_corner_is_just_inside_the_frame_is_whole():
    # the engine's outline stops at the frame where the card runs off it: the corner pushed out to
    # the card's real one lies past the frame. A whole card ending 10 px short of the frame, its
    # outline there too, is not cut (its real corner is just inside the frame)
    lines = [TextLine("KAD PENGENALAN", 0.9, ((20, 20), (300, 20), (300, 50), (20, 50)))]

    def border(card_right, outline_right):
        img = cv2.GaussianBlur(_desk_card(None, card_box=(100, 100, card_right, 400)), (0, 0), 1.0)
        quad = [[100, 100], [outline_right, 100], [outline_right, 400], [100, 400]]
        return covered.border_score(dataclasses.replace(_view(img, quad), text_lines=lines))[0]

    assert border(900, 799) >= covered.DEFAULT_THRESHOLD
    assert border(789, 789) == 0
