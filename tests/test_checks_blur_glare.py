"""-9108 blurry and -9107 glare on cards rendered and degraded here (no engine): the physics each
check keys on, changed one thing at a time on the same photo."""

import dataclasses
import cv2
import numpy as np
import pytest

from ocr.checks import blur, glare
from ocr.synth.degrade import degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

SEED = 8128  # not a benchmark seed


def _same(view, **changes):
    return dataclasses.replace(view, **changes)


def _smear(img, length, angle):
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1)
    k = cv2.warpAffine(k, rot, (length, length))
    return cv2.filter2D(img, -1, k / k.sum())


# --- -9108 ---------------------------------------------------------------------------------------

def test_clean_photo_is_not_blurry(clean_view):
    assert blur.check(clean_view) is None
    assert blur.score(clean_view) < 20


@pytest.mark.parametrize("angle", [0, 30, 75, 90, 140])
def test_motion_blur_in_any_direction_is_blurry(clean_view, angle):
    smeared = _same(clean_view, warped=_smear(clean_view.warped, 17, angle))
    s, c = blur.sharpness(smeared), blur.sharpness(clean_view)
    # the smear direction is found: the directional ratio falls well below the all-directions one
    assert s.reblur_min < 0.8 * s.reblur
    assert s.reblur_min < blur.REBLUR_MIN_CENTRE < c.reblur_min
    assert s.edge_width > blur.EDGE_CENTRE > c.edge_width
    assert blur.check(smeared) is not None


def test_score_grows_with_the_blur(clean_view):
    scores = [blur.score(_same(clean_view, warped=cv2.GaussianBlur(clean_view.warped, (0, 0), s))) for s in (0.1, 1.2, 2.5, 4.0)]
    assert scores == sorted(scores) and scores[0] < 20 and scores[-1] >= 90


def test_low_contrast_sharp_card_is_not_blurry(clean_view):
    # a dim, washed-out photo: a third of the contrast, every edge as steep as before relative to it
    img = clean_view.warped.astype(np.float32)
    faded = np.clip(img.mean() + (img - img.mean()) * 0.3, 0, 255).astype(np.uint8)
    assert blur.check(_same(clean_view, warped=faded)) is None


@pytest.mark.parametrize("kind", ["blur_gaussian", "blur_motion", "blur_defocus"])
def test_generated_blur_raises_9108(card, kind):
    view = view_from_shot(degrade(card, kind, np.random.default_rng(SEED + 2)), card)
    assert blur.check(view) is not None


def test_photocopy_is_not_called_blurry(card):
    view = view_from_shot(degrade(card, "photocopy_grey", np.random.default_rng(SEED + 3)), card)
    assert blur.check(view) is None


# --- -9107 ---------------------------------------------------------------------------------------

def _blob_mask(shape, centre=(560, 330), axes=(70, 45)):
    mask = np.zeros(shape[:2], np.float32)
    cv2.ellipse(mask, centre, axes, 20, 0, 360, 1.0, -1)
    return mask


def _reflection(img, mask, halo_gain=90.0):
    """Light added on the laminate: a clipped core and a halo falling off around it."""
    core = cv2.GaussianBlur(mask, (0, 0), 2.5)
    halo = cv2.GaussianBlur(mask, (0, 0), 14)
    light = core * 255 * 1.2 + halo * halo_gain
    return np.clip(img.astype(np.float32) + light[..., None], 0, 255).astype(np.uint8)


def _white_patch(img, mask):
    """A white sticker (or a pasted white patch) of the same shape: an opaque hard edge."""
    a = cv2.GaussianBlur(mask, (0, 0), 0.7)[..., None]  # only the camera's own softness
    return np.clip(img.astype(np.float32) * (1 - a) + 255 * a, 0, 255).astype(np.uint8)


def test_reflection_raises_9107_and_a_white_patch_of_the_same_shape_does_not(clean_view):
    mask = _blob_mask(clean_view.warped.shape)
    lit = _same(clean_view, warped=_reflection(clean_view.warped, mask))
    patched = _same(clean_view, warped=_white_patch(clean_view.warped, mask))
    assert glare.check(clean_view) is None
    d = glare.check(lit)
    assert d is not None and d.score >= glare.DEFAULT_THRESHOLD
    _, _, info = glare.analyse(lit)
    assert info["soft"] >= glare.SOFT_CLEAR
    assert glare.check(patched) is None
    # same size, same clipping: only the rim differs
    trace = []
    glare.analyse(patched, trace)
    assert trace and max(t["soft"] for t in trace if t["frac"] > 0.01) < glare.SOFT_MIN


def test_weaker_halo_scores_lower_but_still_counts(clean_view):
    mask = _blob_mask(clean_view.warped.shape)
    strong = glare.score(_same(clean_view, warped=_reflection(clean_view.warped, mask, 120)))
    weak = glare.score(_same(clean_view, warped=_reflection(clean_view.warped, mask, 40)))
    assert strong >= weak >= glare.DEFAULT_THRESHOLD


