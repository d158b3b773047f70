"""Recognition end to end on freshly generated cards (random seeds, printed on failure), with the
network switched off: the engine must use only the models bundled in the rapidocr wheel."""

import base64
import json
import random
import socket
import uuid

import numpy as np
import pytest

import ocr.engine.core as core
from ocr.checks.context import WarnDetail
from ocr.engine import recognize_images
from ocr.engine.fields_my import extract_front
from ocr.engine.text import Line
from ocr.errors import MLID, SG
from ocr.synth import MY_KINDS, generate_card

SEED = random.SystemRandom().randrange(10**6)
MY_KEYS = {"ID", "Name", "Address", "Sex", "Warn", "Image", "AdvancedInfo", "Type", "Birthday", "MyKadNumber", "WarnCardInfos", "RequestId"}
SG_KEYS = {"ChName", "EnName", "Sex", "CountryOfBirth", "Birthday", "Address", "ID", "Race", "NRICCode", "PostCode", "DateOfExpiration", "DateOfIssue", "Photo", "WarnCardInfos", "RequestId"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*a, **kw):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _truth_fields(truth):
    return {k: v for k, v in truth.items() if not k.startswith("_")}


def _wrong_fields(resp, truth):
    want = _truth_fields(truth)
    return {k: (v, resp.get(k)) for k, v in want.items() if k != "MyKadNumber" and resp.get(k) != v}


# Accuracy is asserted as the engine's targets state it, over several fresh cards: a card it misreads
# (the benchmark measures about 1 in 200 clean cards) must not fail the build at random, while an
# engine that reads cards badly still fails every time. Contract assertions hold for every card.
CARDS_PER_TEST = 3


def _mostly(results: list[tuple[int, object]]) -> None:
    failures = [(seed, problem) for seed, problem in results if problem]
    assert len(failures) <= 1, f"more than one of {len(results)} fresh cards misread: {failures}"


def test_mykad_front_and_back_clean():
    results = []
    for i in range(CARDS_PER_TEST):
        seed = SEED + 10 * i
        kind = random.Random(seed).choice([k for k in MY_KINDS if k != "IKAD"])
        front, truth = generate_card(kind, seed, scene="crop")
        back, back_truth = generate_card(kind, seed, side="back", scene="crop")
        resp = recognize_images(MLID, front, back=back, ret_image=True)
        # The contract, for every card.
        assert MY_KEYS <= set(resp)
        assert resp["Warn"] == [] and isinstance(resp["WarnCardInfos"], list)
        uuid.UUID(resp["RequestId"])
        info = json.loads(resp["AdvancedInfo"])
        assert set(info) >= {"ID", "Name", "Address", "Sex"}
        assert all(0.0 <= float(v["Confidence"]) <= 1.0 for v in info.values()), (seed, info)
        if truth["_photo_box"]:
            assert base64.b64decode(resp["Image"])[:2] == b"\xff\xd8", seed
        # What a clean card should get: every field right, the back's number, no warning, high confidence.
        problems = _wrong_fields(resp, truth)
        if resp["MyKadNumber"] != back_truth["MyKadNumber"]:
            problems["MyKadNumber"] = (back_truth["MyKadNumber"], resp["MyKadNumber"])
        if resp["WarnCardInfos"]:
            problems["WarnCardInfos"] = resp["WarnCardInfos"]
        low = {k: v["Confidence"] for k, v in info.items() if float(v["Confidence"]) < 0.9}
        if low:
            problems["low confidence"] = low
        results.append((seed, problems))
    _mostly(results)


def test_singapore_front_and_back_photographed():
    results = []
    for i in range(CARDS_PER_TEST):
        seed = SEED + 1 + 10 * i
        front, ft = generate_card("SG", seed, scene="photo")
        back, bt = generate_card("SG", seed, side="back", scene="photo")
        rf = recognize_images(SG, front, ret_image=True)
        rb = recognize_images(SG, back)
        assert SG_KEYS <= set(rf) and SG_KEYS <= set(rb)
        assert rf["RequestId"] != rb["RequestId"]
        assert "ID" in json.loads(rf["AdvancedInfo"])
        assert not rb["Photo"]  # a back has no portrait
        problems = {**_wrong_fields(rf, ft), **_wrong_fields(rb, bt)}
        if not rf["Photo"]:
            problems["Photo"] = "no portrait from the front"
        results.append((seed, problems))
    _mostly(results)


def test_rotated_photo_of_a_malaysian_card():
    results = []
    for i in range(CARDS_PER_TEST):
        seed = SEED + 2 + 10 * i
        kind = random.Random(seed).choice(MY_KINDS)
        data, truth = generate_card(kind, seed, scene="photo")
        resp = recognize_images(MLID, data)
        got, want = (resp["Type"], resp["ID"]), (kind, truth["ID"])
        results.append((seed, None if got == want else {"Type, ID": (want, got)}))
    _mostly(results)


def test_card_checks_are_run_and_reported(monkeypatch):
    seen = []

    def fake_checks(view):
        seen.append(view)
        return [WarnDetail(-9103, 80, (1, 2, 3, 4)), WarnDetail(-9101, 60)]

    monkeypatch.setattr(core, "run_checks", fake_checks)
    data, truth = generate_card("MyKad", SEED + 3, scene="crop")
    resp = recognize_images(MLID, data)
    assert resp["WarnCardInfos"] == [-9103, -9101] or resp["WarnCardInfos"] == [-9101, -9103]
    assert resp["WarnCardInfos"] == sorted(resp["WarnCardInfos"])
    assert {"Code": -9103, "Score": 80, "Box": [1, 2, 3, 4], "Side": "front"} in resp["WarnDetails"]
    view = seen[0]
    assert view.side == "front" and view.warped.shape == (540, 856, 3) and view.text_lines
    assert view.fields["ID"] == truth["ID"] and view.original.dtype == np.uint8


