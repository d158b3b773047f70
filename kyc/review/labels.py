"""Words for codes: card warnings as a reviewer reads them, and field names."""

WARNING_LABELS = {
    -9101: "Card covered or cut off",
    -9102: "Photocopy",
    -9103: "Photo of a screen or print",
    -9104: "Possibly edited",
    -9107: "Glare",
    -9108: "Blurry",
    -9109: "Warning checks not enabled — review manually",
}
CHECKS_DISABLED = -9109


def warning_label(code: int) -> str:
    return WARNING_LABELS.get(code, f"Unrecognised warning {code} — review manually")


FIELD_LABELS = {
    "ID": "ID number",
    "Name": "Name",
    "EnName": "Name (English)",
    "ChName": "Name (Chinese)",
    "Sex": "Sex",
    "Birthday": "Date of birth",
    "Address": "Address",
    "Type": "Card type",
    "MyKadNumber": "Number on back",
    "Race": "Race",
    "CountryOfBirth": "Country of birth",
    "PostCode": "Postcode",
    "DateOfIssue": "Date of issue",
    "DateOfExpiration": "Expiry date",
    "NRICCode": "NRIC code",
}
FIELD_ORDER = {
    "MY": ["ID", "Name", "Sex", "Birthday", "Address", "Type", "MyKadNumber"],
    "SG": ["ID", "EnName", "ChName", "Sex", "Birthday", "Race", "CountryOfBirth", "Address", "PostCode",
           "DateOfIssue", "DateOfExpiration", "NRICCode"],
}
