"""The linear-time lint: every shipped pattern must run in time linear in the input.

Python's ``re`` backtracks, so a pattern is accepted only if the work at each start position
is bounded by a constant that does not depend on the input:

- no unbounded repetition (``*``, ``+``, ``{n,}``): every repeat has an explicit maximum of at
  most :data:`MAX_REPEAT`;
- a repeat of more than one is over a single character (``.{0,20}``, ``[^。]{0,30}``), never
  over a group, so no choice can be nested in a repeat;
- no nested repeats, no back-references, no conditional groups;
- lookarounds hold only bounded, repeat-free content;
- the product of all repeat bounds is at most :data:`MAX_BACKTRACK`.

With these rules a match attempt costs at most ``MAX_BACKTRACK × len(pattern)`` steps, so a
search over n characters is O(n). ``tests/test_rules_lint.py`` shows it on adversarial input.

>>> check_linear("{0}.{{0,10}}教えて".format("番号"))
>>> check_linear("(?:ab)+")
Traceback (most recent call last):
...
mamori.errors.UnsafePatternError: unbounded repetition ('*', '+' or '{n,}') in pattern '(?:ab)+'; give an explicit maximum such as {0,20}
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from mamori.errors import UnsafePatternError

__all__ = ["MAX_BACKTRACK", "MAX_REPEAT", "check_linear", "parse", "pattern_reach", "required_literal_sets", "required_literals"]

MAX_REPEAT = 60
MAX_BACKTRACK = 5000
_SINGLE = {c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY, c.CATEGORY}
_REPEATS = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}


def _fail(pattern: str, why: str) -> UnsafePatternError:
    shown = pattern if len(pattern) <= 80 else pattern[:77] + "..."
    hint = "; give an explicit maximum such as {0,20}" if why.startswith("unbounded") else ""
    return UnsafePatternError(f"{why} in pattern {shown!r}{hint}")


def _walk(items: Any, pattern: str, in_repeat: bool, in_look: bool) -> int:
    """Return the backtracking bound of ``items``; raise if unsafe."""
    bound = 1
    for op, av in items:
        if op in _REPEATS:
            lo, hi, body = av
            if hi == c.MAXREPEAT:
                raise _fail(pattern, "unbounded repetition ('*', '+' or '{n,}')")
            if hi > MAX_REPEAT:
                raise _fail(pattern, f"repeat maximum {hi} above {MAX_REPEAT}")
            if in_repeat:
                raise _fail(pattern, "nested repetition")
            if in_look and hi > 1:
                raise _fail(pattern, "repetition inside a lookaround")
            if hi > 1 and not (len(body) == 1 and body[0][0] in _SINGLE):
                raise _fail(pattern, "a repeat of more than one over a group; repeat single characters only")
            _walk(body, pattern, True, in_look)
            bound *= hi - lo + 1
        elif op is c.SUBPATTERN:
            bound *= _walk(av[-1], pattern, in_repeat, in_look)
        elif op is c.BRANCH:
            runs = [_literal_run(b) for b in av[1]]
            if all(r is not None for r in runs):
                # Literal alternatives: at one position only a chain of prefixes can match.
                bound *= _prefix_chain([r for r in runs if r is not None])
            else:
                bound *= sum(_walk(b, pattern, in_repeat, in_look) for b in av[1])
        elif op in (c.ASSERT, c.ASSERT_NOT):
            _walk(av[1], pattern, in_repeat, True)
        elif op in (c.GROUPREF, c.GROUPREF_EXISTS):
            raise _fail(pattern, "back-reference or conditional group")
        elif getattr(c, "ATOMIC_GROUP", None) is op:
            bound *= _walk(av, pattern, in_repeat, in_look)
    return bound


def _prefix_chain(words: list[str]) -> int:
    """Length of the longest chain of words each a prefix of the next (at least 1)."""
    best: dict[str, int] = {}
    for w in sorted(set(words), key=len):
        best[w] = 1 + max((best[p] for p in best if w.startswith(p)), default=0)
    return max(best.values(), default=1)


def parse(pattern: str) -> Any:
    """Parse a pattern once, for the functions below; a bad pattern is an UnsafePatternError."""
    try:
        return sre_parse.parse(pattern)
    except re.error as exc:
        raise _fail(pattern, f"regular expression does not compile ({exc})") from None


def _tree(pattern: str | Any) -> Any:
    return parse(pattern) if isinstance(pattern, str) else pattern


def check_linear(pattern: str, parsed: Any = None) -> None:
    """Raise :class:`UnsafePatternError` unless ``pattern`` passes the linear-time lint."""
    parsed = parsed if parsed is not None else parse(pattern)
    bound = _walk(parsed.data, pattern, False, False)
    if bound > MAX_BACKTRACK:
        raise _fail(pattern, f"backtracking bound {bound} above {MAX_BACKTRACK}; use fewer or shorter gaps")


def _literal_run(items: Any) -> str | None:
    out = []
    for op, av in items:
        if op is c.LITERAL:
            out.append(chr(av))
        elif op is c.SUBPATTERN:
            inner = _literal_run(av[-1])
            if inner is None:
                return None
            out.append(inner)
        else:
            return None
    return "".join(out)


def _alternatives(op: Any, av: Any) -> set[str] | None:
    if op is c.BRANCH:
        alts = set()
        for b in av[1]:
            run = _literal_run(b)
            if run is None:
                sub = _required_in(b)
                if sub is None:
                    return None
                alts |= sub
            else:
                alts.add(run)
        return alts
    if op is c.SUBPATTERN:
        return _required_in(av[-1])
    if op is c.IN and all(o is c.LITERAL for o, _ in av):
        return {chr(v) for _, v in av}
    return None


def _exact_alternatives(op: Any, av: Any) -> set[str] | None:
    """The strings an element matches, when it matches only a few fixed strings."""
    if op is c.IN and all(o is c.LITERAL for o, _ in av):
        return {chr(v) for _, v in av}
    if op is c.BRANCH:
        runs = [_literal_run(b) for b in av[1]]
        if all(r is not None for r in runs):
            return {r for r in runs if r is not None}
        return None
    if op is c.SUBPATTERN:
        inner = av[-1]
        if len(inner) == 1:
            return _exact_alternatives(*inner[0])
        run = _literal_run(inner)
        return {run} if run is not None else None
    return None


_MAX_PRODUCT = 64


def _mandatory_sets(items: Any) -> list[set[str]]:
    """Literal sets of the mandatory elements of ``items``: each must occur for a match.

    Adjacent fixed parts are joined, so ``(?:金を|金に)`` (which the parser splits into 金 and
    [をに]) still yields the two-character literals 金を and 金に.
    """
    candidates: list[set[str]] = []
    cur: set[str] = {""}

    def flush() -> None:
        nonlocal cur
        if cur != {""} and all(cur):
            candidates.append(cur)
        cur = {""}

    for op, av in items:
        if op is c.LITERAL:
            cur = {x + chr(av) for x in cur}
            continue
        exact = _exact_alternatives(op, av)
        if exact is not None and len(cur) * len(exact) <= _MAX_PRODUCT:
            cur = {x + a for x in cur for a in exact}
            continue
        flush()
        alts = _alternatives(op, av)
        if alts is not None:
            candidates.append(alts)
        elif op in _REPEATS and av[0] >= 1 and av[1] == 1:
            sub = _required_in(av[2])
            if sub is not None:
                candidates.append(sub)
    flush()
    return [s for s in candidates if s and all(s)]


def _required_in(items: Any) -> set[str] | None:
    """The best set of literals one of which must occur for ``items`` to match."""
    candidates = _mandatory_sets(items)
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(len(x) for x in s), -len(s)))


def _look_width(items: Any) -> int:
    widest = 0
    for op, av in items:
        if op in (c.ASSERT, c.ASSERT_NOT):
            widest = max(widest, av[1].getwidth()[1], _look_width(av[1].data))
        elif op is c.SUBPATTERN:
            widest = max(widest, _look_width(av[-1].data))
        elif op is c.BRANCH:
            widest = max([widest] + [_look_width(b.data) for b in av[1]])
        elif op in _REPEATS:
            widest = max(widest, _look_width(av[2].data))
    return widest


def pattern_reach(pattern: str | Any) -> tuple[int, int]:
    """``(width, margin)``: the widest match of ``pattern`` and the widest lookaround in it.

    >>> pattern_reach("番号.{0,10}(?:教えて|聞かせて)(?!ません)")
    (16, 3)
    """
    parsed = _tree(pattern)
    width = parsed.getwidth()[1]
    if width >= c.MAXREPEAT:
        raise UnsafePatternError("unbounded width in a pattern; give every repeat a maximum")
    return width, _look_width(parsed.data)


def required_literal_sets(pattern: str | Any) -> list[frozenset[str]]:
    """Every mandatory literal set of ``pattern`` whose words all have two characters or more.

    A text can match only if, for each set, one of its words occurs in it.

    >>> [sorted(s) for s in required_literal_sets("(?:市役所|警察)の者.{0,5}です")]
    [['市役所の者', '警察の者'], ['です']]
    """
    sets = _mandatory_sets(_tree(pattern).data)
    return [frozenset(s) for s in sets if min(len(x) for x in s) >= 2]


def required_literals(pattern: str | Any) -> frozenset[str] | None:
    """Literals one of which must occur in any text ``pattern`` matches, or None.

    Used as a prefilter: a pattern runs only when one of its literals is in the text.

    >>> sorted(required_literals("(?:市役所|警察)の者.{0,5}です"))
    ['市役所の者', '警察の者']
    >>> required_literals(".{0,3}") is None
    True
    """
    found = _required_in(_tree(pattern).data)
    if found is None or min(len(x) for x in found) < 2:
        return None
    return frozenset(found)
