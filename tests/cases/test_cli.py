"""``mamori cases …`` and ``mamori publish``, run as real commands: exit codes, output, no traceback."""

from __future__ import annotations

import json

from conftest import SHARED, assert_clean_failure, run_cli

SEED = str(SHARED / "data" / "seed_cases.jsonl")
CALL = "市役所の者です。マイナンバーカードの更新に手数料が必要です。今日中にATMで振り込んでください。"


def _ok(proc) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    return proc.stdout.decode("utf-8")


def test_registry_commands_end_to_end(tmp_path):
    db = ["--database", f"sqlite:///{tmp_path / 'cli.db'}"]
    out = _ok(run_cli("cases", "import", SEED, *db))
    assert out.strip() == "added 27, duplicates 0, errors 0"
    again = json.loads(_ok(run_cli("cases", "import", SEED, "--json", *db)))
    assert (again["added"], again["duplicates"], again["errors"]) == (0, 27, [])
    assert "already stored 27" in _ok(run_cli("cases", "load-seed", *db))

    added = json.loads(_ok(run_cli("cases", "add", "--text", "-", "--channel", "phone", "--section", "suspicious_call",
                                   "--date", "2024-05-01", "--note", "高齢女性から", "--amount", "30000",
                                   "--prefecture", "愛知県", "--json", *db, input=CALL.encode())))
    assert (added["id"], added["text"], added["received_on"], added["amount_lost"]) == (28, CALL, "2024-05-01", 30000)
    assert added["public"] is False and added["verdict"] == "danger"

    damage = json.loads(_ok(run_cli("cases", "list", "--section", "damage", "--json", *db)))
    assert len(damage) == 7 and {c["section"] for c in damage} == {"damage"}
    shown = _ok(run_cli("cases", "show", "7", *db))
    assert "キャッシュカード" in shown and "AUTHORITY_COLLECTS_CARD" in shown and "seed-007" in shown

    found = json.loads(_ok(run_cli("cases", "search", "暗証", "--channel", "phone", "--json", *db)))
    assert 7 in {c["id"] for c in found}
    stats = json.loads(_ok(run_cli("cases", "stats", "--json", *db)))
    assert stats["total"] == 28 and stats["by_month"]["2024-05"] == 1 and stats["losses"]["total"] == 30000

    similar = json.loads(_ok(run_cli("cases", "similar", "郵便局です。マイナンバーの封筒をいただきに来ました", "--k", "3",
                                     "--json", *db)))
    assert len(similar) == 3 and similar[0]["case_id"] == 6
    assert {"case_id", "score", "channel", "section", "text"} <= similar[0].keys()
    assert similar[0]["score"] > similar[1]["score"] > 0

    updated = json.loads(_ok(run_cli("cases", "update", "28", "--tactic", "impersonation", "--tactic", "atm_operation",
                                     "--public", "--status", "closed", "--json", *db)))
    assert updated["counselor_tactics"] == ["impersonation", "atm_operation"] and updated["public"] is True

    lines = _ok(run_cli("cases", "export", *db)).splitlines()
    assert len(lines) == 28 and json.loads(lines[-1])["id"] == 28

    page = tmp_path / "warning.html"
    proc = run_cli("publish", "-o", str(page), *db)
    _ok(proc)
    html = page.read_text(encoding="utf-8")
    assert "#9110" in html and "188" in html and html.count('<li id="case-') == 28


def test_import_with_a_bad_line_stores_nothing_unless_asked(tmp_path):
    db = ["--database", f"sqlite:///{tmp_path / 'cli.db'}"]
    good = json.dumps({"text": CALL, "section": "suspicious_call", "channel": "phone"}, ensure_ascii=False)
    other = json.dumps({"text": "郵便局です。封筒を取りに来ました", "section": "damage", "channel": "visit"},
                       ensure_ascii=False)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([good, '{"text": "x", "section": "scam"}', "{oops", other]) + "\n", encoding="utf-8")
    proc = run_cli("cases", "import", str(bad), *db)
    assert_clean_failure(proc, 65)
    err = proc.stderr.decode()
    assert "line 2: unknown section 'scam'" in err and "line 3: not valid JSON" in err
    assert "nothing was stored" in err
    assert json.loads(_ok(run_cli("cases", "stats", "--json", *db)))["total"] == 0
    proc = run_cli("cases", "import", str(bad), "--skip-errors", *db)
    assert_clean_failure(proc, 65)
    assert proc.stdout.decode().strip() == "added 2, duplicates 0, errors 2"
    assert_clean_failure(run_cli("cases", "import", str(tmp_path / "missing.jsonl"), *db), 66)


def test_cli_errors_are_clean(tmp_path):
    db = ["--database", f"sqlite:///{tmp_path / 'cli.db'}"]
    assert_clean_failure(run_cli("cases", "show", "999", *db), 65)
    assert_clean_failure(run_cli("cases", "add", "--text", CALL, "--channel", "phone", "--section", "scam", *db), 64)
    assert_clean_failure(run_cli("cases", "add", "--text", "あ" * 20_001, "--channel", "phone",
                                 "--section", "damage", *db), 65)
    assert_clean_failure(run_cli("cases", "list", "--database", str(tmp_path / "no" / "such" / "dir.db")), 65)
    assert_clean_failure(run_cli("publish", "-o", str(tmp_path / "no" / "dir" / "page.html"), *db), 66)


def test_default_database_is_in_the_data_directory(tmp_path):
    env = {"MAMORI_DATA_DIR": str(tmp_path / "data"), "MAMORI_DATABASE_URL": ""}
    assert "added 27" in _ok(run_cli("cases", "load-seed", env=env))
    assert (tmp_path / "data" / "mamori.db").exists()
    url_env = {"MAMORI_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'mamori.db'}"}
    assert json.loads(_ok(run_cli("cases", "stats", "--json", env=url_env)))["total"] == 27
