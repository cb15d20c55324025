"""Coaching as the organisational development team runs it: the approved coach list,
coachees' choices, chemistry outcomes, agreed sessions, spend, and saving them."""

from __future__ import annotations

import docx
import pandas as pd

from toolkit.cli.main import main
from toolkit.coaching.outputs import form_names, write_objectives_forms
from toolkit.coaching.progress import ObjectiveProgress
from toolkit.coaching.round import run_round, save_round
from toolkit.demo.sample import COACHING_TODAY
from toolkit.store.coaching import load_coaching_sessions
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs


# -- per-person files never overwrite each other ---------------------------------------------
def test_two_coachees_differing_only_in_the_domain_get_two_forms(tmp_path):
    pairs = pd.DataFrame({"coachee_email": ["ann@maths.example.org", "ann@physics.example.org",
                                            "bo@example.org"],
                          "coachee_name": ["Ann One", "Ann Two", "Bo"],
                          "coach_name": ["C", "D", "E"], "route": "internal"})
    per = pd.DataFrame({"email": ["ann@maths.example.org", "ann@physics.example.org"],
                        "number": [1, 1], "objective": ["Lead", "Write"],
                        "start_score": pd.array([3, 4], dtype="Int64"),
                        "end_score": pd.array([pd.NA, pd.NA], dtype="Int64")})
    progress = ObjectiveProgress(per_objective=per, per_coachee=pd.DataFrame(),
                                 missing=pd.DataFrame())
    written = write_objectives_forms(tmp_path, pairs, progress)
    assert len(written) == len(set(written)) == 3
    assert sorted(tmp_path.glob("*.docx")) == sorted(written)
    texts = {p.name: "\n".join(par.text for par in docx.Document(p).paragraphs)
             for p in written}
    assert sum("Ann One" in t for t in texts.values()) == 1
    assert sum("Ann Two" in t for t in texts.values()) == 1
    assert "objectives_bo.docx" in texts  # a unique address keeps its short name


def test_form_names_are_unique_whatever_the_addresses():
    emails = ["a.b@example.org", "a-b@example.org", "a_b@example.org", "A.B@other.example.org",
              "a-b-example-org-2@example.org", "x@example.org"]
    names = form_names(emails)
    assert len(set(names)) == len(emails)
    assert names[-1] == "objectives_x.docx"


def test_status_forms_command_writes_one_form_per_coachee(tmp_path, capsys):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("coachee_email,coach_email,route,start_date\n"
                     "ann@maths.example.org,c@example.org,internal,2026-03-02\n"
                     "ann@physics.example.org,d@example.org,internal,2026-03-02\n")
    sessions = tmp_path / "sessions.csv"
    sessions.write_text("Email,Date,Type\nann@maths.example.org,2026-03-05,chemistry\n")
    scores = tmp_path / "scores.csv"
    scores.write_text("Email,Objective,Start score\nann@maths.example.org,1,4\n"
                      "ann@physics.example.org,1,5\n")
    code = main(["coaching", "status", "--pairs", str(pairs), "--sessions", str(sessions),
                 "--scores", str(scores), "--today", "2026-04-01", "--out", str(tmp_path),
                 "--forms"])
    assert code == 0
    assert "Wrote 2 objectives form(s)" in capsys.readouterr().out
    assert len(list((tmp_path / "objectives_forms").glob("*.docx"))) == 2


# -- saving a round again ---------------------------------------------------------------------
def test_saving_a_round_with_sessions_again_never_duplicates_pairs(sample_dir, tmp_path):
    done = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                     sample_dir / "coaching_sessions.csv", sample_dir / "coaching_scores.csv",
                     COACHING_TODAY)
    with Store(tmp_path / "s.sqlite") as store:
        first = save_round(store, done, "2026")
        pairs_once = load_pairs(store, scheme="coaching")
        sessions_once = load_coaching_sessions(store, "2026")
        second = save_round(store, done, "2026")
        third = save_round(store, done, "2026")
        pairs = load_pairs(store, scheme="coaching")
        sessions = load_coaching_sessions(store, "2026")
    assert len(pairs) == len(pairs_once) == len(done.match.pairs)
    assert not pairs.duplicated(["mentee_email", "mentor_email"]).any()
    with_sessions = set(sessions_once["pair_id"])
    assert with_sessions  # the case the bug was about: pairs that have sessions
    assert with_sessions <= set(second["pairs"]) and with_sessions <= set(third["pairs"])
    assert second["pairs"] == third["pairs"] and sorted(second["pairs"]) == sorted(pairs["id"])
    assert len(sessions) == len(sessions_once)
    assert second["sessions"] == third["sessions"] == 0
    assert len(first["pairs"]) == len(second["pairs"])
