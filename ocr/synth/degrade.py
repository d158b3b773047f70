"""Degradations that turn a flat card image into the photo a customer would upload, clean or with
one of the problems Tencent's WarnCardInfos reports.

Written from the physics of each problem (camera, copier, screen, printer, editor), never from the
detectors in ``ocr.checks``: the benchmark is only worth something if the degradations do not share
the detectors' assumptions. Every kind draws its strength and its variant from the rng, so that one
seed gives a wide spread: weak and strong, grey and colour, local and global.

Input is the card as printed (RGB, upright, any size; ``Card`` optionally carries where its portrait
and text fields are, so that edits and covers can aim at them). Output is a ``Shot``: the scene
pixels, the card corners in the scene, how the file is encoded, and the ground truth code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

Box = tuple[int, int, int, int]  # x, y, w, h


@dataclass
class Card:
    image: np.ndarray  # RGB uint8, upright, card only
    face_box: Box | None = None  # card pixels
    text_boxes: list[tuple[Box, str]] = field(default_factory=list)  # card pixels, text
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Shot:
    image: np.ndarray  # RGB uint8 scene as the camera (or editor) wrote it
    quad: np.ndarray  # card corners TL, TR, BR, BL in scene px (may lie outside the frame)
    code: int | None  # ground truth warning, None for a clean card
    kind: str
    quality: int = 90  # JPEG quality of the final file
    software: str | None = None  # EXIF Software tag
    comment: bytes | None = None  # JPEG COM segment
    first_quality: int | None = None  # the image went through an earlier JPEG save at this quality

    def encode(self) -> bytes:
        img = Image.fromarray(self.image)
        if self.first_quality is not None:
            img = Image.open(io.BytesIO(_jpeg(img, self.first_quality))).convert("RGB")
        return _jpeg(img, self.quality, software=self.software, comment=self.comment)


def _jpeg(img: Image.Image, quality: int, software: str | None = None, comment: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    kwargs: dict = {"quality": quality}
    if software:
        exif = Image.Exif()
        exif[0x0131] = software
        kwargs["exif"] = exif.tobytes()
    if comment:
        kwargs["comment"] = comment
    img.save(buf, "JPEG", **kwargs)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# The camera: a card lying on a surface, photographed by a phone.
# --------------------------------------------------------------------------------------------

def _rounded_alpha(h: int, w: int, radius: float) -> np.ndarray:
    alpha = np.zeros((h, w), np.uint8)
    r = max(1, int(radius))
    cv2.rectangle(alpha, (r, 0), (w - 1 - r, h - 1), 255, -1)
    cv2.rectangle(alpha, (0, r), (w - 1, h - 1 - r), 255, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (w - 1 - r, h - 1 - r), (r, h - 1 - r)):
        cv2.circle(alpha, (cx, cy), r, 255, -1, lineType=cv2.LINE_AA)
    return alpha


def _surface(rng: np.random.Generator, h: int, w: int, light: bool | None = None) -> np.ndarray:
    """A table, desk mat or cloth: a base colour, low-frequency shading and fine texture."""
    if light is None:
        light = rng.random() < 0.3
    base = rng.uniform(170, 235, 3) if light else rng.uniform(25, 150, 3)
    base = base * rng.uniform(0.8, 1.0, 3)
    # light falls off in brightness across a surface, its hue barely changes
    small = rng.normal(0, 1, (6, 8, 1)).astype(np.float32) + rng.normal(0, 0.15, (6, 8, 3)).astype(np.float32)
    shade = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC) * rng.uniform(4, 18)
    grain = cv2.GaussianBlur(rng.normal(0, rng.uniform(2, 10), (h, w)).astype(np.float32), (0, 0), rng.uniform(0.6, 2.5))[..., None]
    if rng.random() < 0.4:  # wood-like streaks
        streak = cv2.resize(rng.normal(0, 1, (h, 1)).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        grain = grain + streak[..., None] * rng.uniform(4, 12)
    return np.clip(base + shade + grain, 0, 255).astype(np.float32)


def _random_quad(rng: np.random.Generator, w: int, h: int, fill: float, tilt: float, card_aspect: float) -> np.ndarray:
    """Card corners in a w x h frame: the card covers about `fill` of the width, rotated and seen at
    a slant of up to `tilt` (fraction of the card size)."""
    cw = w * fill
    ch = cw / card_aspect
    if ch > h * 0.9:
        ch = h * 0.9
        cw = ch * card_aspect
    angle = rng.uniform(-8, 8) * np.pi / 180
    cx = w / 2 + rng.uniform(-0.5, 0.5) * (w - cw) * 0.8
    cy = h / 2 + rng.uniform(-0.5, 0.5) * (h - ch) * 0.8
    pts = np.array([[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]])
    pts = pts + rng.uniform(-tilt, tilt, (4, 2)) * np.array([cw, ch])
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    pts = pts @ rot.T
    # a good photo has the whole card in the frame, with a margin: shrink, then centre, to fit
    margin = 0.03 * min(w, h)
    span = pts.max(0) - pts.min(0)
    pts = pts * min(1.0, (w - 2 * margin) / span[0], (h - 2 * margin) / span[1])
    lo, hi = pts.min(0), pts.max(0)
    cx = float(np.clip(cx, margin - lo[0], w - margin - hi[0]))
    cy = float(np.clip(cy, margin - lo[1], h - margin - hi[1]))
    return (pts + [cx, cy]).astype(np.float32)


def _composite(scene: np.ndarray, layer: np.ndarray, alpha: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Paste `layer` (with `alpha` 0-255) into `scene` so that its corners land on `quad`."""
    h, w = layer.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    size = (scene.shape[1], scene.shape[0])
    warped = cv2.warpPerspective(layer.astype(np.float32), m, size, flags=cv2.INTER_LINEAR)
    a = cv2.warpPerspective(alpha.astype(np.float32) / 255.0, m, size, flags=cv2.INTER_LINEAR)[..., None]
    return scene * (1 - a) + warped * a


