"""The analyzer: Message -> Report. Pure: no I/O, no network, no global state."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mamori.checks import CheckContext, CheckHit, check_function
from mamori.checks.pii import mynumber_ranges_of
from mamori.document import Document
from mamori.errors import EmptyInputError, InputError, InputTooLargeError
from mamori.message import Channel, Message, parse_channel
from mamori.report import CAUTION_POINTS, TACTICS, Report, Signal, Span, Verdict
from mamori.rules import Rule, RuleSet, default_ruleset
from mamori.rules.context import negated, quoted_spans
from mamori.scoring import tally, verdict_for

__all__ = ["Analyzer", "KnownCase", "analyze", "DEFAULT_MAX_CHARS"]

DEFAULT_MAX_CHARS = 2_000_000
MAX_SPANS_PER_SIGNAL = 20

GENERAL_ADVICE = (
    "相手の求めに応じないでください(お金・キャッシュカード・暗証番号・マイナンバーを渡さない、教えない、ATMに行かない)。",
    "最寄りの警察署、または警察相談専用電話 #9110 に相談してください。",
    "消費者ホットライン 188(いやや)でも相談できます。",
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TACTIC_ORDER = {t: i for i, t in enumerate(TACTICS)}


@dataclass(frozen=True, slots=True)
class KnownCase:
    """A stored case close to the message, offered by a case registry."""

    case_id: str
    score: float
    tactics: tuple[str, ...]
    shared: str = ""


Neighbours = Callable[[str], Sequence[KnownCase]]


class Analyzer:
    """Analyzes messages against a RuleSet. Thread-safe; build once and reuse.

    Args:
        rules: compiled packs; the built-in packs by default.
        max_chars: longer texts raise InputTooLargeError.
        neighbours: optional lookup of similar known cases (the case registry); a close case
            adds a signal "似た事例".
        neighbour_min_score: similarity from which a known case counts.
    """

    def __init__(
        self,
        rules: RuleSet | None = None,
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
        neighbours: Neighbours | None = None,
        neighbour_min_score: float = 0.5,
    ) -> None:
        self.rules = rules if rules is not None else default_ruleset()
        self.max_chars = max_chars
        self.neighbours = neighbours
        self.neighbour_min_score = neighbour_min_score
        self._checks = tuple((r, check_function(r.check)) for r in self.rules.check_rules if r.check)

    # -- public -------------------------------------------------------------------------
    def analyze(self, message: Message | str, channel: str | Channel = Channel.UNKNOWN) -> Report:
        """Analyze a message (or a plain text on ``channel``) and return its Report.

        Raises:
            EmptyInputError: empty or whitespace-only text.
            InputTooLargeError: more than ``max_chars`` characters.
            ChannelError: unknown channel name.
        """
        if isinstance(message, str):
            message = Message(message, parse_channel(channel))
        elif not isinstance(message, Message):
            raise InputError(f"expected a str or Message, got {type(message).__name__}")
        text = message.text
        if not isinstance(text, str):
            raise InputError(f"message text must be a str, got {type(text).__name__}")
        if len(text) > self.max_chars:
            raise InputTooLargeError(
                f"入力が大きすぎます: {len(text):,} 文字 (上限 {self.max_chars:,} 文字). "
                "Split the text or raise max_chars."
            )
        if not text.strip():
            raise EmptyInputError("入力が空です: 分析する文章を入れてください (empty or whitespace-only text)")
        notes: list[str] = list(message.notes)
        if _SURROGATE.search(text):
            text = _SURROGATE.sub("\ufffd", text)
            message = Message(text, message.channel, message.headers, message.segments, message.turns,
                              message.links, message.notes)
            notes.append("不正な文字(単独のサロゲート)を U+FFFD に置き換えて分析しました。")
        return self._analyze(message, notes)

    # -- internals ----------------------------------------------------------------------
    def _analyze(self, message: Message, notes: list[str]) -> Report:
        rules = self.rules
        doc = Document.build(message.text, rules.variants)
        channel = message.channel.value
        warning_genre = self._warning_genre(doc.text)
        quotes = quoted_spans(doc.text) if warning_genre else []
        quote_starts = [q[0] for q in quotes]

        fired: dict[str, list[tuple[int, int]]] = {}
        details: dict[str, str] = {}
        by_rule: dict[int, list[tuple[int, list[tuple[int, int]] | None]]] = {}
        for ri, pi, windows in rules.candidates(doc.text):
            by_rule.setdefault(ri, []).append((pi, windows))
        for ri, pats in by_rule.items():
            rule = rules.rules[ri]
            if rule.channels and channel not in rule.channels:
                continue
            spans = self._match(rule, pats, doc, quotes, quote_starts)
            if spans:
                fired[rule.id] = spans
        ctx = CheckContext(message, doc, rules.terms)
        for rule, check in self._checks:
            if rule.channels and channel not in rule.channels:
                continue
            hits: list[CheckHit] = check(ctx)
            if hits:
                fired[rule.id] = [(h.start, h.end) for h in hits[:MAX_SPANS_PER_SIGNAL]]
                details[rule.id] = "; ".join(sorted({h.detail for h in hits if h.detail}))[:500]
        self._composites(fired)

        masked = mynumber_ranges_of(ctx) if fired else []
        signals = [self._signal(rules.by_id[rid], spans, message, details.get(rid), masked)
                   for rid, spans in fired.items()]
        signals.extend(self._neighbour_signals(message.text))
        signals.sort(key=lambda s: (-s.weight, _TACTIC_ORDER[s.tactic], s.rule_id))

        score, per_tactic = tally(
            ((s.tactic, s.weight, s.rule_id in rules.composite_ids) for s in signals),
            rules.thresholds,
        )
        verdict = verdict_for(score, rules.thresholds)
        if warning_genre and verdict is Verdict.DANGER and not per_tactic.keys() & {"phishing_link", "remote_contact_shift"}:
            verdict = Verdict.CAUTION
            notes.append("注意喚起・お知らせの文書と判断したため、判定を「注意」までにとどめました。")
        tactics = tuple(t for t in TACTICS if t in per_tactic)
        cps = sorted({s.caution_point for s in signals if s.caution_point})
        advice: tuple[str, ...] = ()
        if verdict is not Verdict.NO_SIGNAL:
            extra = []
            for s in signals:
                if s.advice not in extra and s.advice not in GENERAL_ADVICE:
                    extra.append(s.advice)
            advice = GENERAL_ADVICE + tuple(extra)
        return Report(
            verdict=verdict, score=score, tactics=tactics, signals=tuple(signals),
            caution_points=tuple(CAUTION_POINTS[c] for c in cps), advice=advice,
            rules_version=rules.version, channel=channel, tactic_scores=per_tactic, notes=tuple(notes),
            first_violation_turn=self._first_violation_turn(message, signals),
        )

    def _warning_genre(self, text: str) -> bool:
        th = self.rules.thresholds
        if not th.warning_markers:
            return False
        count = 0
        for marker in th.warning_markers:
            if marker in text and (not marker[-1].isdigit() or _standalone(text, marker)):
                count += 1
                if count >= th.warning_min_markers:
                    return True
        return False

    @staticmethod
    def _match(
        rule: Rule,
        pats: list[tuple[int, list[tuple[int, int]] | None]],
        doc: Document,
        quotes: list[tuple[int, int]],
        quote_starts: list[int],
    ) -> list[tuple[int, int]]:
        text = doc.text
        spans: list[tuple[int, int]] = []
        for pi, windows in pats:
            pattern = rule.patterns[pi]
            last_end = 0
            for lo, hi in windows if windows is not None else ((0, len(text)),):
                for m in pattern.finditer(text, max(lo, last_end), hi):
                    start, end = m.span()
                    last_end = end if end > start else end + 1
                    if rule.negatable and negated(text, start, end):
                        continue
                    if quotes:
                        k = bisect_right(quote_starts, start) - 1
                        if k >= 0 and quotes[k][0] <= start and end <= quotes[k][1]:
                            continue
                    spans.append(doc.original_span(start, end))
                    if len(spans) >= MAX_SPANS_PER_SIGNAL:
                        return spans
        return spans

    def _composites(self, fired: dict[str, list[tuple[int, int]]]) -> None:
        rules = self.rules
        by_id = rules.by_id
        by_tactic: dict[str, list[tuple[int, int]]] = {}
        for rid, sps in fired.items():
            rule = by_id[rid]
            if not rule.all_of:
                by_tactic.setdefault(rule.tactic, []).extend(sps)
        # Composites may build on each other; evaluate in pack order, twice for chains.
        for _ in range(2):
            for rule in rules.composite_rules:
                if rule.id in fired:
                    continue
                groups: list[list[tuple[int, int]]] = []
                for ref in rule.all_of:
                    group = fired.get(ref) if ref in by_id else by_tactic.get(ref)
                    if not group:
                        break
                    groups.append(group)
                else:
                    spans = self._within(groups, rule.within)
                    if spans:
                        fired[rule.id] = spans

    @staticmethod
    def _within(groups: list[list[tuple[int, int]]], within: int | None) -> list[tuple[int, int]]:
        if within is None:
            chosen = [g[0] for g in groups]
        else:
            anchor_group = groups[0]
            chosen = []
            for anchor in anchor_group:
                pick = [anchor]
                for g in groups[1:]:
                    near = min(g, key=lambda sp: abs(sp[0] - anchor[0]))
                    if abs(near[0] - anchor[0]) > within:
                        break
                    pick.append(near)
                else:
                    chosen = pick
                    break
            if not chosen:
                return []
        return sorted(set(chosen))

    @staticmethod
    def _signal(
        rule: Rule, spans: list[tuple[int, int]], message: Message, detail: str | None, masked: list[tuple[int, int]]
    ) -> Signal:
        text = message.text
        out = []
        for start, end in sorted(set(spans)):
            seg = message.segment_at(start) if message.segments else None
            out.append(Span(start, end, _masked_slice(text, start, end, masked), seg.label if seg else None))
        return Signal(
            rule_id=rule.id, tactic=rule.tactic, weight=rule.weight, description=rule.description,
            advice=rule.advice, spans=tuple(out), caution_point=rule.caution_point, detail=detail,
        )

    def _neighbour_signals(self, text: str) -> list[Signal]:
        if self.neighbours is None:
            return []
        close = [k for k in self.neighbours(text) if k.score >= self.neighbour_min_score]
        if not close:
            return []
        best = max(close, key=lambda k: k.score)
        tactic = best.tactics[0] if best.tactics and best.tactics[0] in _TACTIC_ORDER else "impersonation"
        ids = "、".join(f"#{k.case_id}" for k in sorted(close, key=lambda k: -k.score)[:3])
        return [Signal(
            rule_id="SIMILAR_KNOWN_CASE", tactic=tactic, weight=3,
            description=f"登録済みの事例に似ています(似た事例 {ids}、類似度 {best.score:.2f})",
            advice="相談窓口に登録された詐欺事例と似ています。応じずに #9110 か 188 に相談してください。",
            spans=(), detail=best.shared or None,
        )]

    @staticmethod
    def _first_violation_turn(message: Message, signals: list[Signal]) -> int | None:
        if not message.turns:
            return None
        # A caution point is violated once all its parts have been said: the latest of the
        # composite's evidence spans; the first such moment over all caution points.
        points = [max(sp.start for sp in s.spans) for s in signals if s.caution_point and s.spans]
        if not points:
            return None
        seg = message.segment_at(min(points))
        if seg is None or not seg.label.startswith("turn "):
            return None
        return int(seg.label.split()[1])


def _standalone(text: str, marker: str) -> bool:
    """Whether a numeric marker (188, #9110) occurs with no digit glued to it (not in 1,188円)."""
    start = text.find(marker)
    while start >= 0:
        end = start + len(marker)
        before = text[max(0, start - 2):start]
        glued_before = before[-1:].isdigit() or (before[-1:] in {",", "."} and before[:1].isdigit())
        glued_after = end < len(text) and (text[end].isdigit() or (text[end] in ",." and text[end + 1:end + 2].isdigit()))
        if not glued_before and not glued_after:
            return True
        start = text.find(marker, start + 1)
    return False


def _masked_slice(text: str, start: int, end: int, masked: list[tuple[int, int]]) -> str:
    if not masked:
        return text[start:end]
    out, pos = [], start
    for ms, me in masked:
        if me <= start or ms >= end:
            continue
        out.append(text[pos:max(ms, start)])
        out.append("[個人番号]")
        pos = min(me, end)
    out.append(text[pos:end])
    return "".join(out)


_default: Analyzer | None = None


def analyze(text: str | Message, channel: str | Channel = Channel.UNKNOWN) -> Report:
    """Analyze one message with the built-in packs.

    >>> analyze("市役所の者です。マイナンバーの手続きに手数料が必要です").verdict.value
    'danger'
    """
    global _default
    if _default is None:
        _default = Analyzer()
    return _default.analyze(text, channel)
