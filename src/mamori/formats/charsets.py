"""Decoding Japanese mail text whatever its label says.

Japanese mail arrives in ISO-2022-JP (JIS), Shift_JIS/CP932, EUC-JP or UTF-8, and the label is
often missing or wrong: a Shift_JIS body labelled ISO-2022-JP, an ISO-2022-JP body with no label,
ISO-2022-JP with Windows characters (①, ㈱) that strict ISO-2022-JP forbids. :func:`decode_bytes`
tries the declared charset strictly, then detects among iso-2022-jp (escape sequences present),
utf-8, cp932 and euc-jp by strict trial decoding and a Japanese-plausibility score, and only as a
last resort decodes with replacement characters.

>>> decode_bytes("お知らせ".encode("cp932"), "iso-2022-jp")
('お知らせ', 'cp932', True)
>>> decode_bytes("お知らせ".encode("iso-2022-jp"), None)
('お知らせ', 'iso-2022-jp', True)
>>> decode_header_text("=?ISO-2022-JP?B?GyRCJV4lJCVKJXMlUCE8GyhC?= =?UTF-8?Q?=E3=81=AE?=")
('マイナンバーの', False)
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "Decoded",
    "decode",
    "decode_bytes",
    "decode_header_text",
    "normalize_charset",
    "plausibility",
    "raw_bytes",
]

# MIME names (lower case) of the Japanese charsets and their aliases -> canonical name.
_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "s-jis": "cp932",
    "x-shift_jis": "cp932",
    "shift_jisx0208": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "cswindows31j": "cp932",
    "cp932": "cp932",
    "ms932": "cp932",
    "x-ms-cp932": "cp932",
    "ibm-943": "cp932",
    "sjis-win": "cp932",
    "sjis-open": "cp932",
    "iso-2022-jp": "iso-2022-jp",
    "iso2022jp": "iso-2022-jp",
    "iso2022_jp": "iso-2022-jp",
    "csiso2022jp": "iso-2022-jp",
    "iso-2022-jp-ms": "iso-2022-jp",
    "cp50220": "iso-2022-jp",
    "cp50221": "iso-2022-jp",
    "cp50222": "iso-2022-jp",
    "x-iso2022jp-cp932": "iso-2022-jp",
    "iso-2022-jp-1": "iso-2022-jp",
    "iso-2022-jp-2": "iso-2022-jp",
    "iso-2022-jp-3": "iso-2022-jp",
    "iso-2022-jp-2004": "iso-2022-jp",
    "jis": "iso-2022-jp",
    "x-jis": "iso-2022-jp",
    "euc-jp": "euc-jp",
    "eucjp": "euc-jp",
    "euc_jp": "euc-jp",
    "x-euc-jp": "euc-jp",
    "ujis": "euc-jp",
    "x-euc": "euc-jp",
    "cseucpkdfmtjapanese": "euc-jp",
    "eucjp-ms": "euc-jp",
    "eucjp-win": "euc-jp",
    "eucjp-open": "euc-jp",
    "cp51932": "euc-jp",
    "euc-jis-2004": "euc-jp",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "us-ascii": "us-ascii",
    "ascii": "us-ascii",
    "ansi_x3.4-1968": "us-ascii",
    "iso646-us": "us-ascii",
}
# Python codecs that decode bytes to text but are not mail charsets.
_NOT_MAIL = frozenset(
    {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "mbcs", "oem"}
)

_LABEL = re.compile(r"[a-z0-9][a-z0-9._:+-]{0,39}")
_ESCAPES = re.compile(rb"\x1b(?:\$[@B]|\([BJI]|\$\([DOQ])")
_NON_ASCII = re.compile(r"[^\t\n\r\x20-\x7e]")
_KANA = re.compile(r"[\u3041-\u30ff\u31f0-\u31ff]")
_JP_PUNCT = re.compile(r"[\u3000-\u3040\uff01-\uff5e]")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HALF_KANA = re.compile(r"[\uff66-\uff9f]")
# Characters that mis-decoded Japanese produces and Japanese text hardly uses: controls, Latin
# letters (bytes read as ISO-8859-1), half-width punctuation (EUC-JP read as CP932: every hiragana
# starts with 0xA4, "､"), Hangul, private use, U+FFFD.
_ODD = re.compile(
    r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
    r"\uac00-\ud7af\ue000-\uf8ff\uff61-\uff65\ufffd]"
)
_SAMPLE = 8192


@dataclass(frozen=True, slots=True)
class Decoded:
    """The result of :func:`decode`.

    ``charset`` is the charset actually used; ``fell_back`` is true when it is not the declared one
    (a missing label counts as us-ascii, RFC 2045); ``lossy`` is true when nothing decoded strictly
    and undecodable bytes became U+FFFD; ``reason`` says in English why the declared charset was
    not used (empty when it was).
    """

    text: str
    charset: str
    fell_back: bool = False
    lossy: bool = False
    reason: str = ""


def normalize_charset(name: str | None) -> str | None:
    """Return the canonical name of a charset label, or None when Python cannot decode it.

    >>> normalize_charset(" Shift_JIS "), normalize_charset("x-sjis"), normalize_charset("ISO-2022-JP-MS")
    ('cp932', 'cp932', 'iso-2022-jp')
    >>> normalize_charset("x-foo") is None, normalize_charset("base64") is None
    (True, True)
    """
    if not name:
        return None
    key = name.strip().strip("\"'").lower().split("*", 1)[0]
    if key in _ALIASES:
        return _ALIASES[key]
    if not _LABEL.fullmatch(key):
        return None
    try:
        info = codecs.lookup(key)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in _NOT_MAIL:
        return None
    return _ALIASES.get(info.name.replace("_", "-"), info.name.replace("_", "-"))


def plausibility(text: str) -> float:
    """Score how much ``text`` looks like correctly decoded Japanese, from -1 to 1.

    Among the non-ASCII characters: the share of Japanese ones (kana, Japanese punctuation,
    full-width forms, kanji up to four per kana plus four, half-width katakana for half) minus the
    share of odd ones (see ``_ODD``). Plain ASCII scores 1.0. Only the first 8,192 characters are scored.
    Kanji are capped because bytes in the wrong double-byte charset decode to runs of kanji
    without kana, while Japanese prose always has kana.

    >>> plausibility("マイナンバーカード"), plausibility("ｱ､ｲ､"), plausibility("hello")
    (1.0, -0.25, 1.0)
    """
    sample = text[:_SAMPLE]
    total = len(_NON_ASCII.findall(sample))
    if not total:
        return 1.0
    kana = len(_KANA.findall(sample))
    good = kana + len(_JP_PUNCT.findall(sample)) + 0.5 * len(_HALF_KANA.findall(sample))
    good += min(len(_KANJI.findall(sample)), 4 * kana + 4)
    return (good - len(_ODD.findall(sample))) / total


def _jis_to_sjis(j1: int, j2: int) -> bytes:
    s1 = ((j1 - 0x21) >> 1) + 0x81
    if s1 > 0x9F:
        s1 += 0x40
    if j1 & 1:
        return bytes((s1, j2 + 0x1F + (j2 >= 0x60)))
    return bytes((s1, j2 + 0x7E))


def _decode_iso2022jp_ms(data: bytes) -> str:
    """Decode ISO-2022-JP with the Windows extensions (CP50220/CP50221) through CP932.

    JIS X 0208 pairs are moved to Shift_JIS, where CP932 knows NEC row 13 (①, ㈱) and the IBM
    extensions that strict ISO-2022-JP rejects. Raises UnicodeDecodeError like a codec.
    """
    out = bytearray()
    mode = b"(B"
    pieces = re.split(rb"\x1b(\(B|\(J|\(I|\$@|\$B)", data)
    for index, piece in enumerate(pieces):
        if index % 2:
            mode = piece
            continue
        if b"\x1b" in piece or not piece.isascii():
            raise UnicodeDecodeError("iso-2022-jp-ms", data, 0, len(data), "unexpected escape or 8-bit byte")
        if mode in (b"(B", b"(J"):
            out += piece
        elif mode == b"(I":
            out += bytes(b + 0x80 for b in piece if 0x21 <= b <= 0x5F)
        else:
            chunk = piece.replace(b"\r", b"").replace(b"\n", b"")
            if len(chunk) % 2:
                raise UnicodeDecodeError("iso-2022-jp-ms", data, 0, len(data), "odd number of JIS bytes")
            for k in range(0, len(chunk), 2):
                out += _jis_to_sjis(chunk[k], chunk[k + 1])
            if len(chunk) != len(piece):
                out += b"\n"
    return out.decode("cp932")


def _decode_eucjp_ms(data: bytes) -> str:
    """Decode EUC-JP with the Windows extensions (eucJP-ms, CP51932) through CP932."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append(b)
            i += 1
        elif b == 0x8E and i + 1 < n and 0xA1 <= data[i + 1] <= 0xDF:
            out.append(data[i + 1])
            i += 2
        elif 0xA1 <= b <= 0xFE and i + 1 < n and 0xA1 <= data[i + 1] <= 0xFE:
            out += _jis_to_sjis(b - 0x80, data[i + 1] - 0x80)
            i += 2
        else:
            raise UnicodeDecodeError("eucjp-ms", data, i, i + 1, "not an EUC-JP byte sequence")
    return out.decode("cp932")


