from pathlib import Path

import pandas as pd

from toolkit import read_signups
from toolkit.demo.sample import DEPARTMENTS, generate_people, write_sample

REPO = Path(__file__).resolve().parents[1]


def test_sample_people_look_like_a_real_division():
    people = generate_people()
    assert 150 <= len(people) <= 170
    assert people["email"].is_unique
    assert people["email"].str.endswith("@example.org").all()
    assert set(people["department"]) == set(DEPARTMENTS)
    assert set(people["level"]) == set(range(6))
    assert set(people["role"]) == {"mentor", "mentee", "both"}
    managers = people["line_manager_email"][people["line_manager_email"] != ""]
    assert managers.isin(people["email"]).mean() > 0.5  # most managers signed up too
    assert {"Woman", "Man"} <= set(people["gender"])


def test_same_seed_same_people_other_seed_other_people():
    pd.testing.assert_frame_equal(generate_people(7), generate_people(7))
    assert not generate_people(7)["email"].equals(generate_people(8)["email"])


def test_committed_sample_data_is_what_the_generator_writes(tmp_path):
    """sample_data/ must never drift from the generator (regenerate with `toolkit sample`)."""
    write_sample(tmp_path)
    committed = REPO / "sample_data"
    for fresh in sorted(tmp_path.rglob("*")):
        if fresh.is_dir():
            continue
        rel = fresh.relative_to(tmp_path)
        old = committed / rel
        assert old.exists(), f"{rel} is missing from sample_data/: run `make sample`"
        if fresh.suffix == ".xlsx":
            pd.testing.assert_frame_equal(pd.read_excel(old, dtype=str),
                                          pd.read_excel(fresh, dtype=str))
        else:
            assert old.read_bytes() == fresh.read_bytes(), f"{rel} differs: run `make sample`"


def test_unmentoring_list_has_newcomers_and_pauses(sample_dir):
    um = pd.read_csv(sample_dir / "unmentoring.csv", dtype=str, keep_default_na=False)
    people = read_signups(sample_dir / "signups.csv").people
    assert um["email"].is_unique
    assert um["paused"].isin(["yes", "no"]).all() and (um["paused"] == "yes").any()
    assert (~um["email"].isin(people["email"])).any()
    assert um["email"].str.endswith("@example.org").all()
