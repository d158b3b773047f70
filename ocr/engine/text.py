"""Small text helpers shared by the field extractors: normalising OCR output and arranging lines."""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..checks.context import TextLine


@dataclass
class Line:
    """A text line in card coordinates, with words the detector split merged back into one line."""

    text: str
    score: float
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def clean(text: str) -> str:
    """Latin text without diacritics the recogniser sometimes invents (SINĠAPORE), full-width forms
    folded, runs of spaces collapsed. CJK characters are kept."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for ch in text:
        if is_cjk(ch):
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)
        out.append("".join(c for c in base if not unicodedata.combining(c)))
    return re.sub(r"\s+", " ", "".join(out)).strip()


def similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def contains_fuzzy(text: str, word: str, threshold: float = 0.8) -> float:
    """Best similarity of `word` to any window of `text` of the same length (0..1)."""
    text = text.upper()
    word = word.upper()
    if word in text:
        return 1.0
    n = len(word)
    best = 0.0
    # One matcher with the word as its second sequence (SequenceMatcher caches that side), and
    # quick_ratio, an upper bound of ratio, to skip windows that can neither reach the threshold
    # nor beat the best so far: the same answer as trying every window in full, several times faster.
    sm = SequenceMatcher(None, "", word)
    for i in range(0, max(1, len(text) - n + 1)):
        sm.set_seq1(text[i : i + n])
        q = sm.quick_ratio()
        if q < threshold or q <= best:
            continue
        r = sm.ratio()
        if r > best:
            best = r
    return best if best >= threshold else 0.0


MIN_SCORE = 0.6


def to_lines(text_lines: list[TextLine]) -> list[Line]:
    """Axis-aligned lines sorted top to bottom; boxes on the same row that nearly touch are merged,
    because the detector sometimes splits one printed line at a wide gap."""
    items = []
    for t in text_lines:
        xs = [p[0] for p in t.box]
        ys = [p[1] for p in t.box]
        txt = clean(t.text)
        # Below 0.6 the recogniser is mostly reading guilloche patterns or blurred labels; such
        # "text" would otherwise be glued onto a real value on the same row.
        if txt and t.score >= MIN_SCORE:
            items.append(Line(txt, t.score, min(xs), min(ys), max(xs), max(ys)))
    items.sort(key=lambda l: (l.cy, l.x0))
    merged: list[Line] = []
    for it in sorted(items, key=lambda l: l.x0):
        for m in merged:
            same_row = abs(m.cy - it.cy) < 0.45 * min(m.h, it.h) and 0.7 < it.h / max(m.h, 1) < 1.4
            gap = it.x0 - m.x1
            if same_row and -0.5 * m.h < gap < 1.2 * m.h:
                m.text = f"{m.text} {it.text}"
                m.score = min(m.score, it.score)
                m.x1, m.y0, m.y1 = max(m.x1, it.x1), min(m.y0, it.y0), max(m.y1, it.y1)
                break
        else:
            merged.append(Line(it.text, it.score, it.x0, it.y0, it.x1, it.y1))
    merged.sort(key=lambda l: (round(l.cy / 8), l.x0))
    return merged


# Letters the recogniser confuses with digits, for fields that can only hold digits.
TO_DIGIT = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "L": "1", "Z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "T": "7", "g": "9"})
