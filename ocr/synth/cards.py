"""Drawing the upright card (front or back) and its ground truth."""

import datetime as dt
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from . import data as D

MY_KINDS = ("MyKad", "MyPR", "MyTentera", "MyKAS", "POLIS", "IKAD", "MyKid")
KINDS = MY_KINDS + ("SG",)

# ID-1 card proportions (85.60 x 53.98 mm) at ~300 dpi.
W, H = 1012, 638

LATIN_BOLD = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
]
LATIN_REGULAR = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
]
CJK = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

# Base colours per card (light background, accent); jittered per card.
MY_COLOURS = {
    "MyKad": ((214, 228, 244), (40, 80, 160)),
    "MyPR": ((244, 206, 206), (170, 30, 40)),
    "MyKAS": ((206, 236, 208), (30, 120, 50)),
    "MyTentera": ((226, 222, 190), (90, 90, 40)),
    "POLIS": ((200, 212, 236), (20, 30, 110)),
    "IKAD": ((228, 216, 240), (90, 40, 130)),
    "MyKid": ((248, 238, 196), (190, 120, 20)),
}
SG_COLOURS = {"citizen": ((246, 214, 222), (160, 40, 70)), "pr": ((208, 224, 246), (30, 70, 150))}


def _font(path: str, size: int):
    return ImageFont.truetype(path, max(8, int(size)))


def _jitter(rgb, rng, amount=14):
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in rgb)


def _background(rng: random.Random, base, accent) -> Image.Image:
    """A light card with a guilloche-like pattern, so that the background is not flat."""
    img = Image.new("RGB", (W, H), _jitter(base, rng))
    d = ImageDraw.Draw(img)
    top = _jitter(tuple(min(255, c + 25) for c in base), rng)
    for y in range(H):
        t = y / H
        row = tuple(int(top[i] * (1 - t) + base[i] * t) for i in range(3))
        d.line([(0, y), (W, y)], fill=row)
    faint = tuple(int(b * 0.88 + a * 0.12) for b, a in zip(base, accent))
    step = rng.randint(18, 34)
    phase = rng.random() * 6
    import math

    for k in range(-H, W, step):
        pts = [(k + x, H / 2 + 80 * math.sin(x / 90 + phase) + (x * 0.3)) for x in range(0, W, 20)]
        d.line(pts, fill=faint, width=1)
    return img


