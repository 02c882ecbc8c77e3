"""The library surface: analyze(), Analyzer, the Report and its to_dict()."""

from __future__ import annotations

import json

import pytest
from stdnum.jp import in_

import mamori
from mamori import Analyzer, Message, Report, Verdict, analyze
from mamori.errors import ChannelError, EmptyInputError, InputTooLargeError

SCAM = "市役所の者です。マイナンバーの手続きに手数料が必要です。キャッシュカードをお預かりします。"


def valid_mynumber(prefix: str = "12345678901") -> str:
    return prefix + in_.calc_check_digit(prefix)


def test_public_api_is_explicit_and_sorted():
    assert mamori.__all__ == sorted(mamori.__all__, key=lambda n: (not n.isupper(), n))
    for name in mamori.__all__:
        assert hasattr(mamori, name)


def test_report_schema():
    report = analyze(SCAM, channel="visit")
    assert isinstance(report, Report)
    d = report.to_dict()
    assert set(d) >= {"verdict", "score", "tactics", "signals", "caution_points", "advice", "rules_version"}
    assert d["verdict"] == "danger" and d["channel"] == "visit"
    assert "impersonation" in d["tactics"] and "money_demand" in d["tactics"]
    assert any(cp["id"] == "CP2" for cp in d["caution_points"])
    json.dumps(d, ensure_ascii=False)
    for sig in d["signals"]:
        assert set(sig) >= {"rule_id", "tactic", "weight", "description", "advice", "spans"}
        assert sig["tactic"] in mamori.TACTICS
    with pytest.raises(AttributeError):
        report.score = 0  # type: ignore[misc]


def test_spans_are_offsets_into_the_original_text():
    text = "お知らせ:ｼﾔｸｼｮ…いえ、市 役 所の者です。ﾏｲﾅﾝﾊﾞｰの手続に手数料がかかります"
    report = analyze(text)
    assert report.signals
    for sig in report.signals:
        for sp in sig.spans:
            assert text[sp.start:sp.end] == sp.text


def test_score_adds_up_by_hand():
    report = analyze(SCAM)
    rules = Analyzer().rules
    assert sum(report.tactic_scores.values()) == report.score
    for tactic, value in report.tactic_scores.items():
        plain = sum(s.weight for s in report.signals if s.tactic == tactic and not rules.by_id[s.rule_id].all_of)
        comp = sum(s.weight for s in report.signals if s.tactic == tactic and rules.by_id[s.rule_id].all_of)
        cap = rules.thresholds.caps.get(tactic, rules.thresholds.default_cap)
        assert value == min(plain, cap) + comp


def test_advice_always_has_9110_and_188_unless_no_signal():
    report = analyze(SCAM)
    joined = "".join(report.advice)
    assert "#9110" in joined and "188" in joined
    quiet = analyze("明日の会議は10時からです。資料をお願いします。")
    assert quiet.verdict is Verdict.NO_SIGNAL and quiet.advice == () and quiet.signals == ()


@pytest.mark.parametrize(
    "text",
    [
        "市役所の職員がお金を要求することは一切ありません。",
        "マイナンバーの手続きで、職員がキャッシュカードや暗証番号を聞くことは絶対にありません。",
        "暗証番号は誰にも教えないでください。",
        "「マイナンバーが漏れている」などという電話は詐欺です。",
    ],
)
def test_negation_and_warning_are_not_danger(text: str):
    assert analyze(text).verdict is not Verdict.DANGER


def test_mynumber_in_message_is_a_signal_and_is_masked():
    number = valid_mynumber()
    text = f"市役所の者です。あなたのマイナンバー {number[:4]}-{number[4:8]}-{number[8:]} を確認しました。"
    report = analyze(text)
    assert any(s.rule_id == "MYNUMBER_IN_MESSAGE" for s in report.signals)
    dumped = json.dumps(report.to_dict(), ensure_ascii=False)
    for chunk in (number, number[:4] + "-" + number[4:8], number[8:] + " "):
        assert chunk not in dumped
    assert "[個人番号]" in dumped


def test_channel_names_and_errors():
    assert analyze("こんにちは", channel="LINE").channel == "sns"
    with pytest.raises(ChannelError, match="unknown channel"):
        analyze("こんにちは", channel="fax")


@pytest.mark.parametrize("text", ["", "   ", "\n\t\u3000"])
def test_empty_input_is_a_clear_error(text: str):
    with pytest.raises(EmptyInputError, match="空"):
        analyze(text)


def test_huge_input_is_a_clear_error():
    with pytest.raises(InputTooLargeError, match="上限"):
        Analyzer(max_chars=1000).analyze("あ" * 1001)


def test_five_megabytes_gives_a_clear_error_not_a_crash():
    with pytest.raises(InputTooLargeError):
        analyze("マイナンバー" * 900_000)


def test_lone_surrogates_and_nul_bytes_are_analysed():
    report = analyze("市役所の者です\ud800。暗証番号を\x00教えてください")
    assert report.verdict is not Verdict.NO_SIGNAL
    assert any("サロゲート" in n for n in report.notes)
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")


def test_analyzer_accepts_a_message_and_is_reusable():
    analyzer = Analyzer()
    first = analyzer.analyze(Message(SCAM))
    second = analyzer.analyze(SCAM)
    assert first == second


def test_turns_report_the_first_violating_turn():
    from mamori.batch import turns_message

    msg = turns_message([
        {"speaker": "相手", "text": "もしもし、区役所保険年金課の者です。"},
        {"speaker": "本人", "text": "はい。"},
        {"speaker": "相手", "text": "医療費の還付金があります。キャッシュカードの暗証番号を教えてください。"},
    ])
    report = analyze(msg)
    assert report.first_violation_turn == 3
    assert report.verdict is Verdict.DANGER
