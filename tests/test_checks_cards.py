"""Card-like test images for the check tests, rendered here with Pillow so that the checks can be
tested without the engine: a MyKad-like front with a consistent number, date and sex, a portrait,
and the CardView the engine would build from a photo of it (quad and layout from ground truth)."""

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.checks.context import CardView, TextLine
from ocr.synth.degrade import Card, Shot, degrade

W, H = 856, 540
WARPED = (1000, 630)


def _font(size: int, bold: bool = True) -> ImageFont.ImageFont:
    return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)


def render_card(rng: np.random.Generator) -> Card:
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    base = np.array([rng.uniform(170, 205), rng.uniform(205, 230), rng.uniform(225, 245)], np.float32)
    # guilloche-like background lines, faint, as on real cards
    waves = 6 * np.sin(xx / rng.uniform(9, 15) + 3 * np.sin(yy / 40)) + 5 * (xx / W)
    img = np.clip(base + waves[..., None] * [1, 0.6, 0.3], 0, 255).astype(np.uint8)
    pil = Image.fromarray(img)
    d = ImageDraw.Draw(pil)
    d.rectangle([0, 0, W, 70], fill=(40, 80, 160))
    d.text((30, 12), "KAD PENGENALAN", fill=(255, 255, 255), font=_font(26))
    d.text((30, 42), "MALAYSIA  IDENTITY CARD", fill=(255, 230, 120), font=_font(18))
    yy_, mm, dd = int(rng.integers(60, 99)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    last = int(rng.integers(0, 10))
    number = f"{yy_:02d}{mm:02d}{dd:02d}-{int(rng.choice([1, 8, 10, 14])):02d}-{int(rng.integers(0, 1000)):03d}{last}"
    sex = "LELAKI" if last % 2 else "PEREMPUAN"
    name = rng.choice(["KAVIN ONG KHI MING", "NUR AISYAH BINTI AHMAD", "RAJESH A/L KUMAR", "TAN MEI LING"])
    address = ["NO 11 JALAN MERANTI 3", "TAMAN SRI MUDA", "40400 SHAH ALAM", "SELANGOR"]
    boxes: list[tuple[tuple[int, int, int, int], str]] = []

    def text(x: int, y: int, s: str, size: int, bold: bool = True) -> None:
        f = _font(size, bold)
        d.text((x, y), s, fill=(20, 20, 25), font=f)
        l, t, r, b = d.textbbox((x, y), s, font=f)
        boxes.append(((l, t, r - l, b - t), s))

    text(40, 100, number, 40)
    d.rounded_rectangle([50, 170, 150, 250], 10, fill=(200, 170, 80))  # chip
    text(40, 330, name, 24)
    for i, line in enumerate(address):
        text(40, 370 + i * 34, line, 20, bold=False)
    # portrait: studio background, shoulders, skin-tone face, hair
    fx, fy, fw, fh = 590, 110, 220, 290
    d.rectangle([fx, fy, fx + fw, fy + fh], fill=(225, 228, 232))
    skin = (int(rng.uniform(175, 225)), int(rng.uniform(130, 170)), int(rng.uniform(100, 135)))
    d.ellipse([fx + 15, fy + 200, fx + fw - 15, fy + fh + 120], fill=(40, 50, 90))
    d.ellipse([fx + 55, fy + 50, fx + fw - 55, fy + 230], fill=skin)
    d.ellipse([fx + 50, fy + 25, fx + fw - 50, fy + 105], fill=(25, 20, 20))
    for ex in (fx + 88, fx + 132):
        d.ellipse([ex - 7, fy + 125, ex + 7, fy + 133], fill=(40, 30, 30))
    d.arc([fx + 85, fy + 165, fx + 135, fy + 195], 20, 160, fill=(140, 60, 60), width=3)
    text(600, 420, "WARGANEGARA", 20)
    text(600, 450, sex, 20)
    out = np.asarray(pil)
    fields = {"ID": number, "Name": name, "Sex": sex, "Birthday": f"{dd:02d}/{mm:02d}/19{yy_:02d}",
              "Address": " ".join(address), "Type": "MyKad"}
    return Card(out, (fx, fy, fw, fh), boxes, fields)


def view_from_shot(shot: Shot, card: Card, *, data: bytes | None = None, fields: dict | None = None) -> CardView:
    """What the engine would hand to the checks: decoded file, ground-truth quad, warped card."""
    data = shot.encode() if data is None else data
    pil = Image.open(io.BytesIO(data))
    original = np.asarray(pil.convert("RGB"))
    quad = shot.quad.astype(np.float32)
    ww, wh = WARPED
    m = cv2.getPerspectiveTransform(quad, np.float32([[0, 0], [ww, 0], [ww, wh], [0, wh]]))
    warped = cv2.warpPerspective(original, m, WARPED, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    sx, sy = ww / card.image.shape[1], wh / card.image.shape[0]
    lines = [TextLine(t, 0.95, ((x * sx, y * sy), ((x + w) * sx, y * sy), ((x + w) * sx, (y + h) * sy), (x * sx, (y + h) * sy)))
             for (x, y, w, h), t in card.text_boxes]
    fx, fy, fw, fh = card.face_box
    face = (int(fx * sx), int(fy * sy), int(fw * sx), int(fh * sy))
    return CardView("MLIDCardOCR", "front", data, pil.format, original, quad, warped, lines, face,
                    dict(card.fields if fields is None else fields))


# Fixtures for the check test modules, each seeded by the importing module's own SEED:
#   from tests.test_checks_cards import card, clean_view  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def card(request) -> Card:
    return render_card(np.random.default_rng(request.module.SEED))


@pytest.fixture(scope="module")
def clean_view(card, request) -> CardView:
    """The same card photographed cleanly, as the engine would hand it to the checks."""
    return view_from_shot(degrade(card, "clean", np.random.default_rng(request.module.SEED + 1)), card)