def _draw_face(img: Image.Image, box, rng: random.Random, grey: bool = False):
    """A drawn portrait: backdrop, shoulders, head with eyes, brows, nose and mouth.

    Frontal and evenly lit, like an ID photo, so that a frontal-face detector has the dark eye band
    over lighter cheeks it looks for."""
    bx0, by0, bx1, by1 = (int(v) for v in box)
    # Drawn on its own tile so that shoulders and hair never spill over the card text.
    tile = Image.new("RGB", (bx1 - bx0, by1 - by0), _jitter((200, 210, 225), rng, 20))
    x0, y0, x1, y1 = 0, 0, bx1 - bx0, by1 - by0
    w, h = x1 - x0, y1 - y0
    d = ImageDraw.Draw(tile)
    skin = rng.choice([(232, 196, 170), (205, 160, 120), (160, 115, 85), (240, 210, 185), (185, 140, 105)])
    skin = _jitter(skin, rng, 10)
    hair = _jitter((35, 28, 24), rng, 10)
    cx = x0 + w / 2 + rng.uniform(-0.03, 0.03) * w
    fw, fh = w * rng.uniform(0.50, 0.58), h * rng.uniform(0.50, 0.56)
    fy = y0 + h * 0.18
    shirt = _jitter(rng.choice([(40, 40, 60), (230, 230, 235), (90, 30, 30), (30, 60, 90)]), rng)
    d.ellipse([x0 - w * 0.05, y0 + h * 0.80, x1 + w * 0.05, y1 + h * 0.5], fill=shirt)
    d.rectangle([cx - fw * 0.18, fy + fh * 0.85, cx + fw * 0.18, y0 + h * 0.86], fill=skin)
    d.ellipse([cx - fw / 2 - fw * 0.06, fy - fh * 0.12, cx + fw / 2 + fw * 0.06, fy + fh * 0.62], fill=hair)
    d.ellipse([cx - fw / 2, fy, cx + fw / 2, fy + fh], fill=skin)
    d.ellipse([cx - fw * 0.56, fy + fh * 0.38, cx - fw * 0.44, fy + fh * 0.58], fill=skin)
    d.ellipse([cx + fw * 0.44, fy + fh * 0.38, cx + fw * 0.56, fy + fh * 0.58], fill=skin)
    ey = fy + fh * 0.42
    for sx in (-1, 1):
        ex = cx + sx * fw * 0.2
        d.line([ex - fw * 0.12, ey - fh * 0.09, ex + fw * 0.12, ey - fh * 0.1], fill=hair, width=max(2, int(fh * 0.035)))
        d.ellipse([ex - fw * 0.10, ey - fh * 0.035, ex + fw * 0.10, ey + fh * 0.045], fill=(245, 245, 245))
        d.ellipse([ex - fw * 0.045, ey - fh * 0.035, ex + fw * 0.045, ey + fh * 0.045], fill=(30, 25, 20))
    shade = tuple(int(c * 0.8) for c in skin)
    d.line([cx, ey + fh * 0.05, cx - fw * 0.05, ey + fh * 0.24, cx + fw * 0.04, ey + fh * 0.26], fill=shade, width=max(2, int(fw * 0.03)))
    my = fy + fh * 0.8
    d.chord([cx - fw * 0.18, my - fh * 0.06, cx + fw * 0.18, my + fh * 0.06], 0, 180, fill=(150, 60, 60))
    if grey:
        tile = tile.convert("L").convert("RGB")
    img.paste(tile, (bx0, by0))


def _text(d, xy, s, font, fill):
    d.text(xy, s, font=font, fill=fill)
    return d.textbbox(xy, s, font=font)


def _wrap(words: list[str], font, max_w: int) -> list[str]:
    lines, cur = [], ""
    for w in words:
        cand = f"{cur} {w}".strip()
        if cur and font.getlength(cand) > max_w:
            lines.append(cur)
            cur = w
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


# ---------------------------------------------------------------- people


def _my_person(rng: random.Random, kind: str) -> dict:
    male = rng.random() < 0.5
    today = dt.date.today()
    if kind == "MyKid":
        birth = D.pick_date(rng, today.year - 11, today.year - 1)
    else:
        birth = D.pick_date(rng, 1950, today.year - 18)
    ethnic = rng.choice(["malay", "malay", "chinese", "indian"])
    if ethnic == "malay":
        first = rng.choice(D.MALAY_MALE if male else D.MALAY_FEMALE)
        if rng.random() < 0.5:
            first += " " + rng.choice(D.MALAY_SECOND)
        name = f"{first} {'BIN' if male else 'BINTI'} {rng.choice(D.MALAY_FATHER)}"
        religion = "ISLAM"
    elif ethnic == "indian":
        name = f"{rng.choice(D.INDIAN_MALE if male else D.INDIAN_FEMALE)} {'A/L' if male else 'A/P'} {rng.choice(D.INDIAN_FATHER)}"
        religion = ""
    else:
        sur = rng.choice(D.CN_SURNAMES)[0]
        given = " ".join(g[0] for g in rng.sample(D.CN_GIVEN, 2))
        name = f"{sur} {given}"
        if rng.random() < 0.3:
            name = f"{rng.choice(D.WESTERN_GIVEN)} {name}"
        religion = ""
    postcode, town, state, pb = rng.choice(D.MY_PLACES)
    if kind in ("MyPR", "MyKAS") and rng.random() < 0.7:
        pb = rng.choice(D.FOREIGN_PB)
    number = D.mykad_number(rng, birth, pb, male)
    no = rng.choice(["NO", "NO.", "LOT", ""]) + f" {rng.randint(1, 250)}"
    if rng.random() < 0.3:
        no += rng.choice(["A", "B", "-1"])
    street = f"{rng.choice(D.MY_STREET_KIND)} {rng.choice(D.MY_STREET_NAME)} {rng.randint(1, 12)}"
    addr_lines = [no.strip() + " " + street, rng.choice(D.MY_AREA), f"{postcode} {town}", state]
    if rng.random() < 0.25:  # a long first line wraps on real cards
        addr_lines = [no.strip(), street] + addr_lines[1:]
    return dict(male=male, birth=birth, name=name, religion=religion, number=number, addr_lines=addr_lines)


