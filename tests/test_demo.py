"""The demo, run once per session as a lead runs it: every step, and where its outputs are."""

from __future__ import annotations

import re

import docx
import pandas as pd

from toolkit.demo.unmentoring import DEMO_ROUNDS
from toolkit.unmentoring.service import load_rounds


def test_the_demo_runs_every_step_and_lists_its_outputs(demo_run):
    assert demo_run.code == 0
    assert "Outputs:" in demo_run.out
    assert (demo_run.folder / "out" / "scheme.sqlite").exists()
    assert (demo_run.folder / "out" / "sample_data" / "signups.csv").exists()  # generated


def test_the_demo_follows_the_pairs_and_writes_agreements(demo_run):
    assert "Recorded 1 withdrawal(s)" in demo_run.out
    assert "Mentor whose mentees all withdrew (1)" in demo_run.out
    files = sorted((demo_run.folder / "out" / "agreements").glob("*.docx"))
    assert len(files) > 60
    assert docx.Document(str(files[0])).paragraphs[0].text == "Mentoring agreement"
    assert demo_run.output("timeline").stat().st_size > 10_000


def test_the_demo_draws_three_rounds_and_exports(demo_run):
    assert "0 repeat(s)" in demo_run.out
    history = pd.read_csv(demo_run.output("draw history"))
    assert history["round"].unique().tolist() == [label for label, _ in DEMO_ROUNDS]
    merge = pd.read_csv(demo_run.output("mail merge"))
    assert list(merge.columns) == ["email", "partner_names", "partner_departments", "week"]
    draw = pd.read_csv(demo_run.output("draw"))
    assert sorted(merge["email"]) == sorted(draw["email"])
    assert len(list(demo_run.output("mail drafts").glob("*.eml"))) == len(draw)
    rounds = load_rounds(demo_run.folder / "out" / "scheme.sqlite")
    assert rounds[["round", "week"]].to_numpy().tolist() == [list(r) for r in DEMO_ROUNDS]


def test_the_demo_report_covers_coaching_and_unmentoring(demo_run):
    page = demo_run.output("report").read_text(encoding="utf-8")
    # The coaching scores and UnMentoring rounds the other demo steps saved are reported.
    assert "How coaching objectives moved" in page
    assert "Ties made in each UnMentoring round" in page
    assert "Not recorded" not in page  # everyone drawn is placed in a department
    # What the demo says it wrote is what is in the report folder.
    said = re.search(r"Report: (\d+) sections, (\d+) figures \(PNG and SVG\), (\d+) tables "
                     r"\(CSV\); disclosure rule: UK higher-education standard", demo_run.out)
    sections, figures, tables = map(int, said.groups())
    folder = demo_run.output("report").parent
    assert page.count("<section id=") == sections == 7  # with outcomes and cohorts
    assert len(list((folder / "figures").glob("*.png"))) == figures
    assert len(list((folder / "figures").glob("*.svg"))) == figures
    assert len(list((folder / "tables").glob("*.csv"))) == tables
