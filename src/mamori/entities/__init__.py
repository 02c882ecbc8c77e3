"""Entities in a message: URLs and domains, phone numbers, money.

Pure, offline finders used by the analyzer's code checks. Every match carries offsets into the
text it was given, so a report can highlight it in the user's own text.

>>> from mamori.entities import find_phones, find_urls
>>> [m.host for m in find_urls("https://myna.go.jp/ へ")], [p.kind for p in find_phones("#9110")]
(['myna.go.jp'], ['short'])
"""

from __future__ import annotations

from mamori.entities.money import MoneyMatch, find_money
from mamori.entities.phones import PhoneMatch, find_phones
from mamori.entities.urls import DomainReason, DomainVerdict, UrlMatch, classify, find_urls

__all__ = [
    "DomainReason",
    "DomainVerdict",
    "MoneyMatch",
    "PhoneMatch",
    "UrlMatch",
    "classify",
    "find_money",
    "find_phones",
    "find_urls",
]
