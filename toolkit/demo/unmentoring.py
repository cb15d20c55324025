"""The demo's UnMentoring step: three monthly rounds drawn into the demo store, then announced."""

from __future__ import annotations

from pathlib import Path

from toolkit.io.outputs import write_csv_atomic
from toolkit.unmentoring.announcements import write_announcements
from toolkit.unmentoring.draw import default_seed, draw_round
from toolkit.unmentoring.participants import read_participants
from toolkit.unmentoring.service import load_exclusions, load_history, save_round
from toolkit.unmentoring.statistics import draw_statistics

__all__ = ["DEMO_ROUNDS", "demo_draws"]

#: The rounds the demo draws: label and a day in the week to meet.
DEMO_ROUNDS = (("2026-10", "2026-10-05"), ("2026-11", "2026-11-02"), ("2026-12", "2026-12-07"))


def demo_draws(sample: Path, out: Path, store_path: Path) -> dict[str, Path]:
    """Draw the demo's rounds (:data:`DEMO_ROUNDS`) into its store and announce the last one.

    The sign-up list is ``sample / "unmentoring.csv"``; mentoring pairs and line managers in
    the store are kept apart. The last round's draw, the history, the mail-merge list, the
    e-mail drafts and the calendar files are written under ``out / "unmentoring"``.

    Parameters
    ----------
    sample : Path
        The sample scheme's folder.
    out : Path
        The demo's output folder.
    store_path : Path
        The demo's scheme store.

    Returns
    -------
    dict of str to Path
        What was written, by the name the demo lists it under.
    """
    print("Step 4. The monthly UnMentoring draw: three rounds, then the announcements")
    people = read_participants(sample / "unmentoring.csv")
    folder = out / "unmentoring"
    excluded = load_exclusions(store_path, people["email"])
    print(f"  {int((~people['paused']).sum())} active and {int(people['paused'].sum())} "
          f"paused sign-ups; {len(excluded)} pair(s) kept apart (mentoring pairs, line "
          "management).")
    for label, week in DEMO_ROUNDS:
        history = load_history(store=store_path)
        seed = default_seed(label)
        draw = draw_round(people, history, seed=seed, round_label=label, exclusions=excluded)
        save_round(draw, seed, store=store_path, week=week,
                   settings={"method": "auto", "exclusions": len(excluded)}, redraw=True)
        stats = draw_statistics(draw, people, history).set_index("measure")["value"]
        print(f"  Round {label} (seed {seed}): {stats['groups']} groups, "
              f"{stats['groups mixing departments (%)']}% mixing departments, "
              f"{stats['repeats of an earlier pairing']} repeat(s).")
    written = write_announcements(draw, people, folder, week=week, ics=True)
    outputs = {
        "draw": write_csv_atomic(draw, folder / "draw.csv"),
        "draw history": write_csv_atomic(load_history(store=store_path),
                                         folder / "history.csv"),
        "mail merge": written["mail_merge"],
        "mail drafts": written["drafts"],
        "calendar": written["calendar"],
    }
    print(f"  Announcements for {label}: a mail-merge list, {len(draw)} e-mail drafts and "
          f"{draw['group'].nunique()} calendar files in '{folder}'.")
    return outputs
