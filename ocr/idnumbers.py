"""The rules of MyKad and NRIC/FIN numbers (shared/reference/id-formats.md), in one place: the engine
scores what it read with them, the card checks look for edits with them, the generator makes valid
numbers with them, and the reviewer screen shows them beside the fields."""

import datetime as dt

# MyKad place-of-birth codes in use: states, then born abroad or special. Every other code (00,
# 17-20, 69, 70, 73, 80, 81, 94-97) is not issued: a misread or a forgery.
_PB_STATES = {
    "Johor": (1, 21, 22, 23, 24), "Kedah": (2, 25, 26, 27), "Kelantan": (3, 28, 29), "Melaka": (4, 30),
    "Negeri Sembilan": (5, 31, 59), "Pahang": (6, 32, 33), "Pulau Pinang": (7, 34, 35),
    "Perak": (8, 36, 37, 38, 39), "Perlis": (9, 40), "Selangor": (10, 41, 42, 43, 44),
    "Terengganu": (11, 45, 46), "Sabah": (12, 47, 48, 49), "Sarawak": (13, 50, 51, 52, 53),
    "WP Kuala Lumpur": (14, 54, 55, 56, 57), "WP Labuan": (15, 58), "WP Putrajaya": (16,),
}
_PB_ABROAD = {
    60: "Brunei", 61: "Indonesia", 62: "Cambodia", 63: "Laos", 64: "Myanmar", 65: "Philippines",
    66: "Singapore", 67: "Thailand", 68: "Vietnam", 71: "born abroad", 72: "born abroad", 74: "China",
    75: "India", 76: "Pakistan", 77: "Saudi Arabia", 78: "Sri Lanka", 79: "Bangladesh", 82: "unknown state",
    83: "Asia-Pacific", 84: "South America", 85: "Africa", 86: "Europe", 87: "Britain/Ireland",
    88: "Middle East", 89: "Far East", 90: "Caribbean/Central America", 91: "North America",
    92: "former USSR/Eastern Europe", 93: "other country", 98: "stateless", 99: "refugee/unspecified",
}
PLACE_OF_BIRTH: dict[int, str] = {code: state for state, codes in _PB_STATES.items() for code in codes} | _PB_ABROAD


def mykad_birth_date(yymmdd: str, *, today: dt.date) -> dt.date | None:
    """The birth date six digits YYMMDD encode. The century is not encoded: the most recent such
    date that is not in the future. None when the digits hold no valid date."""
    yy, mm, dd = int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    for century in (2000, 1900):
        try:
            born = dt.date(century + yy, mm, dd)
        except ValueError:
            return None
        if born <= today:
            return born
    return None


_NRIC_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)
_NRIC_OFFSET = {"S": 0, "F": 0, "T": 4, "G": 4, "M": 3}
_NRIC_LETTERS = {"S": "JZIHGFEDCBA", "T": "JZIHGFEDCBA", "F": "XWUTRQPNMLK", "G": "XWUTRQPNMLK", "M": "XWUTRQPNJLK"}


def nric_check_letter(prefix: str, digits: str) -> str:
    """The letter an NRIC/FIN with this prefix (S, T, F, G, M) and seven digits must end with."""
    total = sum(int(d) * w for d, w in zip(digits, _NRIC_WEIGHTS)) + _NRIC_OFFSET[prefix]
    return _NRIC_LETTERS[prefix][total % 11]
