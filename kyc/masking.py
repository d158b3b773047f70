"""Masked ID numbers, the default everywhere a person's number is shown (PDPC advisory, MY PDPA)."""

import re

_MYKAD = re.compile(r"^(\d{6})-?(\d{2})-?(\d{4})$")
_NRIC = re.compile(r"^([STFGM])(\d{7})([A-Z])$", re.IGNORECASE)


def mask_id_number(value: str, country: str = "") -> str:
    """`710716-**-****` for MyKad-style numbers (the birth date stays: reviewers compare it with the
    printed one), `S****567D` for NRIC/FIN; anything else keeps only its last three characters."""
    value = (value or "").strip()
    if not value:
        return ""
    if match := _MYKAD.match(value):
        return f"{match[1]}-**-****"
    if match := _NRIC.match(value):
        return f"{match[1].upper()}****{match[2][4:]}{match[3].upper()}"
    keep = 3 if len(value) > 4 else 1
    return "*" * (len(value) - keep) + value[-keep:]
