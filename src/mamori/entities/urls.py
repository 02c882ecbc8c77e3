"""URLs and domains (URL・ドメイン) in a message, found and judged offline.

:func:`find_urls` finds ``http``/``https`` links, their defanged and obfuscated forms
(``hxxp://``, ``h**ps://``, ``ttp://``, ``[.]``, ``(.)``, ``[dot]``, full-width ``．／：``,
``example . com``) and bare domains (``myna-point.xyz/login``, ``www.example.co.jp``), but not the
domain of an e-mail address, a file name such as ``report.pdf`` or a Japanese sentence.
:func:`classify` says whether a host is a government one and, if not, why it looks suspicious.

Every scan is linear in the length of the text: the patterns are single character classes or
bounded repetitions, and hosts longer than 253 characters are discarded. The public suffix list
is the snapshot bundled with tldextract: nothing is fetched and nothing is written.

>>> [m.url for m in find_urls("詳しくは hxxps://myna-point[.]xyz/login へ")]
['https://myna-point.xyz/login']
>>> m = find_urls("マイナポータル(https://myna.go.jp/)からログイン")[0]
>>> m.start, m.end, m.host, m.registered_domain, m.suffix
(8, 27, 'myna.go.jp', 'myna.go.jp', 'go.jp')
>>> classify("kojinbango-card.go.jp.example.top").codes
('gov_suffix_embedded', 'lookalike')
>>> classify("www.digital.go.jp").official
True
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import threading
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from mamori.errors import EmptyInputError, InputError, RuleError

__all__ = ["MAX_URLS", "MAX_URL_LENGTH", "DomainReason", "DomainVerdict", "UrlMatch", "classify", "find_urls"]

MAX_URL_LENGTH = 2048
"""Longer URLs are reported with ``truncated=True`` and ``raw``/``url`` cut to this length."""

MAX_URLS = 1000
"""At most this many URLs are returned for one text: a longer list is not a message."""

_MAX_HOST = 253
# Bounds on the work done for one text, reached only by pathological input.
_MAX_DEFANGED = 10_000  # defanging tokens undone
_MAX_SCHEMES = 10_000  # "://" looked at
# Full-width ASCII (！–～) to ASCII: one character for one, offsets stay put. Only runs of it are
# rewritten, and only when a full-width letter, digit or dot suggests a URL is written in it.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULL_WIDTH_URLISH = re.compile(r"[０-９Ａ-Ｚａ-ｚ．]")
_FULL_WIDTH_RUN = re.compile(r"[\uff01-\uff5e\u3000]+")
# Defanging: "[.]", "(dot)", "{.}", "[:]", "[://]", "[/]" and a dot with spaces before it. The
# leading lookahead makes every other position a one-step failure.
_DEFANG = re.compile(
    r"(?=[ \t\[({])(?:"
    r"[ \t]{0,2}[\[({][ \t]{0,2}(?:\.|(?i:dot))[ \t]{0,2}[\])}][ \t]{0,2}"
    r"|\[(?::|://|/)\]"
    r"|(?<=[A-Za-z0-9])[ \t]{1,2}\.[ \t]{0,2}(?=[A-Za-z0-9]))"
)
_SCHEME = re.compile(r"(?<![A-Za-z0-9])(h[tx*]{2}ps?|ttps?)\Z", re.IGNORECASE)  # just before "://"
_AUTHORITY = re.compile(r"[^\s/?#\\<>\"'`{}|^()、。「」『』【】〈〉《》〔〕・]{1,300}")
_PATH = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_PORT = re.compile(r":([0-9]{1,5})")
_DOT = re.compile(r"\.[A-Za-z0-9]")
_RUN = re.compile(r"[A-Za-z0-9.\-]*")
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_NOT_BEFORE = _LABEL_CHARS | frozenset("@._/\\%+=&")  # an e-mail address, a path, a query
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
# Suffixes that are also common file extensions: a bare "photo.zip" needs "www." or a path.
_FILE_LIKE = frozenset({"zip", "mov", "py", "sh", "md", "pl", "rs", "ps", "cc", "app", "ai", "one", "page"})
_TRAILING = ".,;:!?'\"*"
_GOV_SUFFIXES = {"go.jp": "政府機関(go.jp)", "lg.jp": "地方公共団体(lg.jp)"}
# "go.jp" inside a host, with something after it: kojinbango-card.go.jp.example.top, myna-go-jp.com
_EMBEDDED = re.compile(r"(?:^|[.\-_])(?:go|gov|lg)[.\-_]?jp(?=[.\-_0-9])")
_SKELETON = (("rn", "m"), ("vv", "w"), ("0", "o"), ("3", "e"), ("4", "a"), ("5", "s"), ("7", "t"))


@dataclass(frozen=True)
class UrlMatch:
    """A URL or bare domain found in a text.

    ``start``/``end`` are offsets into the text given to :func:`find_urls`, and
    ``raw == text[start:end]`` unless ``truncated`` (then ``raw`` is its first
    :data:`MAX_URL_LENGTH` characters). ``url`` is the de-obfuscated URL with a scheme
    (``http://`` for bare domains); ``host`` is lower-case ASCII (punycode for IDNs).
    """

    start: int
    end: int
    raw: str
    url: str
    host: str
    registered_domain: str
    suffix: str
    obfuscated: bool = False
    truncated: bool = False


@dataclass(frozen=True)
class DomainReason:
    """One finding about a host: a stable ``code`` and a Japanese ``explanation``."""

    code: str
    explanation: str


@dataclass(frozen=True)
class DomainVerdict:
    """What :func:`classify` says about a host."""

    host: str
    registered_domain: str
    suffix: str
    official: bool
    reasons: tuple[DomainReason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in a fixed order."""
        return tuple(r.code for r in self.reasons)


# --- data: src/mamori/data/official_domains.toml ----------------------------------------------


@dataclass(frozen=True)
class _DomainData:
    official: dict[str, str]  # domain -> Japanese name of the body
    keywords: re.Pattern[str]  # lookalike words
    ignore: tuple[str, ...]
    shorteners: frozenset[str]
    free_hosting: tuple[str, ...]


def _strings(table: dict[str, Any], key: str, where: str) -> list[str]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(
        isinstance(v, str) and v == v.strip().lower() and v for v in values
    ):
        raise RuleError(
            f"official_domains.toml: {where}.{key} must be a list of non-empty lower-case strings; "
            f"got {type(values).__name__}. Fix the entry in src/mamori/data/official_domains.toml"
        )
    return values


@lru_cache(maxsize=1)
def _load() -> _DomainData:
    """Read the packaged domain data once."""
    path = resources.files("mamori") / "data" / "official_domains.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(
            f"official_domains.toml cannot be read: {exc}; reinstall mamori or fix the file"
        ) from exc
    official = {}
    for entry in raw.get("official", []):
        domain, name = entry.get("domain"), entry.get("name")
        if not (isinstance(domain, str) and domain == domain.lower() and isinstance(name, str) and name):
            raise RuleError(
                f"official_domains.toml: each [[official]] needs a lower-case 'domain' and a 'name'; got {entry!r}"
            )
        official[domain] = name
    look = raw.get("lookalike", {})
    sep = r"[.\-_0-9]"
    words = [
        *(re.escape(w) for w in _strings(look, "anywhere", "lookalike")),
        *(rf"(?:^|(?<={sep})){re.escape(w)}" for w in _strings(look, "label_start", "lookalike")),
        *(rf"(?:^|(?<={sep})){re.escape(w)}(?=$|{sep})" for w in _strings(look, "whole", "lookalike")),
    ]
    return _DomainData(
        official=official,
        keywords=re.compile("|".join(words) or "(?!)"),
        ignore=tuple(_strings(look, "ignore", "lookalike")),
        shorteners=frozenset(_strings(raw.get("shorteners", {}), "domains", "shorteners")),
        free_hosting=tuple(_strings(raw.get("free_hosting", {}), "domains", "free_hosting")),
    )


