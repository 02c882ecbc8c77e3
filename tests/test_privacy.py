"""A My Number in a message never reaches any output: reports, human output, scan records,
error messages, mail and call-turn input. Numbers are generated; none is real."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage

from stdnum.jp import in_

import mamori
from conftest import run_cli

_KANJI = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))


def _number(seed: int) -> str:
    prefix = f"{(seed * 7919 + 123456) % 10**11:011d}"
    return prefix + in_.calc_check_digit(prefix)


def surface_forms(n: str) -> list[str]:
    full = n.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    kanji = "".join(_KANJI[d] for d in n)
    g = (n[:4], n[4:8], n[8:])
    return [
        n,
        full,
        kanji,
        "-".join(g),
        " ".join(g),
        "\u3000".join(g),
        "－".join(x.translate(str.maketrans("0123456789", "０１２３４５６７８９")) for x in g),
        "ー".join(g),
        ".".join(g),
        f"({n})",
        f"個人番号:{n}",
        f"マイナンバーは{n}です",
        " ".join(n),
        "-".join(n[i:i + 3] for i in range(0, 12, 3)),
        f"{n[:6]} {n[6:]}",
        "‐".join(g),
        "—".join(g),
        f"{g[0]}-{full[4:8]}-{kanji[8:]}",
        "\u200b".join(g),
        f"番号\n{n}",
        f"{n[:4]}\n{n[4:]}",
        _math(n),  # mathematical bold digits, a way to slip a number past a digit check
    ]


def _math(n: str) -> str:
    return "".join(chr(0x1D7CE + int(d)) for d in n)


def _digit_runs(n: str) -> list[str]:
    # The full number in ASCII, full-width and kanji, and any 8-digit run of it.
    runs = [n, n.translate(str.maketrans("0123456789", "０１２３４５６７８９")), "".join(_KANJI[d] for d in n), _math(n)]
    runs += [n[i:i + 8] for i in range(0, 5)]
    return runs


def _assert_absent(n: str, output: str) -> None:
    squeezed = re.sub(r"[\s\-‐—－ー.\u200b\u3000()]", "", output)
    for run in _digit_runs(n):
        assert run not in squeezed, f"digits of the number leaked: {run}"


def test_library_reports_never_contain_the_number():
    for i, form in enumerate(surface_forms(_number(1))):
        text = f"市役所の者です。あなたの{form}を確認しました。暗証番号も教えてください。"
        report = mamori.analyze(text)
        _assert_absent(_number(1), json.dumps(report.to_dict(), ensure_ascii=False))
        assert any(s.rule_id == "MYNUMBER_IN_MESSAGE" for s in report.signals), (i, form)


def test_no_command_output_contains_the_number(tmp_path):
    n = _number(2)
    forms = surface_forms(n)
    assert len(forms) >= 20
    lines = []
    for i, form in enumerate(forms):
        text = f"警察の者です。マイナンバー {form} が悪用されています"
        proc = run_cli("check", text)
        _assert_absent(n, proc.stdout.decode() + proc.stderr.decode())
        proc = run_cli("check", "--json", "-", input=text.encode())
        _assert_absent(n, proc.stdout.decode() + proc.stderr.decode())
        lines.append(json.dumps({"id": f"m{i}", "text": text}, ensure_ascii=False))
    lines.append(json.dumps({"id": n, "text": ""}))  # a number as an id, in an error record
    lines.append('{"id": "' + n + '", "text": ')  # a number inside a malformed line
    proc = run_cli("scan", "-", input=("\n".join(lines) + "\n").encode())
    out = proc.stdout.decode() + proc.stderr.decode()
    assert len(proc.stdout.decode().splitlines()) == len(lines)
    _assert_absent(n, out)


def test_mail_and_turns_never_leak_the_number(tmp_path):
    n = _number(3)
    msg = EmailMessage()
    msg["From"] = "デジタル庁 <info@digital-go.example.com>"
    msg["Subject"] = f"番号 {n[:4]}-{n[4:8]}-{n[8:]} の確認"
    msg.set_content(f"あなたのマイナンバー {n} を下記URLに入力してください https://myna.example.top/", charset="iso-2022-jp")
    eml = tmp_path / "m.eml"
    eml.write_bytes(msg.as_bytes())
    for args in (("check", "--eml", str(eml)), ("check", "--json", "--eml", str(eml))):
        proc = run_cli(*args)
        _assert_absent(n, proc.stdout.decode() + proc.stderr.decode())
    turns = tmp_path / "call.json"
    turns.write_text(json.dumps([
        {"speaker": "相手", "text": "区役所の者です"},
        {"speaker": "本人", "text": f"番号は{' '.join([n[:4], n[4:8], n[8:]])}です"},
    ], ensure_ascii=False), encoding="utf-8")
    proc = run_cli("check", "--json", "--turns", str(turns))
    _assert_absent(n, proc.stdout.decode() + proc.stderr.decode())
