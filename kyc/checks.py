"""Consistency checks a reviewer sees beside the fields: what the ID number itself says against what is
printed on the card. Pure functions over the merged field values; no database.

A check never rejects a card by itself. It passes, fails, or cannot tell ("unknown": a value is
missing or unreadable), and the reviewer decides. Where a backend gives no per-field confidence the
fields a failing or unknown check concerns are the ones to look at first.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from ocr import idnumbers
from ocr.idnumbers import PLACE_OF_BIRTH

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"

_MYKAD = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{2})-?(\d{3})(\d)$")
_NRIC = re.compile(r"^([STFGM])(\d{7})([A-Z])$")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d %m %Y")


_MALE = {"LELAKI", "MALE", "M"}
_FEMALE = {"PEREMPUAN", "FEMALE", "F"}


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    status: str  # PASS, FAIL or UNKNOWN
    detail: str
    fields: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == PASS


def parse_date(value: str) -> date | None:
    value = (value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def parse_sex(value: str) -> str | None:
    value = (value or "").strip().upper()
    return "M" if value in _MALE else "F" if value in _FEMALE else None


def mykad_birth_date(number: str, *, today: date) -> date | None:
    """The birth date the number encodes: the most recent such date that is not in the future."""
    match = _MYKAD.match((number or "").strip())
    return idnumbers.mykad_birth_date(match[1] + match[2] + match[3], today=today) if match else None


def nric_check_letter(number: str) -> str | None:
    """The check letter an NRIC/FIN must end with, or None when the prefix or digits are not valid."""
    number = (number or "").strip().upper()
    if len(number) < 8 or number[0] not in "STFGM" or not number[1:8].isdigit():
        return None
    return idnumbers.nric_check_letter(number[0], number[1:8])


def _birth_date_check(printed: str, encoded: date | None, *, source: str) -> Check:
    label = f"Birth date from {source}"
    printed_date = parse_date(printed)
    if encoded is None or printed_date is None:
        missing = "the printed date is missing or unreadable" if printed_date is None else "the number has no valid date"
        return Check("birth_date", label, UNKNOWN, f"Cannot compare: {missing}.", ("ID", "Birthday"))
    if printed_date == encoded:
        return Check("birth_date", label, PASS, f"{encoded:%d %b %Y} matches.", ("ID", "Birthday"))
    return Check(
        "birth_date", label, FAIL, f"The number says {encoded:%d %b %Y}, the card says {printed_date:%d %b %Y}.",
        ("ID", "Birthday"),
    )


def _postcode_check(text: str, digits: int, fields: tuple[str, ...]) -> Check | None:
    if not (text or "").strip():
        return None
    found = re.findall(rf"(?<!\d)\d{{{digits}}}(?!\d)", text)
    if found:
        return Check("postcode", "Postcode shape", PASS, f"{found[-1]} has {digits} digits.", fields)
    return Check("postcode", "Postcode shape", FAIL, f"No {digits}-digit postcode found.", fields)


def _expiry_check(fields: dict[str, str], today: date) -> Check | None:
    raw = (fields.get("DateOfExpiration") or "").strip()
    if not raw:
        return None
    expiry = parse_date(raw)
    if expiry is None:
        return Check("expiry", "Expiry date", UNKNOWN, "The expiry date is unreadable.", ("DateOfExpiration",))
    if expiry < today:
        return Check("expiry", "Expiry date", FAIL, f"Expired on {expiry:%d %b %Y}.", ("DateOfExpiration",))
    return Check("expiry", "Expiry date", PASS, f"Valid until {expiry:%d %b %Y}.", ("DateOfExpiration",))


def mykad_checks(fields: dict[str, str], *, today: date) -> list[Check]:
    number = (fields.get("ID") or "").strip()
    match = _MYKAD.match(number)
    if not match:
        return [Check("id_format", "ID number format", FAIL, "Not in the form YYMMDD-PB-###G.", ("ID",))]
    checks = [_birth_date_check(fields.get("Birthday", ""), mykad_birth_date(number, today=today), source="ID number")]

    encoded_sex = "M" if int(match[6]) % 2 else "F"
    printed_sex = parse_sex(fields.get("Sex", ""))
    word = {"M": "male (odd last digit)", "F": "female (even last digit)"}[encoded_sex]
    if printed_sex is None:
        checks.append(Check("sex", "Sex from ID number", UNKNOWN, f"Number says {word}; printed sex unreadable.", ("ID", "Sex")))
    elif printed_sex == encoded_sex:
        checks.append(Check("sex", "Sex from ID number", PASS, f"Number says {word}; card agrees.", ("ID", "Sex")))
    else:
        checks.append(Check("sex", "Sex from ID number", FAIL, f"Number says {word}; card says otherwise.", ("ID", "Sex")))

    pb = int(match[4])
    if pb in PLACE_OF_BIRTH:
        checks.append(Check("place_of_birth", "Place-of-birth code", PASS, f"{match[4]}: {PLACE_OF_BIRTH[pb]}.", ("ID",)))
    else:
        checks.append(Check("place_of_birth", "Place-of-birth code", FAIL, f"{match[4]} is not an issued code.", ("ID",)))

    back = (fields.get("MyKadNumber") or "").strip()
    if back:
        same = back.replace("-", "") == number.replace("-", "")
        checks.append(
            Check("back_number", "Number on the back", PASS if same else FAIL,
                  "Matches the front." if same else "Differs from the front.", ("ID", "MyKadNumber"))
        )
    if postcode := _postcode_check(fields.get("Address", ""), 5, ("Address",)):
        checks.append(postcode)
    if expiry := _expiry_check(fields, today):
        checks.append(expiry)
    return checks


def nric_checks(fields: dict[str, str], *, today: date) -> list[Check]:
    number = (fields.get("ID") or "").strip().upper()
    match = _NRIC.match(number)
    if not match:
        return [Check("id_format", "ID number format", FAIL, "Not in the form S1234567D.", ("ID",))]
    expected = nric_check_letter(number)
    if expected == match[3]:
        checks = [Check("check_letter", "NRIC check letter", PASS, f"{match[3]} is correct.", ("ID",))]
    else:
        checks = [Check("check_letter", "NRIC check letter", FAIL, f"Ends in {match[3]}; the digits give {expected}.", ("ID",))]

    born = parse_date(fields.get("Birthday", ""))
    if match[1] in "ST" and born is not None and born.year >= 1968:
        expected_prefix = "T" if born.year >= 2000 else "S"
        same = match[1] == expected_prefix and int(match[2][:2]) == born.year % 100
        checks.append(
            Check("birth_year", "Birth year from NRIC", PASS if same else FAIL,
                  # Never echo the number's digits: the screen shows it masked.
                  f"Born {born.year}: the number should start {expected_prefix}{born.year % 100:02d}"
                  + (" and does." if same else " and does not."),
                  ("ID", "Birthday"))
        )
    if fields.get("Sex", "").strip() and parse_sex(fields["Sex"]) is None:
        checks.append(Check("sex", "Sex", UNKNOWN, "Printed sex unreadable.", ("Sex",)))
    postcode_text = fields.get("PostCode") or fields.get("Address") or ""
    if postcode := _postcode_check(postcode_text, 6, ("PostCode",) if fields.get("PostCode") else ("Address",)):
        checks.append(postcode)
    if expiry := _expiry_check(fields, today):
        checks.append(expiry)
    return checks


def card_checks(country: str, card_type: str, fields: dict[str, str], *, today: date) -> list[Check]:
    """Every check that applies to this card. IKAD (an immigration pass) has no MyKad-style number."""
    if not (fields.get("ID") or "").strip():
        return [Check("id_format", "ID number", UNKNOWN, "No ID number was read.", ("ID",))]
    if country == "SG":
        return nric_checks(fields, today=today)
    if card_type.upper() == "IKAD":
        return []
    return mykad_checks(fields, today=today)
