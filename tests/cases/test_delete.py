"""Deleting a case: gone from get, list, search, similar and statistics, on both databases."""

from __future__ import annotations

import pytest

from mamori.cases import NewCase
from mamori.errors import CaseNotFoundError

TEXT = "区役所保険年金課の者です。医療費の還付金があります。キャッシュカードを持ってATMへ行ってください。"


def test_delete_removes_the_case_everywhere(store):
    keep = store.add(NewCase(text="郵便局です。マイナンバーの封筒をいただきに来ました。", section="damage", channel="visit"))
    gone = store.add(NewCase(text=TEXT, section="near_miss", channel="phone", public=True))
    assert store.similar(TEXT, k=1)[0].case_id == gone.id
    store.delete(gone.id)
    with pytest.raises(CaseNotFoundError):
        store.get(gone.id)
    assert [c.id for c in store.list()] == [keep.id]
    assert all(c.id != gone.id for c in store.search("還付金"))
    assert all(s.case_id != gone.id for s in store.similar(TEXT, k=5))
    stats = store.stats()
    assert stats.total == 1 and stats.by_section["near_miss"] == 0
    assert store.count() == 1


def test_delete_of_a_missing_case_is_a_clear_error(store):
    with pytest.raises(CaseNotFoundError, match="no case #999"):
        store.delete(999)
    with pytest.raises(CaseNotFoundError, match="whole number"):
        store.delete("1")  # type: ignore[arg-type]
