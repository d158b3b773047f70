"""Singapore NRIC fields (front and back), found by their printed labels and by content."""

import datetime as dt
import re

from ..idnumbers import nric_check_letter
from .text import TO_DIGIT, Line, contains_fuzzy, is_cjk, similar

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
    return nric_check_letter(prefix, digits) == letter


# Check letters the recogniser reads as digits (I as 1, Z as 2 ...): the checksum picks among them.
DIGIT_AS_LETTER = {"1": "IJ", "2": "Z", "0": "DQ", "8": "B", "6": "G", "5": "S", "4": "A", "7": "T"}


def parse_nric(text: str) -> str | None:
    t = text.upper().replace(" ", "")
    # Digits may be read as look-alike letters: normalise the middle seven only.
    m = re.search(r"([STFGM5])([0-9OIlDQZSBGT]{7})([A-Z0-9])", t)
    if not m:
        return None
    prefix = "S" if m.group(1) == "5" else m.group(1)
    body = prefix + m.group(2).translate(TO_DIGIT)
    last = m.group(3)
    if last.isdigit():
        for cand in DIGIT_AS_LETTER.get(last, ""):
            if nric_valid(body + cand):
                return body + cand
        return None
    return body + last


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


def _is_label(l: Line, labels=()) -> bool:
    # Labels are printed in mixed case and values in capitals: a line with lower-case letters is a
    # label even when it is too blurred to spell ("Ades" for "Address").
    if sum(ch.islower() for ch in l.text) >= 2:
        return True
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
    """Front or back, from labels and from what only one side carries (races and a Chinese name on
    the front; a postcode and unit number on the back)."""
    text = " ".join(l.text for l in lines).upper()
    front = sum(1 for w in FRONT_LABELS if contains_fuzzy(text, w, 0.85))
    back = sum(1 for w in BACK_LABELS if contains_fuzzy(text, w, 0.85))
    front += any(l.text.upper() in RACES for l in lines) + any(is_cjk(ch) for ch in text)
    back += 2 * bool(re.search(r"SINGAPORE\s*\d{6}", text)) + bool(re.search(r"#\s*\d{1,3}\s*-\s*\d{1,5}", text))
    return "back" if back > front else "front"


def _fix_name(text: str) -> str:
    # "/" in A/L, S/O, D/O is thin and often read as I, 1 or l.
    return re.sub(r"\b([ASD])\s?[I1l|]\s?([LPO])\b", r"\1/\2", text)


def _values(lines, w):
    """Capitalised value lines of the text column (right of the photo), top to bottom."""
    return [l for l in sorted(lines, key=lambda l: l.y0) if l.x0 > 0.25 * w and not _is_label(l, FRONT_LABELS)]


