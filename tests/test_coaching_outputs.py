"""Coaching outputs, the command line, the notebook panel and the demo step."""

from __future__ import annotations

import docx
import openpyxl
import pandas as pd
import pytest
from matplotlib.figure import Figure

from toolkit.cli.main import main
from toolkit.coaching.outputs import plot_objective_scores, plot_session_use
from toolkit.coaching.requests import MatchSettings
from toolkit.coaching.round import run_round, write_round
from toolkit.demo.sample import COACHING_START, COACHING_TODAY
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
    assert requests["Why"].str.len().min() > 10
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


def test_failed_workbook_write_keeps_the_old_file(sample_round, tmp_path):
    from toolkit.coaching.outputs import write_tracking_workbook

    target = tmp_path / "tracking.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match="Invalid character"):
        write_tracking_workbook(target, {"Bad/name?": pd.DataFrame({"a": [1]})})
    assert target.read_bytes() == b"old"


def test_plots_return_figures_without_names(sample_round):
    fig = plot_objective_scores(sample_round.progress.per_objective)
    assert isinstance(fig, Figure)
    text = " ".join(t.get_text() for ax in fig.axes for t in [*ax.texts, ax.title])
    assert "@" not in text
    assert isinstance(plot_session_use(sample_round.status.register), Figure)


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
    book = openpyxl.load_workbook(tmp_path / "coaching_status.xlsx", read_only=True)
    assert "Warnings" in book.sheetnames
    assert len(list((tmp_path / "objectives_forms").glob("*.docx"))) > 0


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
    panel = CoachingPanel(sample_dir / "coaching_requests.csv",
                          sample_dir / "coaching_coaches.csv",
                          sample_dir / "coaching_sessions.csv",
                          sample_dir / "coaching_scores.csv", COACHING_TODAY, COACHING_START)
    first = panel.result.match.requests["route"].value_counts()
    panel.threshold.value = "Grade 7"
    panel.button.click()
    moved = panel.result.match.requests["route"].value_counts()
    assert moved["external"] > first["external"]
    panel.same_department.value = True
    panel.button.click()
    assert panel.result is not None and panel.last_message[0] in ("info", "warning")


def test_panel_shows_errors_instead_of_raising(sample_dir, tmp_path):
    panel = CoachingPanel(sample_dir / "coaching_requests.csv", tmp_path / "missing.csv")
    assert panel.result is None
    assert panel.last_message[0] == "error" and "does not exist" in panel.last_message[1]


def test_demo_step_writes_the_tracking_workbook(sample_dir, tmp_path, capsys):
    from toolkit.demo.run import DemoContext, _step_coaching

    ctx = DemoContext(sample=sample_dir, out=tmp_path, store_path=tmp_path / "s.sqlite")
    _step_coaching(ctx)
    assert ctx.outputs["coaching"].exists()
    assert "Coaching requests" in capsys.readouterr().out
