"""One recognition: decode, find and warp the card, read it, extract fields, score them, crop the
portrait, run the card checks, and assemble the response exactly as Tencent shapes it."""

import json
import logging
import uuid
from dataclasses import replace

import numpy as np

from ..checks import blur, run_checks
from ..checks.context import CardView
from ..errors import MLID, SG, OcrError
from . import fields_my, fields_sg
from .card import find_card, warp
from .imageio import decode
from .portrait import REGION_LEFT, REGION_RIGHT, crop_portrait, find_face
from .recog import read_card, read_region
from .text import to_lines

log = logging.getLogger(__name__)

MY_KEYS = ("ID", "Name", "Address", "Sex", "Warn", "Image", "AdvancedInfo", "Type", "Birthday", "MyKadNumber", "WarnCardInfos")
SG_KEYS = ("ChName", "EnName", "Sex", "CountryOfBirth", "Birthday", "Address", "ID", "Race", "NRICCode", "PostCode",
           "DateOfExpiration", "DateOfIssue", "Photo", "WarnCardInfos", "AdvancedInfo")


def _background_colour(card: np.ndarray) -> np.ndarray:
    """The card's base colour: the median of its brighter half, where ink and photo are not."""
    small = card[::6, ::6].reshape(-1, 3).astype(np.float32)
    lum = small.mean(axis=1)
    return np.median(small[lum >= np.percentile(lum, 50)], axis=0)


def _read(rgb: np.ndarray, quad):
    card = warp(rgb, quad)
    lines, flipped = read_card(card)
    if flipped:
        card = np.ascontiguousarray(card[::-1, ::-1])
    return card, lines


def _view(action, side, raw, fmt, rgb, quad, card, text_lines) -> CardView:
    return CardView(action=action, side=side, raw_bytes=raw, image_format=fmt, original=rgb,
                    quad=None if quad is None else np.asarray(quad, np.float32), warped=card, text_lines=text_lines)


def _extract(action, card, text_lines):
    """(side, fields, conf, lines) for one reading of the card; side None when nothing fits the action."""
    h, w = card.shape[:2]
    lines = to_lines(text_lines)
    if action == MLID:
        if not fields_my.looks_malaysian(lines):
            return None, {}, {}, lines
        fields, conf = fields_my.extract_front(lines, w, h, _background_colour(card))
        return "front", fields, conf, lines
    side = fields_sg.side_of(lines)
    if side == "front":
        fields, conf = fields_sg.extract_front(lines, w, h, reread=lambda *box: read_region(card, *box))
    else:
        fields, conf = fields_sg.extract_back(lines, w, h)
    return (side if any(fields.values()) else None), fields, conf, lines


def _incomplete(side, fields) -> bool:
    """A reading missing a field every card of its kind prints: the outline may have cut the card."""
    if side is None:
        return True
    if "NRICCode" in fields:
        return not (fields["NRICCode"] and fields["Address"])
    if "EnName" in fields:
        return not (fields["ID"] and fields["Birthday"])
    if fields.get("Type") == "IKAD":
        return not fields["ID"]
    return not (fields["ID"] and fields["Sex"] and fields["Address"])


def _score(side, fields) -> int:
    # The number is the field every card has; without it a reading is a poor one.
    number = fields.get("ID") or fields.get("NRICCode")
    return (side is not None) * (10 * bool(number) + sum(1 for v in fields.values() if v))