def _codec(name: str) -> Callable[[bytes], str]:
    return lambda data: codecs.decode(data, name, "strict")


# Canonical charset -> (reported name, strict decoder) tried in order.
_DECODERS: dict[str, tuple[tuple[str, Callable[[bytes], str]], ...]] = {
    "iso-2022-jp": (
        ("iso-2022-jp", _codec("iso2022_jp")),
        ("iso-2022-jp-ms", _decode_iso2022jp_ms),
        ("iso-2022-jp-2", _codec("iso2022_jp_2")),
        ("iso-2022-jp-2004", _codec("iso2022_jp_2004")),
    ),
    "cp932": (("cp932", _codec("cp932")), ("shift_jis-2004", _codec("shift_jis_2004"))),
    "euc-jp": (
        ("euc-jp", _codec("euc_jp")),
        ("eucjp-ms", _decode_eucjp_ms),
        ("euc-jis-2004", _codec("euc_jis_2004")),
    ),
    "utf-8": (("utf-8", _codec("utf-8-sig")),),
    "us-ascii": (("us-ascii", _codec("ascii")),),
}
_DETECT_ORDER = ("utf-8", "cp932", "euc-jp")
# Declared charsets whose strict success is checked for plausibility: the Japanese double-byte
# ones, which decode each other's bytes, and the single-byte ones, which decode anything. Any
# other charset that decodes strictly (utf-8, euc-kr, gb2312 ...) is believed.
_SECOND_GUESSED = ("cp932", "euc-jp", "iso-2022-jp", "us-ascii", "iso8859", "cp125", "latin", "mac")
_PRIORITY = {"utf-8": 0.2, "cp932": 0.1, "euc-jp": 0.0}
_REPLACE_CODECS = (("utf-8", "utf-8-sig"), ("cp932", "cp932"), ("euc-jp", "euc_jp"))


