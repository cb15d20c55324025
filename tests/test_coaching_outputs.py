"""Coaching outputs, the command line, the notebook panel and the demo step."""

from __future__ import annotations

import docx
import openpyxl
import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.coaching.matching import MatchSettings
from toolkit.coaching.outputs import write_tracking_workbook
from toolkit.coaching.progress import WARNING_KINDS
from toolkit.coaching.round import run_round, write_round
from toolkit.coaching.triage import TriageRules
from toolkit.demo.run import DemoContext, _step_coaching
from toolkit.demo.sample import COACHING_START, COACHING_TODAY
from toolkit.plots.coaching import plot_objective_scores, plot_session_use
from toolkit.store.coaching import load_coaching_sessions, load_objective_scores
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs
from toolkit.widgets.coaching import CoachingPanel


@pytest.fixture(scope="module")
def sample_round(sample_dir):
    return run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                     sample_dir / "coaching_sessions.csv", sample_dir / "coaching_scores.csv",
                     COACHING_TODAY, settings=MatchSettings(start_date=COACHING_START))


def test_tracking_workbook_has_every_sheet(sample_round, tmp_path):
    written = write_round(sample_round, tmp_path)
    book = openpyxl.load_workbook(written["tracking"], read_only=True)
    assert book.sheetnames == ["Summary", "Requests", "Matches", "Waiting list", "Coaches",
                               "Sessions", "Warnings", "Objectives", "Progress",
                               "Missing forms"]
    requests = pd.read_excel(written["tracking"], sheet_name="Requests")
    assert len(requests) == 40
    assert set(requests["Outcome"]) == {"matched", "waiting list", "on hold"}
    assert requests["Why"].tolist() == sample_round.match.requests["note"].tolist()
    progress = pd.read_excel(written["tracking"], sheet_name="Progress")
    assert list(progress.columns[:2]) == ["E-mail", "Objectives"]
    summary = pd.read_excel(written["tracking"], sheet_name="Summary").set_index("Measure")
    assert summary.loc["Matched with a coach", "Value"] == len(sample_round.match.pairs)
    forms = sorted(written["forms"].glob("*.docx"))
    assert len(forms) == len(sample_round.match.pairs)
    first = docx.Document(forms[0])
    assert first.paragraphs[0].text == "Coaching objectives"
    assert len(first.tables[0].rows) == 4   # header + three objectives
    waiting = pd.read_csv(written["waiting"])
    assert waiting["position"].tolist() == list(range(1, len(waiting) + 1))


def test_formula_like_answers_stay_text_in_the_workbook(sample_dir, tmp_path):
    requests = tmp_path / "requests.csv"
    requests.write_text("Name,Email,Department,Grade,Line manager email,Approved\n"
                        '"=HYPERLINK(""http://example.net"")",ada@example.org,Maths,Grade 8,'
                        "bo@example.org,yes\n")
    done = run_round(requests, sample_dir / "coaching_coaches.csv")
    written = write_round(done, tmp_path)
    sheet = openpyxl.load_workbook(written["tracking"])["Requests"]
    names = [c for c in sheet["C"] if str(c.value).startswith("=")]
    assert [(c.value, c.data_type) for c in names] == [('=HYPERLINK("http://example.net")', "s")]


def test_failed_workbook_write_keeps_the_old_file(sample_round, tmp_path):
    target = tmp_path / "tracking.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match="Invalid character"):
        write_tracking_workbook(target, {"Bad/name?": pd.DataFrame({"a": [1]})})
    assert target.read_bytes() == b"old"


def test_objective_plot_draws_each_objective_scored_twice_and_the_mean(sample_round):
    per = sample_round.progress.per_objective
    both = per.dropna(subset=["start_score", "end_score"])
    fig = plot_objective_scores(per)
    ax = fig.axes[0]
    assert len(ax.lines) == len(both) + 1   # one line per objective, then the mean
    mean = ax.lines[-1].get_ydata()
    assert mean == pytest.approx([both["start_score"].astype(float).mean(),
                                  both["end_score"].astype(float).mean()])
    assert ax.get_title().endswith(f"({len(both)} of {len(per)})")
    text = " ".join(t.get_text() for t in [*ax.texts, ax.title, *ax.get_legend().get_texts()])
    assert "@" not in text


def test_session_use_plot_counts_pairs_by_route_and_state(sample_round):
    register = sample_round.status.register
    ax = plot_session_use(register).axes[0]
    routes = [t.get_text() for t in ax.get_yticklabels()]
    widths = {}
    for bars in ax.containers:
        for route, bar in zip(routes, bars, strict=True):
            widths[(route, bars.get_label())] = bar.get_width()
    expected = register.groupby(["route", "status"]).size()
    assert {k: v for k, v in widths.items() if v} == expected.to_dict()
    assert [c.get_label() for c in ax.containers] == [
        s for s in ("not started", "active", "complete", "past end date", "closed")
        if s in set(register["status"])]