# --- the public suffix list, built once -----------------------------------------------------

_lock = threading.Lock()
_extractor: Any = None


def _tld_extractor() -> Any:
    """The shared tldextract instance: bundled snapshot only, no fetch, no disk cache."""
    global _extractor
    if _extractor is None:
        with _lock:
            if _extractor is None:
                import tldextract  # slow import: only when the first domain is looked up

                extractor = tldextract.TLDExtract(
                    cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
                )
                extractor.extract_str("example.jp")  # build the suffix trie now, under the lock
                _extractor = extractor
    return _extractor


@lru_cache(maxsize=1)
def _top_labels() -> frozenset[str]:
    """The last labels of all public suffixes ("com", "jp", "xn--zckzah"...): a cheap first test."""
    labels = set()
    for suffix in _tld_extractor().tlds:  # a property in tldextract 5
        last = suffix.rsplit(".", 1)[-1]
        labels.add(last if last.isascii() else last.encode("idna").decode("ascii"))
    return frozenset(labels)


@lru_cache(maxsize=8192)
def _split_domain(host: str) -> tuple[str, str]:
    """(registered_domain, suffix) of an ASCII host; empty strings when there is none."""
    if host.rsplit(".", 1)[-1] not in _top_labels():
        return "", ""
    parts = _tld_extractor().extract_str(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}", parts.suffix
    return "", ""


