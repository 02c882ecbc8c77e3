"""mask(), redact() and contains_mynumber()."""

from __future__ import annotations

import copy
import json
from collections import OrderedDict, namedtuple

import pytest

from mamori.errors import InputError, MamoriError
from mamori.pii import contains_mynumber, mask, redact

from .test_generate import CORPORATE_NUMBERS, MYNUMBERS, digits_of, full_width, grouped, kanji

A, B = MYNUMBERS[:2]
CORP = CORPORATE_NUMBERS[0]


def test_mask_keeps_everything_else() -> None:
    text = f"【市役所】 あなたの個人番号（{grouped(A, '-')}）が漏えいしています。至急 0120-95-0178 まで"
    assert mask(text) == "【市役所】 あなたの個人番号（[個人番号]）が漏えいしています。至急 0120-95-0178 まで"


def test_mask_without_numbers_returns_the_text() -> None:
    text = "マイナンバーカードの手続きについて"
    assert mask(text) is text
    assert mask("") == ""


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (("mynumber",), "[個人番号] / 法人 {corp}"),
        (("corporate_number",), "{a} / 法人 [法人番号]"),
        (("mynumber", "corporate_number"), "[個人番号] / 法人 [法人番号]"),
        (["corporate_number", "mynumber"], "[個人番号] / 法人 [法人番号]"),
        ((), "{a} / 法人 {corp}"),
    ],
)
def test_mask_kinds(kinds, expected: str) -> None:
    text = f"{A} / 法人 {CORP}"
    assert mask(text, kinds=kinds) == expected.format(a=A, corp=CORP)


@pytest.mark.parametrize("kinds", [("my_number",), ("mynumber", "phone"), "mynumber"])
def test_unknown_kinds_raise_an_input_error(kinds) -> None:
    with pytest.raises(InputError) as info:
        mask("text", kinds=kinds)
    assert isinstance(info.value, MamoriError)
    assert "mynumber" in str(info.value)
    with pytest.raises(InputError):
        redact({"a": "text"}, kinds=kinds)


def test_mask_is_idempotent() -> None:
    text = f"{A}\n{kanji(B)} {full_width(A)}"
    once = mask(text)
    assert once == "[個人番号]\n[個人番号] [個人番号]"
    assert mask(once) == once


def test_redact_walks_nested_values() -> None:
    record = {
        "text": f"番号は{A}です",
        "signals": [
            {"rule": "ASKS_FOR_MYNUMBER", "spans": [[3, 15]], "evidence": f"（{grouped(B, ' ')}）"},
            ("tuple", f"{full_width(A)}"),
        ],
        "score": 7.5,
        "ok": True,
        "nothing": None,
        "count": 3,
        f"key {A}": "value",
    }
    before = copy.deepcopy(record)
    redacted = redact(record)
    assert record == before  # not modified
    assert redacted == {
        "text": "番号は[個人番号]です",
        "signals": [
            {"rule": "ASKS_FOR_MYNUMBER", "spans": [[3, 15]], "evidence": "（[個人番号]）"},
            ("tuple", "[個人番号]"),
        ],
        "score": 7.5,
        "ok": True,
        "nothing": None,
        "count": 3,
        "key [個人番号]": "value",
    }
    assert A not in json.dumps(redacted, ensure_ascii=False)
    assert B not in digits_of(json.dumps(redacted, ensure_ascii=False))


def test_redact_scalars_and_containers() -> None:
    assert redact(A) == "[個人番号]"
    assert redact(int(A)) == "[個人番号]"  # a My Number stored as a JSON number
    assert redact(int(CORP)) == int(CORP)
    assert redact(int(CORP), kinds=("corporate_number",)) == "[法人番号]"
    assert redact(123456789010) == 123456789010  # wrong check digit
    assert redact(10**5000) == 10**5000  # huge integers are not stringified
    assert redact(True) is True
    assert redact(None) is None
    assert redact(1.5) == 1.5
    assert redact(b"bytes") == b"bytes"
    assert redact([]) == []
    assert redact(OrderedDict(a=A)) == {"a": "[個人番号]"}
    Point = namedtuple("Point", "x y")
    assert redact(Point(A, 1)) == Point("[個人番号]", 1)
    assert redact((A, [A, (A,)])) == ("[個人番号]", ["[個人番号]", ("[個人番号]",)])


def test_redact_a_json_document() -> None:
    document = json.dumps({"cases": [{"note": f"個人番号 {grouped(A, '-')} を聞かれた", "id": 1}]})
    assert json.loads(json.dumps(redact(json.loads(document)))) == {
        "cases": [{"note": "個人番号 [個人番号] を聞かれた", "id": 1}]
    }


def test_contains_mynumber() -> None:
    assert contains_mynumber(f"個人番号：{grouped(full_width(A), '－')}")
    assert not contains_mynumber(f"法人番号：{CORP}")
    assert not contains_mynumber("090-1234-5678")
    assert not contains_mynumber("")
