"""Core analyzer benchmarks: throughput, latency, growth with size, cold start, memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from common import corpus_texts, median, percentile

from mamori import Analyzer

# Everyday messages of the kind that make up most of an operator's stream (written for this
# benchmark); mixed 9:1 with corpus messages for the "operator mix" throughput.
EVERYDAY = [
    "明日の打ち合わせは10時からに変更になりました。よろしくお願いします。",
    "お荷物をお届けにあがりましたが、ご不在でした。再配達はドライバーまでご連絡ください。",
    "今日の夕飯はカレーでいい?帰りに牛乳買ってきてね",
    "【歯科医院】明日14:30のご予約をお待ちしております。変更はお電話でお願いします。",
    "会議資料を共有フォルダに置きました。ご確認ください。",
    "ポイントが500pt貯まりました。次回のお買い物でご利用いただけます。",
    "週末のサッカーの試合は雨天中止です。振替日は追ってお知らせします。",
    "ご注文の商品を本日発送しました。到着まで2〜3日かかります。",
    "駅前に着いたよ。改札の外で待ってるね",
    "今月の電気ご使用量は320kWhでした。詳しくは会員ページをご覧ください。",
    "先日はありがとうございました。写真を送りますね。",
    "保育園からのお知らせ:明日は遠足のため、お弁当と水筒をご用意ください。",
    "認証コードは 482913 です。このコードを他人に教えないでください。",
    "図書館の本の返却期限が近づいています。",
    "17時の新幹線に乗りました。19時ごろ着きます。",
    "定期点検のお知らせ:来週火曜日にエレベーターの点検を行います。",
    "お誕生日おめでとう!素敵な一年になりますように",
    "クリーニングの仕上がりは金曜日です。",
    "町内会の清掃活動は日曜日の朝8時からです。軍手をご持参ください。",
    "雨が強くなってきたので、迎えに行こうか?",
]


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def throughput(analyzer: Analyzer, texts: list[str], seconds: float = 3.0) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for t in texts:
            analyzer.analyze(t)
        n += len(texts)
    return n / (time.perf_counter() - start)


def latency(analyzer: Analyzer, texts: list[str], rounds: int = 20) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        for t in texts:
            t0 = time.perf_counter()
            analyzer.analyze(t)
            samples.append(time.perf_counter() - t0)
    return percentile(samples, 50) * 1e3, percentile(samples, 99) * 1e3


def time_once(analyzer: Analyzer, text: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        analyzer.analyze(text)
        best = min(best, time.perf_counter() - t0)
    return best


def cold_start(runs: int = 5) -> float:
    cmd = [sys.executable, "-m", "mamori", "check", "--json", "市役所の者です。マイナンバーの手続きに手数料が必要です。"]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return median(times)


def peak_rss_mb() -> float:
    code = (
        "import resource,sys; sys.path.insert(0, 'benchmarks');"
        "from common import corpus_texts; from mamori import Analyzer;"
        "a = Analyzer(); texts = corpus_texts();"
        "[a.analyze(t) for _ in range(20) for t in texts];"
        "a.analyze(''.join(texts) * 40);"
        "from mamori.batch import peak_rss_kb; print(peak_rss_kb())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def run() -> dict:
    _pin_one_core()
    analyzer = Analyzer()
    texts = corpus_texts()
    short = [t[:300] for t in texts]
    medium: list[str] = []
    buf = ""
    for t in texts * 3:
        if len(buf) + len(t) > 2000:
            medium.append(buf)
            buf = ""
        buf += t + "\n"
    medium = medium[:60]
    for t in short:  # warm caches and lazy tables
        analyzer.analyze(t)
    big_unit = "\n".join(texts)
    text_100k = (big_unit * (100_000 // len(big_unit) + 1))[:100_000]
    text_1m = (big_unit * (1_000_000 // len(big_unit) + 1))[:1_000_000]
    t100k = time_once(analyzer, text_100k)
    t1m = time_once(analyzer, text_1m)
    p50, p99 = latency(analyzer, medium)
    mix = [m for i, t in enumerate(short) for m in [t, *(EVERYDAY[(i * 9 + k) % len(EVERYDAY)] for k in range(9))]]
    result = {
        "short_msgs_per_s": round(throughput(analyzer, short)),
        "operator_mix_msgs_per_s": round(throughput(analyzer, mix)),
        "short_texts": len(short),
        "latency_2000_p50_ms": round(p50, 3),
        "latency_2000_p99_ms": round(p99, 3),
        "time_100kb_s": round(t100k, 4),
        "time_1mb_s": round(t1m, 4),
        "growth_ratio_10x": round(t1m / t100k, 2),
        "cli_cold_start_s": round(cold_start(), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    return result


TARGETS = {
    "short_msgs_per_s": ("≥ 20,000", lambda v: v >= 20_000),
    "latency_2000_p99_ms": ("≤ 2 ms", lambda v: v <= 2),
    "growth_ratio_10x": ("≤ 12", lambda v: v <= 12),
    "time_1mb_s": ("≤ 1 s", lambda v: v <= 1),
    "cli_cold_start_s": ("≤ 1 s", lambda v: v <= 1),
    "peak_rss_mb": ("≤ 150 MB", lambda v: v <= 150),
}
