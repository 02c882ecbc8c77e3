"""Every example in docs/api.md and docs/web.md runs."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize(("name", "minimum"), [("api.md", 30), ("web.md", 5)])
def test_docs_examples_run(name: str, minimum: int, data_dir: Path) -> None:
    result = doctest.testfile(str(DOCS / name), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= minimum
    assert result.failed == 0