def test_streak_running_off_the_card_is_glare(clean_view):
    mask = np.zeros(clean_view.warped.shape[:2], np.float32)
    cv2.line(mask, (250, 0), (700, 540), 1.0, 40)  # a tube's reflection crossing the whole card
    lit = _same(clean_view, warped=_reflection(clean_view.warped, mask))
    assert glare.check(lit) is not None


def test_generated_glare_raises_9107_and_sticker_does_not(card):
    for i in range(3):
        view = view_from_shot(degrade(card, "glare", np.random.default_rng(SEED + 10 + i)), card)
        assert glare.check(view) is not None


def test_blank_area_is_not_judged_but_a_card_smeared_beyond_any_edge_is_blurry(clean_view):
    blank = _same(clean_view, warped=np.full_like(clean_view.warped, 128))
    assert blur.score(blank) == 0
    for sigma in (12, 25, 40):
        smeared = _same(clean_view, warped=cv2.GaussianBlur(clean_view.warped, (0, 0), sigma))
        assert blur.check(smeared) is not None
    assert np.isnan(blur.sharpness(smeared).edge_width)  # at the last, no clear step left to measure


def test_white_patch_on_a_soft_or_blurred_photo_is_not_glare(clean_view):
    # the blur softens the patch's rim too: the rim test must allow for the card's own softness
    patched = _white_patch(clean_view.warped, _blob_mask(clean_view.warped.shape))
    for sigma in (1.5, 3.0, 5.0):
        soft = _same(clean_view, warped=cv2.GaussianBlur(patched, (0, 0), sigma))
        assert glare.check(soft) is None


def test_reflection_over_the_portrait_below_the_face_is_glare_and_a_white_patch_there_is_not(clean_view):
    # a lamp's reflection on the chin and shoulders, off the middle of the face: the portrait
    # background rule must not hide it (its rim is clearly soft), while a white label of the same
    # shape there is a hard step, whatever part of the portrait it covers
    fx, fy, fw, fh = clean_view.face_box
    centre = (fx + fw // 2, fy + int(fh * 0.95))
    mask = _blob_mask(clean_view.warped.shape, centre=centre, axes=(60, 40))
    lit = _same(clean_view, warped=_reflection(clean_view.warped, mask))
    assert glare.check(lit) is not None
    assert glare.check(_same(clean_view, warped=_white_patch(clean_view.warped, mask))) is None


def test_soft_bright_patch_short_of_the_ceiling_in_one_channel_is_not_glare(clean_view):
    # the same soft bright spot, but its weakest channel stops a few levels below the ceiling (a
    # pale card over-exposed, a warm lamp on a cream card): a reflection adds more light than the
    # sensor holds and clips all three channels
    mask = _blob_mask(clean_view.warped.shape)
    lit = _reflection(clean_view.warped, mask)
    assert glare.check(_same(clean_view, warped=lit)) is not None
    capped = lit.copy()
    capped[..., 2] = np.minimum(capped[..., 2], 250)
    assert glare.check(_same(clean_view, warped=capped)) is None


def test_reflection_across_the_face_has_a_soft_rim_and_a_white_patch_there_a_hard_one(clean_view):
    # across the eyes the blob's surround is hair above and skin below, darker and lighter in turn:
    # the rings' percentiles mix them, but on every single ray out of the blob a reflection's light
    # still falls off, and a white label's edge is still a step
    fx, fy, fw, fh = clean_view.face_box
    mask = _blob_mask(clean_view.warped.shape, centre=(fx + fw // 2, fy + int(fh * 0.45)), axes=(60, 25))
    hidden = dict(face_box=None)  # the face is not found under the reflection
    lit, patched = [], []
    glare.analyse(_same(clean_view, warped=_reflection(clean_view.warped, mask), **hidden), lit)
    glare.analyse(_same(clean_view, warped=_white_patch(clean_view.warped, mask), **hidden), patched)
    assert max(t["soft"] for t in lit) >= glare.SOFT_MIN
    assert patched and max(t["soft"] for t in patched) < glare.SOFT_MIN


def test_small_reflection_over_a_text_line_is_glare_and_a_white_dot_there_is_not(clean_view):
    # one blob of a cluster, about a character high at the check's size: it hides part of the name
    mask = _blob_mask(clean_view.warped.shape, centre=(200, 400), axes=(26, 22))
    assert glare.check(_same(clean_view, warped=_reflection(clean_view.warped, mask))) is not None
    assert glare.check(_same(clean_view, warped=_white_patch(clean_view.warped, mask))) is None


def test_white_label_between_text_lines_is_not_glare(clean_view):
    # a label over one address line, the lines above and below a few pixels beyond its edges: on
    # every ray out of it the paper is at the card's level at once, and the next line's ink further
    # out must not read as light falling off
    mask = np.zeros(clean_view.warped.shape[:2], np.float32)
    cv2.rectangle(mask, (50, 425), (330, 465), 1.0, -1)
    assert glare.check(_same(clean_view, warped=_white_patch(clean_view.warped, mask))) is None
