"""Identifiers, text formats and code lists of the XRechnung rules.

The regular expressions are the Schematron's (``common.sch``), translated to Python with
XPath's meaning kept: XPath's white-space class is XML white space and its ``.`` is "not
a line break", while Python's would also accept other Unicode spaces.  The code lists are
the ones the 2.5.0 rules embed (CEN code lists 1.3.15), including their quirks: the ISO
6523 list lacks a trailing blank, so its last code (0244) is never found by the
``contains`` test, exactly as in the official rules.
"""

from __future__ import annotations

import re

from services.einvoice.xrechnung.nodes import normalize_space

XR_VERSION = "3.0"
XR_CIUS_ID = f"urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_{XR_VERSION}"
XR_EXTENSION_ID = f"{XR_CIUS_ID}#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_{XR_VERSION}"
XR_CVD_ID = f"{XR_CIUS_ID}#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9"
XR_IDS = (XR_CIUS_ID, XR_EXTENSION_ID, XR_CVD_ID)

#: The official Skonto pattern, as the BR-DE-18 message quotes it.
SKONTO_REGEX = (
    r"(^|\r?\n)#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})"
    r"(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$"
)
# After normalize-space a line has no line break left, so the pattern is a full match.
_SKONTO_LINE = re.compile(
    r"#SKONTO#TAGE=[0-9]+#PROZENT=[0-9]+\.[0-9]{2}(?:#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#"
)
_LINE_BREAK = re.compile(r"\r?\n")
_SEGMENTS = re.compile(r"#[^\r\n]+#")  # XPath '.' never matches CR or LF
_BREAK_AFTER = re.compile(r"[ \t\r\n]*\n")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}")
_XML_SPACE = re.compile(r"[ \t\r\n]")
_EMAIL = re.compile(r"[^@ \t\r\n]+@(?:[^@. \t\r\n]+\.)+[^@. \t\r\n]+")
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]+:")
_DIGIT = re.compile(r"[0-9]")


def skonto_ok(notes: list[str]) -> bool:
    """BR-DE-18 over the first payment-terms note of each payment-terms group.

    Every line starting with ``#`` must be a well-formed Skonto entry, and the text after
    the last ``#...#`` must begin with (optional blanks and) a line break.  Notes without
    such lines pass, whatever else they say.
    """
    lines = [
        line
        for note in notes
        for line in _LINE_BREAK.split(note)
        if normalize_space(line).startswith("#")
    ]
    if not lines:
        return True
    if not all(_SKONTO_LINE.fullmatch(normalize_space(line)) for line in lines):
        return False
    return all(_BREAK_AFTER.match(_SEGMENTS.split(note)[-1]) for note in notes if note)


def iban_ok(raw: str) -> bool:
    """BR-DE-19/20: an IBAN by shape and ISO 7064 MOD 97-10, as the rules compute it.

    The rules turn every character above '@' into ``code point - 55`` (so lower-case
    letters after the country code give odd numbers and usually fail); kept as is.
    """
    iban = normalize_space(_XML_SPACE.sub("", raw))
    if not _IBAN.fullmatch(iban):
        return False
    moved = iban[4:] + iban[:2].upper() + iban[2:4]
    digits = "".join(str(ord(c) - 55) if ord(c) > 64 else str(ord(c) - 48) for c in moved)
    return int(digits) % 97 == 1


def phone_ok(raw: str) -> bool:
    """BR-DE-27: at least three digits."""
    return len(_DIGIT.findall(normalize_space(raw))) >= 3


def email_ok(raw: str) -> bool:
    """BR-DE-28: one @, no blank or dot next to it, no dot at either end."""
    return _EMAIL.fullmatch(normalize_space(raw)) is not None


def url_ok(raw: str) -> bool:
    """BR-TMP-2: an absolute URL (a scheme followed by a colon) at the very start."""
    return _URL.match(raw) is not None


_DIGA_CODES = " XR01 XR02 XR03 "
_ICD_CODES = " " + " ".join(f"{n:04d}" for n in range(2, 245) if n not in (92, 103, 181, 182))
_EAS_CODES = (
    " 0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154 0158 0170 "
    "0177 0183 0184 0188 0190 0191 0192 0193 0194 0195 0196 0198 0199 0200 0201 0202 0203 "
    "0204 0205 0208 0209 0210 0211 0212 0213 0215 0216 0217 0218 0219 0220 0221 0225 0230 "
    "0235 0240 0244 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 "
    "9929 9930 9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 "
    "9946 9947 9948 9949 9950 9951 9952 9953 9957 9959 AN AQ AS AU EM "
)
_UNTDID_7143_CODES = (
    " AA AB AC AD AE AF AG AH AI AJ AK AL AM AN AO AP AQ AR AS AT AU AV AW AX AY AZ BA BB BC "
    "BD BE BF BG BH BI BJ BK BL BM BN BO BP BQ BR BS BT BU BV BW BX BY BZ CC CG CL CR CV DR DW "
    "EC EF EMD EN FS GB GN GMN GS HS IB IN IS IT IZ MA MF MN MP NB ON PD PL PO PPI PV QS RC RN "
    "RU RY SA SG SK SN SRS SRT SRU SRV SRW SRX SRY SRZ SS SSA SSB SSC SSD SSE SSF SSG SSH SSI "
    "SSJ SSK SSL SSM SSN SSO SSP SSQ SSR SSS SST SSU SSV SSW SSX SSY SSZ ST STA STB STC STD STE "
    "STF STG STH STI STJ STK STL STM STN STO STP STQ STR STS STT STU STV STW STX STY STZ SUA "
    "SUB SUC SUD SUE SUF SUG SUH SUI SUJ SUK SUL SUM TG TSN TSO TSP TSQ TSR TSS TST TSU UA UP VN "
    "VP VS VX ZZZ "
)
#: ISO 6523 ICD plus the DiGA codes XR01..XR03 (BR-DEX-04/05/06/08).
ICD_EXT_CODES = _DIGA_CODES + _ICD_CODES
#: CEF EAS plus the DiGA codes (BR-DEX-07).
EAS_EXT_CODES = _DIGA_CODES + _EAS_CODES
#: UNTDID 7143 plus 'CVD' (BR-TMP-CVD-01).
UNTDID_7143_CVD_CODES = " CVD " + _UNTDID_7143_CODES
CVD_VEHICLE_CATEGORIES = frozenset({"M1", "M2", "M3", "N1", "N2", "N3"})
CVA_CODES = frozenset({"clean", "zero-emission", "other"})
#: BR-DEX-01: the CIUS MIME codes and, for the extension, application/xml.
EXTENSION_MIME_CODES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/xml",
    }
)


def in_code_list(scheme: str, codes: str) -> bool:
    """The rules' ``not(contains(s, ' ')) and contains(codes, concat(' ', s, ' '))``."""
    value = normalize_space(scheme)
    return " " not in value and f" {value} " in codes