# --- de-obfuscation with an offset map --------------------------------------------------------


class _Cleaned:
    """Folded and defanged text, with the map from its offsets back to the original ones."""

    def __init__(self, text: str) -> None:
        folded = text
        if not text.isascii() and _FULL_WIDTH_URLISH.search(text):
            folded = _FULL_WIDTH_RUN.sub(lambda m: m.group().translate(_FOLD), text)
        parts: list[str] = []
        self.starts: list[int] = []  # clean start of each replacement
        self.ends: list[int] = []  # clean end of each replacement
        self.orig_starts: list[int] = []
        self.orig_ends: list[int] = []
        pos = length = 0
        maybe_defanged = any(c in folded for c in "[({") or " ." in folded or "\t." in folded
        for m in _DEFANG.finditer(folded) if maybe_defanged else ():
            if len(self.starts) >= _MAX_DEFANGED:
                break
            parts.append(folded[pos : m.start()])
            length += m.start() - pos
            token = m.group().strip().lower()
            new = "://" if "://" in token else ":" if ":" in token else "/" if "/" in token else "."
            self.starts.append(length)
            self.orig_starts.append(m.start())
            self.orig_ends.append(m.end())
            parts.append(new)
            length += len(new)
            self.ends.append(length)
            pos = m.end()
        parts.append(folded[pos:])
        self.text = "".join(parts)

    def orig_start(self, p: int) -> int:
        k = bisect_right(self.starts, p) - 1
        if k < 0:
            return p
        if p < self.ends[k]:
            return self.orig_starts[k]
        return p + self.orig_ends[k] - self.ends[k]

    def orig_end(self, p: int) -> int:
        k = bisect_right(self.starts, p - 1) - 1
        if k < 0:
            return p
        if p - 1 < self.ends[k]:
            return self.orig_ends[k]
        return p + self.orig_ends[k] - self.ends[k]

    def replaced(self, start: int, end: int) -> bool:
        """Whether a defanging replacement lies inside [start, end)."""
        k = bisect_left(self.starts, start)
        return k < len(self.starts) and self.starts[k] < end


# --- finding ------------------------------------------------------------------------------------


