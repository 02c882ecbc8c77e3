"""mamori (守り): an offline, explainable detector of My Number (マイナンバー) fraud tactics.

>>> import mamori
>>> report = mamori.analyze("警察の者です。あなたのマイナンバーが悪用されています。キャッシュカードを預かります")
>>> report.verdict.value
'danger'
"""

from mamori.analyzer import Analyzer, KnownCase, analyze
from mamori.errors import MamoriError
from mamori.message import Channel, Message, Segment, Turn
from mamori.report import CAUTION_POINTS, TACTICS, CautionPoint, Report, Signal, Span, Verdict
from mamori.rules import RuleSet, load_packs

__all__ = [
    "CAUTION_POINTS",
    "TACTICS",
    "Analyzer",
    "CautionPoint",
    "Channel",
    "KnownCase",
    "MamoriError",
    "Message",
    "Report",
    "RuleSet",
    "Segment",
    "Signal",
    "Span",
    "Turn",
    "Verdict",
    "analyze",
    "load_packs",
]
