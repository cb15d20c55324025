"""Run every benchmark (``benchmarks/bench_*.py``) and print and save the figures.

Each benchmark module defines ``run() -> list[dict]``; every dict has at least ``name``,
``value``, ``unit``, ``target`` (text) and ``ok`` (bool). Results are written to
``benchmarks/results.json``; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import importlib.util
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    only = set(argv)
    results = []
    for path in sorted(HERE.glob("bench_*.py")):
        if only and path.stem not in only and path.stem.removeprefix("bench_") not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(module)
        print(f"== {path.stem}", flush=True)
        start = time.perf_counter()
        for row in module.run():
            row = {"benchmark": path.stem, **row}
            results.append(row)
            mark = "ok  " if row["ok"] else "MISS"
            print(f"  [{mark}] {row['name']}: {row['value']:.4g} {row['unit']} "
                  f"(target: {row['target']})", flush=True)
        print(f"  ({time.perf_counter() - start:.1f} s)")
    (HERE / "results.json").write_text(json.dumps({
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": results,
    }, indent=2) + "\n")
    missed = [r for r in results if not r["ok"]]
    print(f"{len(results) - len(missed)} met, {len(missed)} missed.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