def _ascii_host(host: str) -> str | None:
    """Lower-case ASCII form of a host, or None if it is not a plausible host name."""
    host = host.rstrip(".").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if not 0 < len(host) <= _MAX_HOST:
        return None
    labels = host.split(".")
    if all(len(label) <= 63 and _LABEL.fullmatch(label) for label in labels):
        return host
    return None


def _path_end(clean: str, host_end: int) -> int:
    """End of the port, path, query and fragment after ``host_end``, trailing punctuation cut."""
    pos = host_end
    port = _PORT.match(clean, pos)
    if port:
        pos = port.end()
    if pos < len(clean) and clean[pos] in "/?#":
        pos = _PATH.match(clean, pos).end()  # type: ignore[union-attr]  # matches empty
    unbalanced = {
        closer: clean.count(closer, host_end, pos) - clean.count(opener, host_end, pos)
        for opener, closer in (("(", ")"), ("[", "]"))
    }
    while pos > host_end:
        last = clean[pos - 1]
        if last in _TRAILING:
            pos -= 1
        elif unbalanced.get(last, 0) > 0:
            unbalanced[last] -= 1
            pos -= 1
        else:
            break
    return pos


def _authority(clean: str, pos: int) -> tuple[str, int] | None:
    """Host and end offset of the authority after ``scheme://`` at ``pos``."""
    m = _AUTHORITY.match(clean, pos)
    if m is None or m.end() - pos >= 300:
        return None
    run = m.group()
    at = run.rfind("@")
    first = at + 1
    if run.startswith("[", first):  # IPv6 literal
        close = run.find("]", first)
        if close < 0:
            return None
        host = run[first + 1 : close]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return None
        return f"[{host.lower()}]", pos + close + 1
    colon = run.find(":", first)
    host = (run[first:] if colon < 0 else run[first:colon]).rstrip(".")
    end = pos + first + len(host)
    if not host.isascii():  # an IDN, or Japanese text glued to the last label: cut at the text
        dot = host.rfind(".")
        tail = host[dot + 1 :]
        cut = next((i for i, ch in enumerate(tail) if not ch.isascii()), None)
        if cut is not None:
            host = host[: dot + 1 + cut].rstrip(".")
            end = pos + first + len(host)
    ascii_host = _ascii_host(host)
    if ascii_host is None or ("." not in ascii_host and not ascii_host.isdigit()):
        return None
    return ascii_host, end


def _match(
    text: str,
    cleaned: _Cleaned,
    start: int,
    host_end: int,
    end: int,
    scheme: str,
    obfuscated: bool,
    host: str,
) -> UrlMatch:
    clean = cleaned.text
    orig_start, orig_end = cleaned.orig_start(start), cleaned.orig_end(end)
    if host.startswith("[") or _IPV4.fullmatch(host) or host.isdigit():
        registered, suffix = "", ""
    else:
        registered, suffix = _split_domain(host)
    url = f"{scheme}://{host}{clean[host_end:end]}"
    truncated = orig_end - orig_start > MAX_URL_LENGTH
    return UrlMatch(
        start=orig_start,
        end=orig_end,
        raw=text[orig_start : min(orig_end, orig_start + MAX_URL_LENGTH)],
        url=url[:MAX_URL_LENGTH],
        host=host,
        registered_domain=registered,
        suffix=suffix,
        obfuscated=obfuscated or cleaned.replaced(start, end),
        truncated=truncated,
    )


