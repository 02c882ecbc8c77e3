"""Batch scan benchmarks: ``mamori scan`` with 1 and 2 workers, Spark local[2], a naive baseline.

- Data: ``N`` generated messages (200,000 by default; ``MAMORI_BENCH_SCAN_N`` changes it), about
  10 % fraud (corpus and seed fraud texts with variations: names, amounts, phone numbers, dates,
  full-width digits, greetings) and 90 % everyday filler (short chats, deliveries, meetings,
  and the legitimate look-alikes of the corpus), written as JSON lines.
- Scan: end to end through the real command, as an operator runs it:
  ``python -m mamori scan IN -o OUT.jsonl -j N`` in a subprocess, timed wall-clock from start
  (interpreter, imports, pool start) to exit; msgs/s = N / seconds. ``-j 1`` and ``-j 2`` run
  alternately ``REPEATS`` times (2; ``MAMORI_BENCH_SCAN_REPEATS``) and the best of each counts,
  since other jobs on a shared machine can only slow a run down. Peak RSS and CPU time per
  process come from the command's own summary (``getrusage`` in the parent, and in each worker).
  ``scan_j2_over_j1_cpu_estimate`` is the ratio two idle cores would give, from CPU seconds:
  one process's CPU over half of the parent's and workers' CPU. ``machine_2proc_cpu_scaling``
  is the same ratio for a bare CPU loop in two processes, measured right after: the ceiling this
  machine allows at that moment (on a shared virtual machine it is well below 2).
- Spark: an in-process SparkSession on local[2]; JSON lines read, :func:`mamori.spark.analyze_dataframe`,
  Parquet written; timed after a warm-up job (the JVM and the Python workers are already up).
- Naive baseline: what a plain-Python scanner would do with the same packs: normalise the text,
  then for every rule, for every pattern, ``re.search`` — no literal prefilter, no shortcuts.
  It and ``Analyzer.analyze`` (which also scores, explains and masks) run in this process on
  the same sample of ``NAIVE_SAMPLE`` messages, in alternating slices timed in CPU seconds; the
  ratio is mamori's rate over the baseline's.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CORPUS, SHARED

N = int(os.environ.get("MAMORI_BENCH_SCAN_N", "200000"))
REPEATS = int(os.environ.get("MAMORI_BENCH_SCAN_REPEATS", "2"))
NAIVE_SAMPLE = 20_000
FRAUD_SHARE = 0.10

_NAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
_PLACES = ["駅前のカフェ", "会社の会議室", "市民センター", "図書館", "いつものお店", "公園の入口"]
_FOODS = ["カレー", "焼き魚", "鍋", "パスタ", "お寿司", "唐揚げ"]
_SHOPS = ["青葉書店", "みどり生花店", "さくら電器", "ひかり薬局", "オンラインショップ"]
_FILLER = [
    "{n}さん、{h}時に{p}で待ち合わせしましょう。",
    "今日の夕飯は{f}にするね。帰りに牛乳を買ってきてください。",
    "{s}です。ご注文の商品を{m}月{d}日に発送しました。到着まで今しばらくお待ちください。",
    "会議資料を共有します。{m}月{d}日までに確認をお願いします。",
    "明日の会議は{h}時からです。場所は{p}に変更になりました。",
    "{n}です。先日はありがとうございました。またご一緒できるのを楽しみにしています。",
    "お疲れさまです。{h}時の電車に乗りました。{p}には少し遅れて着きます。",
    "【{s}】ポイントカードの会員情報を更新しました。ご来店ありがとうございます。",
    "子どもの運動会は{m}月{d}日です。お弁当は{f}がいいな。",
    "{n}さんの誕生日会、{p}で{h}時からです。プレゼントは各自でお願いします。",
]


def _vary(text: str, rng: random.Random) -> str:
    """A fraud text reworded a little: a name, other numbers, full-width digits, a greeting."""
    if rng.random() < 0.5:
        text = text.translate(str.maketrans("0123456789", "".join(rng.sample("0123456789", 10))))
    if rng.random() < 0.3:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if rng.random() < 0.5:
        text = f"{rng.choice(_NAMES)}様\n" + text
    if rng.random() < 0.3:
        text += rng.choice(["", "\nよろしくお願いいたします。", "\n至急ご対応ください。", "\n以上です。"])
    return text


def _filler(rng: random.Random) -> str:
    return rng.choice(_FILLER).format(
        n=rng.choice(_NAMES),
        h=rng.randint(7, 21),
        p=rng.choice(_PLACES),
        f=rng.choice(_FOODS),
        s=rng.choice(_SHOPS),
        m=rng.randint(1, 12),
        d=rng.randint(1, 28),
    )


def _texts(path: Path, label: str | None = None) -> list[dict]:
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if label is None or r.get("label", label) == label]


def generate(path: Path, n: int, seed: int = 6) -> int:
    """Write ``n`` messages to ``path`` as JSON lines; return how many are fraud."""
    rng = random.Random(seed)
    fraud = _texts(CORPUS / "fraud.jsonl") + _texts(SHARED / "data" / "seed_cases.jsonl", "fraud")
    legit = _texts(CORPUS / "legit.jsonl")
    n_fraud = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            r = rng.random()
            if r < FRAUD_SHARE:
                src = rng.choice(fraud)
                rec = {"id": i, "text": _vary(src["text"], rng), "channel": src.get("channel", "unknown")}
                n_fraud += 1
            elif r < FRAUD_SHARE + 0.05:
                src = rng.choice(legit)
                rec = {"id": i, "text": src["text"], "channel": src.get("channel", "unknown")}
            else:
                rec = {"id": i, "text": _filler(rng), "channel": rng.choice(["sms", "email", "sns"])}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return n_fraud


def scan(path: Path, out: Path, jobs: int) -> tuple[float, dict]:
    """Run the real command; return (seconds, its summary line)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mamori", "scan", str(path), "-o", str(out), "-j", str(jobs)],
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 65):
        raise RuntimeError(proc.stderr.decode()[-2000:])
    return seconds, json.loads(proc.stderr.decode().strip().splitlines()[-1])


