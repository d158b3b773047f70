"""Name, place and number material for synthetic Malaysian and Singaporean identity cards.

Everything here is public knowledge (real towns with their real postcodes, common given names);
no real person's data. Numbers are built to the published rules in id-formats.md.
"""

import datetime as dt
import random

from ..idnumbers import nric_check_letter

MALAY_MALE = ["AHMAD", "MUHAMMAD", "MOHD", "ISMAIL", "AZMAN", "HAFIZ", "ZULKIFLI", "FAIZAL", "HAKIM", "RAZAK", "IDRIS", "KAMAL", "SYAFIQ", "AMIRUL", "RIDZUAN", "NASIR"]
MALAY_FEMALE = ["SITI", "NUR", "NURUL", "AISYAH", "FATIMAH", "ZARINA", "NORAINI", "HASLINDA", "FARAH", "AMIRA", "SALMAH", "ROSNAH", "AZIZAH", "NABILAH"]
MALAY_SECOND = ["AISYAH", "ALIA", "HANI", "SYAZWANI", "IZZATI", "AMALINA", "AIMAN", "FIRDAUS", "DANIAL", "HAZIQ", "IRFAN", "ASYRAF"]
MALAY_FATHER = ["ABDULLAH", "ISMAIL", "YUSOF", "HASSAN", "HUSSEIN", "OTHMAN", "IBRAHIM", "RAHMAN", "SALLEH", "ZAINAL", "HAMZAH", "MAHMUD", "ARIFFIN", "JAAFAR"]
INDIAN_MALE = ["RAJESH", "KUMAR", "SURESH", "GANESAN", "MURUGAN", "VIJAY", "ARUN", "PRAKASH", "SIVA", "RAVI", "MANIAM"]
INDIAN_FEMALE = ["PRIYA", "KAVITHA", "DEVI", "LETCHUMY", "MALATHI", "SHANTHI", "REVATHI", "JAYANTHI", "SARASWATHY"]
INDIAN_FATHER = ["SUBRAMANIAM", "RAMASAMY", "KRISHNAN", "MUNIANDY", "ARUMUGAM", "GOVINDASAMY", "PERUMAL", "SINNASAMY", "NADARAJAN"]
# Chinese names: (surname romanised, surname hanzi), given-name syllables (romanised, hanzi).
CN_SURNAMES = [("TAN", "陈"), ("LIM", "林"), ("LEE", "李"), ("NG", "黄"), ("ONG", "王"), ("WONG", "黄"), ("GOH", "吴"), ("CHUA", "蔡"), ("CHAN", "陈"), ("KOH", "许"), ("TEO", "张"), ("ANG", "洪"), ("YEO", "杨"), ("TAY", "郑"), ("HO", "何"), ("LOW", "刘"), ("SIM", "沈"), ("CHONG", "张"), ("LAU", "刘"), ("CHEW", "周")]
CN_GIVEN = [("WEI", "伟"), ("MING", "明"), ("HUI", "慧"), ("LING", "玲"), ("JUN", "俊"), ("KAI", "凯"), ("XIN", "欣"), ("YI", "怡"), ("HAO", "浩"), ("MEI", "美"), ("JIA", "佳"), ("CHENG", "成"), ("KHI", "启"), ("SHU", "淑"), ("WEN", "文"), ("HONG", "宏"), ("LI", "丽"), ("YONG", "勇"), ("PENG", "鹏"), ("XUAN", "轩")]
WESTERN_GIVEN = ["DAVID", "JASON", "MICHELLE", "RACHEL", "KELVIN", "SHARON", "BRYAN", "JOANNE", "MELVIN", "CHRISTINE", "KAVIN"]
FOREIGN_WORKER = {
    "INDONESIA": (["AGUS", "BUDI", "SRI", "DEWI", "EKO", "RINA", "JOKO", "WATI"], ["SANTOSO", "WIJAYA", "PURNOMO", "HARTONO", "SETIAWAN", "LESTARI"]),
    "BANGLADESH": (["MD", "RAHIM", "KARIM", "SHAHIDUL", "NAZMUL", "RUBEL"], ["HOSSAIN", "ISLAM", "UDDIN", "MIAH", "RAHMAN", "AHMED"]),
    "NEPAL": (["RAM", "HARI", "BISHNU", "KRISHNA", "SITA", "GITA"], ["THAPA", "GURUNG", "SHRESTHA", "TAMANG", "RAI", "MAGAR"]),
    "MYANMAR": (["AUNG", "KYAW", "MIN", "THIDA", "ZAW", "HLA"], ["NAING", "HTUN", "OO", "WIN", "MYINT", "SOE"]),
}

