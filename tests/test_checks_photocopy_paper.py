"""-9102 photocopy: the physical cues of a copy (the card's print flush on paper with no shadow at
its edge; toner specks on its light areas) on card photos rendered and degraded here (no engine),
against the same card photographed for real: on a desk, and on a sheet of white paper."""

import dataclasses

import cv2
import numpy as np
import pytest

from ocr.checks import photocopy
from ocr.synth.degrade import Shot, _camera, _place, degrade
from tests.test_checks_cards import card, clean_view, view_from_shot  # noqa: F401 (fixtures)

SEED = 9102  # distinct from the benchmark's and the other check tests' seeds
SHEET_COPY_SEED = SEED + 10  # degrade(..., "photocopy_colour") lays this one on an A4 sheet


@pytest.fixture(scope="module")
def sheet_copy(card):
    shot = degrade(card, "photocopy_colour", np.random.default_rng(SHEET_COPY_SEED))
    assert shot.kind == "photocopy_colour_sheet"
    return view_from_shot(shot, card)


def _on_white_paper(card, seed: int, shadow: bool) -> Shot:
    """The genuine card lying on a sheet of white paper: the surround is as light and plain as a
    copy's sheet, only the card's thickness (its shadow) tells them apart."""
    rng = np.random.default_rng(seed)
    w, h = 1600, 1200
    paper = np.empty((h, w, 3), np.float32)
    paper[:] = (246, 244, 236)
    paper += cv2.resize(rng.normal(0, 1, (5, 4)).astype(np.float32), (w, h))[..., None] * 4
    scene, quad = _place(card.image, rng, surface=paper, shadow=shadow, frame=(w, h))
    return Shot(_camera(scene, rng), quad, None, "test", quality=90)


def test_colour_copy_on_a_sheet_is_flush_on_paper_and_raises_9102(sheet_copy, clean_view):
    assert photocopy.flush_score(sheet_copy) >= photocopy.DEFAULT_THRESHOLD
    assert photocopy.check(sheet_copy) is not None
    assert photocopy.flush_score(clean_view) == 0.0
    assert photocopy.check(clean_view) is None


def test_every_side_of_the_copy_shows_light_paper_and_the_desk_does_not(sheet_copy, clean_view):
    copy_sides = [s for s in photocopy.edge_profiles(sheet_copy) if s is not None]
    desk_sides = [s for s in photocopy.edge_profiles(clean_view) if s is not None]
    assert len(copy_sides) >= 2 and len(desk_sides) >= 2
    assert all(s["rel"] >= photocopy.PAPER_REL for s in copy_sides)  # the sheet is lighter than the print
    assert min(s["rel"] for s in copy_sides) > max(s["rel"] for s in desk_sides)


def test_genuine_card_on_white_paper_casts_a_shadow_and_is_not_a_copy(card):
    on_paper = view_from_shot(_on_white_paper(card, SEED + 3, shadow=True), card)
    sides = [s for s in photocopy.edge_profiles(on_paper) if s is not None]
    assert sides and np.mean([s["dip"] for s in sides]) < photocopy.MEAN_DIP  # the shadow is measured
    assert photocopy.flush_score(on_paper) == 0.0
    assert photocopy.check(on_paper) is None


def test_the_shadow_is_what_tells_a_card_on_paper_from_a_copy(card):
    # the same card and paper, one lit so that it casts a shadow, one not: only the shadowless
    # one can pass for a print on the sheet
    with_shadow = view_from_shot(_on_white_paper(card, SEED + 7, shadow=True), card)
    without = view_from_shot(_on_white_paper(card, SEED + 7, shadow=False), card)

    def mean_dip(view):
        return np.mean([s["dip"] for s in photocopy.edge_profiles(view) if s is not None])

    assert mean_dip(with_shadow) < mean_dip(without) - 3
    assert photocopy.flush_score(with_shadow) == 0.0
    assert photocopy.flush_score(without) >= photocopy.DEFAULT_THRESHOLD


def test_toner_specks_on_the_light_areas_raise_9102(clean_view):
    rng = np.random.default_rng(SEED + 5)
    warped = clean_view.warped.copy()
    grey = cv2.cvtColor(warped, cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    placed = 0
    for _ in range(4000):
        x, y = int(rng.integers(20, w - 20)), int(rng.integers(20, h - 20))
        if grey[y - 8:y + 9, x - 8:x + 9].min() < 120:
            continue  # only on the light, plain areas, as stray toner shows
        cv2.circle(warped, (x, y), 1, (40, 40, 40), -1)
        grey[y - 8:y + 9, x - 8:x + 9] = 0  # keep the dots apart
        placed += 1
        if placed >= 150:
            break
    assert placed >= 60
    specked = dataclasses.replace(clean_view, warped=warped)
    assert photocopy.speck_density(clean_view) < 3
    assert photocopy.speck_density(specked) > 2 * photocopy.SPECK_CENTRE
    assert photocopy.check(specked) is not None and photocopy.check(clean_view) is None


def test_printed_text_and_lines_are_not_counted_as_specks(clean_view):
    # dark detail that comes in groups (letters, a rule) is print, not stray toner
    warped = clean_view.warped.copy()
    h, w = warped.shape[:2]
    for row in range(5):
        cv2.putText(warped, "....::::....::::....", (60, h // 3 + 30 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (30, 30, 30), 1)
    cv2.line(warped, (40, h - 60), (w - 40, h - 60), (30, 30, 30), 1)
    assert photocopy.speck_density(dataclasses.replace(clean_view, warped=warped)) < photocopy.SPECK_CENTRE


@pytest.mark.parametrize("quad", [
    [[10, 10], [20, 20], [30, 30], [40, 40]],  # collinear: no card
    [[-400, -300], [5000, -200], [5200, 4000], [-300, 3900]],  # far outside the frame on every side
])
def test_odd_outlines_give_a_score_and_no_error(clean_view, quad):
    view = dataclasses.replace(clean_view, quad=np.float32(quad))
    assert photocopy.edge_profiles(view) == [None] * 4
    assert 0 <= photocopy.score(view) <= 100
