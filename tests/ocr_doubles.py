"""A real OCR backend that answers from a script, and card-sized test images.

``ScriptedBackend`` implements the same interface as ``ocr.backends.LocalBackend`` and is registered
in ``ocr.backends.BACKENDS``, so the pipeline runs exactly as it does in production; only the answers
(and the failures, on purpose) come from the test.
"""

import io
import json
import random
import threading
import uuid

from PIL import Image

from ocr.backends import OcrReply
from ocr.errors import MLID, SG, OcrError

MY_FRONT = {
    "ID": "710716-08-6085",
    "Name": "KAVIN ONG KHI MN",
    "Address": "NO 11 PERSIARAN PERAJURIT 4 TAMAN PERAK 31400 IPOH PERAK",
    "Sex": "LELAKI",
    "Birthday": "16/07/1971",
    "Warn": [],
    "Image": "",
    "AdvancedInfo": json.dumps(
        {"ID": {"Confidence": "1.0000"}, "Name": {"Confidence": "0.9996"}, "Address": {"Confidence": "0.6200"}}
    ),
    "Type": "MyKad",
    "MyKadNumber": "",
    "WarnCardInfos": [-9107, -9102],
    "WarnDetails": [{"Code": -9107, "Score": 87, "Box": [10, 20, 30, 40]}],
}
SG_FRONT = {
    "ChName": "",
    "EnName": "TAN AH KOW",
    "Sex": "M",
    "CountryOfBirth": "SINGAPORE",
    "Birthday": "12/04/1988",
    "Address": "",
    "ID": "S1234567D",
    "Race": "CHINESE",
    "NRICCode": "",
    "PostCode": "",
    "DateOfExpiration": "",
    "DateOfIssue": "",
    "Photo": "",
    "WarnCardInfos": [-9108],
}
SG_BACK = {
    **{key: "" for key in SG_FRONT if key != "WarnCardInfos"},
    "Address": "BLK 123 ANG MO KIO AVE 3 #05-67",
    "PostCode": "560123",
    "DateOfIssue": "01/02/2015",
    "ID": "S1234567D",
    "WarnCardInfos": [],
}


class ScriptedBackend:
    """Fails with the scripted OcrError codes first (one per call, in order), then answers.

    ``answers`` maps (action, has_back) to the response fields; ``raw`` is the body "as returned",
    deliberately not what json.dumps would produce by default, so that tests can tell it was kept as is.
    """

    name = "scripted"

    def __init__(self, failures=(), answers=None):
        self.failures = list(failures)
        self.answers = answers or {}
        self.calls: list[tuple[str, bool]] = []
        self._lock = threading.Lock()  # the in-suite worker calls from its own thread

    def recognize(self, action, image, back=None, ret_image=False):
        assert isinstance(image, bytes) and image, "the pipeline must send the image bytes"
        request_id = str(uuid.uuid4())
        with self._lock:
            self.calls.append((action, back is not None))
            failure = self.failures.pop(0) if self.failures else None
        if failure:
            raw = json.dumps({"Response": {"Error": {"Code": failure, "Message": f"scripted {failure}"}, "RequestId": request_id}})
            raise OcrError(failure, f"scripted {failure}", request_id, raw)
        response = {**self.answer_for(action, image, back), "RequestId": request_id}
        return OcrReply(response=response, raw=json.dumps({"Response": response}, indent=1, ensure_ascii=False))

    def answer_for(self, action, image, back):
        if (action, back is not None) in self.answers:
            return self.answers[(action, back is not None)]
        if action == MLID:
            return MY_FRONT
        # SG: one side per call; tests make the back image a different size to tell the sides apart.
        return SG_BACK if Image.open(io.BytesIO(image)).width == BACK_WIDTH else SG_FRONT


class CrashingBackend(ScriptedBackend):
    """A backend with a bug: raises something that is not an OcrError."""

    def recognize(self, action, image, back=None, ret_image=False):
        self.calls.append((action, back is not None))
        raise ZeroDivisionError("engine bug")


FRONT_WIDTH, BACK_WIDTH = 640, 620


def card_png(width: int = FRONT_WIDTH, height: int = 400, seed: int = 0) -> bytes:
    """A real, decodable image that passes upload checks (noise, so each seed has its own SHA-256)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


__all__ = ["MLID", "SG", "ScriptedBackend", "CrashingBackend", "card_png", "BACK_WIDTH"]
