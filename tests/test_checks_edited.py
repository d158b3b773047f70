"""-9104: editor traces in the file, content that contradicts itself, a field cleaner than the
camera's noise."""

import numpy as np
import pytest

from ocr.checks import edited, run_checks
from ocr.synth.degrade import degrade
from tests.test_checks_cards import card, view_from_shot  # noqa: F401 (fixtures)

SEED = 5150


@pytest.fixture(scope="module")
def clean_shot(card):
    return degrade(card, "clean", np.random.default_rng(SEED + 1))


def codes(view):
    return {d.code for d in run_checks(view)}


def test_clean_photo_is_not_called_edited(card, clean_shot):
    assert -9104 not in codes(view_from_shot(clean_shot, card))


@pytest.mark.parametrize("software,comment", [("Adobe Photoshop 25.3 (Windows)", None), (None, b"Created with GIMP")])
def test_editor_in_metadata_raises_9104(card, clean_shot, software, comment):
    clean_shot.software, clean_shot.comment = software, comment
    try:
        assert -9104 in codes(view_from_shot(clean_shot, card))
    finally:
        clean_shot.software = clean_shot.comment = None


def test_sex_contradicting_the_mykad_number_raises_9104(card, clean_shot):
    fields = dict(card.fields)
    fields["Sex"] = "PEREMPUAN" if fields["Sex"] == "LELAKI" else "LELAKI"
    assert -9104 in codes(view_from_shot(clean_shot, card, fields=fields))


def test_birth_date_contradicting_the_mykad_number_is_found():
    assert edited.mykad_problems({"ID": "710716-08-6085", "Birthday": "16/07/1971", "Sex": "LELAKI"}) == []
    assert edited.mykad_problems({"ID": "710716-08-6085", "Birthday": "17/07/1971", "Sex": "LELAKI"})
    assert edited.mykad_problems({"ID": "710716-18-6085"})  # place code 18 is never issued
    assert edited.mykad_problems({"ID": "7107"}) == []  # a partial read is OCR's doing, not the card's


@pytest.mark.parametrize("nric", ["S1234567D", "T1234567J", "F1234567N", "G1234567X", "M1234567K"])
def test_valid_nric_check_letters_pass(nric):
    assert edited.nric_problems({"ID": nric}) == []


@pytest.mark.parametrize("nric", ["M1234567L", "S1234567A", "T1234567D"])
def test_wrong_nric_check_letter_is_found(nric):
    assert edited.nric_problems({"ID": nric})


def test_pasted_portrait_is_cleaner_than_the_camera_and_raises_9104(card):
    view = view_from_shot(degrade(card, "edit_portrait_swap", np.random.default_rng(SEED + 2)), card)
    details = [d for d in run_checks(view) if d.code == -9104]
    assert details and details[0].box is not None
