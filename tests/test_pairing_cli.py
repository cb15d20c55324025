import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.pairing.matching import PAIR_COLUMNS, match_mentors
from toolkit.pairing.service import MISSING_PAIRING_STORE, save_match
from toolkit.store.connection import Store

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> int:
    return main(["match", *map(str, args)])


def test_writes_the_contract_files(sample_dir, tmp_path, capsys):
    assert run(sample_dir / "signups.csv", "--out", tmp_path) == 0
    pairs = pd.read_csv(tmp_path / "pairs.csv")
    assert list(pairs.columns) == PAIR_COLUMNS
    assert list(pairs.columns[:3]) == ["mentee_email", "mentor_email", "score"]
    assert pairs["mentee_email"].is_unique and pairs["score"].between(0, 1).all()
    unmatched = pd.read_csv(tmp_path / "unmatched.csv")
    assert list(unmatched.columns) == ["mentee_email", "reason"]
    info = json.loads((tmp_path / "run.json").read_text())
    assert info["objective"] == "coverage"
    assert len(info["input"]["sha256"]) == 64
    assert {"numpy", "scipy", "pandas", "mentoring-toolkit"} <= set(info["versions"])
    assert info["totals"]["matched"] == len(pairs)
    assert info["settings"]["weights"]["topics"] == 0.4
    assert not (tmp_path / "skipped.csv").exists()
    assert "mentees paired" in capsys.readouterr().out


def test_every_option(sample_dir, sample_people, tmp_path):
    first = tmp_path / "first"
    assert run(sample_dir / "signups.csv", "--out", first) == 0
    pairs = pd.read_csv(first / "pairs.csv")
    locks = tmp_path / "locks.csv"
    pairs.iloc[:3][["mentee_email", "mentor_email"]].to_csv(locks, index=False)
    forbid = tmp_path / "forbid.csv"
    pairs.iloc[3:5][["mentee_email", "mentor_email"]].to_csv(forbid, index=False)
    current = tmp_path / "current.csv"
    pairs.iloc[5:8][["mentee_email", "mentor_email"]].to_csv(current, index=False)
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps({"topics": 1, "seniority": 0.5, "min_gap": 1}))
    out = tmp_path / "second"
    code = run(sample_dir / "signups.csv", "--weights", weights, "--objective", "fairness",
               "--locks", locks, "--forbid", forbid, "--current", current,
               "--eligible", out / "eligible.csv", "--out", out)
    assert code == 0
    again = pd.read_csv(out / "pairs.csv")
    got = set(zip(again["mentee_email"], again["mentor_email"], strict=True))
    for frame in (pd.read_csv(locks), pd.read_csv(current)):
        assert set(zip(frame["mentee_email"], frame["mentor_email"], strict=True)) <= got
    assert not set(zip(*pd.read_csv(forbid).to_numpy().T, strict=True)) & got
    eligible = pd.read_csv(out / "eligible.csv")
    assert list(eligible.columns) == ["mentee_email", "mentor_email", "score"]
    assert got <= set(zip(eligible["mentee_email"], eligible["mentor_email"], strict=True))
    info = json.loads((out / "run.json").read_text())
    assert info["objective"] == "fairness"
    assert info["settings"]["weights"]["topics"] == 1.0
    assert info["totals"]["locked"] == 3 and info["totals"]["current"] == 3
    assert len(info["files"]["locks"]["sha256"]) == 64


def test_finished_store_pairs_are_not_repeated(sample_dir, sample_import, tmp_path, capsys):
    first = match_mentors(sample_import)
    store_path = tmp_path / "scheme.sqlite"
    with Store(store_path) as store:
        save_match(store, first, "2025", status="ended")
    assert run(sample_dir / "signups.csv", "--store", store_path, "--out", tmp_path) == 0
    again = pd.read_csv(tmp_path / "pairs.csv")
    old = set(zip(first.pairs["mentee_email"], first.pairs["mentor_email"], strict=True))
    assert not old & set(zip(again["mentee_email"], again["mentor_email"], strict=True))
    info = json.loads((tmp_path / "run.json").read_text())
    assert info["store"] == str(store_path)
    assert info["settings"]["earlier_pairs"] == len(first.pairs)
    capsys.readouterr()
    missing = tmp_path / "missing.sqlite"
    assert run(sample_dir / "signups.csv", "--store", missing, "--out", tmp_path / "m") == 2
    assert MISSING_PAIRING_STORE.format(path=missing) in capsys.readouterr().err
    assert not missing.exists()  # a mistyped path is refused, never created


