"""Committed notebooks are documents: no outputs, parameters first, a word before each step."""

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_carries_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        assert not cell.get("outputs"), f"{path.name}: strip the outputs before committing"
        assert cell.get("execution_count") is None, f"{path.name}: clear execution counts"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] != "00"],
                         ids=lambda p: p.name)
def test_notebook_structure(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "parameters" in code[0].get("metadata", {}).get("tags", []), (
        f"{path.name}: the first code cell must be the parameters cell (tagged 'parameters')")
    params = ast.parse("".join(code[0]["source"]))
    for statement in params.body:
        assert isinstance(statement, ast.Assign), f"{path.name}: parameters are assignments only"
        ast.literal_eval(statement.value)  # literals only, so tools can override them
    first_code = cells.index(code[0])
    assert cells[first_code - 1]["cell_type"] == "markdown"
    # After the set-up cells, each step is introduced by a markdown cell.
    steps = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
             and "".join(c["source"]).lstrip().startswith("## ")]
    assert len(steps) >= 3
    assert cells[-1]["cell_type"] == "markdown", f"{path.name}: end with a summary"
    # One step per cell: after the parameters and the set-up cell that follows them, every
    # code cell is introduced by a short explanation.
    for index in range(first_code + 2, len(cells)):
        if cells[index]["cell_type"] == "code":
            assert cells[index - 1]["cell_type"] == "markdown", (
                f"{path.name}: cell {index} has no explanation before it")
