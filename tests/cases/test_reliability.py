"""Reliability: concurrent writers, kill -9 mid-import, failing migrations, schema = models."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from mamori.cases import open_store
from mamori.cases.database import HEAD, MIGRATIONS, create_engine, current_revision, migrate
from mamori.errors import MigrationError

WRITER = """
import sys
from mamori.cases import NewCase, open_store
url, name = sys.argv[1], sys.argv[2]
with open_store(url) as store:
    result = store.add_many(
        NewCase(text=f"{name}: 市役所の職員を名乗る電話で、マイナンバーの手続き手数料 {i} 円を求められた (相談 {i})",
                section="suspicious_call", channel="phone", tactics=["impersonation", "money_demand"])
        for i in range(1000))
print(result.added, result.duplicates, len(result.errors))
"""


def _integrity(path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO cases_fts(cases_fts, rank) VALUES ('integrity-check', 1)")  # raises if corrupt
        half = conn.execute("SELECT count(*) FROM cases c WHERE c.labelled AND NOT EXISTS (SELECT 1 FROM case_tactics t"
                            " WHERE t.case_id = c.id AND t.source = 'counselor')").fetchone()[0]
        assert half == 0
        assert conn.execute("SELECT count(*) FROM cases").fetchone() == \
            conn.execute("SELECT count(*) FROM cases_fts").fetchone()
    finally:
        conn.close()


def test_two_processes_adding_1000_cases_each_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"
    url = f"sqlite:///{path}"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, name], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for name in ("first", "second")]
    outs = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert out.decode().split() == ["1000", "0", "0"]
    _integrity(path)
    with open_store(url) as store:
        assert store.count() == 2000
        texts = {c.text.split(":")[0] for c in store.export()}
        assert texts == {"first", "second"}
        assert store.stats().by_tactic == {"impersonation": 2000, "money_demand": 2000}


def test_kill_9_mid_import_leaves_a_consistent_database(tmp_path):
    path = tmp_path / "killed.db"
    url = f"sqlite:///{path}"
    lines = [json.dumps({"text": f"警察官を名乗る男から電話。キャッシュカードを預かると言われた (相談番号 {i})",
                         "section": "suspicious_call", "channel": "phone", "tactics": ["impersonation", "card_collection"],
                         "notes": f"メモ {i}"}, ensure_ascii=False) for i in range(1500)]
    source = tmp_path / "big.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    open_store(url).close()
    proc = subprocess.Popen([sys.executable, "-m", "mamori", "cases", "import", str(source), "--database", url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
                stored = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        except sqlite3.OperationalError:
            continue
        if stored >= 100:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    _integrity(path)
    with open_store(url) as store:
        survivors = store.count()
        assert 100 <= survivors < 1500
        result = store.import_jsonl(lines)
        assert (result.added + result.duplicates, result.errors) == (1500, ())
        assert result.duplicates == survivors
        assert store.count() == 1500
    _integrity(path)


def _fail_in_second_migration(monkeypatch) -> None:
    """Make 0002 fail half-way, after it created its first table."""
    import alembic.op

    create_table = alembic.op.create_table

    def failing(name, *columns, **kw):
        result = create_table(name, *columns, **kw)
        if name == "api_tokens":
            alembic.op.execute("CREATE TABLE users (id INTEGER)")  # users exists: the database refuses
        return result

    monkeypatch.setattr(alembic.op, "create_table", failing)


def test_a_failing_migration_rolls_back(db_url, monkeypatch):
    from mamori.cases.database import resolve_url

    engine = create_engine(resolve_url(db_url))
    try:
        migrate(engine, "0001")
        assert current_revision(engine) == "0001"
        _fail_in_second_migration(monkeypatch)
        with pytest.raises(MigrationError, match="left as it was"):
            open_store(db_url)
        assert current_revision(engine) == "0001"
        tables = set(sa.inspect(engine).get_table_names())
        assert "cases" in tables and not {"users", "api_tokens"} & tables
        monkeypatch.undo()
        with open_store(db_url) as store:
            assert current_revision(store.engine) == HEAD
            store.create_token("after the fix")
    finally:
        engine.dispose()


def test_a_failing_first_migration_leaves_an_empty_database(sqlite_url, monkeypatch):
    import alembic.op

    def failing(*args, **kw):
        raise sa.exc.OperationalError("CREATE INDEX", {}, Exception("disk I/O error"))

    monkeypatch.setattr(alembic.op, "create_index", failing)
    with pytest.raises(MigrationError, match="disk I/O error"):
        open_store(sqlite_url)
    engine = create_engine(sqlite_url)
    assert current_revision(engine) is None and sa.inspect(engine).get_table_names() == []
    engine.dispose()


def test_head_constant_matches_the_migrations():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_migrated_schema_matches_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from mamori.cases.models import metadata

    def include(obj, name, type_, reflected, compare_to):
        return not (name or "").startswith(("cases_fts", "alembic_version")) and not (name or "").endswith("_trgm")

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include, "compare_type": True})
        assert compare_metadata(context, metadata) == []