def test_running_store_pairs_are_kept_so_nobody_gets_a_second_mentor(sample_dir, sample_import,
                                                                      tmp_path, capsys):
    first = match_mentors(sample_import)
    store_path = tmp_path / "scheme.sqlite"
    with Store(store_path) as store:
        save_match(store, first, "2026", status="active")
    capsys.readouterr()
    before = store_path.read_bytes()
    assert run(sample_dir / "signups.csv", "--store", store_path, "--out", tmp_path) == 0
    assert f"Kept {len(first.pairs)} pair(s) already running" in capsys.readouterr().err
    assert store_path.read_bytes() == before  # the store is only read
    again = pd.read_csv(tmp_path / "pairs.csv")
    kept = set(zip(again["mentee_email"], again["mentor_email"], strict=True))
    assert kept == set(zip(first.pairs["mentee_email"], first.pairs["mentor_email"],
                           strict=True))


def test_row_problems_are_refused_unless_skipped(sample_dir, tmp_path, capsys):
    broken = sample_dir / "signups_with_problems.csv"
    assert run(broken, "--out", tmp_path / "refused") == 1
    err = capsys.readouterr().err
    assert "problem(s)" in err and "row" in err
    assert not (tmp_path / "refused" / "pairs.csv").exists()
    assert run(broken, "--skip-invalid", "--out", tmp_path / "skipped") == 0
    skipped = pd.read_csv(tmp_path / "skipped" / "skipped.csv")
    assert list(skipped.columns[:4]) == ["row", "field", "value", "problem"]
    assert "email" in skipped.columns  # the skipped row itself comes along
    assert (tmp_path / "skipped" / "pairs.csv").exists()


def test_a_lock_that_breaks_a_rule_exits_1(sample_people, sample_dir, tmp_path, capsys):
    people = sample_people
    mentee = people[people["role"] == "mentee"].iloc[0]
    same = people[(people["role"] == "mentor") & (people["department"] == mentee["department"])]
    locks = tmp_path / "locks.csv"
    pd.DataFrame({"mentee_email": [mentee["email"]],
                  "mentor_email": [same.iloc[0]["email"]]}).to_csv(locks, index=False)
    assert run(sample_dir / "signups.csv", "--locks", locks, "--out", tmp_path / "o") == 1
    assert "breaks the rule 'same department'" in capsys.readouterr().err


@pytest.mark.parametrize(("setup", "message"), [
    ("missing", "does not exist"),
    ("bad_weights", "'topic' is not a setting (did you mean 'topics'?)"),
    ("bad_locks", "mentee_email"),
])
def test_unusable_input_exits_2(setup, message, sample_dir, tmp_path, capsys):
    args = [sample_dir / "signups.csv", "--out", tmp_path / "o"]
    if setup == "missing":
        args[0] = tmp_path / "nope.csv"
    elif setup == "bad_weights":
        (tmp_path / "w.json").write_text('{"topic": 1}')
        args += ["--weights", tmp_path / "w.json"]
    else:
        (tmp_path / "l.csv").write_text("a,b\nx,y\n")
        args += ["--locks", tmp_path / "l.csv"]
    assert run(*args) == 2
    assert message in capsys.readouterr().err


def test_same_pairs_in_any_process_and_row_order(sample_dir, tmp_path):
    shuffled = tmp_path / "shuffled.csv"
    frame = pd.read_csv(sample_dir / "signups.csv", dtype=str, keep_default_na=False)
    frame.sample(frac=1, random_state=5).to_csv(shuffled, index=False)
    outputs = []
    for seed, source in (("1", sample_dir / "signups.csv"), ("99", shuffled)):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "toolkit", "match", str(source),
                               "--objective", "fairness", "--out", str(out)],
                              capture_output=True, text=True, env=env, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        outputs.append((out / "pairs.csv").read_bytes())
    assert outputs[0] == outputs[1]
