"""Putting a rendered card into a picture: scan-like crop, phone photo, or degraded photo."""

import io
import math
import random

import cv2
import numpy as np
from PIL import Image


def _backdrop(rng: random.Random, w: int, h: int) -> np.ndarray:
    """A desk, cloth or floor: a colour with a gradient, noise and sometimes stripes."""
    base = np.array([rng.randint(20, 235) for _ in range(3)], np.float32)
    other = np.clip(base + np.array([rng.randint(-60, 60) for _ in range(3)]), 0, 255)
    t = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    img = base * (1 - t) + other * t
    img = np.repeat(img, h, axis=0)
    nrng = np.random.default_rng(rng.randrange(2**32))
    img = img + nrng.normal(0, rng.uniform(2, 10), (h, w, 1))
    if rng.random() < 0.3:
        period = rng.randint(12, 60)
        stripes = (np.arange(w)[None, :] // period % 2) * rng.uniform(5, 25)
        img = img + stripes[:, :, None]
    return np.clip(img, 0, 255).astype(np.uint8)


def _encode(img: np.ndarray, rng: random.Random, quality: int | None) -> bytes:
    pil = Image.fromarray(img)
    buf = io.BytesIO()
    if quality is None:
        pil.save(buf, "PNG", optimize=False, compress_level=1)
    else:
        pil.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def photograph(card: Image.Image, rng: random.Random, scene: str = "photo") -> tuple[bytes, list | None]:
    """Encode the card as `scene` describes; returns the bytes and the card corners (TL, TR, BR, BL
    in image pixels, None for a crop)."""
    src = np.asarray(card.convert("RGB"))
    ch, cw = src.shape[:2]
    if scene == "crop":
        scale = rng.uniform(0.6, 1.0)
        img = cv2.resize(src, (int(cw * scale), int(ch * scale)), interpolation=cv2.INTER_AREA)
        q = rng.choice([None, 85, 92, 95])
        return _encode(img, rng, q), None
    if scene not in ("photo", "degraded"):
        raise ValueError("scene is crop, photo or degraded")
    degraded = scene == "degraded"
    # Card width in the output, and how much of the frame it fills (by area, 60-95%).
    card_w = rng.uniform(700, 1100)
    fill = rng.uniform(0.60, 0.95)
    angle = rng.choice([0, 90, 180, 270]) + rng.uniform(-15, 15)
    persp = rng.uniform(0.0, 0.10 if degraded else 0.06)
    card_h = card_w * ch / cw
    # Corners of the card, centred at the origin, with perspective as independent corner pulls.
    corners = np.array([[-card_w / 2, -card_h / 2], [card_w / 2, -card_h / 2], [card_w / 2, card_h / 2], [-card_w / 2, card_h / 2]], np.float64)
    corners += np.array([[rng.uniform(-persp, persp) * card_w, rng.uniform(-persp, persp) * card_h] for _ in range(4)])
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    corners = corners @ rot.T
    # Size the frame so that the card's bounding box area / frame area ≈ fill, but never cropped.
    quad_area = cv2.contourArea(corners.astype(np.float32))
    bw, bh = np.ptp(corners[:, 0]), np.ptp(corners[:, 1])
    frame_area = quad_area / fill
    aspect = rng.uniform(1.2, 1.5) if bw >= bh else 1 / rng.uniform(1.2, 1.5)
    fw = max(bw * 1.04 + 8, math.sqrt(frame_area * aspect))
    fh = max(bh * 1.04 + 8, frame_area / fw)
    fw, fh = int(fw), int(fh)
    # Place the card with the remaining margin split at random.
    mx = fw - bw
    my = fh - bh
    off = np.array([-corners[:, 0].min() + rng.uniform(0.1, 0.9) * mx, -corners[:, 1].min() + rng.uniform(0.1, 0.9) * my])
    corners = corners + off
    bg = _backdrop(rng, fw, fh)
    srcq = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    m = cv2.getPerspectiveTransform(srcq, corners.astype(np.float32))
    warped = cv2.warpPerspective(src, m, (fw, fh), flags=cv2.INTER_AREA if card_w < cw else cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((ch, cw), 255, np.uint8), m, (fw, fh))
    mask = cv2.GaussianBlur(mask, (3, 3), 0).astype(np.float32)[:, :, None] / 255
    img = warped.astype(np.float32) * mask + bg.astype(np.float32) * (1 - mask)
    # Lighting: a brightness gradient across the frame (and a dim overall level when degraded).
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    light = 1 + rng.uniform(0.05, 0.25 if degraded else 0.15) * ((xx / fw - 0.5) * gx + (yy / fh - 0.5) * gy)
    img = img * light[:, :, None] * rng.uniform(0.8 if degraded else 0.9, 1.05)
    if degraded:
        nrng = np.random.default_rng(rng.randrange(2**32))
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.8, 1.6))
        img = img + nrng.normal(0, rng.uniform(2, 6), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    quality = 40 if degraded else rng.choice([75, 85, 92])
    return _encode(img, rng, quality), corners.round(1).tolist()
