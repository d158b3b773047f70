"""-9104: double JPEG compression (an editor's re-save) and a pasted portrait the face
finder missed."""

import dataclasses
import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from ocr.checks import edited
from ocr.synth.degrade import degrade
from tests.test_checks_cards import card, view_from_shot  # noqa: F401 (fixtures)

SEED = 8086


@pytest.fixture(scope="module")
def shot(card):
    return degrade(card, "clean", np.random.default_rng(SEED + 1))


def _saved(shot, quality, first=None):
    return dataclasses.replace(shot, quality=quality, first_quality=first)


@pytest.mark.parametrize("quality", [83, 90, 95])
def test_a_single_compression_is_not_double(card, shot, quality):
    view = view_from_shot(_saved(shot, quality), card)
    assert edited.double_jpeg_statistic(view) < edited.DQ_FIRE
    assert edited.score(view) < edited.DEFAULT_THRESHOLD


@pytest.mark.parametrize("first,second", [(75, 90), (80, 95), (86, 78), (75, 62)])
def test_a_resaved_photo_is_double_but_alone_does_not_raise_9104(card, shot, first, second):
    # a genuine photo re-sent by a messaging app: compressed twice, nothing else changed
    single = edited.double_jpeg_statistic(view_from_shot(_saved(shot, second), card))
    view = view_from_shot(_saved(shot, second, first), card)
    double = edited.double_jpeg_statistic(view)
    assert double > edited.DQ_FIRE and double > 2 * single
    assert edited.score(view) < edited.DEFAULT_THRESHOLD


def test_exif_orientation_is_undone_before_the_block_grid_is_read(card, shot):
    # a phone stores the sensor's pixels and an orientation tag; the engine hands over upright pixels
    first = Image.open(io.BytesIO(_saved(shot, 78).encode()))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    first.save(buf, "JPEG", quality=93, exif=exif.tobytes())
    data = buf.getvalue()
    view = view_from_shot(shot, card, data=data)
    upright = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))
    view = dataclasses.replace(view, original=upright)
    assert edited.double_jpeg_statistic(view) > edited.DQ_FIRE


def test_pixels_that_do_not_match_the_file_are_not_read(card, shot):
    view = view_from_shot(_saved(shot, 90, 75), card)
    half = np.ascontiguousarray(view.original[::2, ::2])  # as if decoded at reduced DCT scale
    assert edited.double_jpeg_statistic(dataclasses.replace(view, original=half)) == 0.0
    png = io.BytesIO()
    Image.fromarray(view.original).save(png, "PNG")
    assert edited.double_jpeg_statistic(dataclasses.replace(view, raw_bytes=png.getvalue(), image_format="PNG")) == 0.0


def test_pasted_portrait_is_found_without_the_face_finder(card):
    clean = view_from_shot(degrade(card, "clean", np.random.default_rng(SEED + 2)), card)
    swapped = view_from_shot(degrade(card, "edit_portrait_swap", np.random.default_rng(SEED + 2)), card)
    clean.face_box = swapped.face_box = None
    assert edited.noise_analysis(swapped)[0] >= edited.DEFAULT_THRESHOLD
    assert edited.noise_analysis(clean)[0] < edited.noise_analysis(swapped)[0]
    assert edited.score(clean) < edited.DEFAULT_THRESHOLD
