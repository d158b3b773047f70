"""Malaysian card fields, found by layout (where a block sits on the upright card) and content
(what a value must look like), with a confidence that drops when a value breaks the card's rules."""

import datetime as dt
import re

from ..idnumbers import PLACE_OF_BIRTH, mykad_birth_date
from .text import TO_DIGIT, Line, contains_fuzzy

STATES = ["JOHOR", "KEDAH", "KELANTAN", "MELAKA", "NEGERI SEMBILAN", "PAHANG", "PULAU PINANG", "PERAK", "PERLIS", "SELANGOR",
          "TERENGGANU", "SABAH", "SARAWAK", "W. PERSEKUTUAN", "WILAYAH PERSEKUTUAN", "KUALA LUMPUR", "LABUAN", "PUTRAJAYA", "PENANG", "MALACCA"]
ADDRESS_WORDS = ("JALAN", "JLN", "LORONG", "LRG", "TAMAN", "KAMPUNG", "KG", "LOT", "NO", "BLOK", "BLK", "PERSIARAN", "BATU", "BANDAR", "APARTMENT", "JALAN", "LEBUH", "PANGSAPURI")
MARKER_WORDS = ("WARGANEGARA", "PEMASTAUTIN", "SEMENTARA", "TETAP", "ISLAM", "LELAKI", "PEREMPUAN", "TARIKH", "LUPUT", "IDENTITY", "KAD", "PENGENALAN", "MALAYSIA")

# Postcode prefixes (first two digits) per state as printed on the last address line; a postcode
# that does not belong to the printed state is a misread (or an edited card).
POSTCODE_STATES = [
    (range(1, 3), ("PERLIS",)), (range(5, 10), ("KEDAH",)), (range(10, 15), ("PULAU PINANG", "PENANG")),
    (range(15, 19), ("KELANTAN",)), (range(20, 25), ("TERENGGANU",)), (range(25, 29), ("PAHANG",)), (range(39, 40), ("PAHANG", "PERAK")),
    (range(49, 50), ("PAHANG",)), (range(69, 70), ("PAHANG",)), (range(30, 37), ("PERAK",)), (range(40, 49), ("SELANGOR",)),
    (range(63, 64), ("SELANGOR",)), (range(68, 69), ("SELANGOR", "KUALA LUMPUR", "PERSEKUTUAN")),
    (range(50, 61), ("KUALA LUMPUR", "PERSEKUTUAN", "(KL)")), (range(62, 63), ("PUTRAJAYA", "PERSEKUTUAN")),
    (range(70, 74), ("NEGERI SEMBILAN",)), (range(75, 79), ("MELAKA", "MALACCA")), (range(79, 87), ("JOHOR",)),
    (range(87, 88), ("LABUAN", "PERSEKUTUAN")), (range(88, 92), ("SABAH",)), (range(93, 99), ("SARAWAK",)),
]


def postcode_matches_state(postcode: str, state_line: str) -> bool:
    prefix = int(postcode[:2])
    up = state_line.upper()
    for rng, names in POSTCODE_STATES:
        if prefix in rng and any(contains_fuzzy(up, n, 0.85) for n in names):
            return True
    return False


ID_RE = re.compile(r"(\d{6})\s*-?\s*(\d{2})\s*-?\s*(\d{4})")
NAME_OK = re.compile(r"^[A-Z][A-Z '@./()-]*$")


def parse_mykad_number(text: str) -> str | None:
    t = text.upper().translate(TO_DIGIT).replace(" ", "")
    m = ID_RE.search(t)
    if not m:
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"


def number_checks(number: str) -> float:
    """1.0 when the date and place-of-birth code are valid, lower otherwise."""
    factor = 1.0
    if mykad_birth_date(number[:6], today=dt.date.today()) is None:
        factor *= 0.3
    if int(number[7:9]) not in PLACE_OF_BIRTH:
        factor *= 0.4
    return factor