def _shadow(scene: np.ndarray, quad: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """A soft drop shadow: a physical card has thickness and casts one."""
    mask = np.zeros(scene.shape[:2], np.float32)
    off = rng.uniform(-1, 1, 2) * scene.shape[1] * 0.006
    cv2.fillConvexPoly(mask, (quad + off).astype(np.int32), 1.0, lineType=cv2.LINE_AA)
    mask = cv2.GaussianBlur(mask, (0, 0), scene.shape[1] * 0.006 + 1)
    return scene * (1 - strength * mask[..., None])


def _camera(scene: np.ndarray, rng: np.random.Generator, *, exposure: float = 1.0, uneven: float | None = None,
            sharpness_sigma: float | None = None) -> np.ndarray:
    """The phone: uneven light, a touch of lens softness, sensor noise, tone curve, 8-bit output."""
    h, w = scene.shape[:2]
    if uneven is None:
        uneven = rng.uniform(0.0, 0.25)
    gx, gy = np.meshgrid(np.linspace(-1, 1, w, dtype=np.float32), np.linspace(-1, 1, h, dtype=np.float32))
    direction = rng.uniform(0, 2 * np.pi)
    ramp = 1 + uneven * (np.cos(direction) * gx + np.sin(direction) * gy) / 2
    vignette = 1 - rng.uniform(0, 0.12) * (gx**2 + gy**2) / 2
    img = scene * (exposure * ramp * vignette)[..., None]
    img = img * rng.uniform(0.94, 1.06, 3)  # white balance error
    sigma = rng.uniform(0.3, 0.8) if sharpness_sigma is None else sharpness_sigma
    if sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    noise = rng.normal(0, 1, img.shape).astype(np.float32) * (rng.uniform(1.0, 4.0) + 0.015 * np.sqrt(np.clip(img, 0, None)) * 10)
    img = img + noise
    return np.clip(img, 0, 255).astype(np.uint8)


def _frame_size(rng: np.random.Generator) -> tuple[int, int]:
    w = int(rng.choice([1280, 1440, 1600, 1920]))
    return w, int(w * rng.choice([0.75, 0.5625, 0.66]))


def _place(card: np.ndarray, rng: np.random.Generator, *, fill: tuple[float, float] = (0.55, 0.85),
           tilt: float = 0.04, surface: np.ndarray | None = None, shadow: bool = True,
           frame: tuple[int, int] | None = None, corner_radius: float = 0.037) -> tuple[np.ndarray, np.ndarray]:
    """The card lying on a surface, before the camera: float scene and the card's quad.
    `corner_radius` is a fraction of the width: ID-1's 3.18 mm of 85.6 mm, 0 for a square sheet."""
    w, h = frame or _frame_size(rng)
    ch, cw = card.shape[:2]
    scene = _surface(rng, h, w) if surface is None else surface
    quad = _random_quad(rng, w, h, rng.uniform(*fill), tilt, cw / ch)
    if shadow:
        scene = _shadow(scene, quad, rng, rng.uniform(0.15, 0.45))
    alpha = _rounded_alpha(ch, cw, corner_radius * cw) if corner_radius > 0 else np.full((ch, cw), 255, np.uint8)
    return _composite(scene, card.astype(np.float32), alpha, quad), quad


def photograph(card: Card, rng: np.random.Generator) -> Shot:
    """A good, clean phone photo of the card."""
    scene, quad = _place(card.image, rng)
    img = _camera(scene, rng, exposure=rng.uniform(0.92, 1.08))
    return Shot(img, quad, None, "clean", quality=int(rng.integers(82, 96)))


# --------------------------------------------------------------------------------------------
# -9108 blurry
# --------------------------------------------------------------------------------------------

def _card_width(quad: np.ndarray) -> float:
    return float(np.linalg.norm(quad[1] - quad[0]))


def _blurred(card: Card, rng: np.random.Generator, kind: str) -> Shot:
    shot = photograph(card, rng)
    k = _card_width(shot.quad) / 1000.0  # strengths relative to the card's size in the frame
    img = shot.image.astype(np.float32)
    if kind == "blur_gaussian":
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(2.2, 6.0) * k)
    elif kind == "blur_motion":
        length = max(3, int(rng.uniform(14, 40) * k))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1
        rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, rot, (length, length))
        img = cv2.filter2D(img, -1, kernel / kernel.sum())
    else:  # defocus: a disc, the lens out of focus
        r = max(2, int(rng.uniform(3.5, 9) * k))
        kernel = np.zeros((2 * r + 1, 2 * r + 1), np.float32)
        cv2.circle(kernel, (r, r), r, 1.0, -1, lineType=cv2.LINE_AA)
        img = cv2.filter2D(img, -1, kernel / kernel.sum())
    # the sensor noise comes after the optics
    img = img + rng.normal(0, rng.uniform(1, 3), img.shape)
    shot.image = np.clip(img, 0, 255).astype(np.uint8)
    shot.code, shot.kind = -9108, kind
    return shot


