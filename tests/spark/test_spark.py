"""Spark: ``analyze_dataframe`` and ``spark-submit`` give, row for row, what ``mamori scan`` gives.

PySpark runs in local mode (local[2]) on the machine's Java 17. Where Java or PySpark is missing
these tests are skipped — except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, run_cli

pytestmark = pytest.mark.spark


def _missing() -> list[str]:
    missing = []
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing.append("Java (install openjdk-17-jre-headless)")
    try:
        import pyspark  # noqa: F401
    except ModuleNotFoundError:
        missing.append("PySpark (pip install 'mamori[spark]')")
    return missing


@pytest.fixture(scope="module")
def spark():
    missing = _missing()
    if missing:
        message = "Spark tests need " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("mamori-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory) -> Path:
    """About 300 rows: every fraud and legit corpus message, on its own channel and on none."""
    rows = []
    for name in ("fraud.jsonl", "legit.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                rows.append({"id": r["id"], "text": r["text"], "channel": r.get("channel", "unknown")})
                rows.append({"id": r["id"] + "/unknown", "text": r["text"], "channel": "unknown"})
    f = tmp_path_factory.mktemp("spark") / "corpus.jsonl"
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return f


@pytest.fixture(scope="module")
def scanned(corpus_file: Path) -> dict[str, dict]:
    proc = run_cli("scan", str(corpus_file), "-j", "1")
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return {r["id"]: r for r in map(json.loads, proc.stdout.decode().splitlines())}


def _assert_same(row: dict, rec: dict) -> None:
    assert row["error"] is None, row["error"]
    assert row["verdict"] == rec["verdict"]
    assert row["score"] == rec["score"]
    assert row["tactics"] == rec["tactics"]
    assert json.loads(row["signals"]) == rec["signals"]
    assert row["caution_points"] == [c["id"] for c in rec["caution_points"]]
    assert row["rules_version"] == rec["rules_version"]


def test_analyze_dataframe_matches_scan_row_by_row(spark, corpus_file: Path, scanned: dict) -> None:
    from mamori.spark import analyze_dataframe

    df = spark.read.json(str(corpus_file)).repartition(4)
    out = analyze_dataframe(df, text_col="text", channel_col="channel", id_col="id")
    assert (
        out.schema["mamori"]
        .dataType.simpleString()
        .startswith("struct<verdict:string,score:int,tactics:array")
    )
    rows = out.select("id", "mamori").collect()
    assert len(rows) == len(scanned) >= 300
    for row in rows:
        _assert_same(row["mamori"].asDict(), scanned[row["id"]])


def test_bad_rows_get_error_fields_not_a_failed_job(spark) -> None:
    from mamori.errors import InputError
    from mamori.spark import analyze_dataframe

    df = spark.createDataFrame(
        [
            ("a", None, None),
            ("b", "  ", "sms"),
            ("c", "市役所の者です", "fax"),
            ("d", "マイナンバーの手続きに手数料が必要です", "sms"),
        ],
        "id string, body string, via string",
    )
    got = {r["id"]: r["mamori"] for r in analyze_dataframe(df, "body", "via").collect()}
    assert got["a"]["error_type"] == "EmptyInputError" and got["a"]["verdict"] is None
    assert got["b"]["error_type"] == "EmptyInputError"
    assert got["c"]["error_type"] == "ChannelError"
    assert got["d"]["error"] is None and got["d"]["verdict"] in ("caution", "danger")
    with pytest.raises(InputError, match="no column 'text'"):
        analyze_dataframe(df)


def test_spark_submit_writes_parquet_like_scan(
    spark, corpus_file: Path, scanned: dict, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq
    import pyspark

    source = tmp_path / "in.jsonl"
    source.write_bytes(corpus_file.read_bytes() + b"{broken\n")
    driver = tmp_path / "driver.py"
    driver.write_text("from mamori.spark import spark_main\n\nspark_main()\n")
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            str(submit),
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--driver-memory",
            "1g",
            str(driver),
            str(source),
            str(out),
            "--format",
            "parquet",
            "--channel-column",
            "channel",
        ],
        capture_output=True,
        env=env,
        timeout=240,
    )
    err = proc.stderr.decode() + proc.stdout.decode()  # spark-submit sends Python's stderr to its stdout
    assert proc.returncode == 65, err[-3000:]  # the broken line is an error row
    line = [line for line in err.splitlines() if '{"summary"' in line][-1]
    summary = json.loads(line[line.index('{"summary"') :])["summary"]
    assert summary["total"] == len(scanned) + 1 and summary["errors"] == 1
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == len(scanned) + 1
    for row in rows:
        if row["id"] is None:
            assert row["mamori"]["error_type"] == "RecordError"
            continue
        _assert_same(row["mamori"], scanned[row["id"]])