def _bare(text: str, cleaned: _Cleaned, lo: int, hi: int, out: list[UrlMatch]) -> None:
    """Bare domains (no scheme) in clean[lo:hi], found from their dots."""
    clean = cleaned.text
    pos = lo
    while len(out) < MAX_URLS:
        dot_match = _DOT.search(clean, pos, hi)
        if dot_match is None:
            return
        dot = dot_match.start()
        run_end = _RUN.match(clean, dot, hi).end()  # type: ignore[union-attr]  # matches empty
        pos = run_end
        start, floor = dot, max(lo, dot - 64)
        while start > floor and clean[start - 1] in _LABEL_CHARS:
            start -= 1
        while start < dot and clean[start] == "-":
            start += 1
        if start == dot or (start > 0 and clean[start - 1] in _NOT_BEFORE):
            continue  # no first label, a label too long, or part of an e-mail address or a path
        host_end = run_end
        while clean[host_end - 1] in ".-":
            host_end -= 1
        if host_end < len(clean) and clean[host_end] == "@":  # the local part of an e-mail address
            continue
        host = _ascii_host(clean[start:host_end])
        if host is None:
            continue
        end = min(_path_end(clean, host_end), hi)
        has_path = end > host_end
        if _IPV4.fullmatch(host):
            if not has_path or not all(int(octet) < 256 for octet in host.split(".")):
                continue
        else:
            registered, suffix = _split_domain(host)
            if not registered or not suffix[-1].isalpha():
                continue
            if suffix in _FILE_LIKE and not has_path and not host.startswith("www."):
                continue
        out.append(_match(text, cleaned, start, host_end, end, "http", False, host))
        pos = max(pos, end)


def find_urls(text: str) -> list[UrlMatch]:
    """Find URLs and bare domains in ``text``, in order of position (at most :data:`MAX_URLS`).

    >>> [(m.host, m.obfuscated) for m in find_urls("ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ と example . org")]
    [('example.com', False), ('example.org', True)]
    >>> find_urls("連絡先 taro@example.co.jp、添付 report.pdf。ありがとうございました.")
    []
    """
    if not any(mark in text for mark in (".", "．", "://", "：／／")) and "dot" not in text.lower():
        return []
    cleaned = _Cleaned(text)
    clean = cleaned.text
    out: list[UrlMatch] = []
    pos = 0
    for _ in range(_MAX_SCHEMES):
        colon = clean.find("://", pos)
        if colon < 0 or len(out) >= MAX_URLS:
            break
        m = _SCHEME.search(clean, max(pos, colon - 5), colon)
        found = _authority(clean, colon + 3) if m else None
        if m is None or found is None:
            _bare(text, cleaned, pos, colon + 3, out)
            pos = colon + 3
            continue
        host, host_end = found
        end = _path_end(clean, host_end)
        _bare(text, cleaned, pos, m.start(), out)
        word = m.group(1).lower()
        scheme = "https" if word.endswith("s") else "http"
        out.append(_match(text, cleaned, m.start(), host_end, end, scheme, word.rstrip("s") != "http", host))
        pos = end
    _bare(text, cleaned, pos, len(clean), out)
    return out[:MAX_URLS]


# --- classifying --------------------------------------------------------------------------------


def _normalise(host: str) -> str:
    host = host.strip().translate(_FOLD)
    if "://" in host:
        host = host.split("://", 1)[1]
    host = re.split(r"[/?#]", host, maxsplit=1)[0].rsplit("@", 1)[-1]
    if host.startswith("["):
        return host[: host.find("]") + 1].lower()
    host = host.split(":", 1)[0].rstrip(".").lower()
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return host


def _unicode(host: str) -> str:
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError):
                label = label[4:].encode("ascii").decode("punycode")
        labels.append(label)
    return ".".join(labels)


def _ip(host: str) -> bool:
    if host.isdigit() or re.fullmatch(r"0x[0-9a-f]{1,8}", host):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _lookalike(name: str, host: str) -> str | None:
    """Japanese explanation if the host (``name`` = host without its suffix) mimics a public body."""
    data = _load()
    unicode_host = _unicode(host)
    if any("\u0370" <= ch <= "\u052f" for ch in unicode_host):
        return f"キリル文字やギリシャ文字など、ラテン文字に見える別の文字が使われています({unicode_host})"
    if "xn--" in host:
        return f"国際化ドメイン名(xn--)で、本物に似せた文字を使っているおそれがあります({unicode_host})"
    for ignored in data.ignore:
        name = name.replace(ignored, "")
    word = data.keywords.search(name)
    if word:
        return f"公的機関を思わせる「{word.group()}」を含みますが、政府・自治体のドメイン(go.jp / lg.jp)ではありません"
    for one in ("l", "i"):
        skeleton = name.replace("1", one)
        for old, new in _SKELETON:
            skeleton = skeleton.replace(old, new)
        word = data.keywords.search(skeleton)
        if word:
            return f"数字や文字の組合せ(rn→m、3→e など)で「{word.group()}」に見せかけています"
    return None