# --------------------------------------------------------------------------------------------
# -9107 glare
# --------------------------------------------------------------------------------------------

def _glare(card: Card, rng: np.random.Generator) -> Shot:
    """A specular reflection of a lamp or window on the laminate: a clipped core with a soft halo,
    ellipse, streak or a cluster of blobs, over the text or the portrait or a plain area."""
    scene, quad = _place(card.image, rng)
    h, w = scene.shape[:2]
    src = np.float32([[0, 0], [1, 0], [1, 1], [0, 1]])
    m = cv2.getPerspectiveTransform(src, quad)
    cw = _card_width(quad)
    mask = np.zeros((h, w), np.float32)
    shape = rng.choice(["ellipse", "streak", "cluster", "polygon"])
    n = int(rng.integers(2, 5)) if shape == "cluster" else 1
    for _ in range(n):
        u, v = rng.uniform(0.1, 0.9), rng.uniform(0.15, 0.85)
        if card.face_box is not None and rng.random() < 0.3:  # over the portrait
            fx, fy, fw, fh = card.face_box
            ch_, cw_ = card.image.shape[:2]
            u, v = (fx + fw * rng.uniform(0.2, 0.8)) / cw_, (fy + fh * rng.uniform(0.2, 0.8)) / ch_
        centre = cv2.perspectiveTransform(np.float32([[[u, v]]]), m)[0, 0]
        if shape == "streak":
            axes = (cw * rng.uniform(0.2, 0.45), cw * rng.uniform(0.02, 0.05))
        elif shape == "cluster":
            axes = (cw * rng.uniform(0.03, 0.08), cw * rng.uniform(0.03, 0.07))
        else:
            axes = (cw * rng.uniform(0.06, 0.16), cw * rng.uniform(0.04, 0.1))
        if shape == "polygon":
            angles = np.sort(rng.uniform(0, 2 * np.pi, 7))
            radii = rng.uniform(0.6, 1.0, 7)
            pts = centre + np.stack([np.cos(angles) * axes[0] * radii, np.sin(angles) * axes[1] * radii], 1)
            cv2.fillPoly(mask, [pts.astype(np.int32)], 1.0)
        else:
            cv2.ellipse(mask, (int(centre[0]), int(centre[1])), (int(axes[0]), int(axes[1])), rng.uniform(0, 180), 0, 360, 1.0, -1)
    inside = np.zeros((h, w), np.float32)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 1.0)
    mask *= inside  # the reflection is on the laminate, not on the table
    halo = cv2.GaussianBlur(mask, (0, 0), cw * rng.uniform(0.01, 0.04))
    core = cv2.GaussianBlur(mask, (0, 0), cw * 0.004 + 0.5)
    intensity = rng.uniform(1.0, 1.6)
    # add light (the reflection is added to the diffuse image), then the sensor clips
    scene = scene + (halo * rng.uniform(60, 160) + core * 255 * intensity)[..., None] * np.array([1.0, 1.0, rng.uniform(0.95, 1.05)])
    img = _camera(scene, rng)
    return Shot(img, quad, -9107, f"glare_{shape}", quality=int(rng.integers(82, 96)))


# --------------------------------------------------------------------------------------------
# -9102 photocopy
# --------------------------------------------------------------------------------------------

def _halftone(channel: np.ndarray, period: float, angle: float) -> np.ndarray:
    """Clustered-dot screen: a pixel is inked when the tone exceeds a rotated cosine threshold."""
    h, w = channel.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    c, s = np.cos(angle), np.sin(angle)
    u, v = (xx * c + yy * s) * 2 * np.pi / period, (-xx * s + yy * c) * 2 * np.pi / period
    threshold = (np.cos(u) * np.cos(v) + 1) / 2  # 0..1
    ink = 1 - channel / 255.0
    return np.where(ink > threshold, 0.0, 255.0).astype(np.float32)


def _copier(card: np.ndarray, rng: np.random.Generator, colour: bool) -> np.ndarray:
    """What a copier prints: scanned, tone-compressed, toner-grained, sometimes screened."""
    img = card.astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 1.3))
    if colour:
        grey = img.mean(axis=2, keepdims=True)
        img = grey + (img - grey) * rng.uniform(0.45, 0.95)  # toner gamut is narrower than the card's inks
        img = img + rng.normal(0, 6, 3)  # colour cast of the copier
    else:
        img = np.repeat((img @ np.float32([0.299, 0.587, 0.114]))[..., None], 3, axis=2)
    gamma = rng.uniform(0.7, 1.4)
    black, white = rng.uniform(15, 60), rng.uniform(225, 255)
    img = black + (white - black) * (np.clip(img, 0, 255) / 255.0) ** gamma
    if rng.random() < 0.5:
        period, angle = rng.uniform(2.5, 5), rng.uniform(0, np.pi / 2)
        screened = np.stack([_halftone(img[..., i], period, angle + i * 0.26) for i in range(3)], 2)
        img = cv2.GaussianBlur(screened, (0, 0), period * 0.35) * 0.7 + img * 0.3
    # toner: grain everywhere, specks and streaks on the paper
    img = img + cv2.GaussianBlur(rng.normal(0, rng.uniform(4, 12), img.shape[:2]).astype(np.float32), (0, 0), 0.7)[..., None]
    specks = (rng.random(img.shape[:2]) < rng.uniform(0.0005, 0.004)).astype(np.float32)
    img = img - cv2.GaussianBlur(specks, (0, 0), 0.8)[..., None] * 400
    if rng.random() < 0.5:
        x = int(rng.integers(0, img.shape[1]))
        img[:, x:x + int(rng.integers(1, 4))] -= rng.uniform(20, 60)
    return np.clip(img, 0, 255)


