"""The README's library example runs and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_library_example_runs_as_documented():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block, "the README has no Python example"
    code = block.group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    lines = out.getvalue().splitlines()
    assert lines[0] == "danger 9 ('impersonation', 'money_demand')"
    assert lines[-1] == "最寄りの警察署、または警察相談専用電話 #9110 に相談してください。"
    for comment in re.findall(r"# (danger .*)", code):
        assert comment in out.getvalue()
