"""No My Number in clear anywhere the registry writes: tables, indexes, the WAL, exports, pages,
CLI output, errors, logs. The numbers are generated with the check-digit function."""

from __future__ import annotations

import json
import logging

import pytest

from conftest import run_cli
from mamori import Analyzer
from mamori.cases import NewCase, open_store
from mamori.cases.publish import render_page
from mamori.errors import MamoriError

from .conftest import mynumbers

KANJI = str.maketrans("0123456789", "〇一二三四五六七八九")
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _forms(numbers: list[str]) -> list[str]:
    """Five surface forms, one per number: plain, spaced, hyphenated, full-width, kanji."""
    a, b, c, d, e = numbers
    return [a, f"{b[:4]} {b[4:8]} {b[8:]}", f"{c[:4]}-{c[4:8]}-{c[8:]}", d.translate(FULL), e.translate(KANJI)]


def _needles(numbers: list[str], forms: list[str]) -> list[bytes]:
    out = set()
    for n in numbers:
        out |= {n, n.translate(FULL), n.translate(KANJI), f"{n[:4]} {n[4:8]} {n[8:]}", f"{n[:4]}-{n[4:8]}-{n[8:]}"}
    out |= set(forms)
    return [s.encode("utf-8") for s in out] + [s.encode("utf-16-le") for s in numbers]


def _assert_clean(blob: bytes | str, needles: list[bytes], where: str) -> None:
    data = blob.encode("utf-8") if isinstance(blob, str) else blob
    for needle in needles:
        assert needle not in data, f"a My Number in clear in {where}"


def _files(path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_no_mynumber_in_clear_through_every_path(tmp_path, caplog):
    numbers = mynumbers(5, seed=20240601)
    forms = _forms(numbers)
    needles = _needles(numbers, forms)
    for form in forms:  # the scan does find a number when there is one
        with pytest.raises(AssertionError):
            _assert_clean(f"x{form}x".encode(), needles, "a control")
    path = tmp_path / "private.db"
    url = f"sqlite:///{path}"
    caplog.set_level(logging.DEBUG)

    # The library: add (text, notes, municipality, source id), update, import, similar, search, neighbours.
    store = open_store(url)
    case = store.add(NewCase(text=f"市役所の者です。あなたのマイナンバー{forms[0]}が漏れています。暗証番号も教えてください",
                             section="info_requested", channel="phone", notes=f"番号 {forms[1]} を言ってしまった",
                             municipality=f"{forms[2]}市", source_id=forms[3], public=True))
    for signal in case.report["signals"]:
        for span in signal["spans"]:
            assert case.text[span["start"]:span["end"]] == span["text"]  # offsets follow the masked text
    assert "MYNUMBER_IN_MESSAGE" in [s["rule_id"] for s in case.report["signals"]]  # analyzed unmasked
    store.update(case.id, notes=f"訂正: 番号は {forms[4]}")
    records = [{"text": f"メール{i}に{form}と書かれていた。至急ログインしてください https://myna-update.example",
                "section": "suspicious_mail", "channel": "email", "notes": form, "id": f"x-{form}"}
               for i, form in enumerate(forms)]
    result = store.import_jsonl([json.dumps(r, ensure_ascii=False) for r in records])
    assert result.added == 5
    for form in forms:
        store.similar(f"番号{form}を教えて")
        store.search(form)
        Analyzer(neighbours=store.neighbours).analyze(f"マイナンバー {form} を確認します")
    for bad in (NewCase(text="x", section=forms[0]), NewCase(text="x", section="damage", prefecture=forms[1]),
                NewCase(text="x", section="damage", channel=forms[2]), NewCase(text="x", section="damage",
                                                                                received_on=forms[3])):
        with pytest.raises(MamoriError) as info:
            store.add(bad)
        _assert_clean(str(info.value), needles, "an error message")
    bad_lines = store.import_jsonl([f'{{"text": "{forms[0]}", "section": "{forms[1]}"}}', f"{{{forms[2]}"])
    _assert_clean(repr(bad_lines.errors), needles, "import errors")
    _assert_clean(_files(path), needles, "the database file, WAL and shared memory (store open)")
    exported = [c.to_dict(with_report=True) for c in store.export()]
    _assert_clean(json.dumps(exported, ensure_ascii=False), needles, "the export")
    _assert_clean(render_page(store.export()), needles, "the published page")
    store.close()

    # The command line: add (argument and stdin), import, similar, search, list, show, export, publish.
    db = ["--database", url]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(json.dumps({"text": f"電話{i}で{f}を聞かれた", "section": "info_requested",
                                           "notes": f}, ensure_ascii=False) for i, f in enumerate(forms)),
                     encoding="utf-8")
    page = tmp_path / "page.html"
    runs = [
        run_cli("cases", "add", "--text", f"マイナンバーは{forms[0]}です", "--channel", "phone", "--section", "damage",
                "--note", forms[1], "--json", *db),
        run_cli("cases", "add", "--text", "-", "--channel", "sms", "--section", "suspicious_mail", *db,
                input=f"あなたの番号 {forms[2]} が漏えい".encode()),
        run_cli("cases", "add", "--text", "x", "--channel", "sms", "--section", "damage", "--prefecture", forms[3], *db),
        run_cli("cases", "import", str(jsonl), "--json", *db),
        run_cli("cases", "similar", f"番号{forms[4]}を教えて", "--json", *db),
        run_cli("cases", "search", forms[0], *db),
        run_cli("cases", "list", "--json", *db),
        run_cli("cases", "show", "1", "--json", *db),
        run_cli("cases", "export", *db),
        run_cli("publish", "-o", str(page), *db),
    ]
    assert [r.returncode for r in runs] == [0, 0, 65, 0, 0, 0, 0, 0, 0, 0], [r.stderr.decode() for r in runs]
    assert b"Traceback" not in b"".join(r.stderr for r in runs)
    for proc in runs:
        _assert_clean(proc.stdout + proc.stderr, needles, f"the output of {proc.args[3:5]}")
    _assert_clean(page.read_bytes(), needles, "the published page")
    _assert_clean(_files(path), needles, "the database files")
    _assert_clean("\n".join(r.getMessage() for r in caplog.records), needles, "the logs")
    with open_store(url) as check:
        assert check.count() == 1 + 5 + 2 + 5
