"""Character sets of ISO 2709 records: UTF-8, ISO 5426 (UNIMARC) and MARC-8 (MARC 21).

UNIMARC declares its character sets in 100$a positions 26-29 ("50  " is
Unicode/UTF-8, "01"/"02"/"03" are the ISO 646 + ISO 5426 Latin sets of older
exports); MARC 21 declares UTF-8 with leader position 9 = "a" and otherwise
means MARC-8, which pymarc decodes.

Real catalogues are not that clean: a record declaring ISO 5426 often holds
some fields in Windows-1252 or UTF-8 (PMB adds them). ``decode_field`` reads
each value in the declared set first, then UTF-8, then Windows-1252 (Latin-1
for the five bytes Windows-1252 leaves undefined), taking the first reading
that is plausible text, and says which set it used so that the record keeps a
warning naming the field. A reading is implausible when a combining accent is
left without a letter to carry it, or when a letter the decoding produced
turns a word's case inside it ("CitØ" is "Cité" in Windows-1252 read as ISO
5426). UTF-8 text that is itself mojibake ("SociÃ©tÃ©") is repaired with ftfy.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

UTF8 = "utf-8"
ISO5426 = "iso5426"
MARC8 = "marc-8"
CP1252 = "windows-1252"
REPAIRED = "utf-8-repaired"  # valid UTF-8 holding mojibake, repaired
NAMES = {
    UTF8: "UTF-8",
    ISO5426: "ISO 5426",
    MARC8: "MARC-8",
    CP1252: "Windows-1252",
    REPAIRED: "UTF-8 with mojibake repaired",
}

# ISO 5426 non-spacing diacritics: they precede the letter they modify.
_ISO5426_COMBINING = {
    0xC0: "\u0309",  # hook above
    0xC1: "\u0300",  # grave
    0xC2: "\u0301",  # acute
    0xC3: "\u0302",  # circumflex
    0xC4: "\u0303",  # tilde
    0xC5: "\u0304",  # macron
    0xC6: "\u0306",  # breve
    0xC7: "\u0307",  # dot above
    0xC8: "\u0308",  # diaeresis
    0xC9: "\u0308",  # umlaut
    0xCA: "\u030a",  # ring above
    0xCD: "\u030b",  # double acute
    0xCF: "\u030c",  # caron
    0xD0: "\u0327",  # cedilla
    0xD3: "\u0323",  # dot below
}

# ISO 5426 spacing characters outside ASCII that French records use.
_ISO5426_SPACING = {
    0xA1: "¡",
    0xA3: "£",
    0xA5: "¥",
    0xA7: "§",
    0xA9: "‘",
    0xAA: "“",
    0xAB: "«",
    0xAD: "©",
    0xAF: "®",
    0xB7: "·",
    0xB9: "’",
    0xBA: "”",
    0xBB: "»",
    0xBF: "¿",
    0xE1: "Æ",
    0xE2: "Đ",
    0xE8: "Ł",
    0xE9: "Ø",
    0xEA: "Œ",
    0xEC: "Þ",
    0xF1: "æ",
    0xF2: "đ",
    0xF3: "ð",
    0xF5: "ı",
    0xF8: "ł",
    0xF9: "ø",
    0xFA: "œ",
    0xFB: "ß",
    0xFC: "þ",
}

# 100$a positions 26-27 / 28-29 -> the decoder to use.
_UNIMARC_SETS = {"50": UTF8, "01": ISO5426, "02": ISO5426, "03": ISO5426, "11": ISO5426}


class CharsetError(ValueError):
    """Bytes that do not decode in the record's character set."""


def decode_iso5426(data: bytes) -> str:
    out: list[str] = []
    pending: list[str] = []
    for position, byte in enumerate(data):
        if byte < 0x80:
            out.append(chr(byte))
            out.extend(reversed(pending))
            pending.clear()
        elif byte in _ISO5426_COMBINING:
            pending.append(_ISO5426_COMBINING[byte])
        elif byte in _ISO5426_SPACING:
            out.append(_ISO5426_SPACING[byte])
            out.extend(reversed(pending))
            pending.clear()
        else:
            raise CharsetError(f"byte 0x{byte:02X} at position {position} is not ISO 5426")
    if pending:
        raise CharsetError("a diacritic ends the value without a letter to carry it")
    return unicodedata.normalize("NFC", "".join(out))


def decode_marc8(data: bytes) -> str:
    from pymarc.marc8 import marc8_to_unicode  # imported when first needed

    try:
        text = marc8_to_unicode(data, hide_utf8_warnings=True)
    except Exception as exc:  # pymarc raises bare exceptions on unknown escapes
        raise CharsetError(f"not MARC-8 ({exc})") from exc
    if "\ufffd" in text:
        raise CharsetError("not MARC-8 (undecodable bytes)")
    return unicodedata.normalize("NFC", str(text))