def test_a_warning_from_a_mykad_back_says_it_came_from_the_back(monkeypatch):
    # Front and back come in one MLIDCardOCR call; the reviewer must be shown the right image.
    monkeypatch.setattr(core, "run_checks", lambda view: [WarnDetail(-9108 if view.side == "back" else -9107, 75)])
    front, _ = generate_card("MyKad", SEED + 4, scene="crop")
    back, _ = generate_card("MyKad", SEED + 4, side="back", scene="crop")
    resp = recognize_images(MLID, front, back)
    assert resp["WarnCardInfos"] == [-9108, -9107]
    assert sorted((d["Code"], d["Side"]) for d in resp["WarnDetails"]) == [(-9108, "back"), (-9107, "front")]


def _lines(*rows):
    return [Line(text, 0.99, 20, 40 * i, 20 + 15 * len(text), 40 * i + 25) for i, text in enumerate(rows)]


def test_confidence_is_low_when_a_read_breaks_the_rules():
    # A month of 13 and an unused place-of-birth code cannot be a real number, however sure the
    # recogniser was; a sex that contradicts the last digit makes both fields doubtful.
    good = _lines("KAD PENGENALAN", "MALAYSIA", "", "", "710716-08-6085", "", "", "", "KAVIN ONG", "NO 11 JALAN SETIA 4", "TAMAN PERAK", "31400 IPOH", "PERAK")
    f, c = extract_front(good, 856, 540, (214, 228, 244))
    assert f["ID"] == "710716-08-6085" and c["ID"] > 0.9
    bad = _lines("KAD PENGENALAN", "MALAYSIA", "", "", "711316-19-6085", "", "", "", "KAVIN ONG", "NO 11 JALAN SETIA 4", "TAMAN PERAK", "31400 IPOH", "PERAK")
    f, c = extract_front(bad, 856, 540, (214, 228, 244))
    assert f["ID"] == "711316-19-6085" and c["ID"] < 0.5
    contradict = good + [Line("PEREMPUAN", 0.99, 560, 470, 700, 495)]
    f, c = extract_front(contradict, 856, 540, (214, 228, 244))
    assert f["Sex"] == "PEREMPUAN" and c["Sex"] < 0.9 and c["ID"] < 0.9


def test_rereading_a_region_leaves_detection_on():
    # rapidocr keeps per-call options as engine state; a region re-read must not switch detection off.
    import io

    from PIL import Image

    from ocr.engine.recog import read_card, read_region

    data, _ = generate_card("SG", SEED + 4, scene="crop")
    card = np.asarray(Image.open(io.BytesIO(data)).convert("RGB").resize((856, 540)))
    read_region(card, 300, 300, 500, 340)
    lines, _ = read_card(card)
    assert len(lines) >= 6


def test_glued_and_misread_name_and_address_parts_are_repaired():
    from ocr.engine.fields_my import _fix_address, fix_name

    assert fix_name("KUMARA/LARUMUGAM") == "KUMAR A/L ARUMUGAM"
    assert fix_name("PRIYA AIP MUNIANDY") == "PRIYA A/P MUNIANDY"
    assert fix_name("SALMAH BINTIMAHMUD") == "SALMAH BINTI MAHMUD"
    assert fix_name("BINTANG BIN ALI") == "BINTANG BIN ALI"  # a first name starting with BIN stays
    assert _fix_address("NO.12 JLN SS2/24 01000KANGAR W.PERSEKUTUAN(KL)") == "NO. 12 JLN SS2/24 01000 KANGAR W. PERSEKUTUAN(KL)"


def _blurred_photo(data: bytes, sigma: float) -> bytes:
    import cv2

    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    ok, out = cv2.imencode(".jpg", cv2.GaussianBlur(img, (0, 0), sigma), [cv2.IMWRITE_JPEG_QUALITY, 90])
    return out.tobytes()


# Cards that stand out from their desk: blurred this much, a card the colour of its desk loses its
# outline too, and "no card" is then still the answer (checked below with a blank photo).
BLURRED_CARDS = [("SG", 101), ("MyTentera", 100), ("MyKAS", 101), ("MyKad", 105), ("IKAD", 103)]


@pytest.mark.parametrize("kind,seed", BLURRED_CARDS)
def test_a_card_too_blurred_to_read_is_answered_blurry_not_no_card(kind, seed):
    # The customer should be asked for a sharper photo, not told that no card was found.
    data, _ = generate_card(kind, seed, scene="photo")
    resp = recognize_images(SG if kind == "SG" else MLID, _blurred_photo(data, sigma=12))
    assert resp["WarnCardInfos"] == [-9108]
    assert resp["ID"] == "" and not any(v for k, v in resp.items() if k in ("Name", "EnName", "Address"))
    assert [d["Code"] for d in resp["WarnDetails"]] == [-9108]


def test_a_sharp_card_shaped_thing_with_nothing_on_it_is_still_no_card():
    import cv2

    from ocr.errors import OcrError

    scene = np.full((720, 1080, 3), (60, 90, 120), np.uint8)
    scene += np.random.default_rng(SEED).integers(0, 20, scene.shape, dtype=np.uint8)  # a desk's texture
    cv2.rectangle(scene, (240, 170), (840, 548), (235, 235, 232), -1)  # a blank card-sized sheet, sharp
    ok, data = cv2.imencode(".jpg", scene)
    with pytest.raises(OcrError) as ei:
        recognize_images(MLID, data.tobytes())
    assert ei.value.code == "FailedOperation.NoMASIDCard"
