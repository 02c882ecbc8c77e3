"""Detection quality: the seed page's 27 cases and the project's own corpus (tests/corpus/)."""

from __future__ import annotations

from mamori import Analyzer, Message, Verdict
from mamori.evaluate import evaluate
from mamori.message import parse_channel

FLAGGED = {Verdict.CAUTION, Verdict.DANGER}


def _run(rows: list[dict]):
    analyzer = Analyzer()
    return [(row, analyzer.analyze(Message(row["text"], parse_channel(row.get("channel"))))) for row in rows]


def test_every_seed_case_is_caution_or_danger(seed_cases):
    assert len(seed_cases) == 27
    missed = [row["id"] for row, rep in _run(seed_cases) if rep.verdict not in FLAGGED]
    assert not missed, missed


def test_seed_tactic_recall_at_least_90_percent(seed_cases):
    expected = found = 0
    for row, rep in _run(seed_cases):
        expected += len(row["tactics"])
        found += len(set(row["tactics"]) & set(rep.tactics))
    assert found / expected >= 0.9, (found, expected)


def test_the_seed_page_itself_is_not_danger(seed_page):
    report = Analyzer().analyze(seed_page, "web")
    assert report.verdict is not Verdict.DANGER, [s.rule_id for s in report.signals]


def test_corpus_size_and_labels(fraud_corpus, legit_corpus):
    assert len(fraud_corpus) >= 50 and len(legit_corpus) >= 30
    assert len(fraud_corpus) + len(legit_corpus) >= 80
    assert {r["label"] for r in fraud_corpus} == {"fraud"}
    assert {r["label"] for r in legit_corpus} == {"legit"}
    channels = {r["channel"] for r in fraud_corpus}
    assert {"sms", "email", "phone", "visit", "sns"} <= channels


def test_fraud_corpus_at_least_90_percent_flagged(fraud_corpus):
    results = _run(fraud_corpus)
    missed = [row["id"] for row, rep in results if rep.verdict not in FLAGGED]
    assert len(missed) <= 0.1 * len(results), missed


def test_legit_look_alikes_never_danger_and_at_most_one_caution(legit_corpus):
    results = _run(legit_corpus)
    danger = [row["id"] for row, rep in results if rep.verdict is Verdict.DANGER]
    caution = [row["id"] for row, rep in results if rep.verdict is Verdict.CAUTION]
    assert not danger, danger
    assert len(caution) <= 1, caution


def test_eval_summary_matches_direct_counts(fraud_corpus, legit_corpus):
    rows = fraud_corpus + legit_corpus
    ev = evaluate(enumerate(rows, 1))
    s = ev.summary()
    assert s["messages"] == len(rows)
    assert s["fraud"] == len(fraud_corpus) and s["legit"] == len(legit_corpus)
    flagged_fraud = sum(1 for r in ev.rows if r["label"] == "fraud" and r["verdict"] != "no_signal")
    assert s["recall"] == round(flagged_fraud / len(fraud_corpus), 4)


def test_rewordings_of_the_seed_cases_are_flagged():
    """Each seed case retold twice in other words (tests/corpus/rewordings.jsonl): the rules
    must catch the story, not the seed's sentences."""
    from conftest import CORPUS, read_jsonl

    rows = read_jsonl(CORPUS / "rewordings.jsonl")
    assert len(rows) == 54
    analyzer = Analyzer()
    missed = [r["seed_id"] for r in rows if analyzer.analyze(r["text"]).verdict not in FLAGGED]
    assert len(missed) <= 0.1 * len(rows), missed