def classify_type(texts: list[str], bg_rgb) -> tuple[str, float]:
    """Card type from printed markers, with the card colour as a tie-breaker and cross-check.

    Markers are matched line by line: across line boundaries "SEREMBAN WARGANEGARA" looks like
    "BUKAN WARGANEGARA"."""
    ups = [t.upper() for t in texts]
    r, g, b = (float(v) for v in bg_rgb)
    reddish = r > g + 18 and r > b + 8
    greenish = g > r + 12 and g > b + 4
    markers = [
        ("IKAD", ("IMIGRESEN", "I-KAD", "IKAD", "PASPORT")),
        ("MyKAS", ("PEMASTAUTIN SEMENTARA", "BUKAN WARGANEGARA", "MYKAS")),
        ("MyPR", ("PEMASTAUTIN TETAP", "MYPR")),
        ("MyTentera", ("TENTERA", "MYTENTERA")),
        ("POLIS", ("POLIS DIRAJA", "KAD PENGENALAN POLIS")),
        ("MyKid", ("MYKID",)),
    ]
    best, best_score = None, 0.0
    for kind, words in markers:
        s = max((contains_fuzzy(up, w, 0.84) for w in words for up in ups), default=0.0)
        if s > best_score:
            best, best_score = kind, s
    if best is None:
        # A plain MyKad; colour alone can still reveal a PR or temporary-resident card.
        if any(contains_fuzzy(up, "WARGANEGARA", 0.85) for up in ups):
            # Citizens' cards say so; colour (shifted by lighting and white balance) must not overrule it.
            return "MyKad", 0.95
        if reddish:
            return "MyPR", 0.6
        if greenish:
            return "MyKAS", 0.6
        return "MyKad", 0.9 if any(contains_fuzzy(up, "MYKAD") for up in ups) else 0.7
    conf = best_score
    if best == "MyPR" and not reddish:
        conf *= 0.8
    if best == "MyKAS" and not greenish:
        conf *= 0.8
    return best, conf


def _is_address_line(text: str) -> bool:
    up = text.upper()
    first = up.split(" ")[0].rstrip(".") if up else ""
    return bool(re.search(r"\d", up)) or first in ADDRESS_WORDS


def _is_marker(text: str) -> bool:
    up = text.upper()
    return any(contains_fuzzy(up, w, 0.85) for w in MARKER_WORDS if len(w) > 4) or up in ("ISLAM",)


def fix_name(text: str) -> str:
    """Spacing and slashes the recogniser loses in Malaysian names."""
    text = re.sub(r"\bA\s?[I1l|]\s?([LP])\b", r"A/\1", text)
    # "KUMARA/LARUMUGAM": A/L, A/P glued to the names either side.
    text = re.sub(r"(?<=[A-Z])(A/[LP])", r" \1", text)
    text = re.sub(r"(A/[LP])(?=[A-Z])", r"\1 ", text)
    # "BINTIMAHMUD": the patronymic particle glued to the father's name (never the first word).
    text = re.sub(r"(?<=\s)(BINTI|BINTE)(?=[A-Z]{3})", r"\1 ", text)
    text = re.sub(r"(?<=\s)BIN(?!TI|TE)(?=[A-Z]{3})", "BIN ", text)
    return re.sub(r"\s+", " ", text).strip()