def _ikad_person(rng: random.Random) -> dict:
    male = rng.random() < 0.6
    country = rng.choice(list(D.FOREIGN_WORKER))
    firsts, lasts = D.FOREIGN_WORKER[country]
    name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
    if rng.random() < 0.4:
        name = f"{rng.choice(firsts)} {name}"
    birth = D.pick_date(rng, 1970, dt.date.today().year - 20)
    passport = rng.choice("ABCEKMPR") + f"{rng.randint(0, 99999999):08d}"
    return dict(male=male, birth=birth, name=name, number=passport, country=country)


def _sg_person(rng: random.Random) -> dict:
    male = rng.random() < 0.5
    today = dt.date.today()
    birth = D.pick_date(rng, 1955, today.year - 16)
    race = rng.choice(["CHINESE", "CHINESE", "CHINESE", "MALAY", "INDIAN", "EURASIAN"])
    ch_name = ""
    if race == "CHINESE":
        sur = rng.choice(D.CN_SURNAMES)
        given = rng.sample(D.CN_GIVEN, rng.choice([1, 2, 2]))
        en = f"{sur[0]} {' '.join(g[0] for g in given)}"
        if rng.random() < 0.3:
            en = f"{rng.choice(D.WESTERN_GIVEN)} {en}"
        ch_name = sur[1] + "".join(g[1] for g in given)
    elif race == "MALAY":
        en = f"{rng.choice(D.MALAY_MALE if male else D.MALAY_FEMALE)} {'BIN' if male else 'BINTE'} {rng.choice(D.MALAY_FATHER)}"
    elif race == "INDIAN":
        en = f"{rng.choice(D.INDIAN_MALE if male else D.INDIAN_FEMALE)} {'S/O' if male else 'D/O'} {rng.choice(D.INDIAN_FATHER)}"
    else:
        en = f"{rng.choice(D.WESTERN_GIVEN)} {rng.choice(['DE SOUZA', 'PEREIRA', 'FERNANDEZ', 'DE SILVA'])}"
    pr = rng.random() < 0.25
    country = rng.choice(D.SG_COUNTRIES) if pr else rng.choice(["SINGAPORE"] * 8 + ["MALAYSIA"])
    number = D.nric_number(rng, birth)
    street, district = rng.choice(D.SG_STREETS)
    blk = rng.randint(1, 999)
    postcode = f"{district}{blk:04d}" if rng.random() < 0.8 else f"{district}{rng.randint(0, 9999):04d}"
    unit = f"#{rng.randint(2, 25):02d}-{rng.randint(1, 500):02d}"
    addr_lines = [f"BLK {blk} {street} {rng.randint(1, 9)}", unit, f"SINGAPORE {postcode}"]
    issue = D.pick_date(rng, max(birth.year + 15, 2005), today.year - 1)
    # Ten years on; an issue on 29 February expires on 28 February (no 29th in the expiry year).
    expiry = issue.replace(year=issue.year + 10, day=min(issue.day, 28) if issue.month == 2 else issue.day) if rng.random() < 0.3 else None
    return dict(male=male, birth=birth, en=en, ch=ch_name, race=race, country=country, pr=pr, number=number,
                addr_lines=addr_lines, postcode=postcode, issue=issue, expiry=expiry)


def _empty(keys):
    return {k: "" for k in keys}


MY_FIELDS = ("ID", "Name", "Address", "Sex", "Type", "Birthday", "MyKadNumber")
SG_FIELDS = ("ChName", "EnName", "Sex", "CountryOfBirth", "Birthday", "Address", "ID", "Race", "NRICCode", "PostCode", "DateOfExpiration", "DateOfIssue")


