"""The holder's photo: a frontal-face Haar cascade (shipped inside opencv-python-headless 4.x) run
only inside the region where the card prints the photo, so that the small ghost photo and
background patterns are never taken for the portrait."""

import base64
import threading

import cv2
import numpy as np

_cascade = None
_lock = threading.Lock()

# Expected photo regions on the upright card, as fractions (x0, y0, x1, y1).
REGION_RIGHT = (0.58, 0.12, 1.0, 0.90)  # MyKad family: right third
REGION_LEFT = (0.0, 0.12, 0.42, 0.95)  # SG front and i-Kad: left third


def _get_cascade():
    global _cascade
    if _cascade is None:
        with _lock:
            if _cascade is None:
                path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
                c = cv2.CascadeClassifier(path)
                if c.empty():
                    raise RuntimeError(f"frontal-face cascade missing at {path}")
                _cascade = c
    return _cascade


def find_face(card: np.ndarray, region) -> tuple[int, int, int, int] | None:
    """Face box (x, y, w, h) in card pixels, the largest found in the region."""
    h, w = card.shape[:2]
    x0, y0, x1, y1 = int(region[0] * w), int(region[1] * h), int(region[2] * w), int(region[3] * h)
    roi = cv2.cvtColor(card[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY)
    rw = x1 - x0
    size = (int(rw * 0.2), int(rw * 0.2))
    # Plain grey first: equalising a small, evenly lit ID photo exaggerates the backdrop and loses
    # more faces than it finds; it helps with dark or washed-out photos, so it is the second try.
    faces = _get_cascade().detectMultiScale(roi, scaleFactor=1.05, minNeighbors=3, minSize=size)
    if len(faces) == 0:
        faces = _get_cascade().detectMultiScale(cv2.equalizeHist(roi), scaleFactor=1.05, minNeighbors=3, minSize=size)
    if len(faces) == 0:
        return None
    fx, fy, fw, fh = max(faces, key=lambda f: f[2] * f[3])
    return int(fx + x0), int(fy + y0), int(fw), int(fh)


def crop_portrait(card: np.ndarray, face: tuple[int, int, int, int], region) -> str:
    """Head-and-shoulders crop around the face, Base64 JPEG, bounded by the photo region."""
    h, w = card.shape[:2]
    fx, fy, fw, fh = face
    # Passport-style framing: hair above, chin and a little of the shoulders below, no card text
    # (the citizenship and sex lines sit right under the photo on a MyKad).
    cx = fx + fw / 2
    rx0, ry0, rx1, ry1 = int(region[0] * w), int(region[1] * h), int(region[2] * w), int(region[3] * h)
    x0, x1 = int(max(rx0, cx - fw * 0.8)), int(min(rx1, cx + fw * 0.8))
    y0, y1 = int(max(ry0, fy - fh * 0.4)), int(min(ry1, fy + fh * 1.4))
    crop = cv2.cvtColor(card[y0:y1, x0:x1], cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return base64.b64encode(buf.tobytes()).decode("ascii") if ok else ""