def decode(data: bytes, charset: str) -> str:
    """Decode one field value; raise CharsetError with the reason."""
    if charset == UTF8:
        try:
            return unicodedata.normalize("NFC", data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad = data[exc.start : exc.start + 1].hex().upper()
            raise CharsetError(f"byte 0x{bad} at position {exc.start} is not UTF-8") from exc
    if charset == ISO5426:
        return decode_iso5426(data)
    return decode_marc8(data)


def decode_cp1252(data: bytes) -> str:
    """Windows-1252, with the bytes it leaves undefined read as Latin-1 (never fails)."""
    text = "".join(
        chunk.decode("cp1252") if index % 2 == 0 else chunk.decode("latin-1")
        for index, chunk in enumerate(_CP1252_UNDEFINED.split(data))
    )
    return unicodedata.normalize("NFC", text)


_CP1252_UNDEFINED = re.compile(rb"([\x81\x8d\x8f\x90\x9d]+)")


def _cp1252_for_bad_utf8(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return decode_cp1252(error.object[error.start : error.end]), error.end


codecs.register_error("recueil-cp1252", _cp1252_for_bad_utf8)


def decode_utf8_or_cp1252(data: bytes) -> str:
    """UTF-8 where the bytes are UTF-8, Windows-1252 for the bytes that are not."""
    return unicodedata.normalize("NFC", data.decode("utf-8", "recueil-cp1252"))


def oddities(text: str) -> int:
    """How many characters of a reading look wrong for a Western European catalogue.

    Counted: an accent left without a letter to carry it; a non-ASCII capital
    inside a lower-case word ("CitØ"); a character Windows-1252 cannot write
    ("Saint-ẗienne", where ISO 5426 read the "É" of Windows-1252 as a
    diaeresis). The repertoire comes from the codec, not from a table of ours.
    """
    count = 0
    previous = ""
    for char in text:
        if unicodedata.combining(char):
            count += 1
        elif ord(char) > 0x7F:
            if char.isupper() and previous.islower():
                count += 1
            try:
                char.encode("cp1252")
            except UnicodeEncodeError:
                count += 1
        previous = char
    return count


def decode_field(data: bytes, declared: str) -> tuple[str, str]:
    """The text of one value and the set it was read in: the declared one when it fits.

    The declared reading is kept when it decodes and has no ``oddities``; else a
    valid UTF-8 reading wins (ftfy repairs mojibake in it); else the Windows-1252
    reading, unless the declared reading has no more oddities than it.
    """
    if data.isascii():
        return data.decode("ascii"), declared
    try:
        text: str | None = decode(data, declared)
    except CharsetError:
        text = None
    if text is not None and (declared == UTF8 or oddities(text) == 0):
        return _checked_utf8(text) if declared == UTF8 else (text, declared)
    if declared != UTF8:
        try:
            return _checked_utf8(decode(data, UTF8))
        except CharsetError:
            pass
    fallback = decode_cp1252(data)
    if text is not None and oddities(text) <= oddities(fallback):
        return text, declared
    return fallback, CP1252


def _checked_utf8(text: str) -> tuple[str, str]:
    repaired = _repair_mojibake(text)
    return repaired, UTF8 if repaired == text else REPAIRED


def _repair_mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252 and encoded again ("Ã©" for "é"): ftfy undoes it."""
    import ftfy  # imported when first needed: a tenth of a second that XML records never need

    if not ftfy.badness.is_bad(text):
        return text
    return unicodedata.normalize("NFC", ftfy.fix_encoding(text))


def declared_charset(leader: str, field_100a: bytes | None) -> str | None:
    """The character set a record declares, or None when it says nothing usable."""
    if len(leader) > 9 and leader[9] == "a":
        return UTF8
    if field_100a is not None and len(field_100a) >= 28:
        code = field_100a[26:28].decode("ascii", "replace")
        if code in _UNIMARC_SETS:
            return _UNIMARC_SETS[code]
        if code.strip():
            raise CharsetError(f"100$a declares character set {code!r}, which recueil cannot read")
    return None


def guess_charset(values: list[bytes]) -> str:
    """Undeclared record: UTF-8 when every value is valid UTF-8, else MARC-8 (MARC 21 default)."""
    try:
        for value in values:
            value.decode("utf-8")
    except UnicodeDecodeError:
        return MARC8
    return UTF8


def unimarc_100a(date_entered: str, year: str | None = None) -> str:
    """100$a for records we write: French, Unicode (positions 26-29 = "50  " for UTF-8)."""
    date1 = (year or "    ")[:4].ljust(4)
    value = f"{date_entered[:8]:<8}d{date1}    u  y0frey50      ba"
    return value.ljust(36)[:36]
