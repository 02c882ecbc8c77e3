"""Japanese words the pages use for channels, tactics and verdicts (plain words for everyone)."""

from __future__ import annotations

from mamori.report import Verdict

__all__ = [
    "CHANNEL_LABELS",
    "JUDGEMENT_LABELS",
    "STATUS_LABELS",
    "TACTIC_LABELS",
    "VERDICT_SHORT",
    "VERDICT_TEXT",
    "channel_label",
    "tactic_label",
]

#: Channels in the order the public form offers them.
CHANNEL_LABELS: dict[str, str] = {
    "phone": "電話",
    "visit": "家に来た人・会った人",
    "sms": "ショートメッセージ(SMS)",
    "email": "メール",
    "letter": "手紙・はがき",
    "sns": "LINE・SNS",
    "web": "ホームページ",
    "unknown": "わからない・その他",
}

TACTIC_LABELS: dict[str, str] = {
    "impersonation": "役所・警察などを名のる",
    "money_demand": "お金を求める",
    "card_collection": "カード・通帳・印鑑を預かる",
    "atm_operation": "ATMの操作をさせる",
    "sensitive_info_request": "番号・暗証番号・資産などを聞く",
    "threat": "不安をあおる・おどす",
    "proxy_service": "手続きの代行をもちかける",
    "data_deletion_offer": "情報の削除をもちかける",
    "phishing_link": "にせのサイトへ誘う",
    "investment_lure": "投資・金(きん)の勧誘",
    "refund_lure": "還付金・給付金・ポイント",
    "unpaid_bill": "未納・未払いの請求",
    "multi_actor": "複数の人物が登場する(劇場型)",
    "urgency": "急がせる",
    "remote_contact_shift": "別の連絡先・場所へ誘う",
}

#: Headline and explanation per verdict; never "safe".
VERDICT_TEXT: dict[Verdict, tuple[str, str]] = {
    Verdict.DANGER: (
        "危険です。詐欺の手口がはっきり表れています。",
        "相手の言うとおりにしないでください。お金やカード、番号を渡したり教えたりしないでください。",
    ),
    Verdict.CAUTION: (
        "注意してください。詐欺の疑いがあるサインがあります。",
        "すぐに応じず、家族や相談窓口に確かめてください。",
    ),
    Verdict.NO_SIGNAL: (
        "知られている詐欺の手口は見つかりませんでした。",
        "ただし、安全だという意味ではありません。少しでもおかしいと思ったら相談してください。",
    ),
}


def tactic_label(tactic: str) -> str:
    """The Japanese label of a tactic (the tactic name itself if unknown)."""
    return TACTIC_LABELS.get(tactic, tactic)


def channel_label(channel: str) -> str:
    """The Japanese label of a channel (the name itself if unknown)."""
    return CHANNEL_LABELS.get(channel, channel)

STATUS_LABELS: dict[str, str] = {"open": "受付", "in_progress": "対応中", "closed": "対応済み"}
JUDGEMENT_LABELS: dict[str, str] = {"fraud": "詐欺", "legit": "詐欺ではない"}
VERDICT_SHORT: dict[str, str] = {"danger": "危険", "caution": "注意", "no_signal": "手口なし"}
