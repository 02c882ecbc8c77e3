"""Readers that turn input files into :class:`~mamori.message.Message` objects.

E-mail (``.eml``, mbox, Maildir) with Japanese charsets, HTML bodies and sender checks::

    from mamori.formats import parse_eml, iter_mbox, sender_findings

Names are imported on first use, so reading another format does not load the e-mail package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mamori.lazy import attach

if TYPE_CHECKING:
    from mamori.formats.charsets import decode_bytes
    from mamori.formats.email import DEFAULT_MAX_BYTES, iter_eml_dir, iter_maildir, iter_mbox, parse_eml
    from mamori.formats.html import html_to_text
    from mamori.formats.sender import SenderFinding, sender_findings

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SenderFinding",
    "decode_bytes",
    "html_to_text",
    "iter_eml_dir",
    "iter_maildir",
    "iter_mbox",
    "parse_eml",
    "sender_findings",
]

_HOME = {
    "DEFAULT_MAX_BYTES": "email",
    "SenderFinding": "sender",
    "decode_bytes": "charsets",
    "html_to_text": "html",
    "iter_eml_dir": "email",
    "iter_maildir": "email",
    "iter_mbox": "email",
    "parse_eml": "email",
    "sender_findings": "sender",
}


__getattr__, __dir__ = attach(__name__, _HOME, __all__)
