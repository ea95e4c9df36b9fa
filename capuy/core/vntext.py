"""Vietnamese text utilities: normalisation, search/sort keys and display formats.

Pure Python (no Django imports) so it can be used from models, forms, importers,
management commands and tests alike.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "SORT_KEY_MAX_LENGTH",
    "format_date",
    "format_date_long",
    "format_number",
    "format_percent",
    "format_vnd",
    "nfc",
    "parse_date_vn",
    "search_key",
    "sort_key",
    "unaccent",
]

Number = int | float | Decimal


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------


def nfc(s: str) -> str:
    """Return ``s`` in Unicode NFC (Excel/macOS input is often decomposed NFD)."""
    return unicodedata.normalize("NFC", s)


# "Đ/đ" has no Unicode decomposition; "Ð/ð" (Icelandic eth) is a frequent stand-in
# for it in text converted from legacy TCVN3/VNI encodings, so treat it the same.
_D_STROKE = {"đ": "d", "ð": "d"}
_D_STROKE_TABLE = str.maketrans(_D_STROKE)


def unaccent(s: str) -> str:
    """Lower-case, strip all diacritics, map đ to d and collapse whitespace.

    >>> unaccent("  Nguyễn  Văn Hùng ")
    'nguyen van hung'
    """
    decomposed = unicodedata.normalize("NFD", s.lower().translate(_D_STROKE_TABLE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def search_key(s: str) -> str:
    """Value stored in accent-insensitive search columns (same as :func:`unaccent`)."""
    return unaccent(s)


# ---------------------------------------------------------------------------
# Roster sort key
# ---------------------------------------------------------------------------

# Primary symbols in ascending order. Index k is encoded as two lowercase letters
# chr(97 + k // 26) + chr(97 + k % 26), so index 0 ("aa") is the field terminator
# and sorts below everything else. Letters follow CLDR "vi" standard collation.
_SEP = "\x00"  # end of field
_SPACE = " "
_OTHER = "\x01"  # punctuation, apostrophes (H'Hen), non-Latin letters
_DIGITS = "0123456789"
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_SYMBOLS = [_SEP, _SPACE, _OTHER, *_DIGITS, *_ALPHABET]
_CODE = {sym: chr(97 + k // 26) + chr(97 + k % 26) for k, sym in enumerate(_SYMBOLS)}

# Combining marks that turn a base letter into a distinct Vietnamese letter.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",  # breve
    ("a", "\u0302"): "â",  # circumflex
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",  # horn
    ("u", "\u031b"): "ư",
}
# Tone marks -> rank: ngang 0 < huyền < hỏi < ngã < sắc < nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_TONE_CODE = "abcdef"

# Sort keys compare only the first N letters of each field (after whitespace is
# collapsed); names differing only beyond that point tie. Real names are far shorter.
SORT_KEY_MAX_TEN = 20
SORT_KEY_MAX_HO = 20
SORT_KEY_MAX_TEN_DEM = 30
# 2 letters per character + 2 per field terminator + at most one tone letter per
# syllable (a syllable needs >= 1 character plus a separator, hence ceil(n / 2)).
SORT_KEY_MAX_LENGTH = sum(
    2 * n + 2 + (n + 1) // 2 for n in (SORT_KEY_MAX_TEN, SORT_KEY_MAX_HO, SORT_KEY_MAX_TEN_DEM)
)


def _collation_elements(s: str, limit: int) -> list[tuple[str, int]]:
    """Split ``s`` into (primary symbol, tone rank) pairs, one per visible character."""
    text = unicodedata.normalize("NFD", " ".join(s.lower().split()))
    clusters: list[tuple[str, list[str]]] = []
    for ch in text:
        if unicodedata.combining(ch):
            if clusters:  # a stray leading mark has nothing to attach to
                clusters[-1][1].append(ch)
        else:
            clusters.append((ch, []))

    elements: list[tuple[str, int]] = []
    for base, marks in clusters[:limit]:
        if base in _D_STROKE:
            elements.append(("đ", _tone(marks)))
        elif "a" <= base <= "z":
            letter = next(
                (_LETTER_MARKS[base, m] for m in marks if (base, m) in _LETTER_MARKS), base
            )
            elements.append((letter, _tone(marks)))
        elif base in _DIGITS or base == _SPACE:
            elements.append((base, 0))
        else:
            elements.append((_OTHER, 0))
    while elements and elements[-1][0] == _SPACE:  # truncation may end on a space
        elements.pop()
    return elements


def _tone(marks: list[str]) -> int:
    return next((_TONES[m] for m in marks if m in _TONES), 0)


def _syllable_tones(elements: list[tuple[str, int]]) -> str:
    """One tone letter per syllable (run of letters/digits)."""
    tones: list[str] = []
    in_syllable = False
    for sym, tone in elements:
        if sym in (_SPACE, _OTHER):
            in_syllable = False
        elif not in_syllable:
            tones.append(_TONE_CODE[tone])
            in_syllable = True
        elif tone and tones[-1] == _TONE_CODE[0]:
            tones[-1] = _TONE_CODE[tone]
    return "".join(tones)


def sort_key(ten: str, ho: str, ten_dem: str = "") -> str:
    """ASCII key whose plain string order is the Vietnamese roster order.

    Order: tên, then họ, then tên đệm, by letters (CLDR "vi": a < ă < â < b ... đ
    after d, ư after u ...; digits before letters; case-insensitive). Only when the
    letters of all three fields are equal do tones decide, per syllable in the same
    field order: ngang < huyền < hỏi < ngã < sắc < nặng.

    Layout (only ``a``-``z``, so every DB collation orders it like Python):

    * primary part: each character as a fixed 2-letter code, each field ended by
      ``"aa"`` (below every code, so "An" < "Anh" and fields never run together);
    * tone part: one letter ``a``-``f`` per syllable, for tên, họ, tên đệm.

    Tones are taken per syllable rather than per character, so old/new tone placement
    ("Hoà"/"Hòa", "Thuỷ"/"Thủy") yields the same key; for consistently written names
    this equals CLDR's secondary-level order. Fields are truncated to
    ``SORT_KEY_MAX_TEN``/``_HO``/``_TEN_DEM`` characters; the key is at most
    ``SORT_KEY_MAX_LENGTH`` characters long.
    """
    fields = [
        _collation_elements(ten, SORT_KEY_MAX_TEN),
        _collation_elements(ho, SORT_KEY_MAX_HO),
        _collation_elements(ten_dem, SORT_KEY_MAX_TEN_DEM),
    ]
    primary = "".join(
        "".join(_CODE[sym] for sym, _ in elements) + _CODE[_SEP] for elements in fields
    )
    tones = "".join(_syllable_tones(elements) for elements in fields)
    return primary + tones


# ---------------------------------------------------------------------------
# Display formats
# ---------------------------------------------------------------------------

_VN_SEPARATORS = str.maketrans({",": ".", ".": ","})


def format_number(n: Number, decimals: int = 0) -> str:
    """Group thousands with "." and use "," as decimal mark (rounding half up).

    >>> format_number(5600000), format_number(-90.333, 2)
    ('5.600.000', '-90,33')
    """
    value = n if isinstance(n, Decimal) else Decimal(str(n))
    if not value.is_finite():
        raise ValueError(f"Không định dạng được số: {n!r}")
    quantized = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if quantized.is_zero():
        quantized = abs(quantized)  # no "-0"
    return f"{quantized:,.{decimals}f}".translate(_VN_SEPARATORS)


def format_percent(value: Number, decimals: int = 2) -> str:
    """Format a percentage already multiplied by 100: 90.33 -> "90,33%"."""
    return f"{format_number(value, decimals)}%"


def format_vnd(amount: Number) -> str:
    """Format an amount of đồng: 1500000 -> "1.500.000 đ"."""
    return f"{format_number(amount)} đ"


def format_date(d: date | None) -> str:
    """Format as dd/mm/yyyy; ``None`` gives ""."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_date_long(d: date | None, *, official: bool = False) -> str:
    """Format as "ngày 25 tháng 3 năm 2020"; ``None`` gives "".

    With ``official=True`` apply the administrative-document rule (NĐ 30/2020/NĐ-CP,
    HD 36-HD/VPTW): days below 10 and months 1-2 get a leading zero
    ("ngày 05 tháng 02 năm 2020").
    """
    if d is None:
        return ""
    day = f"{d.day:02d}" if official else str(d.day)
    month = f"{d.month:02d}" if official and d.month <= 2 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


def parse_date_vn(s: str) -> date:
    """Parse "25/03/2020", "25/3/2020" or "2020-03-25".

    Raises ``ValueError`` with a Vietnamese message for anything else, including
    impossible dates such as 31/02/2020.
    """
    text = s.strip()
    try:
        if m := _DMY.fullmatch(text):
            day, month, year = map(int, m.groups())
            return date(year, month, day)
        if m := _ISO.fullmatch(text):
            year, month, day = map(int, m.groups())
            return date(year, month, day)
    except ValueError:
        pass
    # the message reaches users (forms, imports, commands) in their language; Django is
    # imported here only, so that the rest of this module stays pure Python
    from django.utils.translation import gettext

    raise ValueError(gettext("Ngày không hợp lệ: «%(v)s» (định dạng dd/mm/yyyy)") % {"v": s})
