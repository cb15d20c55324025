"""The demo: the whole year's job run on the synthetic sample scheme, step by step."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.coaching.matching import MatchSettings
from toolkit.coaching.registers import REGISTERS
from toolkit.coaching.round import run_round, save_round, write_round
from toolkit.demo.coaching import COACHING_BUDGET
from toolkit.demo.sample import (
    COACHING_START,
    COACHING_TODAY,
    LAST_YEAR,
    SAMPLE_PAIRED_ON,
    SAMPLE_TODAY,
    add_sample_last_year,
    record_sample_withdrawals,
    sample_store,
    write_sample,
)
from toolkit.demo.unmentoring import demo_draws
from toolkit.evaluation.report import build_report
from toolkit.evaluation.survey import read_survey, save_survey
from toolkit.intake.signups import read_signups
from toolkit.io.outputs import write_csv_atomic
from toolkit.io.problems import format_problems
from toolkit.pairing.introductions import render_introductions, write_introductions
from toolkit.pairing.matching import match_mentors, run_summary
from toolkit.pairing.outputs import write_match_outputs
from toolkit.plots.relationships import plot_meeting_timeline
from toolkit.relationships.agreements import write_agreements
from toolkit.relationships.alerts import format_warnings
from toolkit.relationships.changes import pair_table
from toolkit.relationships.meetings import read_meetings, save_meetings
from toolkit.relationships.status import check_store
from toolkit.store.connection import Store
from toolkit.store.meetings import load_meetings
from toolkit.store.pairs import load_pairs, save_pairs
from toolkit.store.people import load_people, save_import

__all__ = ["DemoContext", "run_demo"]

COHORT = "2026"


@dataclass
class DemoContext:
    """What the demo's steps share: where the inputs are and where outputs go."""

    sample: Path
    out: Path
    store_path: Path
    outputs: dict[str, Path] = field(default_factory=dict)


def _step_import(ctx: DemoContext) -> None:
    print("Step 1. Import the sign-ups")
    forms = read_signups(ctx.sample / "signups_forms.xlsx",
                         mapping=ctx.sample / "signups_forms_mapping.json")
    print(f"  Microsoft Forms export: {len(forms.people)} sign-ups, "
          f"{len(forms.problems)} problem(s).")
    broken = read_signups(ctx.sample / "signups_with_problems.csv")
    print(f"  An export with mistakes: {len(broken.problems)} problem(s) on "
          f"{broken.problems['row'].nunique()} row(s), each with the row to fix:")
    print("    " + format_problems(broken.problems, width=96).replace("\n", "\n    "))
    ctx.outputs["problems"] = write_csv_atomic(broken.problems, ctx.out / "problems.csv")
    signups = read_signups(ctx.sample / "signups.csv")
    signups.raise_for_problems()
    with Store(ctx.store_path) as store:
        save_import(store, signups, COHORT)
        roles = load_people(store, COHORT)["role"].value_counts().to_dict()
    print(f"  Saved {len(signups.people)} sign-ups of cohort {COHORT} in the store "
          f"({', '.join(f'{v} {k}' for k, v in sorted(roles.items()))}).")
    ctx.outputs["store"] = ctx.store_path


def _step_pairing(ctx: DemoContext) -> None:
    print("Step 2. Pair mentees with mentors")
    signups = read_signups(ctx.sample / "signups.csv")
    with Store(ctx.store_path) as store:
        people = load_people(store, COHORT)
        if people.empty:
            people = signups.people
        result = match_mentors(people)
        # The sample's story: most pairs started in October, a few in a summer pilot.
        story = pd.read_csv(ctx.sample / "sample_pairs.csv", dtype=str)
        pairs = result.pairs.drop(columns="origin").merge(
            story, on=["mentee_email", "mentor_email"], how="left")
        pairs["start_date"] = pairs["start_date"].fillna(SAMPLE_PAIRED_ON)
        settings = {**result.settings, "sha256": signups.sha256}
        ids: list[int] = []
        with store.transaction():
            for start, group in pairs.groupby("start_date", sort=True):
                ids += save_pairs(store, group.drop(columns="start_date"), COHORT,
                                       settings=settings, start_date=str(start))
    folder = ctx.out / "pairing"
    written = write_match_outputs(result, folder, {
        "input": {"file": str(ctx.sample / "signups.csv"), "sha256": signups.sha256,
                  "rows_used": len(people), "rows_skipped": 0}})
    drafts = write_introductions(render_introductions(result.pairs, people),
                                 folder / "introductions")
    print(f"  {run_summary(result)}")
    print(f"  Saved {len(ids)} proposed pairs of cohort {COHORT} in the store; wrote "
          f"{len(drafts)} introduction e-mail drafts.")
    if len(result.pairs):
        example = result.pairs["mentee_email"].iloc[0]
        print("  Why one pair was made:\n    " + result.explain(example).replace(
            "\n", "\n    "))
    ctx.outputs["pairs"] = written["pairs"]
    ctx.outputs["unmatched"] = written["unmatched"]
    ctx.outputs["pairing run"] = written["run"]
    ctx.outputs["intro drafts"] = folder / "introductions"