def test_cli_triage_match_status(sample_dir, tmp_path, capsys):
    requests = str(sample_dir / "coaching_requests.csv")
    coaches = str(sample_dir / "coaching_coaches.csv")
    assert main(["coaching", "triage", requests, "--out", str(tmp_path / "t.csv")]) == 0
    out = capsys.readouterr().out
    assert "40 request(s)" in out and "on hold" in out
    assert len(pd.read_csv(tmp_path / "t.csv")) == 40
    store = tmp_path / "s.sqlite"
    assert main(["coaching", "match", requests, coaches, "--out", str(tmp_path),
                 "--start-date", COACHING_START, "--store", str(store),
                 "--cohort", "2026"]) == 0
    out = capsys.readouterr().out
    assert "on the waiting list" in out and "Saved" in out
    assert (tmp_path / "coaching_tracking.xlsx").exists()
    assert main(["coaching", "status", "--pairs", str(tmp_path / "coaching_pairs.csv"),
                 "--sessions", str(sample_dir / "coaching_sessions.csv"),
                 "--scores", str(sample_dir / "coaching_scores.csv"), "--requests", requests,
                 "--today", COACHING_TODAY, "--out", str(tmp_path), "--forms"]) == 0
    out = capsys.readouterr().out
    assert "over the limit" in out and "missing end form" in out
    warnings = pd.read_excel(tmp_path / "coaching_status.xlsx", sheet_name="Warnings")
    printed = [line for line in out.splitlines()
               if line.startswith("  ") and line.split(":")[0].strip() in WARNING_KINDS]
    assert len(warnings) == len(printed) > 0
    assert set(warnings["Warning"]) >= {"over the limit", "no coaching pair"}
    matched = pd.read_csv(tmp_path / "coaching_pairs.csv")
    forms = sorted((tmp_path / "objectives_forms").glob("*.docx"))
    assert len(forms) == len(matched)
    assert f"Wrote {len(matched)} objectives form(s)" in out


def test_cli_reports_bad_rows_and_unusable_files(tmp_path, capsys):
    bad = tmp_path / "r.csv"
    bad.write_text("Name,Email,Department,Grade,Approved\n"
                   "Ada,ada@example.org,Maths,Grade 8,yes\n"
                   "Bo,bo@example.org,Maths,Grade 12,yes\n")
    assert main(["coaching", "triage", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "  3  grade  Grade 12" in out and "1 request(s)" in out
    missing = tmp_path / "m.csv"
    missing.write_text("Name,Email\nAda,ada@example.org\n")
    assert main(["coaching", "triage", str(missing)]) == 2
    assert "no column for the required field(s)" in capsys.readouterr().err
    pairs = tmp_path / "p.csv"
    pairs.write_text("coachee_email\na@example.org\n")
    assert main(["coaching", "status", "--pairs", str(pairs), "--sessions", str(bad),
                 "--today", "2026-01-01"]) == 2
    assert "give the coaching_pairs.csv" in capsys.readouterr().err


def test_panel_reruns_with_new_thresholds(sample_dir):
    files = [sample_dir / f"coaching_{k}.csv" for k in ("requests", "coaches", "sessions",
                                                        "scores")]
    panel = CoachingPanel(*files, COACHING_TODAY, COACHING_START)
    first = panel.result.match.requests["route"].value_counts()
    panel.threshold.value = "Grade 7"
    panel.button.click()
    moved = panel.result.match.requests["route"].value_counts()
    grade_8 = (panel.result.match.requests["grade"] == "Grade 8").sum()
    assert moved["external"] == first["external"] + grade_8 > first["external"]
    panel.same_department.value = True
    panel.button.click()
    # The panel runs the same service as the command: the same round, control for control.
    same = run_round(*files, COACHING_TODAY, rules=TriageRules(internal_up_to="Grade 7"),
                     settings=MatchSettings(same_department=True, start_date=COACHING_START))
    pd.testing.assert_frame_equal(panel.result.match.pairs, same.match.pairs)
    assert panel.last_message == ("info", same.summary().splitlines()[-1])


def test_panel_shows_errors_instead_of_raising(sample_dir, tmp_path):
    panel = CoachingPanel(sample_dir / "coaching_requests.csv", tmp_path / "missing.csv")
    assert panel.result is None
    assert panel.last_message[0] == "error" and "does not exist" in panel.last_message[1]


def test_demo_step_writes_the_tracking_workbook_and_saves_the_round(sample_round, sample_dir,
                                                                    tmp_path, capsys):
    ctx = DemoContext(sample=sample_dir, out=tmp_path, store_path=tmp_path / "s.sqlite")
    _step_coaching(ctx)
    out = capsys.readouterr().out
    assert sample_round.summary().splitlines()[0] in out
    summary = pd.read_excel(ctx.outputs["coaching"], sheet_name="Summary").set_index("Measure")
    assert summary.loc["Matched with a coach", "Value"] == len(sample_round.match.pairs)
    assert len(list(ctx.outputs["coach forms"].glob("*.docx"))) == len(sample_round.match.pairs)
    with Store(ctx.store_path) as store:
        pairs = load_pairs(store, scheme="coaching")
        sessions = load_coaching_sessions(store, "2026 coaching")
        scores = load_objective_scores(store, "2026 coaching")
    assert (f"Saved {len(pairs)} coaching pairs, {len(sessions)} sessions and {len(scores)} "
            "objective scores" in out)
    assert len(pairs) == len(sample_round.match.pairs)