def spark_throughput(path: Path, workdir: Path, n: int) -> float | None:
    """msgs/s of analyze_dataframe on local[2], read and write included; None without PySpark or Java."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return None
    try:
        from pyspark.sql import SparkSession
    except ModuleNotFoundError:
        return None
    from mamori.spark import analyze_dataframe

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("mamori-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.files.maxPartitionBytes", str(4 << 20))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        warm = workdir / "warm.jsonl"
        with path.open(encoding="utf-8") as src, warm.open("w", encoding="utf-8") as dst:
            for _, line in zip(range(2000), src, strict=False):
                dst.write(line)
        analyze_dataframe(spark.read.json(str(warm)).repartition(2)).write.mode("overwrite").parquet(
            str(workdir / "warm.parquet")
        )
        t0 = time.perf_counter()
        df = spark.read.schema("id long, text string, channel string").json(str(path))
        analyze_dataframe(df, channel_col="channel").write.mode("overwrite").parquet(
            str(workdir / "spark.parquet")
        )
        return n / (time.perf_counter() - t0)
    finally:
        spark.stop()


def naive_vs_mamori(path: Path, sample: int) -> tuple[float, float]:
    """(naive msgs/s, mamori msgs/s) on the first ``sample`` messages, in this process."""
    import re

    from mamori import Analyzer, Message
    from mamori.document import Document
    from mamori.message import parse_channel

    analyzer = Analyzer()
    rules = analyzer.rules
    patterns: list[re.Pattern[str]] = [p for rule in rules.rules for p in rule.patterns]
    messages = []
    with path.open(encoding="utf-8") as fh:
        for _, line in zip(range(sample), fh, strict=False):
            rec = json.loads(line)
            messages.append(Message(rec["text"], parse_channel(rec["channel"])))
    for m in messages[:500]:  # warm both
        analyzer.analyze(m)

    def naive(message: Message) -> int:
        text = Document.build(message.text, rules.variants).text
        return sum(1 for p in patterns if p.search(text))

    # CPU time of this process, in interleaved slices: other jobs on the machine change neither.
    naive_s = mamori_s = 0.0
    for start in range(0, len(messages), 1000):
        part = messages[start : start + 1000]
        t0 = time.process_time()
        for m in part:
            naive(m)
        t1 = time.process_time()
        for m in part:
            analyzer.analyze(m)
        naive_s, mamori_s = naive_s + t1 - t0, mamori_s + time.process_time() - t1
    return len(messages) / naive_s, len(messages) / mamori_s


def _burn(n: int) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i % 7
    return time.perf_counter() - t0


def machine_scaling(n: int = 15_000_000, rounds: int = 3) -> float:
    """How much faster two processes do a pure-Python CPU loop than one, on this machine now:
    the ceiling for ``scan_j2_over_j1`` (shared or busy cores lower it)."""
    import multiprocessing

    solo, pair = [], []
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [1000, 1000])
        for _ in range(rounds):
            solo.append(_burn(n))
            pair.append(max(pool.map(_burn, [n, n])))
    return 2 * min(solo) / min(pair)


def run() -> dict:
    if hasattr(os, "sched_setaffinity"):  # bench_core pins this process to one core; undo it
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    workdir = Path(tempfile.mkdtemp(prefix="mamori-bench-scan-"))
    try:
        data = workdir / "messages.jsonl"
        n_fraud = generate(data, N)
        load_before = os.getloadavg()[0]
        runs: dict[int, list[tuple[float, dict]]] = {1: [], 2: []}
        for _ in range(REPEATS):  # alternate, keep the best: other jobs on the machine only slow a run
            for jobs in (1, 2):
                runs[jobs].append(scan(data, workdir / f"j{jobs}.jsonl", jobs))
        (t1, s1), (t2, s2) = min(runs[1], key=lambda r: r[0]), min(runs[2], key=lambda r: r[0])
        ceiling = machine_scaling()
        same = (workdir / "j1.jsonl").read_bytes() == (workdir / "j2.jsonl").read_bytes()
        # CPU seconds do not depend on other jobs: the whole scan's CPU with one process, and with
        # two workers (parent + workers); on two otherwise idle cores the wall-clock ratio is about
        # cpu1 / (cpu2 / 2).
        cpu1 = s1["run"]["parent_cpu_s"]
        cpu2 = s2["run"]["parent_cpu_s"] + s2["run"]["workers_cpu_s"]
        spark_rate = spark_throughput(data, workdir, N)
        naive_rate, mamori_rate = naive_vs_mamori(data, min(NAIVE_SAMPLE, N))
        result = {
            "messages": N,
            "fraud_share": round(n_fraud / N, 3),
            "cpus": os.cpu_count(),
            "load_avg_at_start": round(load_before, 2),
            "scan_j1_msgs_per_s": round(N / t1),
            "scan_j2_msgs_per_s": round(N / t2),
            "scan_j2_over_j1": round(t1 / t2, 2),
            "machine_2proc_cpu_scaling": round(ceiling, 2),
            "scan_j2_over_j1_cpu_estimate": round(cpu1 / (cpu2 / 2), 2),
            "scan_j2_cpu_overhead": round(cpu2 / cpu1, 3),
            "scan_j1_j2_outputs_identical": "yes" if same else "NO",
            "spark_local2_msgs_per_s": round(spark_rate) if spark_rate else "no Spark",
            "naive_baseline_msgs_per_s": round(naive_rate),
            "mamori_in_process_msgs_per_s": round(mamori_rate),
            "mamori_over_naive": round(mamori_rate / naive_rate, 2),
            "peak_rss_mb_j1": s1["run"]["peak_rss_mb"]["main"],
            "peak_rss_mb_j2_parent": s2["run"]["peak_rss_mb"]["main"],
            "peak_rss_mb_j2_worker": s2["run"]["peak_rss_mb"].get("worker_max", 0.0),
            "scan_j2_parent_cpu_s": s2["run"]["parent_cpu_s"],
            "verdicts": s2["summary"]["verdicts"],
        }
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


TARGETS = {
    "scan_j2_over_j1": ("≥ 1.8", lambda v: v >= 1.8),
    "scan_j1_j2_outputs_identical": ("yes", lambda v: v == "yes"),
    "peak_rss_mb_j2_worker": ("≤ 150 MB", lambda v: v <= 150),
    "peak_rss_mb_j1": ("≤ 150 MB", lambda v: v <= 150),
    "mamori_over_naive": ("> 1", lambda v: v > 1),
}


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
