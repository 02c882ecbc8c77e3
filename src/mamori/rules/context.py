"""Context around a pattern match: negation, prohibition and warning quotation.

"職員がお金を要求することは一切ありません" names a tactic only to deny it; "「マイナンバーが漏れている」
などという電話は詐欺です" quotes a scam line to warn about it. Neither is the tactic itself. A
match followed, within its clause, by such a negation or warning is not evidence.

Three windows are used after the match:

- a short one (10 characters) for plain negations ("教えないでください", "手数料は無料です");
- a longer one (45 characters) for the official denial "〜たり、〜たりすることは一切ありません"
  and for protective prohibitions ("絶対に払わないでください"), which close long enumerations;
- a warning one (40 characters) for quotations and reports of scams ("という電話は詐欺です",
  "〜を聞き出す電話が相次いでいます").

>>> negated("お金を要求することは一切ありません", 0, 5)
True
>>> negated("お金を要求します", 0, 5)
False
>>> negated("金を隠し財産にしませんか", 0, 6)
False
>>> negated("「あなたの番号が漏れている」などという電話は詐欺です", 1, 12)
True
>>> negated("暗証番号をお尋ねしたり、ご自宅にカードを受け取りに伺ったりすることはありません", 0, 8)
True
>>> negated("更新手数料は無料です", 0, 6)
True
>>> negated("暗証番号を聞き出す電話が相次いでいます", 0, 6)
True
>>> negated("暗証番号を教えてください。誰にも言わないでください", 0, 8)
False
>>> negated("マイナポイントの申込や付与は行っていません", 0, 12)
True
>>> negated("● ATMの操作をお願いすること\\n \\nは、一切ありません。", 2, 8)
True
"""

from __future__ import annotations

import re

__all__ = ["negated", "quoted_spans"]

_CLAUSE = r"[^。!?\n]"

_NEGATION = re.compile(
    _CLAUSE
    + r"{0,10}?(?:"
    r"(?:こと|事)(?:は|も|が|など)?(?:一切|絶対に?|決して|まず|けっして)?(?:あり(?:ません|えません|得ません)(?!か)|ございません|ない(?!か)|なく|しません|いたしません)"
    r"|(?:は|も)(?:いけ|なり)ません"
    r"|てはいけない|ちゃだめ|ちゃダメ|てはダメ"
    r"|(?<!し)ないで|ないよう|ぬよう|ないこと|ないでください"
    r"|(?:し|いたし|致し|求め|要求し|聞き|伺い|お願いし|尋ね|お尋ねし|連絡し|訪問し|請求し|送り|送信し|行い|おこない)ません(?!か|と|でしょうか)"
    r"|(?:行って|おこなって|実施して|受け付けて|受付して|して)(?:い|おり)ません(?!か)"
    r"|(?:は|も)(?:すでに|既に)?終了(?:しました|しています|いたしました|しております)"
    r"|(?:は|も)?(?:一切)?(?:無料(?!で[^す])|不要|かかりません|いただきません|いりません|必要ありません|頂きません)"
    r"|(?:お|ご)?(?:やめ|控え|止め)(?:て)?(?:ください|下さい)"
    r"|あり(?:えません|得ません)"
    r")"
)

# Official denials close enumerations ("暗証番号を聞いたり、手数料を求めたりすることはありません")
# and protective prohibitions ("絶対に払わないでください") may come well after the match.
_NEGATION_LONG = re.compile(
    _CLAUSE
    + r"{0,45}?(?:"
    r"(?:こと|事|ような事|ようなこと)(?:は|も)(?:一切|絶対に?|決して|まず|けっして)?(?:あり(?:ません|えません|得ません)(?!か)|ございません|ない(?![かとでの]))"
    r"|(?:絶対に|決して|けっして)(?:[^。!?\n]{0,6}?)(?:払わ|支払わ|応じ|振り込ま|渡さ|従わ|開か|返信し|入力し|アクセスし|クリックし|タップし)ないで"
    r"|終了(?:しました|しています|いたしました|しております|済み)"
    r")"
)