# ---------------------------------------------------------------- Malaysia


MY_HEADERS = {
    "MyKad": ["KAD PENGENALAN", "MALAYSIA"],
    "MyPR": ["KAD PENGENALAN", "MALAYSIA"],
    "MyKAS": ["KAD PENGENALAN", "MALAYSIA"],
    "MyKid": ["KAD PENGENALAN", "MALAYSIA"],
    "MyTentera": ["ANGKATAN TENTERA", "MALAYSIA"],
    "POLIS": ["POLIS DIRAJA", "MALAYSIA"],
}
MY_LOGO = {"MyKad": "MyKad", "MyPR": "MyPR", "MyKAS": "MyKAS", "MyKid": "MyKid", "MyTentera": "MyTentera", "POLIS": "POLIS"}


def _render_my_front(kind: str, rng: random.Random):
    base, accent = MY_COLOURS[kind]
    img = _background(rng, base, accent)
    d = ImageDraw.Draw(img)
    bold = rng.choice(LATIN_BOLD)
    regular = rng.choice(LATIN_REGULAR + LATIN_BOLD)
    ink = _jitter((20, 20, 30), rng, 15)
    acc = _jitter(accent, rng)
    s = rng.uniform(0.94, 1.06)
    jx = lambda v: int(v * W + rng.uniform(-0.01, 0.01) * W)  # noqa: E731
    jy = lambda v: int(v * H + rng.uniform(-0.01, 0.01) * H)  # noqa: E731
    truth = _empty(MY_FIELDS)
    truth["Type"] = kind
    if kind == "IKAD":
        return _render_ikad(img, d, rng, bold, regular, ink, acc, truth)
    p = _my_person(rng, kind)
    hdr = MY_HEADERS[kind]
    f_h = _font(bold, 0.05 * H * s)
    _text(d, (jx(0.035), jy(0.035)), hdr[0], f_h, acc)
    _text(d, (jx(0.035), jy(0.035) + int(0.065 * H * s)), hdr[1], f_h, acc)
    _text(d, (jx(0.035), jy(0.035) + int(0.13 * H * s)), "IDENTITY CARD" if kind != "POLIS" else "KAD PENGENALAN POLIS", _font(regular, 0.032 * H * s), acc)
    # Logo text in the centre of the band and a flag block at top right.
    _text(d, (jx(0.50), jy(0.04)), MY_LOGO[kind], _font(bold, 0.06 * H * s), acc)
    fx = int(0.83 * W)
    for i in range(7):
        d.rectangle([fx, 0.04 * H + i * 7, fx + 0.12 * W, 0.04 * H + i * 7 + 3], fill=(200, 30, 40) if i % 2 == 0 else (250, 250, 250))
    d.rectangle([fx, 0.04 * H, fx + 0.055 * W, 0.04 * H + 27], fill=(20, 40, 130))
    # Number, large, under the band.
    num_font = _font(bold, 0.075 * H * s)
    _text(d, (jx(0.04), jy(0.25)), p["number"], num_font, ink)
    # Chip.
    cx0, cy0 = jx(0.06), jy(0.39)
    d.rounded_rectangle([cx0, cy0, cx0 + 0.12 * W, cy0 + 0.15 * H], radius=10, fill=_jitter((205, 175, 90), rng), outline=(150, 120, 50), width=2)
    d.line([cx0, cy0 + 0.075 * H, cx0 + 0.12 * W, cy0 + 0.075 * H], fill=(150, 120, 50), width=2)
    # Photo: right third; MyKid cards sometimes carry none.
    photo = (int(0.66 * W), int(0.22 * H), int(0.94 * W), int(0.74 * H))
    has_photo = not (kind == "MyKid" and rng.random() < 0.4)
    if has_photo:
        _draw_face(img, photo, rng, grey=rng.random() < 0.5)
        _draw_face(img, (int(0.42 * W), int(0.36 * H), int(0.52 * W), int(0.54 * H)), rng, grey=True)  # ghost photo
    # Name then address, bottom left.
    f_txt = _font(regular, 0.043 * H * s)
    lh = int(0.056 * H * s)
    name_lines = _wrap(p["name"].split(), f_txt, int(0.60 * W))
    lines = name_lines + p["addr_lines"]
    y = min(jy(0.58), int(0.97 * H) - lh * len(lines))
    x = jx(0.04)
    for ln in lines:
        _text(d, (x, y), ln, f_txt, ink)
        y += lh
    # Citizenship, religion and sex under the photo.
    right = []
    if kind == "MyPR":
        right.append("PEMASTAUTIN TETAP")
    elif kind == "MyKAS":
        right += ["PEMASTAUTIN SEMENTARA", "BUKAN WARGANEGARA"]
    else:
        right.append("WARGANEGARA")
    if p["religion"] and rng.random() < 0.9:
        right.append(p["religion"])
    sex = "LELAKI" if p["male"] else "PEREMPUAN"
    right.append(sex)
    f_r = _font(regular, 0.038 * H * s)
    y = int(0.77 * H)
    if len(right) > 3:
        y = int(0.745 * H)
    for ln in right:
        _text(d, (int(0.64 * W), y), ln, f_r, ink)
        y += int(0.05 * H)
    if kind == "MyKAS":
        exp = dt.date.today().replace(day=1) + dt.timedelta(days=rng.randint(60, 1800))
        _text(d, (jx(0.40), jy(0.58) - int(0.06 * H)), f"TARIKH LUPUT {exp:%d-%m-%Y}", _font(regular, 0.03 * H), ink)
    birth = p["birth"]
    truth.update(ID=p["number"], Name=p["name"], Address=" ".join(p["addr_lines"]), Sex=sex)
    if kind == "MyKad":
        truth["Birthday"] = f"{birth:%d/%m/%Y}"
    meta = dict(photo_box=photo if has_photo else None)
    return img, truth, p, meta