def _try(canonical: str, data: bytes) -> tuple[str, str] | None:
    decoders = _DECODERS.get(canonical) or ((canonical, _codec(canonical)),)
    for reported, decoder in decoders:
        try:
            return decoder(data), reported
        except (UnicodeError, LookupError, ValueError):
            continue
    return None


def _detect(data: bytes) -> tuple[str, str, bool]:
    """Return (text, charset, lossy) for bytes whose label is missing or wrong."""
    if _ESCAPES.search(data) and data.isascii():
        found = _try("iso-2022-jp", data)
        if found is not None:
            return found[0], found[1], False
    if data.isascii():
        return data.decode("ascii"), "us-ascii", False
    best: tuple[float, str, str] | None = None
    for canonical in _DETECT_ORDER:
        found = _try(canonical, data)
        if found is not None:
            score = plausibility(found[0]) + _PRIORITY[canonical]
            if best is None or score > best[0]:
                best = (score, found[0], found[1])
    if best is not None:
        return best[1], best[2], False
    replaced = [(data.decode(codec, "replace"), name) for name, codec in _REPLACE_CODECS]
    text, used = max(replaced, key=lambda pair: plausibility(pair[0]) + _PRIORITY[pair[1]])
    return text, used, True


def decode(data: bytes, declared: str | None) -> Decoded:
    """Decode ``data`` labelled ``declared`` and say how (see :class:`Decoded`).

    >>> decode("番号".encode("euc-jp"), "x-foo").reason
    'unknown charset x-foo'
    """
    canonical = normalize_charset(declared)
    shown = _shown(declared)
    if canonical is not None:
        found = _try(canonical, data)
        if found is not None:
            text, used = found
            if not canonical.startswith(_SECOND_GUESSED) or plausibility(text) >= 0:
                return Decoded(text, used)
            other, other_used, lossy = _detect(data)
            if not lossy and plausibility(other) >= 0.5:
                return Decoded(other, other_used, True, False, f"declared {shown} does not fit the bytes")
            return Decoded(text, used)
        reason = f"bytes are not valid {shown}"
    elif declared and declared.strip():
        reason = f"unknown charset {shown}"
    elif data.isascii() and not _ESCAPES.search(data):
        return Decoded(data.decode("ascii"), "us-ascii")
    else:
        reason = "no charset declared"
    text, used, lossy = _detect(data)
    return Decoded(text, used, True, lossy, reason)


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str, bool]:
    """Decode ``data`` labelled ``declared``; return (text, charset actually used, fell back).

    The declared charset is tried strictly; when it is missing (us-ascii by RFC 2045, yet the
    bytes are not ASCII), unknown or wrong, the charset is detected among iso-2022-jp, utf-8,
    cp932 and euc-jp; as a last resort undecodable bytes become U+FFFD. Use :func:`decode` to
    learn whether that happened and why.

    >>> decode_bytes(b"plain", None)
    ('plain', 'us-ascii', False)
    >>> decode_bytes("番号".encode("utf-8"), "utf-8")
    ('番号', 'utf-8', False)
    """
    result = decode(data, declared)
    return result.text, result.charset, result.fell_back


