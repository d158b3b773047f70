"""-9101 corner out with an outline: the outline's corner past the frame is only the card's when the
card itself reaches the picture's border there. An outline that ran on past the card along a desk's
stripe to the frame has the desk at the border (covered._desk_at_frame). Photos rendered here."""

import numpy as np

from ocr.checks import covered
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