# Real Malaysian towns with real postcodes, their state as printed on the card, and a PB code of that state.
MY_PLACES = [
    ("31400", "IPOH", "PERAK", "08"), ("30000", "IPOH", "PERAK", "08"), ("34000", "TAIPING", "PERAK", "38"),
    ("50450", "KUALA LUMPUR", "W. PERSEKUTUAN(KL)", "14"), ("53100", "KUALA LUMPUR", "W. PERSEKUTUAN(KL)", "14"),
    ("40000", "SHAH ALAM", "SELANGOR", "10"), ("47301", "PETALING JAYA", "SELANGOR", "10"), ("43000", "KAJANG", "SELANGOR", "41"),
    ("41200", "KLANG", "SELANGOR", "43"), ("80100", "JOHOR BAHRU", "JOHOR", "01"), ("83000", "BATU PAHAT", "JOHOR", "21"),
    ("84000", "MUAR", "JOHOR", "22"), ("75000", "MELAKA", "MELAKA", "04"), ("70000", "SEREMBAN", "NEGERI SEMBILAN", "05"),
    ("25000", "KUANTAN", "PAHANG", "06"), ("10200", "GEORGE TOWN", "PULAU PINANG", "07"), ("14000", "BUKIT MERTAJAM", "PULAU PINANG", "34"),
    ("05000", "ALOR SETAR", "KEDAH", "02"), ("08000", "SUNGAI PETANI", "KEDAH", "25"), ("01000", "KANGAR", "PERLIS", "09"),
    ("15000", "KOTA BHARU", "KELANTAN", "03"), ("20000", "KUALA TERENGGANU", "TERENGGANU", "11"),
    ("88000", "KOTA KINABALU", "SABAH", "12"), ("90000", "SANDAKAN", "SABAH", "47"), ("93000", "KUCHING", "SARAWAK", "13"),
    ("96000", "SIBU", "SARAWAK", "50"), ("98000", "MIRI", "SARAWAK", "52"), ("62000", "PUTRAJAYA", "W. PERSEKUTUAN(PUTRAJAYA)", "16"),
    ("87000", "LABUAN", "W. PERSEKUTUAN(LABUAN)", "15"),
]
MY_STREET_KIND = ["JALAN", "LORONG", "PERSIARAN", "JLN", "LRG"]
MY_STREET_NAME = ["MERANTI", "PERAJURIT", "SULTAN ISMAIL", "TUN RAZAK", "BUNGA RAYA", "MAWAR", "SETIA", "KENANGA", "DAMAI", "CEMPAKA", "INDAH", "MUTIARA", "BAKTI", "SENTOSA"]
MY_AREA = ["TAMAN PERAK", "TAMAN MELATI", "TAMAN SRI MUDA", "KAMPUNG BARU", "TAMAN BUKIT INDAH", "BANDAR BARU", "TAMAN DESA", "TAMAN SETIA JAYA", "KG PERMATANG", "TAMAN MUTIARA"]

SG_STREETS = [
    ("ANG MO KIO AVENUE", "56"), ("BEDOK NORTH STREET", "46"), ("TAMPINES STREET", "52"), ("JURONG WEST STREET", "64"),
    ("WOODLANDS DRIVE", "73"), ("YISHUN RING ROAD", "76"), ("TOA PAYOH LORONG", "31"), ("CLEMENTI AVENUE", "12"),
    ("HOUGANG AVENUE", "53"), ("BUKIT BATOK WEST AVENUE", "65"), ("PASIR RIS DRIVE", "51"), ("SENGKANG EAST WAY", "54"),
]
SG_COUNTRIES = ["SINGAPORE"] * 6 + ["MALAYSIA", "CHINA", "INDIA", "INDONESIA", "PHILIPPINES"]

FOREIGN_PB = ["60", "61", "62", "65", "66", "67", "68", "71", "72", "74", "75", "82"]


def pick_date(rng: random.Random, start_year: int, end_year: int) -> dt.date:
    start = dt.date(start_year, 1, 1).toordinal()
    end = dt.date(end_year, 12, 28).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def mykad_number(rng: random.Random, birth: dt.date, pb: str, male: bool) -> str:
    """YYMMDD-PB-###G with the last digit odd for a man and even for a woman."""
    serial = rng.randint(0, 999)
    last = rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    return f"{birth:%y%m%d}-{pb}-{serial:03d}{last}"


def nric_number(rng: random.Random, birth: dt.date, foreign: bool = False) -> str:
    if foreign:
        prefix = "F" if birth.year < 2000 else "G"
        digits = f"{rng.randint(0, 9999999):07d}"
    else:
        prefix = "S" if birth.year < 2000 else "T"
        # For S/T holders born 1968 or later the first two digits are the birth year.
        head = f"{birth.year % 100:02d}" if birth.year >= 1968 else f"{rng.randint(0, 1)}{rng.randint(0, 9)}"
        digits = head + f"{rng.randint(0, 99999):05d}"
    return prefix + digits + nric_check_letter(prefix, digits)
