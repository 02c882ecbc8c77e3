"""``make bench``: run every benchmark, print a table, write benchmarks/results.json."""

from __future__ import annotations

import importlib
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import merge_results  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

SUITES = ["bench_core", "bench_email", "bench_registry", "bench_scan", "bench_web"]


def main(argv: list[str]) -> int:
    wanted = argv or SUITES
    console = Console(highlight=False)
    table = Table(title=f"mamori benchmarks ({platform.python_implementation()} {platform.python_version()}, "
                        f"{platform.machine()})")
    for col in ("suite", "measure", "value", "target", "met"):
        table.add_column(col)
    for name in wanted:
        path = Path(__file__).with_name(name + ".py")
        if not path.exists():
            continue
        mod = importlib.import_module(name)
        console.print(f"running {name} …")
        data = mod.run()
        merge_results(name, data)
        targets = getattr(mod, "TARGETS", {})
        for key, value in data.items():
            target, ok = targets.get(key, ("", None))
            met = "" if ok is None else ("yes" if ok(value) else "NO")
            table.add_row(name, key, f"{value:,}" if isinstance(value, int | float) else str(value), target, met)
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