def _render_ikad(img, d, rng, bold, regular, ink, acc, truth):
    p = _ikad_person(rng)
    s = rng.uniform(0.94, 1.06)
    _text(d, (int(0.04 * W), int(0.04 * H)), "JABATAN IMIGRESEN MALAYSIA", _font(bold, 0.045 * H * s), acc)
    _text(d, (int(0.04 * W), int(0.11 * H)), "i-KAD", _font(bold, 0.07 * H * s), acc)
    _text(d, (int(0.25 * W), int(0.13 * H)), "PAS LAWATAN KERJA SEMENTARA", _font(regular, 0.032 * H * s), acc)
    photo = (int(0.04 * W), int(0.27 * H), int(0.30 * W), int(0.80 * H))
    _draw_face(img, photo, rng)
    f_l = _font(regular, 0.028 * H * s)
    f_v = _font(bold, 0.042 * H * s)
    sex = "LELAKI" if p["male"] else "PEREMPUAN"
    rows = [("NAMA / NAME", p["name"]), ("NO. PASPORT / PASSPORT NO.", p["number"]),
            ("TARIKH LAHIR / DATE OF BIRTH", f"{p['birth']:%d-%m-%Y}"), ("JANTINA / SEX", sex),
            ("WARGANEGARA / NATIONALITY", p["country"])]
    y = int(0.26 * H)
    for label, value in rows:
        _text(d, (int(0.35 * W), y), label, f_l, acc)
        _text(d, (int(0.35 * W), y + int(0.036 * H * s)), value, f_v, ink)
        y += int(0.105 * H)
    exp = dt.date.today() + dt.timedelta(days=rng.randint(60, 700))
    _text(d, (int(0.35 * W), y + 4), f"TAMAT / EXPIRY {exp:%d-%m-%Y}", f_l, ink)
    truth.update(ID=p["number"], Name=p["name"], Sex=sex, Birthday=f"{p['birth']:%d/%m/%Y}")
    return img, truth, p, dict(photo_box=photo)


