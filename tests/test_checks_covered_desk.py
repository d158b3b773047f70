"""-9101 and the desk inside an outline that ran off the card: the outline's corner past the frame is
only the card's when the card itself reaches the picture's border there (covered._desk_at_frame), and
a skin-toned blob of the desk's own colour is no thumb (covered._blob_is_desk). Photos rendered here."""

import cv2
import numpy as np

from ocr.checks import covered
from ocr.checks.context import CardView
from ocr.synth.degrade import degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

# Seeds of this file's own, distinct from the benchmark's and the other check tests'.
SEED = 6464


def test_outline_run_on_over_the_desk_to_the_frame_is_desk_at_the_border(clean_view):
    h, w = clean_view.original.shape[:2]
    q = np.asarray(clean_view.quad, np.float32).copy()
    assert not covered._desk_at_frame(clean_view, q)  # the card's own outline does not reach the border
    q[1, 0] = q[2, 0] = w + 12  # ... the outline's right side pushed past the frame over the desk
    assert covered._desk_at_frame(clean_view, q)


def test_card_running_off_the_frame_is_the_card_at_the_border(card):
    for k in range(3):
        shot = degrade(card, "covered_corner_out", np.random.default_rng(SEED + k))
        view = view_from_shot(shot, card)
        assert not covered._desk_at_frame(view, np.asarray(shot.quad, np.float32))


def test_desk_of_skin_tone_inside_a_loose_outline_is_no_thumb(clean_view):
    # a wooden desk's tone, seen past the card's edge inside an outline run off over the desk, is
    # the desk's colour; a thumb of the same size and tone on a desk of another colour is not
    img = clean_view.original
    q = np.asarray(clean_view.quad, np.float32)
    blob = np.zeros(covered._card320(clean_view).shape[:2], bool)
    blob[60:120, :30] = True  # where a thumb would come in over the left side
    wood = (150, 100, 70)

    def view_on(desk_rgb):
        v = CardView(clean_view.action, clean_view.side, b"", "JPEG", img.copy(), q, clean_view.warped.copy())
        mask = np.zeros(img.shape[:2], np.uint8)
        cv2.fillConvexPoly(mask, q.astype(np.int32), 1)
        v.original[mask == 0] = desk_rgb
        card = covered._card320(v).copy()
        card[blob] = wood
        v.cache["card320"] = card
        return v

    assert covered._blob_is_desk(view_on(wood), blob)
    assert not covered._blob_is_desk(view_on((40, 60, 140)), blob)
