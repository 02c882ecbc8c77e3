"""HTML mail bodies to plain text, with their links, in linear time.

A phishing mail's HTML is data, never markup: nothing is executed or fetched. ``script``,
``style``, ``title`` and ``template`` content is dropped, block elements and ``<br>`` become line
breaks, entities are unescaped and every ``<a href>`` / ``<area href>`` is collected as
``(link_text, href)``.

:class:`html.parser.HTMLParser` of Python 3.11 rescans its buffer for every unterminated ``<!--``,
``</``, ``<?``, ``<![`` or ``<tag`` and so runs in quadratic time on crafted input (and may
raise ``AssertionError`` on ``<![foo[``). A linear pre-pass therefore removes comments,
declarations, processing instructions and raw-text elements and escapes every ``<`` that does
not start a terminated tag, so the parser only ever sees complete tags, text and entities.

>>> html_to_text('<p>お知らせ<br>詳細は<a href="https://evil.example/">こちら</a></p>')
('お知らせ\\n詳細はこちら', [('こちら', 'https://evil.example/')])
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]

# Elements whose content is never shown as text (script, style and title also leave in the pre-pass).
_DROPPED = frozenset({"script", "style", "title", "template"})
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "caption",
        "body",
        "html",
    }
)
_CELL = frozenset({"td", "th"})

# The pre-pass: a '<' followed by one of these starts a construct the parser would scan for.
_CONSTRUCT = re.compile(r"<(?:!--|[!?]|/?[A-Za-z])")
_RAW_START = re.compile(r"<(script|style|title)(?=[\s/>\x00])", re.IGNORECASE)
_RAW_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style", "title")}

_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_WIDE = r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uffef"
# A source line break between two Japanese characters is not a space (CSS Text 3 segment breaks).
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_WIDE}])")
_BREAK = "\x00"  # a block boundary; control characters are removed from the data, so it is unique
_SPACES = re.compile(r" {2,}")
_SPACE_AROUND_NL = re.compile(r" ?\n ?")
_MANY_NL = re.compile(r"\n{3,}")


def _neutralize(html: str) -> str:
    """Return ``html`` with only terminated tags left as markup (see the module docstring).

    Linear: each ``find`` either advances the cursor past what it scanned or is cached.
    """
    out: list[str] = []
    pos = 0
    next_gt = -2  # cached position of the next '>' at or after the cursor; -1 = none left
    n = len(html)
    while pos < n:
        i = html.find("<", pos)
        if i < 0:
            out.append(html[pos:])
            break
        out.append(html[pos:i])
        match = _CONSTRUCT.match(html, i)
        if match is None:  # '<' before a space, a digit, another '<' ...: text
            out.append("&lt;")
            pos = i + 1
            continue
        token = match.group()
        if token == "<!--":
            end = html.find("-->", i + 2)
            pos = n if end < 0 else end + 3
            continue
        if token in ("<!", "<?"):
            end = html.find(">", i + 2)
            pos = n if end < 0 else end + 1
            continue
        if next_gt != -1 and next_gt < i:
            next_gt = html.find(">", i)
        if next_gt == -1:  # an unterminated tag: its '<' is text
            out.append("&lt;")
            pos = i + 1
            continue
        raw = _RAW_START.match(html, i)
        if raw is not None:
            closing = _RAW_END[raw.group(1).lower()].search(html, raw.end())
            pos = n if closing is None else closing.end()
            out.append(" ")
            continue
        out.append("<")
        pos = i + 1
    return "".join(out)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._dropped = 0
        self._pre = 0
        self._href: str | None = None
        self._anchor: list[str] = []
        self._alts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropped += 1
            return
        if tag == "body":
            self._dropped = 0  # a body always ends whatever head-like element was left open
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append(_BREAK)
            if tag == "pre":
                self._pre += 1
        elif tag in _CELL:
            self.parts.append(" ")
        if tag in ("a", "area"):
            href = next((v for k, v in attrs if k == "href" and v is not None), None)
            if tag == "area":
                if href is not None:
                    self.links.append((_collapse(_attribute(attrs, "alt")), href.strip()))
                return
            self._close_anchor()
            if href is not None:
                self._href = href.strip()
        elif tag == "img" and self._href is not None:
            alt = _attribute(attrs, "alt")
            if alt:
                self._alts.append(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            return
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self._close_anchor()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            if self._dropped:
                self._dropped -= 1
            return
        if tag == "a":
            self._close_anchor()
        elif tag in _BLOCK:
            self.parts.append(_BREAK)
            if tag == "pre" and self._pre:
                self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._dropped:
            return
        data = _CTRL.sub("", data)
        if not self._pre:
            data = _HTML_SPACE.sub(" ", _CJK_BREAK.sub("", data)).replace("\xa0", " ")
        self.parts.append(data)
        if self._href is not None:
            self._anchor.append(data)

    def _close_anchor(self) -> None:
        if self._href is None:
            return
        text = _collapse("".join(self._anchor)) or _collapse(" ".join(self._alts))
        self.links.append((text, self._href))
        self._href = None
        self._anchor = []
        self._alts = []

    def finish(self) -> str:
        self.close()
        self._close_anchor()
        # Consecutive block boundaries make one line break; <br> breaks are kept as they are.
        pieces = (piece.strip(" ") for piece in _SPACES.sub(" ", "".join(self.parts)).split(_BREAK))
        text = _SPACE_AROUND_NL.sub("\n", "\n".join(piece for piece in pieces if piece))
        return _MANY_NL.sub("\n\n", text).strip()


def _attribute(attrs: list[tuple[str, str | None]], name: str) -> str:
    return next((value for key, value in attrs if key == name and value), "")


def _collapse(text: str) -> str:
    return _HTML_SPACE.sub(" ", text.replace("\xa0", " ")).strip()


def html_to_text(html: str) -> tuple[str, list[tuple[str, str]]]:
    """Convert an HTML body to readable text and collect its links.

    Args:
        html: the decoded HTML, possibly broken or hostile.

    Returns:
        ``(text, links)``: the visible text with line breaks for block elements and ``<br>``,
        and ``(link_text, href)`` for every ``<a href>`` and ``<area href>`` in document order.
        A link without text takes the ``alt`` of its images.

    >>> html_to_text("<style>p{}</style><script>alert(1)</script><b>本日&amp;明日</b>")
    ('本日&明日', [])
    >>> html_to_text("<div>a < b</div><p>2<3")
    ('a < b\\n2<3', [])
    """
    parser = _TextExtractor()
    parser.feed(_neutralize(html))
    return parser.finish(), parser.links