def _render_my_back(kind: str, rng: random.Random, p: dict):
    base, accent = MY_COLOURS[kind]
    img = _background(rng, base, accent)
    d = ImageDraw.Draw(img)
    bold = rng.choice(LATIN_BOLD)
    regular = rng.choice(LATIN_REGULAR)
    ink = _jitter((20, 20, 30), rng, 15)
    # Coat of arms stand-in and the signature.
    d.ellipse([int(0.06 * W), int(0.08 * H), int(0.22 * W), int(0.34 * H)], outline=_jitter(accent, rng), width=6)
    sig_y = int(0.70 * H)
    pts = [(int(0.08 * W) + i * 9, sig_y + int(18 * __import__("math").sin(i * 0.9))) for i in range(25)]
    d.line(pts, fill=(30, 30, 90), width=3)
    _text(d, (int(0.05 * W), int(0.78 * H)), "KETUA PENGARAH", _font(regular, 0.03 * H), ink)
    _text(d, (int(0.05 * W), int(0.83 * H)), "PENDAFTARAN NEGARA", _font(regular, 0.03 * H), ink)
    _text(d, (int(0.50 * W), int(0.10 * H)), p["number"], _font(bold, 0.06 * H * rng.uniform(0.95, 1.05)), ink)
    serial = rng.choice(["AH", "AK", "BH", "CJ"]) + f"{rng.randint(0, 9999999):07d}"
    _text(d, (int(0.55 * W), int(0.86 * H)), serial, _font(regular, 0.035 * H), ink)
    d.rounded_rectangle([int(0.70 * W), int(0.35 * H), int(0.90 * W), int(0.62 * H)], radius=12, outline=(120, 120, 120), width=3)
    truth = _empty(MY_FIELDS)
    truth["MyKadNumber"] = p["number"]
    return img, truth, {"photo_box": None}


# ---------------------------------------------------------------- Singapore


def _sg_canvas(rng: random.Random, p: dict):
    """Both sides share the card stock (pink for citizens, blue for PR), fonts, inks and scale."""
    base, accent = SG_COLOURS["pr" if p["pr"] else "citizen"]
    img = _background(rng, base, accent)
    d = ImageDraw.Draw(img)
    bold = rng.choice(LATIN_BOLD)
    regular = rng.choice(LATIN_REGULAR)
    ink = _jitter((20, 20, 30), rng, 15)
    acc = _jitter(accent, rng)
    s = rng.uniform(0.94, 1.06)
    return img, d, bold, regular, ink, acc, s


def _render_sg_front(rng: random.Random, p: dict):
    img, d, bold, regular, ink, acc, s = _sg_canvas(rng, p)
    _text(d, (int(0.05 * W), int(0.04 * H)), "REPUBLIC OF SINGAPORE", _font(bold, 0.06 * H * s), acc)
    _text(d, (int(0.50 * W), int(0.15 * H)), "IDENTITY CARD NO.", _font(regular, 0.032 * H * s), ink)
    _text(d, (int(0.50 * W), int(0.20 * H)), p["number"], _font(bold, 0.06 * H * s), ink)
    photo = (int(0.05 * W), int(0.22 * H), int(0.31 * W), int(0.80 * H))
    _draw_face(img, photo, rng, grey=rng.random() < 0.3)
    f_l = _font(regular, 0.03 * H * s)
    f_v = _font(bold, 0.045 * H * s)
    x = int(0.36 * W)
    y = int(0.32 * H)
    _text(d, (x, y), "Name", f_l, acc)
    y += int(0.04 * H)
    for ln in _wrap(p["en"].split(), f_v, int(0.60 * W)):
        _text(d, (x, y), ln, f_v, ink)
        y += int(0.06 * H)
    if p["ch"]:
        _text(d, (x, y), p["ch"], _font(CJK, 0.055 * H * s), ink)
        y += int(0.07 * H)
    y = max(y + int(0.01 * H), int(0.55 * H))
    _text(d, (x, y), "Race", f_l, acc)
    _text(d, (x, y + int(0.04 * H)), p["race"], f_v, ink)
    y += int(0.12 * H)
    dob = f"{p['birth']:%d-%m-%Y}"
    sex = "M" if p["male"] else "F"
    _text(d, (x, y), "Date of birth", f_l, acc)
    _text(d, (x, y + int(0.04 * H)), dob, f_v, ink)
    _text(d, (x + int(0.30 * W), y), "Sex", f_l, acc)
    _text(d, (x + int(0.30 * W), y + int(0.04 * H)), sex, f_v, ink)
    y += int(0.12 * H)
    _text(d, (x, y), "Country/Place of birth", f_l, acc)
    _text(d, (x, y + int(0.04 * H)), p["country"], f_v, ink)
    truth = _empty(SG_FIELDS)
    truth.update(ID=p["number"], EnName=p["en"], ChName=p["ch"], Race=p["race"], Birthday=f"{p['birth']:%d/%m/%Y}",
                 Sex=sex, CountryOfBirth=p["country"])
    return img, truth, {"photo_box": photo}


