"""-9101 when the engine's outline ran round a thumb lying over the card's edge: the outline is the
convex hull of what its edge map joined up, so the thumb's side of it runs round the thumb, off the
card's edge, and nothing lies "across" it. The side is refitted to the card's own straight edge
(covered._refit_quad), across which the thumb then lies. Photos rendered here."""

import cv2
import numpy as np

from ocr.checks import covered
from ocr.synth.degrade import degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

# Seeds of this file's own, distinct from the benchmark's and the other check tests'.
SEED = 9494


def _thumb_in_the_outline(card, seed: int, colour=(214, 150, 122)):
    """A thumb coming in over the card's left edge from the desk, and the engine's outline pushed out
    on that side to take it in (its left corners at the thumb's far end)."""
    shot = degrade(card, "clean", np.random.default_rng(seed))
    img = shot.image.astype(np.float32)
    q = shot.quad.astype(np.float32)
    cw = float(np.linalg.norm(q[1] - q[0]))
    left_mid = (q[0] + q[3]) / 2
    inward = (q.mean(0) - left_mid) / np.linalg.norm(q.mean(0) - left_mid)
    start, tip = left_mid - inward * 0.12 * cw, left_mid + inward * 0.2 * cw
    mask = np.zeros(img.shape[:2], np.float32)
    cv2.line(mask, tuple(start.astype(int)), tuple(tip.astype(int)), 1.0, int(0.12 * cw))
    cv2.circle(mask, tuple(tip.astype(int)), int(0.06 * cw), 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 2)[..., None]
    img = img * (1 - mask) + np.float32(colour) * mask
    shot.image = np.clip(img, 0, 255).astype(np.uint8)
    view = view_from_shot(shot, card)
    hull = q.copy()
    hull[[0, 3], 0] -= 0.12 * cw
    view.quad = hull
    return view


def test_thumb_taken_into_the_outline_is_found_across_the_refitted_edge(card, monkeypatch):
    view = _thumb_in_the_outline(card, SEED + 1)
    assert covered.crossing_score(view)[0] == 0  # along the engine's outline nothing lies across
    refit = covered._refit_quad(view)
    assert refit is not None
    # the left side moved in to the card's edge, the others stayed
    assert refit[0, 0] > view.quad[0, 0] + 20 and refit[3, 0] > view.quad[3, 0] + 20
    assert abs(refit[1, 0] - covered._true_quad(view)[1, 0]) < 15
    assert covered.crossing_score(view, quad=refit)[0] >= covered.DEFAULT_THRESHOLD
    assert covered.analyse(view)[0] >= covered.DEFAULT_THRESHOLD
    monkeypatch.setattr(covered, "REFIT_SUPPORT", 0.0)  # every side taken as on the card's edge
    assert covered._refit_quad(view) is None
    assert covered.crossing_score(view)[0] == 0


def test_an_outline_on_the_card_edge_is_not_refitted(clean_view):
    assert covered._refit_quad(clean_view) is None
    assert covered.analyse(clean_view)[0] == 0