def _shown(declared: str | None) -> str:
    """A charset label safe to show in a note: printable ASCII, at most 40 characters."""
    cleaned = "".join(c for c in (declared or "").strip() if "!" <= c <= "~")
    return cleaned[:40] or "(none)"


# RFC 2047 encoded words; adjacent ones are joined before decoding because mailers split
# multibyte characters across words.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_SURROGATE = re.compile("[\udc80-\udcff]")


def raw_bytes(text: str) -> bytes:
    """Return the bytes behind a str read by the e-mail parser, whose 8-bit bytes arrive as
    surrogate escapes; other characters become UTF-8 and stray surrogates ``?``.

    >>> raw_bytes("a\\udc82\\udca0"), raw_bytes("あ\\ud800")
    (b'a\\x82\\xa0', b'\\xe3\\x81\\x82?')
    """
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # surrogates that are no escaped bytes
        return text.encode("utf-8", "replace")


def _word_bytes(encoding: str, payload: str) -> bytes:
    raw = raw_bytes(payload)
    if encoding in "qQ":
        return binascii.a2b_qp(raw, header=True)
    raw = raw.rstrip(b"=")
    raw = raw[: len(raw) - len(raw) % 4] if len(raw) % 4 == 1 else raw + b"=" * (-len(raw) % 4)
    try:
        return binascii.a2b_base64(raw)
    except binascii.Error:
        return b""


def _raw_text(text: str) -> tuple[str, bool]:
    """Decode unencoded header text; 8-bit bytes arrive as surrogate escapes."""
    if not _SURROGATE.search(text):
        return text, False
    return decode(raw_bytes(text), None).text, True


def decode_header_text(raw: str) -> tuple[str, bool]:
    """Decode a raw header value: unfold, decode RFC 2047 words (B and Q) and raw 8-bit bytes.

    Returns ``(text, fell_back)``; ``fell_back`` is true when a word's charset was unknown or
    wrong, or raw 8-bit bytes had to be detected. Never raises on malformed input.

    >>> decode_header_text("=?Shift_JIS?B?g32DQ4Npg5ODb4Fbg0qBW4No?=")
    ('マイナンバーカード', False)
    """
    raw = _FOLD.sub("", raw).replace("\r", "").replace("\n", " ")
    out: list[str] = []
    fell_back = False
    pending = bytearray()
    pending_charset = ""

    def flush() -> None:
        nonlocal fell_back, pending_charset
        if pending_charset:
            result = decode(bytes(pending), pending_charset)
            out.append(result.text)
            fell_back = fell_back or result.fell_back
        pending.clear()
        pending_charset = ""

    pos = 0
    for match in _ENCODED_WORD.finditer(raw):
        between = raw[pos : match.start()]
        if not (pending_charset and not between.strip()):
            flush()
            text, detected = _raw_text(between)
            out.append(text)
            fell_back = fell_back or detected
        charset = match.group(1).split("*", 1)[0]
        if charset.lower() != pending_charset.lower():
            flush()
            pending_charset = charset
        pending += _word_bytes(match.group(2), match.group(3))
        pos = match.end()
    flush()
    text, detected = _raw_text(raw[pos:])
    out.append(text)
    return "".join(out), fell_back or detected