def _photocopy(card: Card, rng: np.random.Generator, colour: bool) -> Shot:
    ch, cw = card.image.shape[:2]
    printed = _copier(card.image, rng, colour)
    tint = np.array([rng.uniform(225, 250), rng.uniform(222, 248), rng.uniform(205, 245)], np.float32)
    cut_out = rng.random() < 0.35
    if cut_out:
        # cut from the sheet with scissors: square corners, the paper's own white around the print
        margin = int(cw * rng.uniform(0.0, 0.03))
        sheet = np.empty((ch + 2 * margin, cw + 2 * margin, 3), np.float32)
        sheet[:] = tint
        alpha = _rounded_alpha(ch, cw, 0.037 * cw).astype(np.float32)[..., None] / 255
        sheet[margin:margin + ch, margin:margin + cw] = printed * alpha + tint * (1 - alpha) * 0.97
        # scissors leave the paper's corners square; some people trim them round, like the card's
        radius = 0.0 if rng.random() < 0.75 else rng.uniform(0.02, 0.06)
        scene, quad_sheet = _place(sheet * (tint / 255.0), rng, shadow=rng.random() < 0.5, corner_radius=radius)
        s = np.float32([[margin, margin], [margin + cw, margin], [margin + cw, margin + ch], [margin, margin + ch]])
        src = np.float32([[0, 0], [sheet.shape[1], 0], [sheet.shape[1], sheet.shape[0]], [0, sheet.shape[0]]])
        quad = cv2.perspectiveTransform(s[None], cv2.getPerspectiveTransform(src, quad_sheet))[0]
    else:
        # the card lying on an A4 sheet (or a part of it), photographed whole
        sw = int(cw / rng.uniform(0.35, 0.75))
        sh = int(sw * 1.414)
        sheet = np.empty((sh, sw, 3), np.float32)
        sheet[:] = tint
        sheet += cv2.resize(rng.normal(0, 1, (5, 4)).astype(np.float32), (sw, sh))[..., None] * rng.uniform(2, 8)
        x0, y0 = int(rng.uniform(0.05, 0.95) * (sw - cw)), int(rng.uniform(0.05, 0.4) * (sh - ch))
        alpha = _rounded_alpha(ch, cw, 0.037 * cw).astype(np.float32)[..., None] / 255
        region = sheet[y0:y0 + ch, x0:x0 + cw]
        # lid-grey around the card where the copier lid was open
        lid = rng.uniform(150, 245) if rng.random() < 0.4 else None
        bg = region if lid is None else np.full_like(region, lid)
        sheet[y0:y0 + ch, x0:x0 + cw] = printed * (tint / 255.0) * alpha + bg * (1 - alpha)
        frame = _frame_size(rng)
        w, h = frame
        scene_surface = _surface(rng, h, w)
        # the photo is framed on the card, so the sheet runs off the frame around it
        quad_card = _random_quad(rng, w, h, rng.uniform(0.5, 0.8), 0.04, cw / ch)
        src = np.float32([[x0, y0], [x0 + cw, y0], [x0 + cw, y0 + ch], [x0, y0 + ch]])
        m = cv2.getPerspectiveTransform(src, quad_card)
        sheet_quad = cv2.perspectiveTransform(np.float32([[[0, 0], [sw, 0], [sw, sh], [0, sh]]]), m)[0]
        scene = _composite(scene_surface, sheet, np.full((sh, sw), 255, np.uint8), sheet_quad)
        quad = quad_card
    img = _camera(scene, rng, uneven=rng.uniform(0.1, 0.5), exposure=rng.uniform(0.85, 1.1))
    kind = ("photocopy_colour" if colour else "photocopy_grey") + ("_cut" if cut_out else "_sheet")
    return Shot(img, quad, -9102, kind, quality=int(rng.integers(80, 95)))


# --------------------------------------------------------------------------------------------
# -9103 recaptured
# --------------------------------------------------------------------------------------------