_WARNING = re.compile(
    r"[^。\n]{0,40}?(?:"
    r"(?:は|も)(?:全て|すべて|全部|典型的な)?(?:詐欺|サギ|さぎ)(?:です|の|だ|と|に|!)"
    r"|(?:詐欺|サギ|さぎ)(?:です|の(?:手口|可能性|電話|メール|典型))"
    r"|(?:など|等)?(?:という|といった|との)(?:不審な|うその|嘘の|偽の|ニセの)"
    r"|にご?注意(?:ください|下さい|を)"
    r"|に(?:は)?(?:絶対に|決して)?(?:応じ|答え|回答し|返信し)ないで"
    r"|に(?:だ|騙)まされないで"
    r"|フィッシング(?:の可能性|詐欺です|です|サイトです)|(?:詐欺|フィッシング)の(?:可能性が(?:あり|高))"
    r"|(?:電話|メール|sms|手口|事案|事件|被害|詐欺|相談|ケース|事例)(?:が|も)(?:県内|市内|区内|管内|各地|全国)?(?:で)?(?:発生|相次|多発|増え|急増|続い|寄せられ)"
    r"|(?:者|人|電話|メール|sms|事案|ケース|業者)が(?:いる(?:と|ようです|との|そう)|います|いるそう|あります|出ています|出回って|相次|多発|発生|増え|確認され)"
    r")"
)

# Reports and warnings that close a long quoted example ("「…」「…」などと言われ、現金をだまし取られる
# 被害が相次いでいる", "「…」などとしてURLに誘導するメールは、フィッシングの可能性があります").
_WARNING_FAR = re.compile(
    r"[^。\n]{0,90}?(?:"
    r"(?:という|といった|などの|などという|などと)(?:[^。\n]{0,30}?)(?:電話|メール|sms|連絡|話|手口)(?:は|も)(?:全て|すべて)?(?:詐欺|サギ)"
    r"|フィッシング(?:の可能性|詐欺です)"
    r"|(?:被害|相談|電話|事件|事案)が(?:県内|市内|区内|管内|各地|全国)?(?:で)?(?:相次|多発|急増|続発|寄せられ|発生して)"
    r"|(?:者|人)が(?:いる|います)(?:と|との|そう|よう)"
    r")"
)


# A bulleted list of denied acts closed by one denial: "● ATMの操作をお願いすること\n\nは、一切ありません。"
_NEGATION_LIST = re.compile(
    r"[^。\n]{0,20}?(?:こと|事)[ \t\u3000●・]*\n[^。]{0,200}?(?:は|も)、?[ \t\u3000]*(?:一切|絶対に|決して)?"
    r"(?:ありません|ございません|ありえません|あり得ません)"
)


# Every negation or warning above contains one of these; most matches have none nearby.
_TRIGGER = re.compile(
    r"ません|ない|なく|だめ|ダメ|ぬよう|終了|無料|不要|やめ|控え|止め|詐欺|サギ|さぎ|注意|不審|うそ|嘘|偽|ニセ"
    r"|フィッシング|発生|相次|多発|増え|急増|続い|続発|寄せられ|がい|があります|が出|確認され"
)


def negated(text: str, start: int, end: int) -> bool:
    """Whether the match ``text[start:end]`` is denied or quoted as a warning in its clause."""
    if not _TRIGGER.search(text, end, end + 240):
        return False
    return bool(
        _NEGATION.match(text, end)
        or _NEGATION_LONG.match(text, end)
        or _WARNING.match(text, end)
        or _WARNING_FAR.match(text, end)
        or _NEGATION_LIST.match(text, end)
    )


_QUOTE = re.compile(r"[「『\"]([^「」『』\"]{1,400})[」』\"]")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of text inside Japanese quotes 「」『』 (bounded length).

    >>> quoted_spans("彼は「マイナンバーを教えて」と言った")
    [(3, 13)]
    >>> quoted_spans("「【重要】\\n下記URLよりログインしてください」というメール")
    [(1, 23)]
    """
    return [(m.start(1), m.end(1)) for m in _QUOTE.finditer(text)]
