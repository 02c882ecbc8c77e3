"""Checks on who speaks: several organisations claimed in one story (劇場型, multi_actor)."""

from __future__ import annotations

import re

from mamori.checks import CheckContext, CheckHit, register

# Organisation families: a claim of 市役所 and one of 区役所 is one family, 市役所 and 警察 two.
_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("police", ("警察", "県警", "府警", "道警", "警視庁", "刑事", "捜査")),
    ("municipal", ("役所", "役場", "市職員", "市の職員", "区の職員", "町の職員", "市民課", "住民課", "年金課", "福祉課", "市から", "区から")),
    ("post", ("郵便",)),
    ("national", ("総務省", "デジタル庁", "厚生労働省", "厚労省", "国税庁", "税務署", "財務省", "内閣府", "法務省", "金融庁", "政府", "国の機関")),
    ("jlis", ("地方公共団体情報システム機構", "j-lis", "jlis", "ジェイリス")),
    ("consumer", ("生活センター", "消費者センター")),
    ("legal", ("検察", "裁判所", "弁護士", "司法書士")),
    ("pension", ("年金事務所", "年金機構", "社会保険", "健康保険組合", "協会けんぽ")),
    ("mynumber_office", ("マイナンバー事務局", "マイナンバー管理", "マイナポイント事務局", "マイナンバーセンター", "マイナンバー総合窓口",
                         "マイナンバーカード事務局", "マイナンバーカード総合窓口", "生活管理センター", "国民消費生活組合")),
)
# Self-identification only: "区役所の者です", "警察官を名のる男". "警察から連絡があった" is
# ordinary news, not a claim.
_CLAIM_AFTER = re.compile(
    r"(?:[^、。や・と\n]{0,3}?)(?:の者|のもの|の職員|の担当|の係|を名の|を名乗|と名の|と名乗|を装|です|と申します|から来|より参|"
    r"から参|に代わ)"
)


_FAMILY_JA = {
    "police": "警察", "municipal": "役所", "post": "郵便局", "national": "国の機関", "jlis": "J-LIS",
    "consumer": "消費生活センター", "legal": "弁護士・検察・裁判所", "pension": "年金・保険の機関",
    "mynumber_office": "マイナンバーの「事務局」等",
}


def _family(term: str) -> str | None:
    for name, keys in _FAMILIES:
        if any(k in term for k in keys):
            return name
    return None


@register("identities.several_claimed.v1")
def several_identities(ctx: CheckContext) -> list[CheckHit]:
    """Two or more different organisations are claimed (役所 and then 警察 or 弁護士 …)."""
    terms = ctx.terms.get("AUTHORITY", ())
    if not terms:
        return []
    text = ctx.doc.text
    first: dict[str, tuple[int, int]] = {}
    pattern = _authority_pattern(terms)
    for m in pattern.finditer(text):
        if not _CLAIM_AFTER.match(text, m.end()):
            continue
        fam = _family(m.group())
        if fam and fam not in first:
            first[fam] = ctx.doc.original_span(m.start(), m.end())
    if len(first) < 2:
        return []
    names = "、".join(_FAMILY_JA[f] for f in sorted(first, key=lambda f: first[f]))
    return [CheckHit(s, e, f"複数の組織を名のる人物が登場します({names})") for s, e in sorted(first.values())]


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _authority_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    pat = _PATTERNS.get(terms)
    if pat is None:
        pat = re.compile("|".join(re.escape(t) for t in terms))
        _PATTERNS[terms] = pat
    return pat