def _step_relationships(ctx: DemoContext) -> None:
    print(f"Step 3. Follow the pairs through the year (today is fixed at {SAMPLE_TODAY})")
    with Store(ctx.store_path) as store:
        had_pairs = not load_pairs(store, scheme="mentoring").empty
    if not had_pairs:
        print("  No pairs in the store yet: using the sample pairs (sample_pairs.csv).")
    with sample_store(ctx.store_path, ctx.sample, COHORT) as store:
        broken = read_meetings(ctx.sample / "meetings_with_problems.csv", store, SAMPLE_TODAY)
        print(f"  A meetings export with mistakes: {len(broken.problems)} problem(s), each "
              "with its row:")
        print("    " + format_problems(broken.problems, width=96).replace("\n", "\n    "))
        result = read_meetings(ctx.sample / "meetings.csv", store, SAMPLE_TODAY)
        saved = save_meetings(store, result)
        print(f"  Recorded {saved} meeting(s) from meetings.csv"
              + (f"; {result.problems['row'].nunique()} row(s) set aside with problems "
                 "(pairs not in the store?)." if not result.ok else ", no problems."))
        withdrawn = record_sample_withdrawals(store, ctx.sample)
        print(f"  Recorded {len(withdrawn)} withdrawal(s).")
        statuses = load_pairs(store, scheme="mentoring")["status"].value_counts().sort_index()
        print("  Pairs by status: " + ", ".join(f"{v} {k}" for k, v in statuses.items()) + ".")
        warnings = check_store(store, SAMPLE_TODAY)
        print("    " + format_warnings(warnings, SAMPLE_TODAY).replace("\n", "\n    "))
        agreements = write_agreements(store, ctx.out / "agreements",
                                      statuses=("proposed", "active"))
        print(f"  Wrote {len(agreements)} agreement(s) (.docx and .md) to "
              f"'{ctx.out / 'agreements'}'.")
        fig = plot_meeting_timeline(pair_table(store), load_meetings(store), SAMPLE_TODAY)
        chart = ctx.out / "meetings_timeline.png"
        fig.savefig(chart, dpi=90)
    ctx.outputs["agreements"] = ctx.out / "agreements"
    ctx.outputs["timeline"] = chart


def _step_coaching(ctx: DemoContext) -> None:
    print("Step 5. Coaching requests: triage, match coaches, track sessions and objectives")
    registers = {kind: ctx.sample / f"coaching_{kind}.csv" for kind in REGISTERS}
    done = run_round(ctx.sample / "coaching_requests.csv", ctx.sample / "coaching_coaches.csv",
                     ctx.sample / "coaching_sessions.csv", ctx.sample / "coaching_scores.csv",
                     today=COACHING_TODAY, settings=MatchSettings(start_date=COACHING_START),
                     registers=registers, budget=COACHING_BUDGET)
    print("  " + done.summary().replace("\n", "\n  "))
    written = write_round(done, ctx.out / "coaching")
    with Store(ctx.store_path) as store:
        saved = save_round(store, done, f"{COHORT} coaching")
    print(f"  Saved {len(saved['pairs'])} coaching pairs, {saved['sessions']} sessions and "
          f"{saved['scores']} objective scores in the store (scheme 'coaching'), with the "
          "approved coaches, choices, chemistry outcomes, agreed sessions and spend.")
    ctx.outputs["coaching"] = written["tracking"]
    ctx.outputs["coach forms"] = written["forms"]


def _step_unmentoring(ctx: DemoContext) -> None:
    ctx.outputs.update(demo_draws(ctx.sample, ctx.out, ctx.store_path))



def _step_report(ctx: DemoContext) -> None:
    print("Year end. Import the feedback survey and write the evaluation report")
    survey = read_survey(ctx.sample / "survey.csv")
    extract = ctx.sample / "hr_extract.csv"
    with Store(ctx.store_path) as store:
        saved = save_survey(store, survey, COHORT)
        if add_sample_last_year(store, ctx.sample):
            print(f"  The store now also holds last year's cohort ({LAST_YEAR}), as it would "
                  "had the toolkit been used then: the report compares the two.")
        result = build_report(store, ctx.out / "report", cohort=COHORT,
                              participants=ctx.sample / "unmentoring.csv", progress=False,
                              outcomes=extract if extract.exists() else None)
    n_text = int((survey.questions["kind"] == "text").sum())
    print(f"  Survey: {saved} answers to {len(survey.questions)} questions saved "
          f"({n_text} free-text question(s) kept out of every chart).")
    if extract.exists():
        print(f"  Outcomes: from the HR extract '{extract.name}' (promotion, grade moves and "
              "retention of mentees against colleagues who did not take part).")
    print(f"  Report: {len(result.sections)} sections, {len(result.figures)} figures (PNG and "
          f"SVG), {len(result.tables)} tables (CSV); disclosure rule: {result.rule.name}.")
    ctx.outputs["report"] = result.html


#: The demo's steps, in the order of a scheme lead's year.
STEPS: list[Callable[[DemoContext], None]] = [
    _step_import,
    _step_pairing,
    _step_relationships,
    _step_unmentoring,
    _step_coaching,
    _step_report,
]


def run_demo(out: str | Path = "demo_output", sample_dir: str | Path | None = None) -> DemoContext:
    """Run every step of the demo on the sample scheme and say where the outputs are.

    Parameters
    ----------
    out : str or Path
        The output folder; its scheme store is started afresh.
    sample_dir : str or Path, optional
        The sample data (default ``./sample_data``, generated into ``out`` when missing).

    Returns
    -------
    DemoContext
        Paths of everything written, in ``outputs``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if sample_dir is None:
        sample_dir = Path("sample_data")
        if not (sample_dir / "signups.csv").exists():
            sample_dir = out / "sample_data"
            if sample_dir.exists():
                shutil.rmtree(sample_dir)
            write_sample(sample_dir)
    store_path = out / "scheme.sqlite"
    for stale in out.glob("scheme.sqlite*"):
        stale.unlink()
    ctx = DemoContext(sample=Path(sample_dir), out=out, store_path=store_path)
    print(f"Mentoring Scheme Toolkit demo on the sample scheme in '{ctx.sample}'.\n")
    for step in STEPS:
        step(ctx)
        print()
    print("Outputs:")
    for name, path in ctx.outputs.items():
        print(f"  {name:<12} {path}")
    return ctx
