"""Finding the card in a photo and warping it upright to a fixed size.

A card is a bright rounded rectangle with a strong outline against whatever it lies on. We look for
the largest convex four-sided outline in an edge map of a downscaled copy; when nothing large enough
is found the picture is taken to be a tight crop of the card already. Orientation (which long edge is
the top) is decided later from the text, because only the text tells us.
"""

import cv2
import numpy as np

# ID-1 proportions; 856 px wide keeps the text ~20 px high, enough for the recogniser, and fast.
CARD_W, CARD_H = 856, 540
WORK_SIDE = 640  # the card finder works on a copy this big
MIN_AREA = 0.25  # a card smaller than this fraction of the frame is not "the card"


def order_corners(pts: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL in image axes (by angle around the centre, starting at the top-left)."""
    pts = np.asarray(pts, np.float32).reshape(4, 2)
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise in image coordinates, starting near -180° (left)
    start = np.argmin(pts.sum(axis=1))
    return np.roll(pts, -start, axis=0)


def _candidates(gray: np.ndarray):
    h, w = gray.shape
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    med = float(np.median(blur))
    for lo, hi in ((0.5 * med, 1.2 * med), (20, 60), (40, 120)):
        edges = cv2.Canny(blur, max(5, lo), max(15, hi))
        edges = cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)
        yield edges
    # Otsu on the brightest channel difference: a light card on a dark or saturated backdrop.
    _, th = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield cv2.morphologyEx(th, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))


def find_card(rgb: np.ndarray) -> np.ndarray | None:
    """Card corners (TL, TR, BR, BL) in `rgb` pixels, or None for a tight crop / no outline."""
    h, w = rgb.shape[:2]
    scale = WORK_SIDE / max(h, w)
    small = cv2.resize(rgb, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    sh, sw = gray.shape
    frame = sh * sw
    best, best_area = None, 0.0
    for edges in _candidates(gray):
        contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        for cnt in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            hull = cv2.convexHull(cnt)
            area = cv2.contourArea(hull)
            if area < MIN_AREA * frame or area > 0.985 * frame:
                continue
            peri = cv2.arcLength(hull, True)
            quad = None
            for eps in (0.01, 0.02, 0.03, 0.05):
                approx = cv2.approxPolyDP(hull, eps * peri, True)
                if len(approx) == 4:
                    quad = approx.reshape(4, 2).astype(np.float32)
                    break
            if quad is None:
                quad = cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)
            # The outline must be card-shaped: aspect near 1.586 either way, and nearly fill its hull.
            q = order_corners(quad)
            wtop, wbot = np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3])
            hl, hr = np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1])
            long_, short = max(wtop + wbot, hl + hr), min(wtop + wbot, hl + hr)
            if short <= 0 or not (1.25 <= long_ / short <= 2.0):
                continue
            # Stripes or shadows merged with the outline reach the frame; a whole card in a photo
            # does not touch two sides of it (a tight crop, touching all four, is handled below).
            m = 2
            sides = sum(int(v) for v in ((q[:, 0] < m).any(), (q[:, 0] > sw - 1 - m).any(), (q[:, 1] < m).any(), (q[:, 1] > sh - 1 - m).any()))
            if sides >= 2:
                continue
            qa = cv2.contourArea(q)
            if qa < 0.85 * area:
                continue
            if qa > best_area:
                best, best_area = q, qa
        if best is not None and best_area > 0.5 * frame:
            break
    if best is None:
        return None
    return best / scale


def warp(rgb: np.ndarray, quad: np.ndarray | None) -> np.ndarray:
    """The card at CARD_W x CARD_H, long side horizontal (possibly upside down)."""
    h, w = rgb.shape[:2]
    if quad is None:
        src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    else:
        src = order_corners(quad)
    top = np.linalg.norm(src[1] - src[0]) + np.linalg.norm(src[2] - src[3])
    side = np.linalg.norm(src[3] - src[0]) + np.linalg.norm(src[2] - src[1])
    if side > top:
        # Portrait outline: the card lies on its side; start from the bottom-left corner so that the
        # long edge becomes the top (the 0/180 question is settled from the text afterwards).
        src = np.roll(src, -3, axis=0)
    dst = np.array([[0, 0], [CARD_W - 1, 0], [CARD_W - 1, CARD_H - 1], [0, CARD_H - 1]], np.float32)
    m = cv2.getPerspectiveTransform(src.astype(np.float32), dst)
    scale = top / 2 / CARD_W
    interp = cv2.INTER_AREA if scale > 1.2 else cv2.INTER_LINEAR
    return cv2.warpPerspective(rgb, m, (CARD_W, CARD_H), flags=interp, borderMode=cv2.BORDER_REPLICATE)
