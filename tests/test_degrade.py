"""The degradation library: every kind produces a decodable photo with its ground-truth code, the
same seed gives the same photo, and the file-level edits really are in the file."""

import io

import numpy as np
import pytest
from PIL import Image

from ocr.synth.degrade import CODES, DEGRADATIONS, degrade
from tests.test_checks_cards import render_card


@pytest.fixture(scope="module")
def card():
    return render_card(np.random.default_rng(11))


@pytest.mark.parametrize("kind", list(DEGRADATIONS))
def test_each_kind_gives_a_photo_with_its_code(card, kind):
    shot = degrade(card, kind, np.random.default_rng(12))
    assert shot.code == CODES[kind]
    assert shot.image.dtype == np.uint8 and shot.image.ndim == 3
    assert shot.quad.shape == (4, 2)
    img = Image.open(io.BytesIO(shot.encode()))
    assert img.format == "JPEG" and img.size == (shot.image.shape[1], shot.image.shape[0])


def test_clean_photo_keeps_the_whole_card_in_frame(card):
    for seed in range(5):
        shot = degrade(card, "clean", np.random.default_rng(seed))
        h, w = shot.image.shape[:2]
        assert shot.code is None
        assert (shot.quad >= 0).all() and (shot.quad[:, 0] < w).all() and (shot.quad[:, 1] < h).all()


def test_corner_out_leaves_part_of_the_card_outside(card):
    shot = degrade(card, "covered_corner_out", np.random.default_rng(13))
    h, w = shot.image.shape[:2]
    q = shot.quad
    assert (q[:, 0] < 0).any() or (q[:, 1] < 0).any() or (q[:, 0] >= w).any() or (q[:, 1] >= h).any()


def test_same_seed_same_photo(card):
    a = degrade(card, "photocopy_colour", np.random.default_rng(14))
    b = degrade(card, "photocopy_colour", np.random.default_rng(14))
    assert np.array_equal(a.image, b.image)


def test_grey_copy_is_not_exactly_grey(card):
    # a real copy photographed has paper tint and camera colour: a detector keyed on zero chroma
    # would look perfect on a naive synthetic copy and fail on real ones
    img = degrade(card, "photocopy_grey", np.random.default_rng(15)).image.astype(np.int16)
    assert np.abs(img[..., 0] - img[..., 2]).mean() > 1.0


def test_metadata_edit_names_the_editor_in_the_file(card):
    shot = degrade(card, "edit_metadata", np.random.default_rng(16))
    img = Image.open(io.BytesIO(shot.encode()))
    assert img.getexif().get(0x0131) == shot.software or img.info.get("comment") == shot.comment