def _screen(card: Card, rng: np.random.Generator) -> Shot:
    """The card's photo shown on a phone or monitor and photographed: pixel grid with RGB subpixels,
    screen tone and colour cast, bezel around the picture, moiré from the camera's resampling."""
    first = photograph(card, rng)
    src_img = first.image.astype(np.float32)
    pitch = int(rng.integers(3, 7))  # camera pixels per screen pixel, before the final resampling
    sh, sw = src_img.shape[0] // 3, src_img.shape[1] // 3
    shown = cv2.resize(src_img, (sw, sh), interpolation=cv2.INTER_AREA)
    shown = 255 * (shown / 255.0) ** rng.uniform(0.8, 1.2) * rng.uniform(0.85, 1.0)
    shown = shown * np.array([rng.uniform(0.9, 1.0), rng.uniform(0.92, 1.0), 1.0])  # cool screen white
    big = np.repeat(np.repeat(shown, pitch, 0), pitch, 1)
    # subpixel stripes R|G|B with a dark gap: the grid that the camera aliases into moiré
    grid = np.zeros((pitch, pitch, 3), np.float32)
    third = max(1, pitch // 3)
    for i in range(3):
        grid[:, i * third:(i + 1) * third, i] = 1.0
    grid[-max(1, pitch // 5):, :, :] *= 0.3
    grid = grid * (3.0 / max(1.0, grid.mean() * 3))
    big = big * np.tile(grid, (sh, sw, 1)) * rng.uniform(0.35, 0.6) + big * 0.5
    bh, bw = big.shape[:2]
    bezel = int(bw * rng.uniform(0.02, 0.08))
    device = np.full((bh + 2 * bezel, bw + 2 * bezel, 3), rng.uniform(5, 40), np.float32)
    device[bezel:bezel + bh, bezel:bezel + bw] = big
    w, h = _frame_size(rng)
    card_fill = rng.uniform(0.5, 0.8)
    fq = first.quad * 1.0  # card in the shown photo, in shown px
    fq_big = fq / 3 * pitch + bezel
    # frame the camera on the card in the screen
    target = _random_quad(rng, w, h, card_fill, 0.05, _card_width(fq) / float(np.linalg.norm(fq[3] - fq[0])))
    m = cv2.getPerspectiveTransform(fq_big.astype(np.float32), target)
    dq = cv2.perspectiveTransform(np.float32([[[0, 0], [device.shape[1], 0], [device.shape[1], device.shape[0]], [0, device.shape[0]]]]), m)[0]
    scene = _composite(_surface(rng, h, w), device, np.full(device.shape[:2], 255, np.uint8), dq)
    img = _camera(scene, rng, sharpness_sigma=rng.uniform(0.3, 0.9))
    return Shot(img, target, -9103, "recapture_screen", quality=int(rng.integers(82, 96)))


def _print(card: Card, rng: np.random.Generator) -> Shot:
    """The card's photo printed on photo paper (inkjet dither or halftone, narrower gamut, white
    border) and that print photographed lying on a table."""
    first = photograph(card, rng)
    img = first.image.astype(np.float32)
    grey = img.mean(axis=2, keepdims=True)
    img = grey + (img - grey) * rng.uniform(0.7, 1.0)
    img = 20 + 225 * (img / 255.0) ** rng.uniform(0.85, 1.2)
    if rng.random() < 0.6:
        period = rng.uniform(2.2, 4.0)
        screened = np.stack([_halftone(img[..., i], period, 0.26 * i + rng.uniform(0, 1)) for i in range(3)], 2)
        img = cv2.GaussianBlur(screened, (0, 0), period * 0.3) * 0.6 + img * 0.4
    else:  # inkjet: error-diffusion-like random dots
        img = img + cv2.GaussianBlur(rng.normal(0, 18, img.shape).astype(np.float32), (0, 0), 0.6)
    ph, pw = img.shape[:2]
    border = int(pw * rng.uniform(0.0, 0.05))
    paper = np.full((ph + 2 * border, pw + 2 * border, 3), rng.uniform(235, 252), np.float32)
    paper[border:border + ph, border:border + pw] = np.clip(img, 0, 255)
    w, h = _frame_size(rng)
    fq = first.quad + border
    target = _random_quad(rng, w, h, rng.uniform(0.5, 0.8), 0.05, _card_width(first.quad) / float(np.linalg.norm(first.quad[3] - first.quad[0])))
    m = cv2.getPerspectiveTransform(fq.astype(np.float32), target)
    pq = cv2.perspectiveTransform(np.float32([[[0, 0], [paper.shape[1], 0], [paper.shape[1], paper.shape[0]], [0, paper.shape[0]]]]), m)[0]
    scene = _composite(_surface(rng, h, w), paper, np.full(paper.shape[:2], 255, np.uint8), pq)
    # glossy paper: a broad sheen
    sheen = np.zeros((h, w), np.float32)
    cv2.circle(sheen, (int(rng.uniform(0, w)), int(rng.uniform(0, h))), int(w * 0.3), 1.0, -1)
    scene = scene + cv2.GaussianBlur(sheen, (0, 0), w * 0.1)[..., None] * rng.uniform(0, 25)
    out = _camera(scene, rng)
    return Shot(out, target, -9103, "recapture_print", quality=int(rng.integers(82, 96)))


# --------------------------------------------------------------------------------------------
# -9104 digitally edited
# --------------------------------------------------------------------------------------------

def _font(size: int) -> ImageFont.ImageFont:
    for name in ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "FreeSansBold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _card_to_scene(shot: Shot, card_shape: tuple[int, int]) -> np.ndarray:
    h, w = card_shape
    return cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), shot.quad)


def _scene_rect(m: np.ndarray, box: Box) -> tuple[int, int, int, int]:
    x, y, w, h = box
    pts = cv2.perspectiveTransform(np.float32([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]]), m)[0]
    x0, y0 = pts.min(0)
    x1, y1 = pts.max(0)
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def _altered_text(text: str, rng: np.random.Generator) -> str:
    """Change a digit or two: the fraudster's edit of a number or a date."""
    chars = list(text or "000000")
    digits = [i for i, c in enumerate(chars) if c.isdigit()]
    for i in rng.choice(digits, size=min(len(digits), int(rng.integers(1, 3))), replace=False) if digits else []:
        chars[i] = str((int(chars[i]) + int(rng.integers(1, 9))) % 10)
    return "".join(chars)


def _opened(image: np.ndarray, quality: int) -> np.ndarray:
    """The photo as the phone saved it (JPEG at `quality`), opened again in an editor."""
    return np.asarray(Image.open(io.BytesIO(_jpeg(Image.fromarray(image), quality))).convert("RGB"))


