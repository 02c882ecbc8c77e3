"""Load, validate and compile rule packs into a RuleSet."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mamori.document import Variants
from mamori.errors import RuleError, UnsafePatternError
from mamori.report import CAUTION_POINTS, TACTICS
from mamori.rules.lint import check_linear, parse, pattern_reach, required_literal_sets, required_literals
from mamori.rules.model import Rule, Thresholds

__all__ = ["RuleSet", "default_ruleset", "load_packs"]

_ID_RE = re.compile(r"^[A-Z][A-Z0-9_]{2,63}$")
_TERM_RE = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_RULE_KEYS = {
    "id", "tactic", "weight", "description", "advice", "patterns", "check", "all_of", "within",
    "caution_point", "channels", "negatable", "examples",
}
_SPECIAL_FILES = {"terms.toml", "verdicts.toml"}
# Below this many characters a whole-text search costs less than working out windows.
_WINDOW_MIN_TEXT = 600
_CHANNELS = {"email", "sms", "phone", "visit", "letter", "web", "sns", "unknown"}


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules, terms, variants and thresholds; load with :func:`load_packs`."""

    rules: tuple[Rule, ...]
    terms: dict[str, tuple[str, ...]]
    variants: Variants
    thresholds: Thresholds
    version: str
    _automaton: Any
    _pattern_keys: tuple[tuple[int, int], ...]
    _always: frozenset[int]
    _triggers: tuple[frozenset[int], ...]
    _needs: tuple[tuple[frozenset[int], ...], ...]
    _trigger_of: tuple[frozenset[int], ...]
    _reach: tuple[tuple[int, int], ...]
    _literal_len: tuple[int, ...]

    @functools.cached_property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @functools.cached_property
    def check_rules(self) -> tuple[Rule, ...]:
        """Rules backed by a code check, in pack order."""
        return tuple(r for r in self.rules if r.check)

    @functools.cached_property
    def composite_rules(self) -> tuple[Rule, ...]:
        """Composite (all_of) rules, in pack order."""
        return tuple(r for r in self.rules if r.all_of)

    @functools.cached_property
    def composite_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.rules if r.all_of)

    def candidates(self, text: str) -> list[tuple[int, int, list[tuple[int, int]] | None]]:
        """``(rule index, pattern index, windows)`` for the patterns that can match ``text``.

        One Aho–Corasick pass finds which literals occur, and where. A pattern is a candidate
        when a literal that triggers it occurs and so does one word of each of its other
        mandatory literal sets. Every match contains an occurrence of a trigger literal and is
        at most as wide as the pattern, so the pattern need only be searched in the windows
        around those occurrences (``None``: the whole text, for patterns without a trigger).
        Searching windows finds exactly the matches a search of the whole text finds.
        """
        keys = self._pattern_keys
        out: list[tuple[int, int, list[tuple[int, int]] | None]] = [
            (*keys[p], None) for p in sorted(self._always)
        ]
        if self._automaton is None:
            return out
        occ: dict[int, list[int]] = {}
        for end, lid in self._automaton.iter(text):
            ends = occ.get(lid)
            if ends is None:
                occ[lid] = [end]
            else:
                ends.append(end)
        if not occ:
            return out
        triggers = self._triggers
        found = set(occ)
        pids: set[int] = set()
        for lid in found:
            pids.update(triggers[lid])
        needs, trigger_of, reach, lit_len = self._needs, self._trigger_of, self._reach, self._literal_len
        n = len(text)
        short = n <= _WINDOW_MIN_TEXT
        for pid in sorted(pids):
            ok = True
            for req in needs[pid]:
                if req.isdisjoint(found):
                    ok = False
                    break
            if not ok:
                continue
            if short:
                out.append((*keys[pid], None))
                continue
            width, margin = reach[pid]
            present = trigger_of[pid] & found
            if len(present) == 1:
                (lid,) = present
                ends = occ[lid]
                if len(ends) == 1:
                    end = ends[0]
                    lo = end + 1 - width
                    hi = end + 1 - lit_len[lid] + width + margin
                    out.append((*keys[pid], [(lo if lo > 0 else 0, hi if hi < n else n)]))
                    continue
            spans = sorted(
                (max(0, end + 1 - width), min(n, end + 1 - lit_len[lid] + width + margin))
                for lid in present for end in occ[lid]
            )
            windows = [spans[0]]
            for lo, hi in spans[1:]:
                if lo <= windows[-1][1]:
                    if hi > windows[-1][1]:
                        windows[-1] = (windows[-1][0], hi)
                else:
                    windows.append((lo, hi))
            out.append((*keys[pid], windows))
        return out


