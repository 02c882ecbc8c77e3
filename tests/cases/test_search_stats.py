"""Full-text search in Japanese (2- and 3+-character terms, spelling variants), filters, statistics."""

from __future__ import annotations

from datetime import date

import pytest

from mamori.cases import CaseFilters, NewCase
from mamori.errors import InputError

CASES = {
    "A": NewCase(text="市役所の者です。マイナンバーカードの手数料を振り込んでください", section="suspicious_call",
                 channel="phone", received_on="2024-01-15", amount_lost=5_000, tactics=["impersonation", "money_demand"]),
    "B": NewCase(text="警察を名乗る男がキャッシュカードを預かると言って来た", section="damage", channel="visit",
                 received_on="2024-01-20", amount_lost=200_000, notes="ATMで引き出した後に来訪",
                 tactics=["impersonation", "card_collection"]),
    "C": NewCase(text="ｷｬｯｼｭｶｰﾄﾞの暗証番号を教えてと電話があった", section="info_requested", channel="phone",
                 received_on="2024-02-03", tactics=["sensitive_info_request"]),
    "D": NewCase(text="郵便局です。封筒を取りに伺います、と男が来た", section="damage", channel="visit",
                 received_on="2024-02-10", amount_lost=50_000, tactics=["impersonation", "card_collection"]),
    "E": NewCase(text="詐欺のメールが届いた。リンクを開くとログイン画面が出た", section="suspicious_mail", channel="email",
                 tactics=["phishing_link"]),
    "F": NewCase(text="あなたの個人情報が漏洩しています、とSMSが来た 100%本当です", section="suspicious_mail",
                 channel="sms", received_on="2024-03-01", tactics=["threat"]),
}


@pytest.fixture
def filled(store):
    ids = {name: store.add(new).id for name, new in CASES.items()}
    return store, ids


def _found(store, ids, query, filters=None) -> set[str]:
    names = {v: k for k, v in ids.items()}
    return {names[c.id] for c in store.search(query, filters)}


@pytest.mark.parametrize("query, expected", [
    ("キャッシュカード", {"B", "C"}),        # 3+ characters: the trigram index; half-width kana found too
    ("ｷｬｯｼｭｶｰﾄﾞ", {"B", "C"}),
    ("カード", {"A", "B", "C"}),
    ("詐欺", {"E"}),                       # 2 characters: LIKE fallback
    ("警察", {"B"}),
    ("金", set()),
    ("atm", {"B"}),                         # in the notes; ＡＴＭ/ATM/atm are one spelling
    ("ＡＴＭ", {"B"}),
    ("漏えい", {"F"}),                       # 漏洩 is stored as its canonical spelling
    ("漏洩", {"F"}),
    ("市役所 手数料", {"A"}),                 # every term must occur
    ("市役所 詐欺", set()),
    ("100%", {"F"}),                        # LIKE wildcards are literal
    ("%", {"F"}),
    ('"暗証', set()),                        # FTS5 syntax is literal text, never an error
    ('暗証 NEAR(', set()),
    ("OR", set()),
])
def test_search_in_japanese(filled, query, expected):
    store, ids = filled
    assert _found(store, ids, query) == expected


def test_search_with_filters_and_order(filled):
    store, ids = filled
    assert _found(store, ids, "キャッシュカード", CaseFilters(section="damage")) == {"B"}
    assert _found(store, ids, "キャッシュカード", CaseFilters(channel="phone")) == {"C"}
    assert _found(store, ids, "カード", CaseFilters(tactic="impersonation")) == {"A", "B"}
    assert _found(store, ids, "カード", CaseFilters(date_from=date(2024, 1, 16), date_to=date(2024, 2, 28))) == {"B", "C"}
    assert [c.id for c in store.search("カード")] == sorted((ids[n] for n in "ABC"), reverse=True)
    assert [c.id for c in store.search("カード", limit=1)] == [ids["C"]]
    with pytest.raises(InputError):
        store.search("  ")
    with pytest.raises(InputError):
        store.search("あ" * 201)


def test_list_filters(filled):
    store, ids = filled
    names = {v: k for k, v in ids.items()}
    assert {names[c.id] for c in store.list(CaseFilters(date_from=date(2024, 2, 1)))} == {"C", "D", "F"}
    assert {names[c.id] for c in store.list(CaseFilters(channel="visit", tactic="card_collection"))} == {"B", "D"}
    assert {names[c.id] for c in store.list(CaseFilters(public=False))} == set(CASES)
    assert store.list(CaseFilters(public=True)) == []


def test_stats_by_month_tactic_channel_section_and_losses(filled):
    store, _ids = filled
    stats = store.stats()
    assert stats.total == 6
    assert stats.by_section == {"damage": 2, "near_miss": 0, "suspicious_call": 1, "suspicious_mail": 2,
                                "info_requested": 1}
    assert stats.by_channel == {"email": 1, "sms": 1, "phone": 2, "visit": 2}
    assert stats.by_tactic == {"impersonation": 3, "money_demand": 1, "card_collection": 2,
                               "sensitive_info_request": 1, "threat": 1, "phishing_link": 1}
    assert stats.by_month == {"2024-01": 2, "2024-02": 2, "2024-03": 1, "unknown": 1}
    assert stats.by_month_tactic == {
        "2024-01": {"impersonation": 2, "money_demand": 1, "card_collection": 1},
        "2024-02": {"impersonation": 1, "card_collection": 1, "sensitive_info_request": 1},
        "2024-03": {"threat": 1},
        "unknown": {"phishing_link": 1},
    }
    assert (stats.loss_total, stats.loss_cases) == (255_000, 3)
    assert stats.loss_by_month == {"2024-01": 205_000, "2024-02": 50_000}
    assert stats.loss_by_section == {"damage": 250_000, "suspicious_call": 5_000}
    d = stats.to_dict()
    assert d["losses"]["total"] == 255_000 and d["by_month_tactic"]["2024-03"] == {"threat": 1}
    damage = store.stats(CaseFilters(section="damage"))
    assert (damage.total, damage.loss_total, damage.by_month) == (2, 250_000, {"2024-01": 1, "2024-02": 1})


def test_stats_follow_the_counselors_corrections(filled):
    store, ids = filled
    store.update(ids["F"], tactics=["threat", "urgency"])
    assert store.stats().by_month_tactic["2024-03"] == {"threat": 1, "urgency": 1}
    store.update(ids["F"], tactics=None)  # back to the analyzer's tactics
    assert store.stats().by_month_tactic["2024-03"] == dict.fromkeys(store.get(ids["F"]).analyzer_tactics, 1)