@lru_cache(maxsize=4096)
def _classify(host: str) -> DomainVerdict:
    data = _load()
    if _ip(host):
        reason = DomainReason("raw_ip", "ドメイン名ではなく、IPアドレスが直接使われています")
        return DomainVerdict(host, "", "", False, (reason,))
    registered, suffix = _split_domain(host)
    labels = host.split(".")
    for i in range(len(labels)):
        name = data.official.get(".".join(labels[i:]))
        if name:
            why = f"{name}の正規ドメインです"
            return DomainVerdict(host, registered, suffix, True, (DomainReason("official", why),))
    if registered and suffix in _GOV_SUFFIXES:
        why = f"{_GOV_SUFFIXES[suffix]}の正規ドメインです"
        return DomainVerdict(host, registered, suffix, True, (DomainReason("official", why),))
    reasons = []
    if _EMBEDDED.search(host):
        reasons.append(
            DomainReason(
                "gov_suffix_embedded",
                f"「go.jp」「lg.jp」をドメイン名の途中に含んでいますが、実際のドメインは{registered or host}です。"
                "政府・自治体のドメインは必ず go.jp / lg.jp で終わります",
            )
        )
    without_suffix = host[: len(host) - len(suffix)].rstrip(".") if suffix else host
    lookalike = _lookalike(without_suffix, host)
    if lookalike:
        reasons.append(DomainReason("lookalike", lookalike))
    if registered in data.shorteners or host in data.shorteners:
        reasons.append(
            DomainReason("shortener", f"短縮URL({registered or host})です。本当の行き先が隠されています")
        )
    hosting = next((d for d in data.free_hosting if host == d or host.endswith("." + d)), None)
    if hosting:
        reasons.append(
            DomainReason(
                "free_hosting",
                f"誰でも無料でサイトを作れるサービス({hosting})上のページです。公的機関のサイトではありません",
            )
        )
    return DomainVerdict(host, registered, suffix, False, tuple(reasons))


def classify(host: str) -> DomainVerdict:
    """Judge a host name: official (go.jp, lg.jp, the official list) or why it looks suspicious.

    ``host`` may be Unicode, upper-case, full-width or carry a port; a whole URL is accepted too.
    Reason codes: ``official``, ``gov_suffix_embedded``, ``lookalike``, ``shortener``, ``raw_ip``,
    ``free_hosting``. An empty ``reasons`` means nothing was found, not that the site is safe.

    >>> classify("myna-go-jp.com").codes
    ('gov_suffix_embedded', 'lookalike')
    >>> classify("bit.ly").reasons[0].explanation
    '短縮URL(bit.ly)です。本当の行き先が隠されています'
    >>> classify("city.yokohama.lg.jp").official, classify("rnyna-point.com").codes
    (True, ('lookalike',))

    Raises:
        EmptyInputError: ``host`` is empty once spaces, scheme, port and path are removed.
        InputError: the host is longer than the 253 characters a host name can have.
    """
    normal = _normalise(host)
    if not normal:
        raise EmptyInputError(
            f"classify() expected a host name such as 'myna.go.jp', got {len(host)} characters "
            "without one; pass UrlMatch.host or a domain name"
        )
    if len(normal) > _MAX_HOST:
        raise InputError(
            f"classify() expected a host name of at most {_MAX_HOST} characters, got {len(normal)}; "
            "pass UrlMatch.host or a domain name"
        )
    return _classify(normal)
