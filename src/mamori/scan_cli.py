"""``mamori scan``: analyze a stream of messages, one record out per input, in order.

The command wires a :class:`~mamori.formats.readers.Source` to :func:`mamori.batch.run_chunks`
and writes the results to a sink: JSON lines (stdout or ``-o FILE``) or Parquet. With ``-o``
it keeps a checkpoint beside the output (``OUT.mamori-checkpoint``) so that ``--resume``
continues an interrupted scan with no record lost and none repeated:

- JSON lines are appended in input order; every ``--checkpoint-interval`` seconds the output is
  flushed and fsynced, then the checkpoint (input identity, options, input units done, output
  byte offset, summary so far) is written to a temporary file, fsynced and renamed over the
  old one. ``--resume`` truncates the output to the checkpoint's offset and skips that many
  input units, so the result equals an uninterrupted run byte for byte.
- Parquet cannot be appended to once its footer is missing, so rows go to numbered part files
  in ``OUT.mamori-parts/`` (each written whole, then renamed), cut at fixed row and unit counts;
  the checkpoint counts the complete parts. At the end the parts are rewritten, one row group
  each, into ``OUT`` (through a temporary file and a rename) and the parts are removed. A
  resumed run therefore writes the same rows and the same row groups as an uninterrupted one.

See docs/batch.md.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

import click

from mamori.cli import CHANNELS, EXIT_DATAERR, EXIT_OK
from mamori.errors import InputError, MissingExtraError
from mamori.formats.readers import FORMATS

CHECKPOINT_SUFFIX = ".mamori-checkpoint"
PARTS_SUFFIX = ".mamori-parts"
CHECKPOINT_VERSION = 1
PART_ROWS = 16_384
PART_UNITS = 131_072
VERDICTS = ("danger", "caution", "no_signal")


@click.command("scan")
@click.argument("source", default="-")
@click.option(
    "-o", "--output", help="出力先のファイル。.parquet なら Parquet (default: JSON lines on stdout)."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="ワーカープロセスの数 (worker processes; 0 = one per CPU).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", *FORMATS]),
    default="auto",
    show_default=True,
    help="入力の形式。auto は拡張子やディレクトリの構成から決めます (stdin: jsonl).",
)
@click.option(
    "--output-format",
    type=click.Choice(["auto", "jsonl", "parquet"]),
    default="auto",
    show_default=True,
    help="出力の形式。auto: -o が .parquet なら parquet。",
)
@click.option("--text-column", default="text", show_default=True, help="CSV: 本文の列名。")
@click.option("--id-column", help="CSV: id の列名。")
@click.option("--channel-column", help="CSV: チャネルの列名。")
@click.option(
    "--channel",
    type=click.Choice(CHANNELS, case_sensitive=False),
    default="unknown",
    show_default=True,
    help="チャネルを書いていない入力のチャネル (channel of records that do not say).",
)
@click.option("--encoding", default="utf-8", show_default=True, help="CSV の文字コード (e.g. cp932).")
@click.option("--only", help="出力する判定を絞ります (e.g. danger,caution); error records are always kept.")
@click.option("--resume", is_flag=True, help="中断したスキャンを -o のチェックポイントから続けます。")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="進捗バーを標準エラーに出します (default: only when stderr is a terminal).",
)
@click.option("--summary/--no-summary", default=True, help="最後に集計を標準エラーに出します。")
@click.option(
    "--checkpoint-interval",
    type=float,
    default=2.0,
    show_default=True,
    hidden=True,
    help="Seconds between checkpoints of a JSON-lines output.",
)
@click.option(
    "--part-rows",
    type=click.IntRange(min=1),
    default=PART_ROWS,
    show_default=True,
    hidden=True,
    help="Rows per Parquet part (and row group).",
)
def scan_command(
    source: str,
    output: str | None,
    jobs: int,
    fmt: str,
    output_format: str,
    text_column: str,
    id_column: str | None,
    channel_column: str | None,
    channel: str,
    encoding: str,
    only: str | None,
    resume: bool,
    progress: bool | None,
    summary: bool,
    checkpoint_interval: float,
    part_rows: int,
) -> None:
    """メッセージをまとめて調べ、入力1件ごとに1件を入力順に出力します。

    SOURCE: JSON lines (text, id, channel; or turns), CSV, mbox, a Maildir, a directory of .eml
    files, one .eml, or - for stdin. Each output record carries the input's id and position
    (line / row / message / file) and the report's fields; a bad record becomes an error record
    and the scan goes on. Exit 65 if any record failed.

    \b
    Examples:
      mamori scan messages.jsonl -j 2 -o results.jsonl
      mamori scan sms.csv --text-column body --id-column msg_id -o results.parquet
      mamori scan ~/Maildir --only danger,caution
      mamori scan messages.jsonl -j 2 -o results.jsonl --resume   # after an interruption
    """
    from mamori.batch import ScanOptions, ScanSummary, iter_chunks, run_chunks
    from mamori.formats.readers import detect_format, open_source

    keep = _parse_only(only)
    if output == "-":
        output = None
    fmt = detect_format(source) if fmt == "auto" else fmt
    if output_format == "auto":
        output_format = "parquet" if output and output.lower().endswith((".parquet", ".pq")) else "jsonl"
    # A device or pipe (-o /dev/null, a FIFO) is written as a stream: no checkpoint beside it.
    seekable = output is not None and (not os.path.exists(output) or os.path.isfile(output))
    if not seekable and (resume or output_format == "parquet"):
        raise click.UsageError("--resume and Parquet output need an output file: pass -o FILE")
    if jobs == 0:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if (
        output
        and source != "-"
        and os.path.exists(output)
        and os.path.exists(source)
        and os.path.samefile(output, source)
    ):
        raise click.UsageError("the output file is the input file; choose another -o")
    if output_format == "parquet":
        _require_pyarrow()
    try:
        src = open_source(
            source,
            fmt,
            encoding=encoding,
            text_column=text_column,
            id_column=id_column,
            channel_column=channel_column,
        )
    except FileNotFoundError:
        raise click.exceptions.FileError(source, "ファイルが見つかりません (file not found)") from None
    except OSError as exc:
        raise click.exceptions.FileError(source, exc.strerror or "cannot be read") from None
    options = ScanOptions(
        fmt,
        channel.lower(),
        keep,
        rows=output_format == "parquet",
        root=src.root,
        csv_columns=src.csv_columns,
    )
    checkpoint, state = None, None
    if output is not None and seekable:
        settings = {
            "format": fmt,
            "output_format": output_format,
            "part_rows": part_rows,
            "only": sorted(keep) if keep else None,
            "text_column": text_column,
            "id_column": id_column,
            "channel_column": channel_column,
            "channel": options.channel,
            "encoding": encoding,
        }
        checkpoint = _Checkpoint(output + CHECKPOINT_SUFFIX, src.identity(), settings)
        state = checkpoint.load() if resume else None
        if resume and state is None:
            click.echo(f"mamori scan: no checkpoint for {output}; starting from the beginning", err=True)
    totals = ScanSummary.from_dict(state["summary"]) if state else ScanSummary()
    skip = done = int(state["units_done"]) if state else 0
    sink: _JsonlSink | _ParquetSink
    if output is not None and output_format == "parquet":
        sink = _ParquetSink(output, options.position_key, state, part_rows)
    else:
        sink = _JsonlSink(output, state, checkpoint_interval if checkpoint is not None else None)
    units = src.units()
    if skip and sum(1 for _ in itertools.islice(units, skip)) < skip:
        raise InputError(
            f"the input has fewer than the {skip:,} records the checkpoint says were done; "
            "it changed since: scan again without --resume"
        )
    started = time.monotonic()
    peaks: dict[int, tuple[int, float]] = {}  # worker pid -> (peak RSS kB, CPU seconds)
    bar = _Progress(src, skip) if (sys.stderr.isatty() if progress is None else progress) else None
    try:
        for result in run_chunks(iter_chunks(units, skip + 1), options, jobs):
            if checkpoint is not None:
                checkpoint.check_rules(result.rules_version)
            due = sink.write(result)  # True at a point where the output can be checkpointed
            done += result.units
            totals.merge(result.summary)
            peaks[result.worker] = (result.peak_rss_kb, result.cpu_s)  # both only grow
            if checkpoint is not None and due:
                checkpoint.save(done, sink.commit(), totals)
            if bar is not None:
                bar.update(done)
        sink.finish()
    finally:
        if bar is not None:
            bar.stop()
        src.close()
    if checkpoint is not None:
        checkpoint.remove()
    if summary:
        elapsed = time.monotonic() - started
        run = {
            "jobs": jobs,
            "elapsed_s": round(elapsed, 3),
            "msgs_per_s": round((done - skip) / max(elapsed, 1e-9)),
            "resumed_at": skip,
            "parent_cpu_s": round(time.process_time(), 2),
            "workers_cpu_s": round(sum(cpu for pid, (_, cpu) in peaks.items() if pid != os.getpid()), 2),
            "peak_rss_mb": _peaks_mb(peaks),
        }
        _print_summary(totals.to_dict(), run)
    sys.exit(EXIT_DATAERR if totals.errors else EXIT_OK)


def _parse_only(only: str | None) -> frozenset[str] | None:
    if not only:
        return None
    keep = frozenset(v.strip().lower() for v in only.split(",") if v.strip())
    unknown = keep - set(VERDICTS)
    if unknown or not keep:
        raise click.BadParameter(
            f"expected verdicts among {', '.join(VERDICTS)}, got {only!r}", param_hint="--only"
        )
    return keep


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ModuleNotFoundError:
        raise MissingExtraError("Parquet output", "parquet") from None


def _peaks_mb(peaks: dict[int, tuple[int, float]]) -> dict[str, float]:
    from mamori.batch import peak_rss_kb

    out = {"main": round(peak_rss_kb() / 1024, 1)}
    workers = [kb for pid, (kb, _) in peaks.items() if pid != os.getpid()]
    if workers:
        out["worker_max"] = round(max(workers) / 1024, 1)
    return out


def _print_summary(summary: dict[str, Any], run: dict[str, Any]) -> None:
    if not sys.stderr.isatty():
        click.echo(json.dumps({"summary": summary, "run": run}, ensure_ascii=False), err=True)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"mamori scan: {summary['total']:,} 件, {run['msgs_per_s']:,} msgs/s, {run['elapsed_s']:.1f} s"
    )
    table.add_column("")
    table.add_column("件数", justify="right")
    for verdict in VERDICTS:
        table.add_row(verdict, f"{summary['verdicts'].get(verdict, 0):,}")
    table.add_row("errors", f"{summary['errors']:,}", style="red" if summary["errors"] else None)
    for tactic, n in sorted(summary["tactics"].items(), key=lambda kv: -kv[1]):
        table.add_row(f"  {tactic}", f"{n:,}", style="dim")
    Console(stderr=True).print(table)


class _Progress:
    """A rich progress bar on stderr: input consumed, messages, rate and ETA."""

    def __init__(self, src: Any, start: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.src = src
        self.start, self.t0 = start, time.monotonic()
        self.progress = Progress(
            TextColumn("[bold]scan"),
            BarColumn(),
            TextColumn("{task.percentage:>5.1f}%"),
            TextColumn("{task.fields[msgs]:>12,} msgs  {task.fields[rate]:>8,.0f} msgs/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task = self.progress.add_task("scan", total=src.total, msgs=start, rate=0.0)
        self.progress.start()

    def update(self, done: int) -> None:
        rate = (done - self.start) / max(time.monotonic() - self.t0, 1e-9)
        self.progress.update(self.task, completed=self.src.done, msgs=done, rate=rate)

    def stop(self) -> None:
        self.progress.stop()


class _Checkpoint:
    """``OUT.mamori-checkpoint``: where an interrupted scan can go on from."""

    def __init__(self, path: str, identity: dict[str, Any], settings: dict[str, Any]) -> None:
        self.path, self.identity, self.settings = path, identity, settings
        self.rules_version: str | None = None  # learnt from the first result: workers load the rules

    def check_rules(self, version: str) -> None:
        """Refuse to go on with other rules than the checkpointed part of the output was made with."""
        if self.rules_version is None:
            self.rules_version = version
        elif version != self.rules_version:
            raise InputError(
                f"the checkpoint {self.path} was written with rules {self.rules_version}, but the rules "
                f"are now {version}; scan again without --resume"
            )

    def load(self) -> dict[str, Any] | None:
        try:
            state = json.loads(Path(self.path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise InputError(
                f"cannot read the checkpoint {self.path} ({exc}); delete it and scan again"
            ) from None
        if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
            raise InputError(f"{self.path} is not a mamori checkpoint of version {CHECKPOINT_VERSION}")
        if state.get("settings") != self.settings:
            raise InputError(
                f"the checkpoint {self.path} was written by a scan with other options: "
                f"{state.get('settings')}; run that command again, or scan without --resume"
            )
        self.rules_version = state.get("rules_version")
        saved, now = state.get("input") or {}, self.identity
        for key in ("size", "head_sha256", "files", "listing_sha256"):
            if saved.get(key) != now.get(key) or (saved.get("path") == "-") != (now.get("path") == "-"):
                raise InputError(
                    f"the input is not the one the checkpoint {self.path} was written for "
                    f"({key} differs); scan again without --resume"
                )
        return state

    def save(self, units_done: int, sink_state: dict[str, Any], summary: Any) -> None:
        state = {
            "version": CHECKPOINT_VERSION,
            "input": self.identity,
            "settings": self.settings,
            "rules_version": self.rules_version,
            "units_done": units_done,
            **sink_state,
            "summary": summary.to_dict(),
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        _write_atomic(self.path, json.dumps(state, ensure_ascii=False, indent=1).encode())

    def remove(self) -> None:
        Path(self.path).unlink(missing_ok=True)


def _write_atomic(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(os.path.dirname(os.path.abspath(path)))


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_output(path: str, mode: str) -> BinaryIO:
    try:
        return open(path, mode)  # noqa: SIM115 - owned by the sink
    except OSError as exc:
        raise click.exceptions.FileError(path, exc.strerror or "cannot be written") from None


class _JsonlSink:
    """JSON lines to stdout or to a file that a checkpoint can truncate back to."""

    def __init__(self, path: str | None, state: dict[str, Any] | None, interval: float | None) -> None:
        self.interval, self.last_commit = interval, time.monotonic()  # interval None: no checkpoints
        self.owned = path is not None
        if path is None:
            self.out: BinaryIO = sys.stdout.buffer
            return
        if state is None:
            self.out = _open_output(path, "wb")
            return
        self.out = _open_output(path, "r+b")
        offset = int(state["output_offset"])
        if os.fstat(self.out.fileno()).st_size < offset:
            raise InputError(
                f"{path} is shorter than its checkpoint says ({offset:,} bytes); "
                "it was changed since: scan again without --resume"
            )
        self.out.truncate(offset)
        self.out.seek(offset)

    def write(self, result: Any) -> bool:
        if result.lines:
            self.out.write(result.lines)
        return self.interval is not None and time.monotonic() - self.last_commit >= self.interval

    def commit(self) -> dict[str, Any]:
        self.last_commit = time.monotonic()
        self.out.flush()
        os.fsync(self.out.fileno())
        return {"output_offset": self.out.tell()}

    def finish(self) -> None:
        self.out.flush()
        if self.interval is not None:  # a regular file with a checkpoint: make it durable
            os.fsync(self.out.fileno())
        if self.owned:
            self.out.close()


class _ParquetSink:
    """Rows to numbered part files, rewritten into one Parquet file at the end."""

    def __init__(self, path: str, position_key: str, state: dict[str, Any] | None, part_rows: int) -> None:
        import pyarrow as pa

        self.pa = pa
        self.path = path
        self.parts = Path(path + PARTS_SUFFIX)
        self.schema = _arrow_schema(position_key)
        self.done_parts = int(state["parts"]) if state else 0
        if state is None:
            shutil.rmtree(self.parts, ignore_errors=True)
            Path(path).unlink(missing_ok=True)
        self.parts.mkdir(exist_ok=True)
        for stale in self.parts.iterdir():  # parts written after the checkpoint
            number = stale.stem[5:]
            if not (
                stale.name.startswith("part-")
                and stale.suffix == ".parquet"
                and number.isdigit()
                and int(number) < self.done_parts
            ):
                stale.unlink()
        for i in range(self.done_parts):
            if not self._part(i).exists():
                raise InputError(f"{self._part(i)} is missing; scan again without --resume")
        self.batches: list[Any] = []
        self.rows = self.units = 0
        self.part_rows, self.part_units = part_rows, max(PART_UNITS, 8 * part_rows)

    def _part(self, i: int) -> Path:
        return self.parts / f"part-{i:06d}.parquet"

    def write(self, result: Any) -> bool:
        if result.rows:
            self.batches.append(self.pa.RecordBatch.from_pylist(result.rows, schema=self.schema))
            self.rows += len(result.rows)
        self.units += result.units
        if self.rows >= self.part_rows or self.units >= self.part_units:
            self._flush()
            return True
        return False

    def _flush(self) -> None:
        import pyarrow.parquet as pq

        if self.rows:
            table = self.pa.Table.from_batches(self.batches, schema=self.schema)
            part = self._part(self.done_parts)
            tmp = part.with_suffix(".tmp")
            pq.write_table(table, tmp, row_group_size=max(1, table.num_rows))
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, part)
            _fsync_dir(str(self.parts))
            self.done_parts += 1
        self.batches, self.rows, self.units = [], 0, 0

    def commit(self) -> dict[str, Any]:
        return {"parts": self.done_parts}

    def finish(self) -> None:
        import pyarrow.parquet as pq

        self._flush()
        tmp = self.path + ".tmp"
        with pq.ParquetWriter(tmp, self.schema) as writer:
            for i in range(self.done_parts):
                table = pq.read_table(self._part(i), schema=self.schema)
                writer.write_table(table, row_group_size=max(1, table.num_rows))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        shutil.rmtree(self.parts, ignore_errors=True)


def _arrow_schema(position_key: str) -> Any:
    """The Parquet columns: the position, then :data:`mamori.batch.ROW_COLUMNS` (see docs/batch.md)."""
    import pyarrow as pa

    text, texts = pa.string(), pa.list_(pa.string())
    return pa.schema(
        [
            (position_key, text if position_key == "file" else pa.int64()),
            ("id", text),
            ("verdict", text),
            ("verdict_ja", text),
            ("score", pa.int32()),
            ("tactics", texts),
            ("tactic_scores", text),
            ("caution_points", text),
            ("signals", text),
            ("advice", texts),
            ("channel", text),
            ("rules_version", text),
            ("notes", texts),
            ("first_violation_turn", pa.int32()),
            ("error", text),
            ("error_type", text),
        ]
    )
