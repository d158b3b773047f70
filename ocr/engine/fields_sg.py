"""Singapore NRIC fields (front and back), found by their printed labels and by content."""

import datetime as dt
import re

from .text import TO_DIGIT, Line, contains_fuzzy, is_cjk

NRIC_RE = re.compile(r"([STFGM])\s*(\d{7})\s*([A-Z])")
DATE_RE = re.compile(r"(\d{2})\s*[-/.]\s*(\d{2})\s*[-/.]\s*(\d{4})")
RACES = ["CHINESE", "MALAY", "INDIAN", "EURASIAN", "OTHERS", "CAUCASIAN", "JAPANESE", "KOREAN", "FILIPINO", "THAI", "VIETNAMESE", "JAVANESE", "BOYANESE", "SIKH", "PAKISTANI", "BANGLADESHI", "SRI LANKAN", "ARAB"]
COUNTRIES = ["SINGAPORE", "MALAYSIA", "CHINA", "INDIA", "INDONESIA", "PHILIPPINES", "HONG KONG", "TAIWAN", "THAILAND", "VIETNAM", "MYANMAR", "SRI LANKA", "BANGLADESH", "PAKISTAN", "UNITED KINGDOM", "AUSTRALIA", "JAPAN", "KOREA", "UNITED STATES"]
FRONT_LABELS = ("NAME", "RACE", "DATE OF BIRTH", "SEX", "COUNTRY/PLACE OF BIRTH", "IDENTITY CARD NO", "REPUBLIC OF SINGAPORE")
BACK_LABELS = ("DATE OF ISSUE", "ADDRESS", "DATE OF EXPIRY")


def nric_valid(number: str) -> bool:
    m = re.fullmatch(r"([STFGM])(\d{7})([A-Z])", number)
    if not m:
        return False
    prefix, digits, letter = m.groups()
    total = sum(int(d) * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2)))
    total += {"S": 0, "F": 0, "T": 4, "G": 4, "M": 3}[prefix]
    r = total % 11
    table = "JZIHGFEDCBA" if prefix in "ST" else "XWUTRQPNMLK" if prefix in "FG" else "XWUTRQPNJLK"
    return table[r] == letter


def parse_nric(text: str) -> str | None:
    t = text.upper().replace(" ", "")
    # Digits may be read as look-alike letters: normalise the middle seven only.
    m = re.search(r"([STFGM5])([0-9OIlDQZSBGT]{7})([A-Z])", t)
    if not m:
        return None
    prefix = "S" if m.group(1) == "5" else m.group(1)
    return prefix + m.group(2).translate(TO_DIGIT) + m.group(3)


def parse_date(text: str) -> tuple[str, bool] | None:
    m = DATE_RE.search(text.translate(TO_DIGIT))
    if not m:
        return None
    d, mo, y = m.groups()
    try:
        when = dt.date(int(y), int(mo), int(d))
        ok = dt.date(1900, 1, 1) <= when <= dt.date.today() + dt.timedelta(days=365 * 11)
    except ValueError:
        ok = False
    return f"{d}/{mo}/{y}", ok


def _is_label(l: Line, labels) -> bool:
    return any(contains_fuzzy(l.text, w, 0.85) and len(l.text) <= len(w) + 6 for w in labels)


def _find_label(lines, word):
    best, score = None, 0.0
    for l in lines:
        s = contains_fuzzy(l.text, word, 0.8)
        if s and len(l.text) <= len(word) + 6 and s > score:
            best, score = l, s
    return best


def _below(lines, label, labels, max_gap_h=2.5, many=False):
    """The value line(s) right under a label, left-aligned with it, until the next label."""
    out = []
    y = label.y1
    for l in sorted(lines, key=lambda l: l.y0):
        if l is label or l.y0 < label.cy or abs(l.x0 - label.x0) > 2.5 * label.h:
            continue
        if l.y0 - y > max_gap_h * label.h:
            break
        if _is_label(l, labels):
            break
        out.append(l)
        y = l.y1
        if not many:
            break
    return out


def side_of(lines: list[Line]) -> str:
    text = " ".join(l.text for l in lines).upper()
    front = sum(1 for w in FRONT_LABELS if contains_fuzzy(text, w, 0.85))
    back = sum(1 for w in BACK_LABELS if contains_fuzzy(text, w, 0.85))
    if back > front:
        return "back"
    return "front"