def _read_toml(path: Path | Any, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"pack {name}: invalid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"pack {name}: cannot be read ({exc.__class__.__name__})") from None


def _expand(pattern: str, terms: dict[str, tuple[str, ...]], where: str) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in terms:
            raise RuleError(f"{where}: pattern uses undefined term {{{name}}}; define it in terms.toml")
        return "(?:" + "|".join(re.escape(t) for t in terms[name]) + ")"

    return _TERM_RE.sub(repl, pattern)


def _str_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _build_rule(raw: dict[str, Any], pack: str, tactic: str, terms: dict[str, tuple[str, ...]]) -> Rule:
    rid = raw.get("id")
    where = f"pack {pack}, rule {rid!r}"
    if not isinstance(rid, str) or not _ID_RE.match(rid):
        raise RuleError(f"{where}: id must be UPPER_SNAKE (3-64 characters)")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
    tactic = raw.get("tactic", tactic)
    if tactic not in TACTICS:
        raise RuleError(f"{where}: tactic {tactic!r} is not in the vocabulary ({', '.join(TACTICS)})")
    weight = raw.get("weight")
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 10:
        raise RuleError(f"{where}: weight must be an integer from 0 to 10")
    for key in ("description", "advice"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleError(f"{where}: {key} (Japanese text) is required")
    cp = raw.get("caution_point")
    if cp is not None and cp not in CAUTION_POINTS:
        raise RuleError(f"{where}: caution_point must be one of {sorted(CAUTION_POINTS)}")
    kinds = [k for k in ("patterns", "check", "all_of") if k in raw]
    if len(kinds) != 1:
        raise RuleError(f"{where}: exactly one of patterns, check or all_of is required, got {kinds or 'none'}")
    examples = raw.get("examples", {})
    match = _str_list(examples.get("match", []), where, "examples.match")
    no_match = _str_list(examples.get("no_match", []), where, "examples.no_match")
    channels = frozenset(_str_list(raw.get("channels", []), where, "channels"))
    if channels - _CHANNELS:
        raise RuleError(f"{where}: unknown channels {sorted(channels - _CHANNELS)}")
    source: tuple[str, ...] = ()
    compiled: tuple[re.Pattern[str], ...] = ()
    if "patterns" in raw:
        source = _str_list(raw["patterns"], where, "patterns")
        if not source:
            raise RuleError(f"{where}: patterns is empty")
        expanded = [_expand(p, terms, where) for p in source]
        parsed_trees: list[Any] = []
        for src, p in zip(source, expanded, strict=True):
            try:
                parsed_trees.append(parse(p))
                check_linear(p, parsed_trees[-1])
            except UnsafePatternError as exc:
                raise UnsafePatternError(f"{where}: pattern {src!r}: {exc}".split(" in pattern ")[0]) from None
        try:
            compiled = tuple(re.compile(p) for p in expanded)
        except re.error as exc:
            raise RuleError(f"{where}: pattern does not compile ({exc})") from None
    check = raw.get("check")
    if check is not None and not isinstance(check, str):
        raise RuleError(f"{where}: check must be a check name such as 'mynumber.valid.v1'")
    all_of = _str_list(raw.get("all_of", []), where, "all_of")
    within = raw.get("within")
    if within is not None and (not isinstance(within, int) or within <= 0):
        raise RuleError(f"{where}: within must be a positive number of characters")
    return Rule(
        id=rid, tactic=tactic, weight=weight, description=raw["description"].strip(),
        advice=raw["advice"].strip(), pack=pack, source_patterns=source, patterns=compiled,
        check=check, all_of=all_of, within=within, caution_point=cp, channels=channels,
        negatable=bool(raw.get("negatable", True)), examples_match=match, examples_no_match=no_match,
        trees=tuple(parsed_trees) if "patterns" in raw else (),
    )


def _load_thresholds(data: dict[str, Any]) -> Thresholds:
    try:
        th = data["thresholds"]
        caps = dict(data.get("caps", {}))
        genre = data.get("warning_genre", {})
        default_cap = int(caps.pop("default", 10))
        result = Thresholds(
            caution=int(th["caution"]), danger=int(th["danger"]), caps={k: int(v) for k, v in caps.items()},
            default_cap=default_cap, warning_markers=tuple(genre.get("markers", ())),
            warning_min_markers=int(genre.get("min_markers", 3)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError(f"verdicts.toml: missing or invalid value ({exc})") from None
    if not 0 < result.caution < result.danger:
        raise RuleError("verdicts.toml: thresholds must satisfy 0 < caution < danger")
    return result


def _pack_files(dirs: Sequence[Path | Any]) -> list[tuple[str, Any]]:
    files: dict[str, Any] = {}
    for d in dirs:
        for entry in sorted(d.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                files[entry.name] = entry  # later directories override earlier ones
    return sorted(files.items())


def load_packs(extra_dirs: Iterable[str | Path] = (), *, builtin: bool = True) -> RuleSet:
    """Load the built-in packs (and packs from ``extra_dirs``, which override by file name).

    Raises:
        RuleError: a pack does not parse or validate, a rule id repeats, a term is undefined,
            or a pattern fails the linear-time lint.
    """
    import ahocorasick

    dirs: list[Any] = [resources.files("mamori") / "packs"] if builtin else []
    dirs.extend(Path(d) for d in extra_dirs)
    files = _pack_files(dirs)
    names = {n for n, _ in files}
    for needed in _SPECIAL_FILES:
        if needed not in names:
            raise RuleError(f"rule packs: {needed} is missing")
    digest = hashlib.sha256()
    parsed: dict[str, dict[str, Any]] = {}
    for name, entry in files:
        text = entry.read_text(encoding="utf-8")
        digest.update(name.encode() + b"\0" + text.encode())
        parsed[name] = _read_toml(entry, name)

    terms_data = parsed["terms.toml"]
    terms: dict[str, tuple[str, ...]] = {}
    for key, values in terms_data.get("terms", {}).items():
        vals = _str_list(values, "terms.toml", key)
        terms[key] = tuple(sorted(set(vals), key=lambda t: (-len(t), t)))
    variants = Variants({k: _str_list(v, "terms.toml", f"variants.{k}") for k, v in terms_data.get("variants", {}).items()})
    thresholds = _load_thresholds(parsed["verdicts.toml"])

    rules: list[Rule] = []
    seen: set[str] = set()
    for name, data in parsed.items():
        if name in _SPECIAL_FILES:
            continue
        pack = data.get("pack", {})
        tactic = pack.get("tactic")
        for raw in data.get("rule", []):
            rule = _build_rule(raw, name, tactic, terms)
            if rule.id in seen:
                raise RuleError(f"pack {name}: rule id {rule.id} is used twice")
            seen.add(rule.id)
            rules.append(rule)
    ids = {r.id for r in rules}
    for r in rules:
        for ref in r.all_of:
            if ref not in ids and ref not in TACTICS:
                raise RuleError(f"rule {r.id}: all_of names {ref!r}, neither a rule id nor a tactic")

    automaton = ahocorasick.Automaton()
    keys: list[tuple[int, int]] = []
    literal_ids: dict[str, int] = {}
    triggers: list[set[int]] = []
    needs: list[tuple[frozenset[int], ...]] = []
    trigger_of: list[frozenset[int]] = []
    reach: list[tuple[int, int]] = []
    always: set[int] = set()

    sample = _sample_texts(variants)
    seen_in: dict[str, int] = {}

    def rarity(words: frozenset[str]) -> tuple[int, int]:
        """In how many sample messages one of ``words`` occurs (fewer: fewer needless runs)."""
        mask = 0
        for w in words:
            if w not in seen_in:
                seen_in[w] = sum(1 << i for i, t in enumerate(sample) if w in t)
            mask |= seen_in[w]
        return mask.bit_count(), -min(len(w) for w in words)

    def lids(words: frozenset[str]) -> frozenset[int]:
        out = set()
        for w in words:
            if w not in literal_ids:
                literal_ids[w] = len(literal_ids)
                triggers.append(set())
            out.add(literal_ids[w])
        return frozenset(out)

    for ri, rule in enumerate(rules):
        for pi, _pat in enumerate(rule.patterns):
            pid = len(keys)
            keys.append((ri, pi))
            tree = rule.trees[pi]
            sets = required_literal_sets(tree)
            trigger = min(sets, key=rarity) if sets else required_literals(tree)
            if trigger is None:
                always.add(pid)
                trigger_of.append(frozenset())
            else:
                tl = lids(trigger)
                for lid in tl:
                    triggers[lid].add(pid)
                trigger_of.append(tl)
            needs.append(tuple(lids(s) for s in sets if s != trigger))
            reach.append(pattern_reach(tree))
    for word, lid in literal_ids.items():
        automaton.add_word(word, lid)
    if literal_ids:
        automaton.make_automaton()
    version = f"{parsed['verdicts.toml'].get('version', '0')}+{digest.hexdigest()[:10]}"
    return RuleSet(
        rules=tuple(rules), terms=terms, variants=variants, thresholds=thresholds, version=version,
        _automaton=automaton if literal_ids else None, _pattern_keys=tuple(keys), _always=frozenset(always),
        _triggers=tuple(frozenset(t) for t in triggers), _needs=tuple(needs),
        _trigger_of=tuple(trigger_of), _reach=tuple(reach),
        _literal_len=tuple(len(w) for w, _ in sorted(literal_ids.items(), key=lambda kv: kv[1])),
    )


def _sample_texts(variants: Variants) -> list[str]:
    """Normalised seed cases: a sample of real scam wording, used only to pick, for each
    pattern, its rarest mandatory literal as the prefilter trigger (speed, not results)."""
    from mamori.document import normalize

    try:
        raw = (resources.files("mamori") / "data" / "seed_cases.jsonl").read_text(encoding="utf-8")
    except OSError:
        return []
    texts = []
    for line in raw.splitlines():
        if line.strip():
            try:
                texts.append(normalize(json.loads(line)["text"], variants))
            except (ValueError, KeyError, TypeError):
                continue
    return texts


@functools.cache
def default_ruleset() -> RuleSet:
    """The built-in packs, loaded once per process."""
    return load_packs()