def _fix_address(text: str) -> str:
    # The recogniser drops the space after "NO." before a house number; cards print one.
    text = re.sub(r"\b(NO|LOT)\.?(?=\d)", lambda m: m.group(0) + " ", text)
    # A postcode glued to its town ("01000KANGAR").
    text = re.sub(r"\b(\d{5})(?=[A-Z]{2})", r"\1 ", text)
    # Street-type words glued to the street name, and a street number glued to its name.
    text = re.sub(r"\b(PERSIARAN|JALAN|LORONG|TAMAN|KAMPUNG|BANDAR|JLN|LRG)(?=[A-Z0-9]{2})", r"\1 ", text)
    text = re.sub(r"(?<=[A-Z]{3})(?=\d+\b)", " ", text)
    # Two-word state and city names the recogniser runs together.
    for glued, spaced in (("PULAUPINANG", "PULAU PINANG"), ("NEGERISEMBILAN", "NEGERI SEMBILAN"), ("KUALALUMPUR", "KUALA LUMPUR"),
                          ("JOHORBAHRU", "JOHOR BAHRU"), ("KOTABHARU", "KOTA BHARU"), ("KOTAKINABALU", "KOTA KINABALU")):
        text = text.replace(glued, spaced)
    # "W.PERSEKUTUAN": the federal-territory abbreviation is printed with a space.
    text = re.sub(r"\bW\.(?=[A-Z])", "W. ", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def extract_front(lines: list[Line], w: int, h: int, bg_rgb) -> tuple[dict, dict]:
    """Fields and their confidences for an upright MyKad-family front."""
    fields = {k: "" for k in ("ID", "Name", "Address", "Sex", "Type", "Birthday")}
    conf: dict[str, float] = {}
    kind, type_conf = classify_type([l.text for l in lines], bg_rgb)
    fields["Type"] = kind
    conf["Type"] = type_conf
    if kind == "IKAD":
        return _extract_ikad(lines, w, h, fields, conf)
    # The number: the tallest line that parses as a MyKad number, in the upper half.
    id_line = None
    for l in sorted(lines, key=lambda l: -l.h):
        n = parse_mykad_number(l.text)
        if n and l.cy < 0.6 * h:
            id_line, fields["ID"] = l, n
            break
    if id_line is None:
        for l in lines:
            n = parse_mykad_number(l.text)
            if n:
                id_line, fields["ID"] = l, n
                break
    if id_line is not None:
        conf["ID"] = id_line.score * number_checks(fields["ID"])
    # Sex, as printed under the photo.
    for l in lines:
        up = l.text.upper()
        for word in ("PEREMPUAN", "LELAKI"):
            s = contains_fuzzy(up, word, 0.7)
            if s and len(up) <= len(word) + 3:
                fields["Sex"] = word
                conf["Sex"] = l.score * s
                break
        if fields["Sex"]:
            break
    if fields["ID"]:
        male = int(fields["ID"][-1]) % 2 == 1
        if fields["Sex"]:
            if (fields["Sex"] == "LELAKI") != male:
                # One of the two is misread: neither can be trusted.
                conf["Sex"] *= 0.4
                conf["ID"] *= 0.4
        if kind == "MyKad":
            b = mykad_birth_date(fields["ID"][:6], today=dt.date.today())
            if b:
                fields["Birthday"] = f"{b:%d/%m/%Y}"
                conf["Birthday"] = conf["ID"]
    # Name and address: the left-aligned block at the bottom left, under the number and chip.
    top = (id_line.y1 + 0.12 * h) if id_line is not None else 0.45 * h
    block = [l for l in lines if l.cy > top and l.x0 < 0.45 * w and l.x1 < 0.70 * w and not _is_marker(l.text)
             and not l.text.upper().startswith("TARIKH")]
    if block:
        # Keep the column: lines starting near the block's left edge.
        left = min(l.x0 for l in block)
        block = [l for l in block if l.x0 < left + 0.06 * w]
        block.sort(key=lambda l: l.cy)
    name_lines, addr_lines = [], []
    for l in block:
        if not addr_lines and len(name_lines) < 2 and not _is_address_line(l.text):
            name_lines.append(l)
        else:
            addr_lines.append(l)
    if name_lines:
        # "/" in A/L and A/P is thin and often read as I, 1 or l.
        fields["Name"] = fix_name(" ".join(l.text.upper() for l in name_lines))
        c = min(l.score for l in name_lines)
        if not NAME_OK.match(fields["Name"]):
            c *= 0.5
        conf["Name"] = c
    if addr_lines:
        fields["Address"] = _fix_address(" ".join(l.text.upper() for l in addr_lines))
        c = min(l.score for l in addr_lines)
        last = addr_lines[-1].text.upper()
        pc = re.search(r"\b(\d{5}) [A-Z]", fields["Address"])
        if not pc:
            c *= 0.5
        elif not postcode_matches_state(pc.group(1), last):
            c *= 0.6
        if not any(contains_fuzzy(last, s, 0.85) for s in STATES):
            c *= 0.7
        if not 3 <= len(addr_lines) <= 6:
            c *= 0.8
        conf["Address"] = c
    return fields, conf


def _value_below(lines: list[Line], label: Line, max_gap: float) -> Line | None:
    cands = [l for l in lines if l is not label and l.y0 > label.cy and l.y0 - label.y1 < max_gap and abs(l.x0 - label.x0) < 3 * label.h]
    return min(cands, key=lambda l: l.y0) if cands else None


def _extract_ikad(lines, w, h, fields, conf):
    """i-Kad: label over value in a column right of the photo. Labels are small and blur first, so
    values are recognised by content (passport number, date, sex word) and the name is the value
    right above the passport number."""
    col = sorted((l for l in lines if l.x0 > 0.25 * w and l.cy > 0.2 * h), key=lambda l: l.y0)
    passport = None
    for l in col:
        t = l.text.upper().replace(" ", "")
        m = re.fullmatch(r"([A-Z]{1,2})([0-9OIDQSB]{7,8})", t)
        if m:
            passport = l
            number = m.group(1) + m.group(2).translate(TO_DIGIT)
            fields["ID"] = number
            conf["ID"] = l.score * (1.0 if m.group(2).isdigit() else 0.6)
            break
    if passport is not None:
        above = [l for l in col if l.y1 <= passport.y0 + 0.2 * passport.h and l.h >= 0.8 * passport.h and l.score >= 0.8
                 and re.search(r"[A-Z]{2}", l.text) and "/" not in l.text
                 and not any(contains_fuzzy(l.text, wd, 0.85) for wd in ("PASPORT", "PASSPORT", "NAMA", "NAME"))]
        if above:
            l = above[-1]
            name = l.text.upper()
            fields["Name"] = name
            conf["Name"] = l.score * (1.0 if NAME_OK.match(name) else 0.5)
    for l in col:
        m = re.search(r"(\d{2})\s*[-/.]\s*(\d{2})\s*[-/.]\s*(\d{4})", l.text.translate(TO_DIGIT))
        if m and not fields["Birthday"] and "TAMAT" not in l.text.upper() and "EXPIRY" not in l.text.upper():
            fields["Birthday"] = f"{m.group(1)}/{m.group(2)}/{m.group(3)}"
            c = l.score
            try:
                born = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                if not 14 <= (dt.date.today() - born).days / 365.25 <= 80:
                    c *= 0.5  # a work-pass holder is of working age
            except ValueError:
                c *= 0.3
            conf["Birthday"] = c
        up = l.text.upper().strip()
        for word in ("PEREMPUAN", "LELAKI"):
            sim = contains_fuzzy(up, word, 0.75)
            if sim and len(up) <= len(word) + 2 and not fields["Sex"]:
                fields["Sex"] = word
                conf["Sex"] = l.score * sim
    return fields, conf


def extract_back(lines: list[Line]) -> tuple[str, float]:
    """MyKadNumber from the back: the line that parses as a MyKad number."""
    for l in sorted(lines, key=lambda l: -l.h):
        n = parse_mykad_number(l.text)
        if n:
            return n, l.score * number_checks(n)
    return "", 0.0


def looks_malaysian(lines: list[Line]) -> bool:
    text = " ".join(l.text for l in lines).upper()
    if any(parse_mykad_number(l.text) for l in lines):
        return True
    return any(contains_fuzzy(text, w, 0.85) for w in ("MALAYSIA", "KAD PENGENALAN", "IMIGRESEN", "WARGANEGARA"))
