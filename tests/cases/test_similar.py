"""Similar cases: the hit rate on rewordings, the analyzer's "似た事例" signal, learning from new cases."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, read_jsonl
from mamori import Analyzer
from mamori.cases import NewCase, open_store
from mamori.similar import SimilarityIndex, normalize

QUIET = "週末は家族で動物園に行きました。パンダがとてもかわいかったです。"


def _source_ids(store) -> dict[int, str]:
    return {c.id: c.source_id for c in store.export()}


def test_top3_hit_rate_on_rewordings(store):
    store.load_seed()
    source = _source_ids(store)
    rewordings = read_jsonl(CORPUS / "rewordings.jsonl")
    assert len(rewordings) == 54
    hits = top1 = 0
    for r in rewordings:
        found = [source[s.case_id] for s in store.similar(r["text"], k=3)]
        hits += r["seed_id"] in found
        top1 += found[:1] == [r["seed_id"]]
    rate = hits / len(rewordings)
    print(f"\nsimilar cases, {store.dialect}: top-3 hit rate {rate:.3f}, top-1 {top1 / len(rewordings):.3f} "
          f"({hits}/{len(rewordings)} rewordings of the 27 seed cases)")
    assert rate >= 0.9


def test_top3_hit_rate_with_the_fraud_corpus_as_distractors(sqlite_store):
    sqlite_store.load_seed()
    fraud = read_jsonl(CORPUS / "fraud.jsonl")
    sqlite_store.import_jsonl([json.dumps({"text": f["text"], "channel": f["channel"], "section": "suspicious_call",
                                           "id": f["id"]}, ensure_ascii=False) for f in fraud])
    assert sqlite_store.count() == 127
    source = _source_ids(sqlite_store)
    rewordings = read_jsonl(CORPUS / "rewordings.jsonl")
    hits = sum(r["seed_id"] in [source[s.case_id] for s in sqlite_store.similar(r["text"], k=3)] for r in rewordings)
    print(f"\nsimilar cases among 127 (seed + fraud corpus): top-3 hit rate {hits / len(rewordings):.3f}")
    assert hits / len(rewordings) >= 0.9


def test_similar_results_say_what_they_share(store):
    store.load_seed()
    [best] = store.similar("警察の者ですが、あなたの口座の暗証番号が漏れています。キャッシュカードを回収に伺います", k=1)
    assert best.case_id == 7 and 0.3 < best.score <= 1
    assert "キャッシュカード" in best.shared_phrases and "口座の暗証番号" in best.shared_phrases
    assert {"impersonation", "card_collection", "threat"} <= set(best.shared_tactics)
    d = best.to_dict()
    assert {"case_id", "score", "channel", "section", "text"} <= d.keys() and d["channel"] == "phone"
    same = store.similar(store.get(12).text, k=2)
    assert same[0].case_id == 12 and same[0].score == pytest.approx(1.0, abs=1e-4)
    assert all(s.score < 0.3 for s in store.similar(QUIET, k=3))


def test_analyzer_adds_similar_known_case_only_for_close_texts(store):
    store.load_seed()
    analyzer = Analyzer(neighbours=store.neighbours)
    close = "郵便局の者です。マイナンバーの封筒をいただきに来ました、と男性が玄関に来た。"
    report = analyzer.analyze(close, "visit")
    [signal] = [s for s in report.signals if s.rule_id == "SIMILAR_KNOWN_CASE"]
    assert "似た事例 #6" in signal.description
    assert signal.detail and "共通の表現" in signal.detail
    quiet = analyzer.analyze(QUIET)
    assert not [s for s in quiet.signals if s.rule_id == "SIMILAR_KNOWN_CASE"]
    plain = Analyzer().analyze(close, "visit")
    assert report.score == plain.score + signal.weight or report.score >= plain.score


def test_a_newly_logged_case_makes_the_next_similar_message_count(store):
    store.load_seed()
    analyzer = Analyzer(neighbours=store.neighbours)
    novel = ("「マイナ保険証の切り替えで還付があります。ドコモのdポイントで受け取れるので、"
             "カスタマーセンター 050-1234-5678 にお電話ください」という自動音声の電話がありました。")
    again = ("マイナ保険証の切り替えで還付があります。dポイントで受け取れます。"
             "カスタマーセンター 050-1234-5678 まで電話してください、という自動音声が流れた。")
    assert not [s for s in analyzer.analyze(again).signals if s.rule_id == "SIMILAR_KNOWN_CASE"]
    case = store.add(NewCase(text=novel, section="suspicious_call", channel="phone"))
    signals = [s for s in analyzer.analyze(again).signals if s.rule_id == "SIMILAR_KNOWN_CASE"]
    assert signals and f"#{case.id}" in signals[0].description
    store.update(case.id, label="legit")  # a counselor's "not fraud" stops it counting
    assert not [s for s in analyzer.analyze(again).signals if s.rule_id == "SIMILAR_KNOWN_CASE"]


def test_another_process_additions_are_seen_at_the_next_query(sqlite_url):
    with open_store(sqlite_url) as reader, open_store(sqlite_url) as writer:
        reader.load_seed()
        assert reader.build_index() == 27
        text = "国税局の者です。マイナンバーの登録で税金の還付金があるので、コンビニのATMへ行ってください。"
        case = writer.add(NewCase(text=text, section="suspicious_call", channel="phone"))
        assert reader.similar(text, k=1)[0].case_id == case.id
        assert reader.build_index() == 28
        public = reader.neighbours(text, public_only=True)
        assert case.id not in [int(k.case_id) for k in public]


def test_index_follows_additions_and_says_when_to_refit():
    index = SimilarityIndex(small=4, refit_ratio=0.5, merge_every=2)
    texts = [normalize(t) for t in ("市役所の職員が手数料を要求", "警察官がキャッシュカードを回収", "郵便局が封筒を回収")]
    index.fit([1, 2, 3], texts)
    assert not index.stale and len(index) == 3
    index.add([4], [normalize("市役所の職員がキャッシュカードを要求")])
    assert index.stale and len(index) == 4  # below `small`, any addition
    assert index.query(normalize("市役所の職員がキャッシュカードを要求"), k=1)[0][0] == 4
    index.add([5], [normalize("郵便局の職員が手数料を回収")])  # merged into the main matrix (merge_every=2)
    assert index.query(normalize("郵便局の職員が手数料を回収"), k=1)[0][0] == 5
    assert [i for i, _ in index.query(normalize("警察官がキャッシュカードを回収"), k=5)][0] == 2
    big = SimilarityIndex(small=2, refit_ratio=0.5).fit([1, 2, 3, 4], texts + texts[:1])
    big.add([5], texts[1:2])
    assert not big.stale
    big.add([6], texts[2:3])
    assert big.stale  # 2 added >= 0.5 x 4 fitted
    assert SimilarityIndex().query("何か", k=3) == []
    empty = SimilarityIndex().fit([], [])
    assert empty.query("何か") == [] and len(empty) == 0