def _render_sg_back(rng: random.Random, p: dict):
    img, d, bold, regular, ink, acc, s = _sg_canvas(rng, p)
    _text(d, (int(0.05 * W), int(0.05 * H)), p["number"], _font(bold, 0.06 * H * s), ink)
    # Barcode.
    x = int(0.45 * W)
    while x < int(0.93 * W):
        bw = rng.choice([2, 3, 5, 7])
        d.rectangle([x, int(0.05 * H), x + bw, int(0.17 * H)], fill=(20, 20, 20))
        x += bw + rng.choice([3, 4, 6])
    # Thumbprint.
    tx, ty = int(0.80 * W), int(0.50 * H)
    for r in range(8, 90, 9):
        d.ellipse([tx - r * 0.7, ty - r, tx + r * 0.7, ty + r], outline=(110, 110, 120), width=2)
    f_l = _font(regular, 0.03 * H * s)
    f_v = _font(bold, 0.045 * H * s)
    y = int(0.25 * H)
    _text(d, (int(0.05 * W), y), "Date of issue", f_l, acc)
    _text(d, (int(0.05 * W), y + int(0.04 * H)), f"{p['issue']:%d-%m-%Y}", f_v, ink)
    if p["expiry"]:
        _text(d, (int(0.35 * W), y), "Date of expiry", f_l, acc)
        _text(d, (int(0.35 * W), y + int(0.04 * H)), f"{p['expiry']:%d-%m-%Y}", f_v, ink)
    y = int(0.48 * H)
    _text(d, (int(0.05 * W), y), "Address", f_l, acc)
    y += int(0.045 * H)
    for ln in p["addr_lines"]:
        _text(d, (int(0.05 * W), y), ln, f_v, ink)
        y += int(0.065 * H)
    truth = _empty(SG_FIELDS)
    truth.update(NRICCode=p["number"], Address=" ".join(p["addr_lines"]), PostCode=p["postcode"],
                 DateOfIssue=f"{p['issue']:%d/%m/%Y}", DateOfExpiration=f"{p['expiry']:%d/%m/%Y}" if p["expiry"] else "")
    return img, truth, {"photo_box": None}


def render_card(kind: str, seed: int, side: str = "front") -> tuple[Image.Image, dict]:
    """The upright card as a PIL RGB image and its truth (Tencent fields + "_" metadata)."""
    if kind not in KINDS:
        raise ValueError(f"unknown card kind {kind!r}: one of {', '.join(KINDS)}")
    if side not in ("front", "back"):
        raise ValueError("side is 'front' or 'back'")
    rng = random.Random(f"card:{kind}:{seed}")
    if kind == "SG":
        p = _sg_person(rng)
        img, truth, meta = (_render_sg_front if side == "front" else _render_sg_back)(random.Random(f"draw:{seed}:{side}"), p)
    else:
        img, truth, p, meta = _render_my_front(kind, rng)
        if side == "back":
            if kind == "IKAD":
                raise ValueError("IKAD has no back side in this generator")
            img, back_truth, meta = _render_my_back(kind, random.Random(f"back:{seed}"), p)
            back_truth["Type"] = ""
            truth = back_truth
    # Worn cards: a touch of softness so that edges are not vector-perfect.
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    truth = dict(truth, _kind=kind, _side=side, _photo_box=meta.get("photo_box"))
    return img, truth