def _analyse(action: str, raw: bytes, want_face: bool):
    """Everything about one image: (view, fields, confidences, portrait)."""
    rgb, fmt = decode(action, raw)
    quad = find_card(rgb)
    card, text_lines = _read(rgb, quad)
    side, fields, conf, lines = _extract(action, card, text_lines)
    if quad is not None and _incomplete(side, fields):
        # The outline we found may be wrong (a shadow, a patterned desk, the photo inside a tight
        # crop): read the whole frame as the card too and keep the better reading.
        card2, tl2 = _read(rgb, None)
        r2 = _extract(action, card2, tl2)
        if _score(r2[0], r2[1]) > _score(side, fields):
            quad, card, text_lines = None, card2, tl2
            side, fields, conf, lines = r2
    if side is None:
        if quad is not None:
            # A card's outline, but nothing on it could be read. If that is because the photo is
            # blurred, say so (-9108, every field empty) rather than that there is no card: the
            # customer is then asked for a sharper photo, not for another document.
            view = _view(action, "front", raw, fmt, rgb, quad, card, text_lines)
            view.readable = False
            if blur.check(view) is not None:
                return view, {}, {}, ""
        if action == MLID:
            raise OcrError("FailedOperation.NoMASIDCard", "No Malaysian identity card was found in the image.")
        raise OcrError("FailedOperation.OcrFailed", "No Singapore identity card fields could be read from the image.")
    if action == MLID:
        region = REGION_LEFT if fields["Type"] == "IKAD" else REGION_RIGHT
    else:
        region = REGION_LEFT
    view = _view(action, side, raw, fmt, rgb, quad, card, text_lines)
    view.fields = dict(fields)
    portrait = ""
    if side == "front":
        # The checks use the face box as well, so look for it even when no portrait was asked for.
        face = find_face(card, region)
        view.face_box = face
        if face is not None and want_face:
            portrait = crop_portrait(card, face, region)
    return view, fields, conf, portrait


def _advanced(fields: dict, conf: dict) -> str:
    return json.dumps({k: {"Confidence": f"{min(1.0, max(0.0, conf.get(k, 0.0))):.4f}"} for k, v in fields.items() if v and k in conf},
                      separators=(",", ":"))


def recognize_images(action: str, image: bytes, back: bytes | None = None, ret_image: bool = False) -> dict:
    """The inner Tencent `Response` for one card (MY front [+ back], or one SG side)."""
    request_id = str(uuid.uuid4())
    if action not in (MLID, SG):
        raise OcrError("InvalidAction", f"The action {action!r} is not one of {MLID}, {SG}.", request_id)
    if back is not None and action != MLID:
        raise OcrError("UnknownParameter", "Only MLIDCardOCR takes a back image.", request_id)
    try:
        view, fields, conf, portrait = _analyse(action, image, ret_image)
        # On a card that could not be read only the blur check's answer means anything.
        checks = run_checks(view) if view.readable else [blur.check(view)]
        warns = [replace(d, side=view.side) for d in checks]
        back_fields = {}
        if back is not None:
            brgb, bfmt = decode(action, back)
            bquad = find_card(brgb)
            bcard, btl = _read(brgb, bquad)
            number, nconf = fields_my.extract_back(to_lines(btl))
            back_fields["MyKadNumber"] = number
            if number:
                conf["MyKadNumber"] = nconf
                if fields.get("ID") and number != fields["ID"]:
                    # Front and back disagree: at least one is misread (or the card is not genuine).
                    conf["MyKadNumber"] *= 0.5
                    conf["ID"] = conf.get("ID", 0) * 0.5
            bview = _view(action, "back", back, bfmt, brgb, bquad, bcard, btl)
            bview.fields = dict(back_fields)
            warns += [replace(d, side="back") for d in run_checks(bview)]
    except OcrError as e:
        e.request_id = e.request_id or request_id
        raise
    except Exception as e:  # noqa: BLE001 - every failure must reach the caller as a Tencent error
        log.exception("recognition failed")
        raise OcrError("FailedOperation.OcrFailed", f"OCR failed: {type(e).__name__}.", request_id) from None
    fields.update(back_fields)
    keys = MY_KEYS if action == MLID else SG_KEYS
    resp = {k: "" for k in keys}
    for k, v in fields.items():
        if k in resp:
            resp[k] = v
    if action == MLID:
        resp["Warn"] = []
        resp["Image"] = portrait if ret_image else ""
    else:
        resp["Photo"] = portrait if ret_image else ""
    resp["AdvancedInfo"] = _advanced(fields, conf)
    # One warning code may be raised by both sides: report it once, with every detail.
    resp["WarnCardInfos"] = sorted({d.code for d in warns})
    resp["WarnDetails"] = [d.as_dict() for d in warns]
    resp["RequestId"] = request_id
    return resp
