"""Malaysian card fields, found by layout (where a block sits on the upright card) and content
(what a value must look like), with a confidence that drops when a value breaks the card's rules."""

import datetime as dt
import re

from .text import TO_DIGIT, Line, contains_fuzzy

# Place-of-birth codes in use (id-formats.md); anything else is a misread or a forgery.
STATE_PB = {1, 21, 22, 23, 24, 2, 25, 26, 27, 3, 28, 29, 4, 30, 5, 31, 59, 6, 32, 33, 7, 34, 35, 8, 36, 37, 38, 39, 9, 40,
            10, 41, 42, 43, 44, 11, 45, 46, 12, 47, 48, 49, 13, 50, 51, 52, 53, 14, 54, 55, 56, 57, 15, 58, 16}
FOREIGN_PB = {60, 61, 62, 63, 64, 65, 66, 67, 68, 71, 72, 74, 75, 76, 77, 78, 79, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 98, 99}
VALID_PB = STATE_PB | FOREIGN_PB
STATES = ["JOHOR", "KEDAH", "KELANTAN", "MELAKA", "NEGERI SEMBILAN", "PAHANG", "PULAU PINANG", "PERAK", "PERLIS", "SELANGOR",
          "TERENGGANU", "SABAH", "SARAWAK", "W. PERSEKUTUAN", "WILAYAH PERSEKUTUAN", "KUALA LUMPUR", "LABUAN", "PUTRAJAYA", "PENANG", "MALACCA"]
ADDRESS_WORDS = ("JALAN", "JLN", "LORONG", "LRG", "TAMAN", "KAMPUNG", "KG", "LOT", "NO", "BLOK", "BLK", "PERSIARAN", "BATU", "BANDAR", "APARTMENT", "JALAN", "LEBUH", "PANGSAPURI")
MARKER_WORDS = ("WARGANEGARA", "PEMASTAUTIN", "SEMENTARA", "TETAP", "ISLAM", "LELAKI", "PEREMPUAN", "TARIKH", "LUPUT", "IDENTITY", "KAD", "PENGENALAN", "MALAYSIA")

ID_RE = re.compile(r"(\d{6})\s*-?\s*(\d{2})\s*-?\s*(\d{4})")
NAME_OK = re.compile(r"^[A-Z][A-Z '@./()-]*$")


def parse_mykad_number(text: str) -> str | None:
    t = text.upper().translate(TO_DIGIT).replace(" ", "")
    m = ID_RE.search(t)
    if not m:
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"


def birth_from_number(number: str, today: dt.date | None = None) -> dt.date | None:
    """YYMMDD with the century that gives the most recent date not in the future."""
    today = today or dt.date.today()
    yy, mm, dd = int(number[0:2]), int(number[2:4]), int(number[4:6])
    for century in (2000, 1900):
        try:
            d = dt.date(century + yy, mm, dd)
        except ValueError:
            return None
        if d <= today:
            return d
    return None


def number_checks(number: str) -> float:
    """1.0 when the date and place-of-birth code are valid, lower otherwise."""
    factor = 1.0
    if birth_from_number(number) is None:
        factor *= 0.3
    if int(number[7:9]) not in VALID_PB:
        factor *= 0.4
    return factor


def classify_type(all_text: str, bg_rgb) -> tuple[str, float]:
    """Card type from printed markers, with the card colour as a tie-breaker and cross-check."""
    up = all_text.upper()
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
        s = max(contains_fuzzy(up, w, 0.84) for w in words)
        if s > best_score:
            best, best_score = kind, s
    if best is None:
        # A plain MyKad; colour alone can still reveal a PR or temporary-resident card.
        if contains_fuzzy(up, "WARGANEGARA", 0.85):
            # Citizens' cards say so; colour (shifted by lighting and white balance) must not overrule it.
            return "MyKad", 0.95
        if reddish:
            return "MyPR", 0.6
        if greenish:
            return "MyKAS", 0.6
        return "MyKad", 0.9 if contains_fuzzy(up, "WARGANEGARA") or contains_fuzzy(up, "MYKAD") else 0.7
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


def _fix_address(text: str) -> str:
    # The recogniser drops the space after "NO." before a house number; cards print one.
    text = re.sub(r"\b(NO|LOT)\.?(?=\d)", lambda m: m.group(0) + " ", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def extract_front(lines: list[Line], w: int, h: int, bg_rgb) -> tuple[dict, dict]:
    """Fields and their confidences for an upright MyKad-family front."""
    fields = {k: "" for k in ("ID", "Name", "Address", "Sex", "Type", "Birthday")}
    conf: dict[str, float] = {}
    all_text = " ".join(l.text for l in lines)
    kind, type_conf = classify_type(all_text, bg_rgb)
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
            b = birth_from_number(fields["ID"])
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
        fields["Name"] = re.sub(r"\bA\s?[I1l|]\s?([LP])\b", r"A/\1", " ".join(l.text.upper() for l in name_lines))
        c = min(l.score for l in name_lines)
        if not NAME_OK.match(fields["Name"]):
            c *= 0.5
        conf["Name"] = c
    if addr_lines:
        fields["Address"] = _fix_address(" ".join(l.text.upper() for l in addr_lines))
        c = min(l.score for l in addr_lines)
        if not re.search(r"\b\d{5}\b", fields["Address"]):
            c *= 0.5
        last = addr_lines[-1].text.upper()
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
    labels = {"Name": ("NAMA", "NAME"), "ID": ("PASPORT", "PASSPORT"), "Birthday": ("TARIKH LAHIR", "DATE OF BIRTH"), "Sex": ("JANTINA", "SEX")}
    for field, words in labels.items():
        for l in lines:
            if any(contains_fuzzy(l.text, wd, 0.85) for wd in words) and "/" in l.text:
                v = _value_below(lines, l, 2.5 * l.h)
                if v is None:
                    continue
                text = v.text.upper()
                c = v.score
                if field == "Birthday":
                    m = re.search(r"(\d{2})\s*[-/.]\s*(\d{2})\s*[-/.]\s*(\d{4})", text.translate(TO_DIGIT))
                    if not m:
                        continue
                    text = f"{m.group(1)}/{m.group(2)}/{m.group(3)}"
                    try:
                        dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                    except ValueError:
                        c *= 0.3
                elif field == "ID":
                    text = text.replace(" ", "")
                    if not re.fullmatch(r"[A-Z]{1,2}\d{7,8}", text):
                        c *= 0.4
                elif field == "Sex":
                    text = "PEREMPUAN" if contains_fuzzy(text, "PEREMPUAN", 0.7) else "LELAKI" if contains_fuzzy(text, "LELAKI", 0.7) else text
                    if text not in ("LELAKI", "PEREMPUAN"):
                        c *= 0.3
                elif field == "Name" and not NAME_OK.match(text):
                    c *= 0.5
                fields[field] = text
                conf[field] = c
                break
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
