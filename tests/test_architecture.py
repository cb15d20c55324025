"""The package's shape, checked: layers, no cycles, no hidden imports, SQL only in the store.

The import rules themselves are the contracts in ``pyproject.toml`` (``[tool.importlinter]``),
run here with ``lint-imports``; the rules an import graph cannot see are checked on the
source: imports inside functions, private names used across modules, and SQL outside the
store package.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "toolkit"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))

#: Imports that may stay inside a function: optional or heavy dependencies that most uses
#: of the module never need (scipy.optimize: the default assignment solve is lapjv's;
#: openpyxl: most files read and written are CSV). Each saves a command a tenth of a second
#: or more of start-up.
LAZY_OK = {"playwright", "voila", "scipy.optimize", "openpyxl"}

#: Command modules whose ``run`` may import the feature it runs: building the command line
#: loads every command module, and these features load the plotting libraries (the report)
#: or every other feature (the sample and the demo), which the other commands never need.
#: The import graph still sees these imports (the layer contracts hold for them too).
LAZY_COMMANDS = {"toolkit.cli.demo", "toolkit.cli.report", "toolkit.cli.sample"}

_SQL = re.compile(r"^\s*(SELECT\b|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|"
                  r"CREATE\s+(TABLE|INDEX)\b|DROP\s+TABLE\b|PRAGMA\b|VACUUM\b)", re.IGNORECASE)


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_import_inside_a_function(path):
    inside = []
    for node in ast.walk(_tree(path)):
        if _name(path) in LAZY_COMMANDS and getattr(node, "name", "") == "run":
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    names = ([a.name for a in sub.names] if isinstance(sub, ast.Import)
                             else [sub.module or ""])
                    if not all(any(n == ok or n.startswith(ok + ".") for ok in LAZY_OK)
                               for n in names):
                        inside.append(f"line {sub.lineno}: {', '.join(names)}")
    assert not inside, f"{_name(path)} imports inside functions: {inside}"


def test_command_line_starts_without_the_report_libraries():
    # Every command pays for what the command line loads before it runs: the plotting and
    # statistics libraries belong to the report alone.
    code = ("import sys, toolkit.cli.main; "
            "print(sorted(m for m in ('matplotlib', 'scipy.stats', 'jinja2') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_private_name_from_another_module(path):
    used = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("toolkit"):
            used += [f"line {node.lineno}: {node.module}.{a.name}" for a in node.names
                     if a.name.startswith("_") and not a.name.startswith("__")]
    assert not used, f"{_name(path)} uses private names of other modules: {used}"


@pytest.mark.parametrize("path", [p for p in MODULES if "store" not in p.parts], ids=_name)
def test_sql_only_in_the_store(path):
    found = [f"line {node.lineno}: {node.value.strip()[:50]!r}" for node in ast.walk(_tree(path))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and _SQL.match(node.value)]
    assert not found, f"{_name(path)} holds SQL; move it into toolkit/store: {found}"


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != "__main__.py"], ids=_name)
def test_every_module_says_what_it_holds_and_exports(path):
    tree = _tree(path)
    assert ast.get_docstring(tree), f"{_name(path)} has no docstring"
    names = {t.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
             for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
             if isinstance(t, ast.Name)}
    assert "__all__" in names, f"{_name(path)} has no __all__"


def test_features_live_in_subpackages():
    loose = sorted(p.name for p in PACKAGE.glob("*.py")
                   if p.name not in ("__init__.py", "__main__.py"))
    assert loose == ["errors.py"], f"loose modules in toolkit/: {loose}"