def extract_front(lines: list[Line], w: int, h: int) -> tuple[dict, dict]:
    f = {k: "" for k in ("ChName", "EnName", "Sex", "CountryOfBirth", "Birthday", "ID", "Race")}
    c: dict[str, float] = {}
    for l in sorted(lines, key=lambda l: -l.h):
        n = parse_nric(l.text)
        if n:
            f["ID"] = n
            c["ID"] = l.score * (1.0 if nric_valid(n) else 0.3)
            break
    name_label = None
    for l in lines:
        if l.text.strip().upper() in ("NAME", "NAME:") or (contains_fuzzy(l.text, "NAME", 0.75) and len(l.text) <= 6):
            name_label = l
            break
    if name_label is not None:
        vals = _below(lines, name_label, FRONT_LABELS, many=True)
        en = [v for v in vals if not any(is_cjk(ch) for ch in v.text)][:3]
        ch = [v for v in vals if sum(is_cjk(ch) for ch in v.text) >= max(1, len(v.text.replace(" ", "")) // 2)]
        if en:
            f["EnName"] = " ".join(v.text.upper() for v in en)
            c["EnName"] = min(v.score for v in en) * (1.0 if re.fullmatch(r"[A-Z][A-Z '@./()-]*", f["EnName"]) else 0.5)
        if ch:
            f["ChName"] = "".join(ch_ for ch_ in ch[0].text if is_cjk(ch_))
            c["ChName"] = ch[0].score * (1.0 if 2 <= len(f["ChName"]) <= 4 else 0.5)
    race_label = _find_label(lines, "RACE")
    if race_label is not None:
        v = _below(lines, race_label, FRONT_LABELS)
        if v:
            text = v[0].text.upper()
            best = max(RACES, key=lambda r: contains_fuzzy(text, r, 0.0))
            f["Race"] = text
            c["Race"] = v[0].score * (1.0 if text in RACES else 0.5)
            if text not in RACES and contains_fuzzy(text, best, 0.85) and abs(len(text) - len(best)) <= 1:
                f["Race"] = best
    dob_label = _find_label(lines, "DATE OF BIRTH")
    dob_lines = _below(lines, dob_label, FRONT_LABELS) if dob_label else []
    for l in dob_lines + lines:
        p = parse_date(l.text)
        if p:
            f["Birthday"], ok = p
            c["Birthday"] = l.score * (1.0 if ok else 0.3)
            break
    sex_label = _find_label(lines, "SEX")
    if sex_label is not None:
        v = _below(lines, sex_label, FRONT_LABELS)
        if v and v[0].text.upper().strip() in ("M", "F"):
            f["Sex"] = v[0].text.upper().strip()
            c["Sex"] = v[0].score
    if not f["Sex"]:
        for l in lines:
            if l.text.strip().upper() in ("M", "F") and l.cy > 0.4 * h:
                f["Sex"] = l.text.strip().upper()
                c["Sex"] = l.score * 0.8
                break
    cob_label = _find_label(lines, "COUNTRY/PLACE OF BIRTH") or _find_label(lines, "PLACE OF BIRTH")
    if cob_label is not None:
        v = _below(lines, cob_label, FRONT_LABELS)
        if v:
            f["CountryOfBirth"] = v[0].text.upper()
            c["CountryOfBirth"] = v[0].score * (1.0 if f["CountryOfBirth"] in COUNTRIES else 0.7)
    # Consistency: S/T numbers of holders born 1968+ start with the birth year; T is born 2000+.
    if f["ID"] and f["Birthday"] and f["ID"][0] in "ST":
        year = int(f["Birthday"][-4:])
        bad = (f["ID"][0] == "T") != (year >= 2000) or (year >= 1968 and f["ID"][1:3] != f"{year % 100:02d}")
        if bad:
            c["ID"] = c.get("ID", 0) * 0.5
            c["Birthday"] = c.get("Birthday", 0) * 0.5
    return f, c


def extract_back(lines: list[Line], w: int, h: int) -> tuple[dict, dict]:
    f = {k: "" for k in ("Address", "NRICCode", "PostCode", "DateOfExpiration", "DateOfIssue")}
    c: dict[str, float] = {}
    for l in sorted(lines, key=lambda l: -l.h):
        n = parse_nric(l.text)
        if n:
            f["NRICCode"] = n
            c["NRICCode"] = l.score * (1.0 if nric_valid(n) else 0.3)
            break
    for field, word in (("DateOfIssue", "DATE OF ISSUE"), ("DateOfExpiration", "DATE OF EXPIRY")):
        lab = _find_label(lines, word)
        if lab is None:
            continue
        v = _below(lines, lab, BACK_LABELS)
        if v:
            p = parse_date(v[0].text)
            if p:
                f[field], ok = p
                c[field] = v[0].score * (1.0 if ok else 0.3)
    lab = _find_label(lines, "ADDRESS")
    addr = _below(lines, lab, BACK_LABELS, max_gap_h=3.0, many=True) if lab is not None else []
    if addr:
        f["Address"] = " ".join(l.text.upper() for l in addr)
        c["Address"] = min(l.score for l in addr)
        m = re.search(r"SINGAPORE\s*(\d{6})\b", f["Address"].replace("O", "0") if False else f["Address"])
        if m:
            f["PostCode"] = m.group(1)
            c["PostCode"] = addr[-1].score
        else:
            m = re.search(r"\b(\d{6})\b", f["Address"])
            if m:
                f["PostCode"] = m.group(1)
                c["PostCode"] = addr[-1].score * 0.7
            c["Address"] *= 0.6
        if f["PostCode"] and not f["Address"].endswith(f["PostCode"]):
            c["Address"] *= 0.7
        # Postal sectors run 01-82.
        if f["PostCode"] and not 1 <= int(f["PostCode"][:2]) <= 82:
            c["PostCode"] = c.get("PostCode", 0) * 0.4
    return f, c
