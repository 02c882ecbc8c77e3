"""Apache Spark integration: the analyzer over a DataFrame column, and ``mamori spark-scan``.

:func:`analyze_dataframe` adds one struct column (``mamori`` by default) to a DataFrame with
``mapInPandas``; every Python worker builds its Analyzer once, on first use, and keeps it for
the batches and tasks it runs after (Spark reuses Python workers), so packs load once per
worker process, never per row or per batch. The struct::

    verdict        string           danger | caution | no_signal (null on error)
    score          int
    tactics        array<string>
    signals        string           the report's signals as JSON text (a list, as in `mamori scan`)
    caution_points array<string>    CP1, CP2, CP3
    rules_version  string
    error          string           why the row was not analysed (null text, empty, too large...)
    error_type     string           the MamoriError class name

PySpark is the ``spark`` extra and is imported only when these functions run. See docs/spark.md.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import Any

import click

from mamori.errors import MamoriError, MissingExtraError

__all__ = ["RESULT_FIELDS", "analyze_dataframe", "result_schema", "spark_main", "spark_scan_command"]

#: The fields of the result struct, in order, with their Spark SQL types.
RESULT_FIELDS = (
    ("verdict", "string"),
    ("score", "int"),
    ("tactics", "array<string>"),
    ("signals", "string"),
    ("caution_points", "array<string>"),
    ("rules_version", "string"),
    ("error", "string"),
    ("error_type", "string"),
)

_analyzer: Any = None
_CORRUPT = "_corrupt_record"  # where Spark's PERMISSIVE readers put a line they cannot parse


def _require_pyspark() -> Any:
    try:
        import pyspark.sql.types as types
    except ModuleNotFoundError:
        raise MissingExtraError("Spark integration", "spark") from None
    return types


def result_schema() -> Any:
    """The result struct as a ``pyspark.sql.types.StructType``."""
    types = _require_pyspark()
    simple = {
        "string": types.StringType(),
        "int": types.IntegerType(),
        "array<string>": types.ArrayType(types.StringType()),
    }
    return types.StructType([types.StructField(name, simple[kind]) for name, kind in RESULT_FIELDS])


def _worker_analyzer() -> Any:
    """The Analyzer of this Python process, built on first use."""
    global _analyzer
    if _analyzer is None:
        from mamori.analyzer import Analyzer

        _analyzer = Analyzer()
    return _analyzer


def analyze_text(text: Any, channel: Any = None, corrupt: Any = None) -> dict[str, Any]:
    """The result struct for one text, as a dict; a bad row gives ``error`` and ``error_type``.

    >>> analyze_text("市役所の者です。マイナンバーの手続きに手数料が必要です")["verdict"]
    'danger'
    >>> analyze_text(None)["error_type"]
    'EmptyInputError'
    """
    from mamori.errors import EmptyInputError, RecordError
    from mamori.message import Message, parse_channel
    from mamori.pii import redact

    try:
        if isinstance(corrupt, str):
            raise RecordError("malformed input record (Spark put it in _corrupt_record)")
        if text is None or (isinstance(text, float) and text != text):  # null, or pandas' NaN
            raise EmptyInputError("the text column is null")
        if not isinstance(text, str):
            raise EmptyInputError(f"the text column holds a {type(text).__name__}, not a string")
        chan = channel if isinstance(channel, str) and channel else None
        report = _worker_analyzer().analyze(Message(text, parse_channel(chan)))
    except MamoriError as exc:
        return {
            "verdict": None,
            "score": None,
            "tactics": None,
            "signals": None,
            "caution_points": None,
            "rules_version": None,
            "error": redact(str(exc)),
            "error_type": type(exc).__name__,
        }
    return {
        "verdict": report.verdict.value,
        "score": report.score,
        "tactics": list(report.tactics),
        "signals": json.dumps([s.to_dict() for s in report.signals], ensure_ascii=False),
        "caution_points": [c.id for c in report.caution_points],
        "rules_version": report.rules_version,
        "error": None,
        "error_type": None,
    }


def _analyze_batches(
    batches: Iterator[Any], text_col: str, channel_col: str | None, out_col: str
) -> Iterator[Any]:
    for pdf in batches:
        texts = pdf[text_col].tolist()
        channels = pdf[channel_col].tolist() if channel_col else [None] * len(texts)
        corrupt = pdf[_CORRUPT].tolist() if _CORRUPT in pdf.columns else [None] * len(texts)
        pdf[out_col] = [analyze_text(t, c, k) for t, c, k in zip(texts, channels, corrupt, strict=True)]
        yield pdf


def analyze_dataframe(
    df: Any,
    text_col: str = "text",
    channel_col: str | None = None,
    id_col: str | None = None,
    *,
    output_col: str = "mamori",
) -> Any:
    """Return ``df`` with a struct column ``output_col`` holding each row's result.

    Args:
        df: a Spark DataFrame.
        text_col: the column with the message text.
        channel_col: an optional column with the channel (email, sms, phone...); unknown if None.
        id_col: an optional id column; it must exist (rows keep all their columns anyway).
        output_col: the name of the added struct column.

    Raises:
        InputError: a named column is missing, or ``output_col`` already exists.
    """
    from mamori.errors import InputError

    types = _require_pyspark()
    for name, what in ((text_col, "text_col"), (channel_col, "channel_col"), (id_col, "id_col")):
        if name is not None and name not in df.columns:
            raise InputError(
                f"{what}: the DataFrame has no column {name!r} (columns: {', '.join(df.columns)})"
            )
    if output_col in df.columns:
        raise InputError(f"the DataFrame already has a column {output_col!r}; pass another output_col")
    schema = types.StructType([*df.schema.fields, types.StructField(output_col, result_schema())])

    def apply(batches: Iterator[Any]) -> Iterator[Any]:
        return _analyze_batches(batches, text_col, channel_col, output_col)

    return df.mapInPandas(apply, schema)


def _read(spark: Any, path: str, fmt: str) -> Any:
    if fmt == "auto":
        lower = path.lower().rstrip("/")
        fmt = (
            "csv" if lower.endswith(".csv") else "parquet" if lower.endswith((".parquet", ".pq")) else "json"
        )
    reader = spark.read
    if fmt == "csv":
        return reader.option("header", True).option("multiLine", True).option("escape", '"').csv(path)
    if fmt == "parquet":
        return reader.parquet(path)
    return reader.json(path)  # JSON lines; a malformed line gets null columns (Spark's PERMISSIVE mode)


def _flatten(df: Any, col: str) -> Any:
    from pyspark.sql import functions as F

    out = df.select("*", *[F.col(f"{col}.{name}").alias(f"{col}_{name}") for name, _ in RESULT_FIELDS]).drop(
        col
    )
    for name in ("tactics", "caution_points"):
        out = out.withColumn(f"{col}_{name}", F.concat_ws(",", F.col(f"{col}_{name}")))
    return out


@click.command("spark-scan")
@click.argument("input_path", metavar="INPUT")
@click.argument("output_path", metavar="OUTPUT")
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["parquet", "json", "csv"]),
    default="parquet",
    show_default=True,
    help="出力の形式 (csv flattens the struct into mamori_* columns).",
)
@click.option(
    "--input-format",
    type=click.Choice(["auto", "json", "csv", "parquet"]),
    default="auto",
    show_default=True,
    help="入力の形式 (json = JSON lines).",
)
@click.option("--text-column", default="text", show_default=True, help="本文の列名。")
@click.option("--id-column", help="id の列名 (checked to exist).")
@click.option("--channel-column", help="チャネルの列名。")
@click.option("--output-column", default="mamori", show_default=True, help="結果の列名。")
@click.option(
    "--mode",
    type=click.Choice(["error", "overwrite"]),
    default="error",
    show_default=True,
    help="OUTPUT がすでにあるとき: error で止める、overwrite で上書き。",
)
@click.option("--master", help="Spark master (default: spark-submit's, else local[*]).")
@click.option("--partitions", type=click.IntRange(min=1), help="入力をこの数のパーティションに分け直します。")
def spark_scan_command(
    input_path: str,
    output_path: str,
    out_format: str,
    input_format: str,
    text_column: str,
    id_column: str | None,
    channel_column: str | None,
    output_column: str,
    mode: str,
    master: str | None,
    partitions: int | None,
) -> None:
    """Spark でメッセージをまとめて調べ、結果の列を足して書き出します。

    INPUT and OUTPUT are paths Spark can read and write (local, HDFS, S3...). Run it as
    ``mamori spark-scan`` (a local Spark, or the master given) or under spark-submit with a
    driver that calls ``mamori.spark.spark_main()`` (docs/spark.md).
    """
    from mamori.cli import EXIT_DATAERR, EXIT_OK

    _require_pyspark()
    from pyspark.sql import SparkSession

    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit: workers run this Python
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("mamori spark-scan")
    if master:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    df = _read(spark, input_path, input_format)
    if partitions:
        df = df.repartition(partitions)
    result = analyze_dataframe(df, text_column, channel_column, id_column, output_col=output_column)
    if out_format == "csv":
        result = _flatten(result, output_column)
    writer = result.write.mode("errorifexists" if mode == "error" else "overwrite")
    if out_format == "csv":
        writer.option("header", True).csv(output_path)
    elif out_format == "json":
        writer.json(output_path)
    else:
        writer.parquet(output_path)
    from pyspark.sql import functions as F

    if out_format == "csv":
        written, verdict = (
            spark.read.option("header", True).csv(output_path),
            F.col(f"{output_column}_verdict"),
        )
    else:
        written = spark.read.parquet(output_path) if out_format == "parquet" else spark.read.json(output_path)
        verdict = F.col(f"{output_column}.verdict")
    counts = {r[0] or "error": r[1] for r in written.groupBy(verdict).count().collect()}
    errors = counts.pop("error", 0)
    click.echo(
        json.dumps(
            {"summary": {"total": sum(counts.values()) + errors, "errors": errors, "verdicts": counts}}
        ),
        err=True,
    )
    sys.exit(EXIT_DATAERR if errors else EXIT_OK)


def spark_main(argv: list[str] | None = None) -> None:
    """Entry point for spark-submit: ``spark-submit driver.py INPUT OUTPUT [options]``."""
    from mamori.cli import main

    main(["spark-scan", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    spark_main()
