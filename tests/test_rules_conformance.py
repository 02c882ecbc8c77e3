"""Every shipped rule proves itself, and broken packs fail loudly at load time."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from mamori.errors import RuleError, UnsafePatternError
from mamori.report import TACTICS
from mamori.rules import default_ruleset, load_packs
from mamori.rules.conformance import run_examples


def test_every_rule_example_behaves():
    failures = run_examples(default_ruleset())
    assert not failures, "\n".join(map(str, failures))


def test_every_rule_has_examples_advice_and_description():
    for rule in default_ruleset().rules:
        assert rule.examples_match, rule.id
        assert rule.examples_no_match, rule.id
        assert rule.advice and rule.description, rule.id


def test_every_tactic_has_a_pack_with_rules():
    rs = default_ruleset()
    packs = {r.pack for r in rs.rules}
    for tactic in TACTICS:
        assert f"{tactic}.toml" in packs, tactic
        assert any(r.tactic == tactic for r in rs.rules), tactic


def test_caution_points_are_composites():
    rs = default_ruleset()
    cps = {r.caution_point for r in rs.rules if r.all_of}
    assert {"CP1", "CP2", "CP3"} <= cps


def test_named_checks_exist():
    from mamori.checks import available_checks

    names = set(available_checks())
    for rule in default_ruleset().rules:
        if rule.check:
            assert rule.check in names, rule.id


def _copy_packs(tmp_path: Path) -> Path:
    dest = tmp_path / "packs"
    src = resources.files("mamori") / "packs"
    dest.mkdir()
    for entry in src.iterdir():
        if entry.name.endswith(".toml"):
            (dest / entry.name).write_text(entry.read_text(encoding="utf-8"), encoding="utf-8")
    return dest


BAD_RULES = {
    "undefined term": ('patterns = ["{NO_SUCH_TERM}.{0,3}x"]', RuleError, "undefined term"),
    "unbounded": ('patterns = ["マイナンバー.*教えて"]', UnsafePatternError, "unbounded"),
    "not a regex": ('patterns = ["(unclosed"]', RuleError, "compile"),
    "two kinds": ('patterns = ["abc"]\ncheck = "mynumber.valid.v1"', RuleError, "exactly one"),
}


@pytest.mark.parametrize("name", sorted(BAD_RULES))
def test_broken_pack_is_a_clear_error(tmp_path: Path, name: str):
    body, exc, message = BAD_RULES[name]
    packs = _copy_packs(tmp_path)
    (packs / "zz_broken.toml").write_text(
        '[pack]\ntactic = "threat"\n\n[[rule]]\nid = "BROKEN_RULE"\nweight = 1\n'
        f'description = "説明"\nadvice = "助言"\n{body}\n',
        encoding="utf-8",
    )
    with pytest.raises(exc, match=message):
        load_packs([packs], builtin=False)


def test_duplicate_ids_and_unknown_tactics_are_rejected(tmp_path: Path):
    packs = _copy_packs(tmp_path)
    shutil.copy(packs / "threat.toml", packs / "zz_copy.toml")
    with pytest.raises(RuleError, match="used twice"):
        load_packs([packs], builtin=False)
    (packs / "zz_copy.toml").write_text(
        '[pack]\ntactic = "weather"\n[[rule]]\nid = "RAIN_RULE"\nweight = 1\ndescription = "a"\n'
        'advice = "b"\npatterns = ["雨"]\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="vocabulary"):
        load_packs([packs], builtin=False)


def test_invalid_toml_names_the_file(tmp_path: Path):
    packs = _copy_packs(tmp_path)
    (packs / "zz_bad.toml").write_text("[[rule]\nid = ", encoding="utf-8")
    with pytest.raises(RuleError, match="zz_bad.toml"):
        load_packs([packs], builtin=False)


def test_local_pack_overrides_builtin_by_name(tmp_path: Path):
    local = tmp_path / "local"
    local.mkdir()
    (local / "urgency.toml").write_text(
        '[pack]\ntactic = "urgency"\n[[rule]]\nid = "LOCAL_URGENCY"\nweight = 1\ndescription = "至急"\n'
        'advice = "落ち着いて"\npatterns = ["大至急"]\n[rule.examples]\nmatch = ["大至急"]\nno_match = ["明日"]\n',
        encoding="utf-8",
    )
    rs = load_packs([local])
    ids = {r.id for r in rs.rules}
    assert "LOCAL_URGENCY" in ids
    assert not any(r.pack == "urgency.toml" and r.id != "LOCAL_URGENCY" for r in rs.rules)
