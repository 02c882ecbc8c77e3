"""The store on SQLite and PostgreSQL: round trips, labels, seed import, validation, accounts."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import SHARED
from mamori.cases import SECTIONS, CaseFilters, NewCase
from mamori.errors import (
    CaseNotFoundError,
    ChannelError,
    DuplicateError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    RecordError,
)

SEED = SHARED / "data" / "seed_cases.jsonl"
SCAM = "警察官を名乗る男から電話があり「あなたの口座の暗証番号が漏れている」「キャッシュカードを回収する」と言われた。"


def test_round_trip_keeps_every_field(store):
    new = NewCase(
        text=SCAM, section="damage", channel="phone", received_on="2024-11-05", prefecture="大阪",
        municipality="堺市", notes="高齢の男性。家族が付き添って来所。", amount_lost=300_000, public=True,
        status="in_progress", label="fraud", source_id="centre-17",
    )
    case = store.add(new)
    again = store.get(case.id)
    assert again == case
    assert (case.text, case.section, case.channel, case.received_on) == (SCAM, "damage", "phone", date(2024, 11, 5))
    assert (case.prefecture, case.municipality, case.amount_lost) == ("大阪府", "堺市", 300_000)
    assert (case.public, case.status, case.label, case.source_id) == (True, "in_progress", "fraud", "centre-17")
    assert case.verdict == "danger" and case.rules_version
    assert {"impersonation", "card_collection"} <= set(case.analyzer_tactics)
    assert case.counselor_tactics is None and case.tactics == case.analyzer_tactics
    assert case.report["verdict"] == "danger" and case.report["signals"]
    assert case.created_at.tzinfo is not None
    d = case.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert d["received_on"] == "2024-11-05" and "report" not in d


def test_counselor_labels_are_kept_apart_from_the_analyzer(store):
    case = store.add(NewCase(text=SCAM, section="damage", channel="phone"))
    analyzer = case.analyzer_tactics
    fixed = store.update(case.id, tactics=["threat", "impersonation"], notes="手口を訂正", public=True,
                         status="closed", label="fraud")
    assert fixed.counselor_tactics == ("impersonation", "threat")  # vocabulary order
    assert fixed.tactics == ("impersonation", "threat") and fixed.analyzer_tactics == analyzer
    assert (fixed.notes, fixed.public, fixed.status, fixed.label) == ("手口を訂正", True, "closed", "fraud")
    assert store.count(CaseFilters(tactic="card_collection")) == 0  # the counselor's labels count
    none = store.update(case.id, tactics=[])
    assert none.counselor_tactics == () and none.tactics == ()
    back = store.update(case.id, tactics=None, notes=None)
    assert back.counselor_tactics is None and back.tactics == analyzer and back.notes is None
    assert store.count(CaseFilters(tactic="card_collection")) == 1
    with pytest.raises(CaseNotFoundError):
        store.update(999, public=True)
    with pytest.raises(RecordError):
        store.update(case.id, tactics=["not_a_tactic"])
    assert store.get(case.id).tactics == analyzer


def test_seed_import_is_public_and_reimport_finds_27_duplicates(store):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    first = store.import_jsonl(lines)
    assert (first.added, first.duplicates, first.errors) == (27, 0, ())
    assert store.count() == 27 and store.count(CaseFilters(public=True)) == 27
    again = store.import_jsonl(lines)
    assert (again.added, again.duplicates, again.errors) == (0, 27, ())
    seed = [json.loads(line) for line in lines]
    stored = {c.source_id: c for c in store.export()}
    for record in seed:
        case = stored[record["id"]]
        assert case.public and set(case.counselor_tactics or ()) == set(record["tactics"])
        assert (case.section, case.channel, case.label, case.text) == (
            record["section"], record["channel"], "fraud", record["text"])
    assert store.load_seed().duplicates == 27
    assert store.count() == 27


def test_load_seed_is_idempotent(store):
    assert store.load_seed().added == 27
    assert store.load_seed().added == 0
    assert store.count(CaseFilters(status="closed")) == 27


def test_export_then_import_into_another_database_round_trips(store, sqlite_url, tmp_path):
    from mamori.cases import open_store

    store.load_seed()
    store.add(NewCase(text=SCAM, section="damage", channel="phone", received_on=date(2025, 3, 1), amount_lost=5000,
                      notes="メモ", public=False))
    store.update(1, tactics=["impersonation"])
    lines = [json.dumps(c.to_dict(), ensure_ascii=False) for c in store.export()]
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    with open_store(other_url) as other:
        result = other.import_jsonl(lines)
        assert (result.added, result.errors) == (28, ())
        assert other.import_jsonl(lines).duplicates == 28
        theirs = {c.source_id or c.text: c for c in other.export()}
    for ours in store.export():
        copy = theirs[ours.source_id or ours.text]
        for field in ("text", "section", "channel", "received_on", "notes", "amount_lost", "public", "status",
                      "label", "counselor_tactics", "analyzer_tactics"):
            assert getattr(copy, field) == getattr(ours, field), field


@pytest.mark.parametrize("line, expected", [
    ('{"text": "市役所です", "section": "damage"', "not valid JSON"),
    ('["text"]', "expected a JSON object"),
    ('{"text": "市役所です", "section": "scam", "channel": "phone"}', "unknown section 'scam'"),
    ('{"text": "市役所です", "section": "damage", "channel": "fax"}', "unknown channel 'fax'"),
    ('{"text": "' + "あ" * 20_001 + '", "section": "damage"}', "text is too long: 20,001 characters"),
    ('{"text": "   ", "section": "damage"}', "text is empty"),
    ('{"section": "damage"}', "text is required"),
    ('{"text": "市役所です", "channel": "phone"}', "section is required"),
    ('{"text": "市役所です", "section": "damage", "tactics": ["fraud"]}', "unknown tactic 'fraud'"),
    ('{"text": "市役所です", "section": "damage", "received_on": "2024-13-01"}', "is not a date"),
    ('{"text": "市役所です", "section": "damage", "amount_lost": -5}', "out of range"),
    ('{"text": "市役所です", "section": "damage", "public": "yes"}', "public must be true or false"),
    ('{"text": "市役所です", "section": "damage", "prefecture": "東京市"}', "unknown prefecture"),
])
def test_a_bad_line_is_a_clear_error_and_stores_nothing(store, line, expected):
    good = json.dumps({"text": "郵便局の者です。マイナンバーの封筒をいただきに来ました", "section": "damage",
                       "channel": "visit"}, ensure_ascii=False)
    result = store.import_jsonl(["", line, good])
    assert [e.line for e in result.errors] == [2]
    assert expected in result.errors[0].message
    assert result.added == 1 and store.count() == 1
    dry = store.import_jsonl([line], dry_run=True)
    assert dry.added == 0 and len(dry.errors) == 1 and store.count() == 1


def test_add_rejects_bad_cases_and_stores_nothing(store):
    with pytest.raises(RecordError, match="unknown section 'scam'; expected one of: damage"):
        store.add(NewCase(text=SCAM, section="scam"))
    with pytest.raises(InputTooLargeError, match="at most 20,000"):
        store.add(NewCase(text="あ" * 20_001, section="damage"))
    with pytest.raises(EmptyInputError):
        store.add(NewCase(text=" \n", section="damage"))
    with pytest.raises(ChannelError):
        store.add(NewCase(text=SCAM, section="damage", channel="fax"))
    with pytest.raises(RecordError, match="out of range"):
        store.add(NewCase(text=SCAM, section="damage", received_on=date(2999, 1, 1)))
    assert store.count() == 0
    store.add(NewCase(text=SCAM, section="damage", channel="line"))  # alias of sns
    with pytest.raises(DuplicateError, match="already stored as #1") as info:
        store.add(NewCase(text=SCAM, section="damage", channel="sns"))
    assert info.value.existing_id == 1
    second = store.add(NewCase(text=SCAM, section="damage", channel="sns", received_on="2025-01-02"))
    assert second.id == 2  # a refused duplicate does not use up an id
    assert store.count() == 2


def test_list_count_get_and_filters(store):
    store.load_seed()
    newest = store.list(limit=3)
    assert [c.id for c in newest] == [27, 26, 25]
    assert [c.id for c in store.list(limit=2, offset=25)] == [2, 1]
    assert store.count(CaseFilters(section="suspicious_mail")) == 4
    assert {c.section for c in store.list(CaseFilters(section="damage"))} == {"damage"}
    assert store.count(CaseFilters(channel="email", tactic="phishing_link")) == 3
    assert sum(store.count(CaseFilters(section=s)) for s in SECTIONS) == 27
    with pytest.raises(CaseNotFoundError):
        store.get(28)
    with pytest.raises(InputError):
        store.list(limit=0)
    with pytest.raises(RecordError):
        store.count(CaseFilters(tactic="nope"))


def test_users_and_tokens(store):
    user = store.add_user("sato", "correct horse battery", "counselor")
    assert (user.username, user.role) == ("sato", "counselor")
    assert store.verify_user("sato", "correct horse battery") == user
    assert store.verify_user("sato", "wrong password!") is None
    assert store.verify_user("nobody", "correct horse battery") is None
    with pytest.raises(DuplicateError):
        store.add_user("sato", "another password", "admin")
    with pytest.raises(InputError):
        store.add_user("bad name", "correct horse battery")
    with pytest.raises(InputError):
        store.add_user("kato", "short")
    with pytest.raises(InputError):
        store.add_user("kato", "correct horse battery", "root")
    token = store.create_token("batch scanner")
    assert store.verify_token(token) and not store.verify_token(token + "x") and not store.verify_token("")
    [record] = store.list_tokens()
    assert record.name == "batch scanner" and record.last_used is not None
    with pytest.raises(DuplicateError):
        store.create_token("batch scanner")
    assert store.revoke_token("batch scanner") and not store.verify_token(token)
    from mamori.cases.models import api_tokens, users

    with store.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(users.select())] + [tuple(r) for r in conn.execute(api_tokens.select())]
    assert "correct horse battery" not in repr(stored) and token not in repr(stored)
