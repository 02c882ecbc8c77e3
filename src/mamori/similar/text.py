"""The form texts are indexed, compared and searched in."""

from __future__ import annotations

__all__ = ["normalize"]


def normalize(text: str) -> str:
    """My Numbers masked, then the analyzer's normalisation (:func:`mamori.document.normalize`)
    with the built-in spelling variants: width, spacing and spelling tricks undone.

    >>> normalize("ﾏｲﾅﾝﾊﾞｰ の手続  で　個人情報が漏洩")
    'マイナンバーの手続きで個人情報が漏えい'
    """
    from mamori.document import normalize as normalize_document
    from mamori.pii import mask
    from mamori.rules import default_ruleset

    # Mask before and after: normalisation joins spaced digits, which could form a number.
    return mask(normalize_document(mask(text), default_ruleset().variants))
