"""src/mamori/data/official_domains.toml: every entry does what the file says it does."""

from __future__ import annotations

import tomllib
from importlib import resources

from mamori.entities import classify


def _data() -> dict:  # type: ignore[type-arg]
    path = resources.files("mamori") / "data" / "official_domains.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_official_list_is_official() -> None:
    entries = _data()["official"]
    domains = [e["domain"] for e in entries]
    assert len(domains) == len(set(domains))
    for entry in entries:
        verdict = classify(entry["domain"])
        assert verdict.official, entry
        assert entry["name"] in verdict.reasons[0].explanation
    assert {
        "myna.go.jp",
        "digital.go.jp",
        "j-lis.go.jp",
        "kojinbango-card.go.jp",
        "soumu.go.jp",
        "mhlw.go.jp",
        "npa.go.jp",
        "kokusen.go.jp",
        "caa.go.jp",
        "nta.go.jp",
        "cao.go.jp",
    } <= set(domains)


def test_every_shortener_and_free_host_is_classified() -> None:
    data = _data()
    for domain in data["shorteners"]["domains"]:
        assert "shortener" in classify(domain).codes, domain
    for domain in data["free_hosting"]["domains"]:
        assert "free_hosting" in classify("phish." + domain).codes, domain


def test_lookalike_words_never_flag_an_official_domain() -> None:
    data = _data()
    words = [w for key in ("anywhere", "label_start", "whole") for w in data["lookalike"][key]]
    for word in words:
        assert classify(f"{word}.go.jp").official
        assert "lookalike" in classify(f"{word}-support.com").codes, word
