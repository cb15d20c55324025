"""Committed notebooks are documents: no outputs, parameters first, a word before each step."""

import ast
import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


def _git(*args: str, stdin: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=REPO, input=stdin, capture_output=True,
                          text=True, check=True).stdout


def _as_git_stores(path: Path) -> dict:
    """The notebook as git would commit it: through the clean filter `make install` sets up."""
    clean = _git("config", "--get", "filter.nbstripout.clean").strip()
    result = subprocess.run(clean, shell=True, cwd=REPO, input=path.read_text(encoding="utf-8"),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def _a_run_notebook(tmp_path: Path) -> Path:
    """A notebook as a lead's run leaves it: outputs with a name and an address in them."""
    nb = json.loads(NOTEBOOKS[1].read_text(encoding="utf-8"))
    for n, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = n + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout",
                            "text": ["Ada Lovelace <ada.private@example.org>\n"]}]
    run = tmp_path / NOTEBOOKS[1].name
    run.write_text(json.dumps(nb), encoding="utf-8")
    return run


@pytest.fixture(scope="module")
def in_git():
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    if not _git("config", "--get-all", "filter.nbstripout.clean").strip():
        pytest.fail("the notebook filter is not set up: run `make install`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_git_routes_every_notebook_through_the_output_filter(in_git, path):
    attr = _git("check-attr", "filter", "--", str(path.relative_to(REPO)))
    assert attr.strip().endswith("filter: nbstripout"), attr


def test_a_notebook_run_by_a_lead_reaches_git_without_outputs(in_git, tmp_path):
    stored = _as_git_stores(_a_run_notebook(tmp_path))
    assert "ada.private" not in json.dumps(stored)
    for cell in stored["cells"]:
        assert not cell.get("outputs") and cell.get("execution_count") is None
    # and the notebook is otherwise the same document
    assert [c["source"] for c in stored["cells"]] == [
        c["source"] for c in json.loads(NOTEBOOKS[1].read_text(encoding="utf-8"))["cells"]]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_carries_no_outputs(in_git, path):
    """What git holds for each notebook (staged or committed) has no outputs."""
    held = json.loads(_git("show", f":{path.relative_to(REPO)}"))
    for cell in held["cells"]:
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
