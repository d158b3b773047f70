from datetime import date

import pytest

from kyc.checks import FAIL, PASS, UNKNOWN, card_checks, mykad_birth_date, nric_check_letter
from kyc.masking import mask_id_number

TODAY = date(2026, 11, 21)


def by_code(checks):
    return {c.code: c for c in checks}


def test_the_seed_mykad_passes_every_check():
    checks = by_code(card_checks("MY", "MyKad", {"ID": "710716-08-6085", "Birthday": "16/07/1971", "Sex": "LELAKI",
                                                 "Address": "NO 11 JALAN 4 31400 IPOH PERAK"}, today=TODAY))
    assert {c.status for c in checks.values()} == {PASS}
    assert "Perak" in checks["place_of_birth"].detail


def test_mykad_century_is_the_latest_date_not_in_the_future():
    assert mykad_birth_date("710716-08-6085", today=TODAY) == date(1971, 7, 16)
    assert mykad_birth_date("150101-14-1234", today=TODAY) == date(2015, 1, 1)
    assert mykad_birth_date("261231-14-1234", today=TODAY) == date(1926, 12, 31)
    assert mykad_birth_date("711332-08-6085", today=TODAY) is None


def test_mykad_birth_date_and_sex_disagreeing_with_the_card_fail():
    checks = by_code(card_checks("MY", "MyKad", {"ID": "710716-08-6085", "Birthday": "17/07/1971", "Sex": "PEREMPUAN"}, today=TODAY))
    assert checks["birth_date"].status == FAIL
    assert checks["sex"].status == FAIL


def test_an_unreadable_printed_value_is_unknown_not_a_pass():
    checks = by_code(card_checks("MY", "MyKad", {"ID": "710716-08-6085", "Birthday": "", "Sex": "LEAKI"}, today=TODAY))
    assert checks["birth_date"].status == UNKNOWN
    assert checks["sex"].status == UNKNOWN


@pytest.mark.parametrize("pb,ok", [("08", True), ("16", True), ("59", True), ("99", True), ("00", False), ("17", False), ("70", False), ("95", False)])
def test_place_of_birth_codes(pb, ok):
    checks = by_code(card_checks("MY", "MyKad", {"ID": f"710716-{pb}-6085"}, today=TODAY))
    assert checks["place_of_birth"].status == (PASS if ok else FAIL)


def test_malformed_mykad_number_fails_format():
    assert by_code(card_checks("MY", "MyKad", {"ID": "71O716-08-6085"}, today=TODAY))["id_format"].status == FAIL


def test_mykad_postcode_shape():
    assert by_code(card_checks("MY", "MyKad", {"ID": "710716086085", "Address": "JALAN 3140 IPOH"}, today=TODAY))["postcode"].status == FAIL


def test_ikad_gets_no_mykad_checks():
    assert card_checks("MY", "IKAD", {"ID": "GM1234567"}, today=TODAY) == []


@pytest.mark.parametrize("number,letter", [("S1234567D", "D"), ("T1234567J", "J"), ("F1234567N", "N"), ("G1234567X", "X"), ("M1234567K", "K")])
def test_nric_check_letters(number, letter):
    assert nric_check_letter(number) == letter


def test_nric_wrong_letter_fails_and_names_the_right_one():
    check = by_code(card_checks("SG", "NRIC", {"ID": "M1234567L"}, today=TODAY))["check_letter"]
    assert check.status == FAIL and "K" in check.detail


def test_nric_birth_year_and_postcode_and_expiry():
    checks = by_code(card_checks("SG", "NRIC", {"ID": "S8812345A", "Birthday": "12-04-1988", "PostCode": "12345",
                                                "DateOfExpiration": "01/01/2020"}, today=TODAY))
    assert checks["birth_year"].status == PASS
    assert checks["postcode"].status == FAIL
    assert checks["expiry"].status == FAIL
    born_2001 = by_code(card_checks("SG", "NRIC", {"ID": "S0112345A", "Birthday": "01/01/2001"}, today=TODAY))
    assert born_2001["birth_year"].status == FAIL


def test_no_id_number_is_unknown():
    assert card_checks("SG", "NRIC", {"ID": ""}, today=TODAY)[0].status == UNKNOWN


@pytest.mark.parametrize("value,country,masked", [
    ("710716-08-6085", "MY", "710716-**-****"), ("710716086085", "MY", "710716-**-****"),
    ("S1234567D", "SG", "S****567D"), ("GM1234567", "MY", "******567"), ("", "MY", ""),
])
def test_masking(value, country, masked):
    assert mask_id_number(value, country) == masked


def test_check_details_never_echo_masked_digits():
    checks = card_checks("SG", "NRIC", {"ID": "S1234567D", "Birthday": "12/04/1988"}, today=TODAY)
    assert all("1234" not in c.detail and "S12" not in c.detail for c in checks)
