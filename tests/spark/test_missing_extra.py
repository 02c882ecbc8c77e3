"""Without PySpark, ``mamori spark-scan`` says which extra to install (no Spark needed to test it)."""

from __future__ import annotations

from pathlib import Path

from conftest import assert_clean_failure, run_cli


def test_spark_scan_without_pyspark_names_the_extra(tmp_path: Path) -> None:
    fake = tmp_path / "site" / "pyspark"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pyspark'\", name='pyspark')\n"
    )
    proc = run_cli(
        "spark-scan", "in.jsonl", str(tmp_path / "out"), env={"PYTHONPATH": str(tmp_path / "site")}
    )
    assert_clean_failure(proc, 70)
    assert "mamori[spark]" in proc.stderr.decode()
    helped = run_cli("spark-scan", "--help", env={"PYTHONPATH": str(tmp_path / "site")})
    assert helped.returncode == 0 and "--text-column" in helped.stdout.decode()