def _edit_text(card: Card, rng: np.random.Generator, camera_quality: int | None = None) -> Shot:
    """Over a field in the photo: paint the background colour, type new text in a system font.
    With `camera_quality`, the edit is made on the phone's JPEG of that quality, opened in the editor:
    the edited field is then compressed once, by the editor, and the rest of the photo twice."""
    shot = photograph(card, rng)
    if camera_quality is not None:
        shot.image = _opened(shot.image, camera_quality)
    m = _card_to_scene(shot, card.image.shape[:2])
    if card.text_boxes:
        numeric = [tb for tb in card.text_boxes if any(c.isdigit() for c in tb[1])]
        box, text = (numeric or card.text_boxes)[int(rng.integers(0, len(numeric or card.text_boxes)))]
    else:
        ch, cw = card.image.shape[:2]
        box, text = (int(cw * 0.05), int(ch * 0.2), int(cw * 0.4), int(ch * 0.08)), "800101-14-5678"
    x, y, w, h = _scene_rect(m, box)
    pad = max(2, h // 6)
    img = Image.fromarray(shot.image)
    draw = ImageDraw.Draw(img)
    sample = shot.image[max(0, y - pad - 3):max(1, y - pad), x:x + w].reshape(-1, 3)
    fill = tuple(int(v) for v in (np.median(sample, 0) if len(sample) else (230, 230, 230)))
    draw.rectangle([x - pad, y - pad, x + w + pad, y + h + pad], fill=fill)
    new = _altered_text(text, rng)
    size = max(8, int(h * 1.1))
    while size > 8 and draw.textlength(new, font=_font(size)) > w * rng.uniform(0.95, 1.05):
        size -= 1  # the forger matches the field's width
    draw.text((x, y), new, fill=tuple(int(v) for v in rng.integers(0, 50, 3)), font=_font(size))
    shot.image = np.asarray(img)
    shot.code, shot.kind = -9104, "edit_text_patch"
    shot.quality = int(rng.integers(85, 98))
    return shot


def _edit_text_patch(card: Card, rng: np.random.Generator) -> Shot:
    """Half the forgers edit the phone's JPEG; the others a screenshot or an uncompressed export."""
    return _edit_text(card, rng, camera_quality=int(rng.integers(75, 95)) if rng.random() < 0.5 else None)


def _fake_face(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Another person's portrait: a studio background, a head and shoulders, rendered clean."""
    img = Image.new("RGB", (w, h), tuple(int(v) for v in rng.integers(180, 250, 3)))
    d = ImageDraw.Draw(img)
    skin = tuple(int(v) for v in np.array([rng.uniform(150, 235), rng.uniform(105, 180), rng.uniform(80, 150)]))
    d.ellipse([w * 0.05, h * 0.7, w * 0.95, h * 1.4], fill=tuple(int(v) for v in rng.integers(10, 120, 3)))
    d.ellipse([w * 0.25, h * 0.15, w * 0.75, h * 0.72], fill=skin)
    d.ellipse([w * 0.22, h * 0.05, w * 0.78, h * 0.35], fill=tuple(int(v) for v in rng.integers(5, 60, 3)))
    for ex in (0.4, 0.6):
        d.ellipse([w * ex - 4, h * 0.4 - 2, w * ex + 4, h * 0.4 + 2], fill=(30, 20, 20))
    return np.asarray(img)


def _edit_portrait(card: Card, rng: np.random.Generator) -> Shot:
    shot = photograph(card, rng)
    m = _card_to_scene(shot, card.image.shape[:2])
    ch, cw = card.image.shape[:2]
    box = card.face_box or (int(cw * 0.66), int(ch * 0.25), int(cw * 0.28), int(ch * 0.6))
    x, y, w, h = _scene_rect(m, box)
    x, y = max(0, x), max(0, y)
    w, h = min(w, shot.image.shape[1] - x), min(h, shot.image.shape[0] - y)
    face = _fake_face(h, w, rng).astype(np.float32)
    if rng.random() < 0.5:
        face = cv2.GaussianBlur(face, (0, 0), rng.uniform(0.8, 2.0))  # scaled up from a small source
    img = shot.image.astype(np.float32)
    feather = rng.random() < 0.5
    a = np.ones((h, w), np.float32)
    if feather:
        a = cv2.GaussianBlur(np.pad(np.ones((h - 8, w - 8), np.float32), 4), (0, 0), 3)
    img[y:y + h, x:x + w] = face * a[..., None] + img[y:y + h, x:x + w] * (1 - a[..., None])
    shot.image = np.clip(img, 0, 255).astype(np.uint8)
    shot.code, shot.kind = -9104, "edit_portrait_swap"
    shot.quality = int(rng.integers(85, 98))
    return shot


def _edit_splice(card: Card, rng: np.random.Generator) -> Shot:
    """A region taken from another photo of a card (different camera, light and compression)."""
    shot = photograph(card, rng)
    donor = photograph(card, rng)
    donor_img = _camera(donor.image.astype(np.float32) * rng.uniform(0.85, 1.15), rng, sharpness_sigma=rng.uniform(0, 1.5))
    donor_img = np.asarray(Image.open(io.BytesIO(_jpeg(Image.fromarray(donor_img), int(rng.integers(40, 70))))).convert("RGB"))
    ch, cw = card.image.shape[:2]
    bw, bh = int(cw * rng.uniform(0.2, 0.45)), int(ch * rng.uniform(0.12, 0.3))
    bx, by = int(rng.uniform(0.03, 0.97) * (cw - bw)), int(rng.uniform(0.1, 0.9) * (ch - bh))
    # warp the donor's card region onto this photo's card region
    md = _card_to_scene(donor, (ch, cw))
    ms = _card_to_scene(shot, (ch, cw))
    to_here = ms @ np.linalg.inv(md)
    moved = cv2.warpPerspective(donor_img, to_here, (shot.image.shape[1], shot.image.shape[0]))
    mask = np.zeros((ch, cw), np.float32)
    mask[by:by + bh, bx:bx + bw] = 1
    mask = cv2.warpPerspective(mask, ms, (shot.image.shape[1], shot.image.shape[0]))[..., None]
    shot.image = (shot.image * (1 - mask) + moved * mask).astype(np.uint8)
    shot.code, shot.kind = -9104, "edit_splice"
    shot.quality = int(rng.integers(85, 98))
    return shot


EDITORS = [
    ("Adobe Photoshop 25.3 (Windows)", None),
    ("Adobe Photoshop CC 2019 (Macintosh)", None),
    ("GIMP 2.10.36", b"Created with GIMP"),
    (None, b"Created with GIMP"),
    ("PicsArt", None),
    ("Snapseed 2.0", None),
    ("Pixlr Editor", None),
    ("Paint.NET v5.0.13", None),
    ("Canva", None),
]


def _edit_metadata(card: Card, rng: np.random.Generator) -> Shot:
    """The pixels went through an editor, which left its name in the file."""
    shot = photograph(card, rng)
    software, comment = EDITORS[int(rng.integers(0, len(EDITORS)))]
    shot.software, shot.comment = software, comment
    shot.code, shot.kind = -9104, "edit_metadata"
    return shot


def _edit_resave(card: Card, rng: np.random.Generator) -> Shot:
    """A camera JPEG opened, touched up (a digit changed) and saved again at another quality."""
    camera = int(rng.integers(70, 92))
    shot = _edit_text(card, rng, camera_quality=camera)
    q = int(rng.integers(60, 99))
    while abs(q - camera) < 6:
        q = int(rng.integers(60, 99))
    shot.quality = q
    shot.kind = "edit_resave"
    return shot


# --------------------------------------------------------------------------------------------
# -9101 covered or border incomplete
# --------------------------------------------------------------------------------------------

def _finger(card: Card, rng: np.random.Generator) -> Shot:
    """A thumb holding the card: enters from a card edge, skin tone with shading and a nail."""
    scene, quad = _place(card.image, rng)
    h, w = scene.shape[:2]
    cw = _card_width(quad)
    side = int(rng.integers(0, 4))
    a, b = quad[side], quad[(side + 1) % 4]
    t = rng.uniform(0.2, 0.8)
    edge = a + (b - a) * t
    centre_card = quad.mean(0)
    inward = (centre_card - edge) / np.linalg.norm(centre_card - edge)
    depth = cw * rng.uniform(0.12, 0.3)
    tip = edge + inward * depth
    start = edge - inward * cw * 0.3
    width = cw * rng.uniform(0.09, 0.15)
    mask = np.zeros((h, w), np.float32)
    cv2.line(mask, tuple(start.astype(int)), tuple(tip.astype(int)), 1.0, int(width))
    cv2.circle(mask, tuple(tip.astype(int)), int(width / 2), 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 2)
    skin = np.array([rng.uniform(140, 240), rng.uniform(95, 185), rng.uniform(70, 155)], np.float32)
    shade = cv2.GaussianBlur(mask, (0, 0), width * 0.3)  # rounded: darker at its sides
    finger = skin * (0.6 + 0.45 * shade[..., None])
    finger = finger + rng.normal(0, 3, (h, w, 1))
    nail = np.zeros((h, w), np.float32)
    nail_c = tip - inward * width * 0.35
    cv2.ellipse(nail, tuple(nail_c.astype(int)), (int(width * 0.3), int(width * 0.22)), float(np.degrees(np.arctan2(inward[1], inward[0]))), 0, 360, 1.0, -1)
    nail = cv2.GaussianBlur(nail, (0, 0), 1.5)[..., None] * mask[..., None]
    finger = finger * (1 - nail * 0.4) + np.array([235, 200, 195]) * nail * 0.4
    scene = scene * (1 - mask[..., None]) + finger * mask[..., None]
    img = _camera(scene, rng)
    return Shot(img, quad, -9101, "covered_finger", quality=int(rng.integers(82, 96)))


def _sticker(card: Card, rng: np.random.Generator) -> Shot:
    """A label or a note stuck over a field or the portrait."""
    ch, cw = card.image.shape[:2]
    img = Image.fromarray(card.image.copy())
    d = ImageDraw.Draw(img)
    if card.text_boxes and rng.random() < 0.6:
        (x, y, w, h), _ = card.text_boxes[int(rng.integers(0, len(card.text_boxes)))]
        x, y, w, h = x - 6, y - 6, w + 12, h + 12
    elif card.face_box is not None and rng.random() < 0.5:
        x, y, w, h = card.face_box
    else:
        w, h = int(cw * rng.uniform(0.18, 0.4)), int(ch * rng.uniform(0.12, 0.3))
        x, y = int(rng.uniform(0, cw - w)), int(rng.uniform(0, ch - h))
    colour = tuple(int(v) for v in rng.choice([[250, 250, 245], [250, 230, 90], [255, 170, 190], [140, 200, 250], [120, 220, 140], [40, 40, 40]]))
    if rng.random() < 0.4:
        d.ellipse([x, y, x + max(w, h), y + max(w, h) * 0.8], fill=colour)
    else:
        d.rectangle([x, y, x + w, y + h], fill=colour)
        if rng.random() < 0.5:
            d.text((x + 5, y + 3), "PAID", fill=(90, 90, 90), font=_font(max(8, h // 3)))
    covered = Card(np.asarray(img), card.face_box, card.text_boxes, card.fields)
    shot = photograph(covered, rng)
    shot.code, shot.kind = -9101, "covered_sticker"
    return shot


def _object(card: Card, rng: np.random.Generator) -> Shot:
    """A pen, a coin or keys lying on the card, with its shadow."""
    scene, quad = _place(card.image, rng)
    h, w = scene.shape[:2]
    cw = _card_width(quad)
    centre = quad.mean(0) + rng.uniform(-0.3, 0.3, 2) * cw * np.array([1, 0.6])
    mask = np.zeros((h, w), np.float32)
    kind = rng.choice(["pen", "coin", "keys"])
    if kind == "pen":
        ang = rng.uniform(0, np.pi)
        d = np.array([np.cos(ang), np.sin(ang)]) * cw * rng.uniform(0.4, 0.7)
        cv2.line(mask, tuple((centre - d).astype(int)), tuple((centre + d).astype(int)), 1.0, int(cw * rng.uniform(0.04, 0.07)))
    elif kind == "coin":
        cv2.circle(mask, tuple(centre.astype(int)), int(cw * rng.uniform(0.1, 0.15)), 1.0, -1)
    else:
        for _ in range(3):
            p = centre + rng.uniform(-0.1, 0.1, 2) * cw
            cv2.ellipse(mask, tuple(p.astype(int)), (int(cw * 0.12), int(cw * 0.04)), rng.uniform(0, 180), 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 1.2)
    shadow = cv2.GaussianBlur(np.roll(mask, (int(cw * 0.02), int(cw * 0.02)), (0, 1)), (0, 0), cw * 0.01)
    scene = scene * (1 - 0.5 * shadow[..., None])
    colour = rng.uniform(20, 200, 3) if kind != "coin" else np.array([190, 160, 90]) * rng.uniform(0.7, 1.1)
    yy = np.linspace(0.8, 1.2, h, dtype=np.float32)[:, None, None]
    scene = scene * (1 - mask[..., None]) + colour * yy * mask[..., None]
    img = _camera(scene, rng)
    return Shot(img, quad, -9101, f"covered_{kind}", quality=int(rng.integers(82, 96)))


def _corner_out(card: Card, rng: np.random.Generator) -> Shot:
    """Framed too tight or off-centre: a corner or a strip of the card is outside the photo."""
    shot = photograph(card, rng)
    h, w = shot.image.shape[:2]
    q = shot.quad
    corner = int(rng.integers(0, 4))
    cut = rng.uniform(0.04, 0.2) * _card_width(q)
    x0, y0, x1, y1 = 0, 0, w, h
    px, py = q[corner]
    if corner in (0, 3):
        x0 = int(min(w * 0.4, max(0, px + cut)))
    else:
        x1 = int(max(w * 0.6, min(w, px - cut)))
    if rng.random() < 0.6:  # the corner itself, not only a strip
        if corner in (0, 1):
            y0 = int(min(h * 0.4, max(0, py + cut * 0.6)))
        else:
            y1 = int(max(h * 0.6, min(h, py - cut * 0.6)))
    shot.image = np.ascontiguousarray(shot.image[y0:y1, x0:x1])
    shot.quad = q - np.float32([x0, y0])
    shot.code, shot.kind = -9101, "covered_corner_out"
    return shot


DEGRADATIONS: dict[str, Callable[[Card, np.random.Generator], Shot]] = {
    "blur_gaussian": lambda c, r: _blurred(c, r, "blur_gaussian"),
    "blur_motion": lambda c, r: _blurred(c, r, "blur_motion"),
    "blur_defocus": lambda c, r: _blurred(c, r, "blur_defocus"),
    "glare": _glare,
    "photocopy_grey": lambda c, r: _photocopy(c, r, colour=False),
    "photocopy_colour": lambda c, r: _photocopy(c, r, colour=True),
    "recapture_screen": _screen,
    "recapture_print": _print,
    "edit_text_patch": _edit_text_patch,
    "edit_portrait_swap": _edit_portrait,
    "edit_splice": _edit_splice,
    "edit_metadata": _edit_metadata,
    "edit_resave": _edit_resave,
    "covered_finger": _finger,
    "covered_sticker": _sticker,
    "covered_object": _object,
    "covered_corner_out": _corner_out,
}

CODES = {name: code for name, code in (
    *((k, -9108) for k in ("blur_gaussian", "blur_motion", "blur_defocus")),
    ("glare", -9107),
    ("photocopy_grey", -9102), ("photocopy_colour", -9102),
    ("recapture_screen", -9103), ("recapture_print", -9103),
    *((k, -9104) for k in ("edit_text_patch", "edit_portrait_swap", "edit_splice", "edit_metadata", "edit_resave")),
    *((k, -9101) for k in ("covered_finger", "covered_sticker", "covered_object", "covered_corner_out")),
)}


def degrade(card: Card, kind: str, rng: np.random.Generator) -> Shot:
    """A photo of `card` with the problem `kind` (a key of DEGRADATIONS), or a clean one ("clean")."""
    if kind == "clean":
        return photograph(card, rng)
    return DEGRADATIONS[kind](card, rng)
