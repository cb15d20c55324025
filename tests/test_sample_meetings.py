"""The sample scheme's simulated year: seeded, dated from fixed days, from any pairs."""

from __future__ import annotations

import pandas as pd

from toolkit.demo.sample import (
    SAMPLE_TODAY,
    generate_meetings,
    generate_people,
    sample_pairs,
    simulate_year,
)


def test_sample_pairs_follow_the_basic_rules():
    people = generate_people().set_index("email")
    pairs = sample_pairs(people.reset_index())
    mentee, mentor = people.loc[pairs["mentee_email"]], people.loc[pairs["mentor_email"]]
    assert (mentor["level"].to_numpy() > mentee["level"].to_numpy()).all()
    assert (mentor["department"].to_numpy() != mentee["department"].to_numpy()).all()
    assert (mentee["line_manager_email"].to_numpy() != pairs["mentor_email"].to_numpy()).all()
    used = pairs["mentor_email"].value_counts()
    assert (used <= people.loc[used.index, "capacity"]).all()


def test_the_simulated_year_is_seeded_and_never_after_today():
    pairs = sample_pairs(generate_people())
    first, gone = simulate_year(pairs, seed=7)
    again, _ = simulate_year(pairs, seed=7)
    pd.testing.assert_frame_equal(first, again)
    assert first["date"].max() < SAMPLE_TODAY
    met = set(zip(first["mentee_email"], first["mentor_email"], strict=True))
    assert len(met) < len(pairs)  # some pairs never meet
    assert (first["status"] == "cancelled").sum() > 5
    assert len(gone) == 1
    left = gone.iloc[0]
    after = first[(first["mentee_email"] == left["mentee_email"])
                  & (first["date"] > left["date"])]
    assert after.empty


def test_meetings_can_be_generated_for_any_pairs():
    pairs = pd.DataFrame({"mentee_email": ["a@example.org", "c@example.org"],
                          "mentor_email": ["b@example.org", "d@example.org"]})
    meetings = generate_meetings(pairs, seed=1)
    assert set(meetings["mentee_email"]) <= {"a@example.org", "c@example.org"}
    assert meetings["date"].min() >= "2026-10-05"