def extract_front(lines: list[Line], w: int, h: int, reread=None) -> tuple[dict, dict]:
    """`reread(x0, y0, x1, y1) -> (text, score)` reads one region of the card again, for a value the
    detector missed (a lone "M" or "F" is a small target)."""
    f = {k: "" for k in ("ChName", "EnName", "Sex", "CountryOfBirth", "Birthday", "ID", "Race")}
    c: dict[str, float] = {}
    id_line = None
    for l in sorted(lines, key=lambda l: -l.h):
        n = parse_nric(l.text)
        if n:
            f["ID"], id_line = n, l
            c["ID"] = l.score * (1.0 if nric_valid(n) else 0.3)
            break
    vals = _values(lines, w)
    date_line = next((l for l in vals if parse_date(l.text)), None)
    if date_line is not None:
        f["Birthday"], ok = parse_date(date_line.text)
        c["Birthday"] = date_line.score * (1.0 if ok else 0.3)
    cjk = [l for l in vals if sum(is_cjk(ch) for ch in l.text) >= max(1, len(l.text.replace(" ", "")) // 2)]
    if cjk:
        f["ChName"] = "".join(ch for ch in cjk[0].text if is_cjk(ch))
        c["ChName"] = cjk[0].score * (1.0 if 2 <= len(f["ChName"]) <= 4 else 0.5)
    race_line = None
    race_label = _find_label(lines, "RACE")
    cands = _below(lines, race_label, FRONT_LABELS) if race_label is not None else []
    cands += [l for l in vals if date_line is None or l.y1 <= date_line.y0]
    for l in cands:
        text = l.text.upper()
        best = max(RACES, key=lambda r: similar(text, r))
        if similar(text, best) >= 0.8:
            race_line = l
            f["Race"] = best
            c["Race"] = l.score * (1.0 if text == best else 0.6)
            break
    # The English name: value lines between the number and the Chinese name / race / date.
    stop = min([l.y0 for l in [race_line, date_line] + cjk[:1] if l is not None], default=h)
    top = id_line.y1 if id_line is not None else 0.25 * h
    name = [l for l in vals if top < l.y0 < stop and l is not id_line and not any(is_cjk(ch) for ch in l.text)
            and re.search(r"[A-Z]{2}", l.text) and not parse_nric(l.text)][:4]
    if len(name) > 1:
        # A blurred "Name" label can come out in capitals; labels are printed smaller than values.
        tall = max(l.h for l in name)
        name = [l for l in name if l.h >= 0.78 * tall]
    name = name[:3]
    if name:
        f["EnName"] = _fix_name(" ".join(l.text.upper() for l in name))
        c["EnName"] = min(l.score for l in name) * (1.0 if re.fullmatch(r"[A-Z][A-Z '@./()-]*", f["EnName"]) else 0.5)
    sex_label = _find_label(lines, "SEX")
    below = _below(lines, sex_label, FRONT_LABELS) if sex_label is not None else []
    for l in below + [l for l in vals if len(l.text.strip()) == 1]:
        if l.text.upper().strip() in ("M", "F"):
            f["Sex"] = l.text.upper().strip()
            c["Sex"] = l.score
            break
    if not f["Sex"] and reread is not None and date_line is not None:
        # Sex sits on the date's row, to its right.
        x0 = date_line.x1 + 0.05 * w
        text, score = reread(x0, date_line.y0 - 0.3 * date_line.h, min(w, x0 + 0.35 * w), date_line.y1 + 0.3 * date_line.h)
        if text.strip().upper() in ("M", "F"):
            f["Sex"] = text.strip().upper()
            c["Sex"] = score * 0.9
    # Country of birth: the last value line, under the date row.
    if date_line is not None:
        after = [l for l in vals if l.y0 > date_line.y1 - 0.2 * date_line.h and l is not date_line and len(l.text.strip()) > 1
                 and not parse_date(l.text)]
        if after:
            l = after[0]
            f["CountryOfBirth"] = l.text.upper()
            c["CountryOfBirth"] = l.score * (1.0 if f["CountryOfBirth"] in COUNTRIES else 0.7)
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
    # Dates: under their labels when those are legible; otherwise the first date is the issue date
    # and a second one on its row (to its right) the expiry.
    dates = [l for l in sorted(lines, key=lambda l: (l.y0, l.x0)) if parse_date(l.text)]
    exp_label = _find_label(lines, "DATE OF EXPIRY")
    exp_line = None
    if exp_label is not None:
        v = _below(lines, exp_label, BACK_LABELS)
        exp_line = v[0] if v and parse_date(v[0].text) else None
    elif len(dates) >= 2 and abs(dates[1].cy - dates[0].cy) < dates[0].h:
        exp_line = dates[1]
    issue_line = next((l for l in dates if l is not exp_line), None)
    for field, l in (("DateOfIssue", issue_line), ("DateOfExpiration", exp_line)):
        if l is not None:
            f[field], ok = parse_date(l.text)
            c[field] = l.score * (1.0 if ok else 0.3)
    if issue_line is not None and exp_line is not None:
        a, b = (tuple(int(x) for x in reversed(f[k].split("/"))) for k in ("DateOfIssue", "DateOfExpiration"))
        if b <= a:
            c["DateOfExpiration"] *= 0.4
    # Address: capitalised lines under the dates, down to the "SINGAPORE nnnnnn" line.
    top = max((l.y1 for l in dates), default=0.3 * h)
    addr = []
    for l in sorted(lines, key=lambda l: l.y0):
        if l.y0 < top or _is_label(l, BACK_LABELS) or l.x0 > 0.6 * w:
            continue
        addr.append(l)
        if re.search(r"SINGAPORE\s*\d{6}", l.text.upper()):
            break
    if addr:
        f["Address"] = " ".join(l.text.upper() for l in addr)
        c["Address"] = min(l.score for l in addr)
        m = re.search(r"SINGAPORE\s*(\d{6})\b", f["Address"])
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
