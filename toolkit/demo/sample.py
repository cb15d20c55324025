"""A seeded generator of synthetic, realistic scheme data (names invented, example.org)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.coaching.matching import MatchSettings, match_coaches
from toolkit.coaching.progress import objectives_of
from toolkit.coaching.records import validate_sessions
from toolkit.coaching.requests import validate_coaches, validate_requests
from toolkit.coaching.triage import triage
from toolkit.core.ladder import CIVIL_SERVICE_LADDER, DEFAULT_LADDER, LECTURER_LADDER
from toolkit.core.statuses import RUNNING
from toolkit.demo.coaching import generate_coaching_registers
from toolkit.errors import LifecycleError
from toolkit.evaluation.survey import read_survey, save_survey
from toolkit.intake.signups import read_signups
from toolkit.io.outputs import write_csv_atomic, write_xlsx_atomic
from toolkit.io.readers import Table
from toolkit.pairing.matching import match_mentors
from toolkit.relationships.changes import withdraw_pair
from toolkit.store.connection import Store
from toolkit.store.meetings import save_meeting_rows
from toolkit.store.pairs import load_pairs, save_pairs
from toolkit.store.people import load_cohorts, load_people, save_import, save_signups

__all__ = [
    "COACHING_NEEDS",
    "COACHING_START",
    "COACHING_TODAY",
    "DEPARTMENTS",
    "LAST_YEAR",
    "SAMPLE_PAIRED_ON",
    "SAMPLE_TODAY",
    "SURVEY_QUESTIONS",
    "TOPICS",
    "add_sample_last_year",
    "generate_coaching",
    "generate_coaching_activity",
    "generate_hr_extract",
    "generate_last_year",
    "generate_meetings",
    "generate_people",
    "generate_survey",
    "generate_unmentoring",
    "record_sample_withdrawals",
    "sample_pairs",
    "sample_store",
    "seed_sample_signups",
    "simulate_year",
    "write_sample",
]

#: The day most of the sample scheme's pairs were made, the day a small summer pilot's pairs
#: were made, and the fixed "today" of the demo (no sample meeting is later).
SAMPLE_PAIRED_ON = "2026-10-05"
SAMPLE_PILOT_ON = "2026-07-20"
SAMPLE_TODAY = "2027-07-01"
#: The sample scheme's earlier cohort (a year before), its pairing day and pilot day.
LAST_YEAR = "2025"
_LAST_YEAR_PAIRED_ON = "2025-10-06"
_LAST_YEAR_PILOT_ON = "2025-07-21"
_LAST_YEAR_UNTIL = "2026-06-26"

DIVISION = "Division of Natural and Life Sciences"
DEPARTMENTS = [
    "Biochemistry", "Chemistry", "Earth Sciences", "Ecology and Evolution",
    "Mathematics", "Neuroscience", "Physics and Astronomy", "Psychology",
]
TOPICS = [
    "Career progression", "Grant writing", "Teaching and learning", "Leadership",
    "Work-life balance", "Publishing", "Returning from leave", "Promotion applications",
    "Networking", "Public engagement", "Managing a team", "Moving into industry",
]
_FIRST = [
    "Amara", "Bilal", "Carys", "Dimitri", "Elif", "Farah", "Gideon", "Hana", "Ioan", "Jovana",
    "Kwame", "Leilani", "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rhiannon", "Soren",
    "Tamsin", "Uzma", "Viktor", "Wren", "Xiadani", "Yusuf", "Zofia", "Anselm", "Brigid",
    "Caspian", "Delphine", "Emeka", "Freya", "Gethin", "Hollis", "Ines", "Jasper", "Kalinda",
    "Lorcan", "Mireille", "Niamh", "Olusegun", "Petra", "Rafferty", "Saoirse", "Teodor", "Ulla",
    "Valentin", "Winifred", "Yannick", "Zainab",
]
_LAST = [
    "Abernethy", "Balogun", "Castellanos", "Drummond", "Ekwueme", "Fairweather", "Galbraith",
    "Haddad", "Iwasaki", "Jablonski", "Kowalczyk", "Lindqvist", "Mbeki", "Nakagawa", "Okonkwo",
    "Pemberton", "Quintero", "Rasmussen", "Szabo", "Thorncroft", "Umarov", "Vasquez", "Whitlock",
    "Xu", "Yilmaz", "Zeller", "Ashdown", "Brannigan", "Chaudhry", "Delacroix", "Eriksen", "Fenwick",
    "Grimaldi", "Holloway", "Ishikawa", "Jovanovic", "Kerrigan", "Lachance", "Moreau", "Nwosu",
]
# People per grade level (PhD student .. Grade 10) in a division of about 160 sign-ups.
_GRADE_COUNTS = [24, 10, 40, 36, 26, 24]
_GRADE_WORDS = {  # how people write their grade on a free-text form
    0: ["PhD student", "PhD candidate", "Doctoral student"],
    1: ["Grade 6", "Research assistant"],
    2: ["Grade 7", "Postdoc", "Postdoctoral researcher", "Research fellow"],
    3: ["Grade 8", "Lecturer", "Senior research fellow"],
    4: ["Grade 9", "Associate professor", "Associate Professor"],
    5: ["Grade 10", "Professor"],
}
_WOMEN_SHARE = [0.55, 0.55, 0.5, 0.45, 0.38, 0.28]


def _names(rng: np.random.Generator, n: int) -> list[str]:
    pairs = [(f, s) for f in _FIRST for s in _LAST]
    picks = rng.choice(len(pairs), size=n, replace=False)
    return [f"{pairs[i][0]} {pairs[i][1]}" for i in picks]


def _email(name: str) -> str:
    return name.lower().replace(" ", ".").replace("'", "") + "@example.org"


def generate_people(seed: int = 2026) -> pd.DataFrame:
    """Generate a synthetic mentoring sign-up list with canonical columns.

    About 160 people in eight departments, grades from PhD student to professor; juniors
    sign up as mentees, seniors as mentors, many in between as both; each has a line manager
    more senior in their own department (some managers did not sign up); topics, meeting
    preferences, gender (fewer women at senior grades, as in many divisions) and, for some
    women mentees, a preference for a woman mentor.

    Parameters
    ----------
    seed : int
        The random seed: the same seed gives the same people.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, email, department, grade, role, line_manager_email, capacity, topics,
        meeting_mode, gender, mentor_gender_preference, level``.

    Examples
    --------
    >>> people = generate_people()
    >>> len(people), people["email"].str.endswith("@example.org").all()
    (160, np.True_)
    """
    rng = np.random.default_rng(seed)
    levels = np.repeat(np.arange(6), _GRADE_COUNTS)
    n = len(levels)
    extra_managers = 16
    names = _names(rng, n + extra_managers)
    dept = rng.choice(len(DEPARTMENTS), size=n)
    # Every department has at least one professor and one associate professor.
    for level in (5, 4):
        idx = np.flatnonzero(levels == level)
        dept[idx[: len(DEPARTMENTS)]] = np.arange(len(DEPARTMENTS))
    gender = np.where(rng.random(n) < np.take(_WOMEN_SHARE, levels), "Woman", "Man").astype(object)
    other = rng.random(n)
    gender[other < 0.03] = "Non-binary"
    gender[(other >= 0.03) & (other < 0.06)] = "Prefer not to say"

    role = np.empty(n, dtype=object)
    u = rng.random(n)
    role[levels <= 1] = "mentee"
    role[levels == 2] = np.where(u[levels == 2] < 0.25, "both", "mentee")
    role[levels == 3] = np.where(u[levels == 3] < 0.45, "both",
                                 np.where(u[levels == 3] < 0.75, "mentor", "mentee"))
    role[levels == 4] = np.where(u[levels == 4] < 0.2, "both", "mentor")
    role[levels == 5] = "mentor"
    capacity = np.where(np.isin(role, ["mentor", "both"]), rng.choice([1, 1, 2, 2, 3], size=n), 1)

    emails = [_email(x) for x in names[:n]]
    outside = [_email(x) for x in names[n:]]
    manager = []
    for i in range(n):
        seniors = np.flatnonzero(
            (dept == dept[i]) & (levels > levels[i]) & (levels <= levels[i] + 2))
        if levels[i] == 5 or (rng.random() < 0.15 and levels[i] >= 3):
            manager.append(outside[dept[i] % len(outside)] if levels[i] < 5 else "")
        elif len(seniors):
            manager.append(emails[int(rng.choice(seniors))])
        else:
            manager.append(outside[(dept[i] + 8) % len(outside)])

    topics = []
    for i in range(n):
        k = int(rng.integers(1, 5))
        weights = np.ones(len(TOPICS))
        if levels[i] <= 2:
            weights[[0, 1, 5, 7 if levels[i] == 2 else 11]] += 2
        if levels[i] >= 4:
            weights[[3, 10, 9]] += 2
        if gender[i] == "Woman":
            weights[[4, 6]] += 1
        chosen = rng.choice(len(TOPICS), size=k, replace=False, p=weights / weights.sum())
        topics.append([TOPICS[j] for j in sorted(chosen)])
    mode = rng.choice(["in person", "online", "either"], size=n, p=[0.35, 0.25, 0.4])
    pref = np.where(
        (gender == "Woman") & np.isin(role, ["mentee", "both"]) & (rng.random(n) < 0.3),
        "woman", "")
    frame = pd.DataFrame({
        "name": names[:n],
        "email": emails,
        "department": np.take(DEPARTMENTS, dept),
        "grade": np.take(DEFAULT_LADDER.levels, levels),
        "role": role,
        "line_manager_email": manager,
        "capacity": capacity,
        "topics": topics,
        "meeting_mode": mode,
        "gender": gender,
        "mentor_gender_preference": pref,
        "level": levels,
    })
    # Shuffle so the export is in sign-up order, not grade order.
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def generate_unmentoring(people: pd.DataFrame, seed: int = 2026) -> pd.DataFrame:
    """Generate an UnMentoring sign-up list: many mentoring sign-ups plus other colleagues.

    Columns ``name, email, department, paused`` (``yes`` for people sitting out this month).
    """
    rng = np.random.default_rng(seed + 1)
    chosen = people.sample(n=70, random_state=seed + 1)[["name", "email", "department"]]
    used = set(people["name"])
    spare = [n for n in _names(rng, 400) if n not in used][:30]
    newcomers = pd.DataFrame({
        "name": spare,
        "email": [_email(x) for x in spare],
        "department": rng.choice(DEPARTMENTS, size=len(spare)),
    })
    frame = pd.concat([chosen, newcomers], ignore_index=True)
    frame["paused"] = np.where(rng.random(len(frame)) < 0.08, "yes", "no")
    return frame.sample(frac=1, random_state=seed + 2).reset_index(drop=True)


#: Development needs on the coaching request form, which are also the coaches' specialisms.
COACHING_NEEDS = [
    "Leadership", "Confidence", "Career transition", "Managing a team", "Work-life balance",
    "Resilience", "Communication", "Returning from leave", "Promotion", "Time management",
]
_OBJECTIVE_TEXT = {
    "Leadership": "Develop my leadership style for the new project team",
    "Confidence": "Gain confidence presenting at international conferences",
    "Career transition": "Plan a career transition into research management",
    "Managing a team": "Get better at managing a team of five researchers",
    "Work-life balance": "Find a sustainable work-life balance during term time",
    "Resilience": "Build resilience after a difficult grant round",
    "Communication": "Improve communication with senior colleagues",
    "Returning from leave": "Settle back into research after returning from leave",
    "Promotion": "Prepare a strong promotion case for next year",
    "Time management": "Protect writing time through better time management",
}
_EXTRA_OBJECTIVES = [
    "Delegate more of my administrative load", "Say no to requests more often",
    "Give difficult feedback kindly and clearly", "Chair meetings that finish on time",
]
#: The sample coaching round: pairs start on this day, and the sample is checked on that one.
COACHING_START = "2026-03-02"
COACHING_TODAY = "2026-09-21"


def generate_coaching(people: pd.DataFrame, seed: int = 2026) -> dict[str, pd.DataFrame]:
    """Generate a coaching round: requests from staff and a pool of internal and external coaches.

    About forty requests from staff at grades 6 to 10 (both sides of the grade 8/9 boundary),
    some without the line manager's approval, some external ones without approval of the cost,
    one with no line manager; fourteen internal coaches drawn from senior staff (one of them
    a coachee's own line manager) and six external coaches with a cost per session. The
    internal network has a few places fewer than approved internal requests, so some wait.

    Parameters
    ----------
    people : pandas.DataFrame
        The sign-ups from :func:`generate_people` (the same staff, so chains are shared).
    seed : int
        The random seed.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``requests`` and ``coaches``, with the headers a request form and a coach list use.

    Examples
    --------
    >>> data = generate_coaching(generate_people())
    >>> len(data["requests"]), sorted(data["coaches"]["Internal or external"].unique())
    (40, ['External', 'Internal'])
    """
    rng = np.random.default_rng(seed + 11)
    staff = people.sort_values("email").reset_index(drop=True)
    # Internal coaches: senior staff, one of them the line manager of a chosen coachee.
    candidates = staff[(staff["level"] >= 1) & (staff["level"] <= 5)]
    counts = {1: 4, 2: 11, 3: 13, 4: 9, 5: 3}
    picked = np.concatenate([
        rng.choice(candidates.index[candidates["level"] == lv], size=k, replace=False)
        for lv, k in counts.items()])
    coachees = staff.loc[np.sort(picked)]
    managed = coachees[coachees["line_manager_email"].isin(staff["email"])
                       & (coachees["level"] <= 3)]
    boss_email = managed["line_manager_email"].iloc[0]
    pool = staff[(staff["level"] >= 3) & ~staff.index.isin(coachees.index)
                 & (staff["email"] != boss_email)]
    internal = pd.concat([staff[staff["email"] == boss_email],
                          pool.loc[np.sort(rng.choice(pool.index, size=13, replace=False))]])
    specialisms = [
        "; ".join(sorted(rng.choice(COACHING_NEEDS, size=int(rng.integers(2, 5)),
                                    replace=False)))
        for _ in range(len(internal) + 6)]
    external_names = [n for n in _names(np.random.default_rng(seed + 12), 60)
                      if n not in set(people["name"])][:6]
    coaches = pd.DataFrame({
        "Name": [*internal["name"], *external_names],
        "Email": [*internal["email"], *(_email(n) for n in external_names)],
        "Department": [*internal["department"], *(["External"] * 6)],
        "Internal or external": ["Internal"] * len(internal) + ["External"] * 6,
        "Capacity": [*rng.choice([1, 1, 1, 2], size=len(internal)), 2, 2, 3, 2, 1, 2],
        "Specialisms": specialisms,
        "Cost per session": [""] * len(internal) + [
            f"£{c}" for c in rng.choice([180, 240, 300, 350, 420, 450], size=6)],
        "Meeting mode": rng.choice(["in person", "online", "either"], size=len(internal) + 6),
        "Line manager email": [*internal["line_manager_email"], *([""] * 6)],
    })
    n = len(coachees)
    needs = [sorted(rng.choice(COACHING_NEEDS, size=int(rng.integers(1, 4)), replace=False))
             for _ in range(n)]
    objectives = []
    for need in needs:
        chosen = [_OBJECTIVE_TEXT[x] for x in need]
        if len(chosen) < 3 and rng.random() < 0.6:
            chosen.append(_EXTRA_OBJECTIVES[int(rng.integers(len(_EXTRA_OBJECTIVES)))])
        objectives.append(chosen + [""] * (3 - len(chosen)))
    external = coachees["level"].to_numpy() >= 4
    approved = np.where(rng.random(n) < 0.88, "Yes", "No").astype(object)
    cost = np.where(external & (rng.random(n) < 0.8), "Yes", "").astype(object)
    approved[np.flatnonzero(~external)[:2]] = ["", "No"]
    cost[np.flatnonzero(external)[:2]] = ["No", ""]
    approved[np.flatnonzero(external)[:2]] = "Yes"
    approved[approved == "Yes"] = rng.choice(["Yes", "yes", "Y", "Approved"],
                                             size=int((approved == "Yes").sum()))
    manager = coachees["line_manager_email"].to_numpy().copy()
    heads = np.char.add("head.", np.char.add(
        coachees["department"].str.casefold().str.replace(r"\W+", "-", regex=True).to_numpy(
            dtype=str), "@example.org"))
    no_boss = np.flatnonzero(manager == "")
    manager[no_boss[1:]] = heads[no_boss[1:]]  # all but one professor name their head
    start = datetime(2026, 1, 5, 8, 30)
    minutes = np.sort(rng.integers(0, 60 * 24 * 46, n))
    requests = pd.DataFrame({
        "Timestamp": [(start + timedelta(minutes=int(m))).strftime("%Y-%m-%d %H:%M")
                      for m in minutes],
        "Name": coachees["name"].to_numpy(),
        "Email": coachees["email"].to_numpy(),
        "Department": coachees["department"].to_numpy(),
        "Grade": coachees["grade"].to_numpy(),
        "Line manager email": manager,
        "Line manager approved": approved,
        "Line manager approved cost": cost,
        "Development need": ["".join(f"{x};" for x in need) for need in needs],
        "Objective 1": [o[0] for o in objectives],
        "Objective 2": [o[1] for o in objectives],
        "Objective 3": [o[2] for o in objectives],
        "Meeting mode": rng.choice(["Online (Teams)", "Face to face", "No preference"], size=n),
    })
    order = rng.permutation(n)
    requests = requests.iloc[order].sort_values("Timestamp", kind="stable")
    return {"requests": requests.reset_index(drop=True), "coaches": coaches}


def generate_coaching_activity(pairs: pd.DataFrame, objectives: pd.DataFrame,
                               seed: int = 2026) -> dict[str, pd.DataFrame]:
    """Generate the session log and objective scores of a coaching round, on fixed dates.

    Pairs start on :data:`COACHING_START`; seen on :data:`COACHING_TODAY` the round shows
    every situation an officer meets: pairs that finished, pairs still going, one over the
    limit, one silent for weeks, one past its end date, one with a session after it, a pair
    that never started, cancelled sessions, a mistyped e-mail, and missing score forms.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``coachee_email, route`` (from :func:`toolkit.coaching.matching.match_coaches`).
    objectives : pandas.DataFrame
        ``email, number, objective`` (from :func:`toolkit.coaching.progress.objectives_of`).
    seed : int
        The random seed.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sessions`` (Email, Date as dd/mm/yyyy, Type, Status) and ``scores`` (Email,
        Objective, Start score, End score).
    """
    rng = np.random.default_rng(seed + 13)
    day0 = datetime.fromisoformat(COACHING_START)
    pairs = pairs.sort_values("coachee_email").reset_index(drop=True)
    scenarios = ["over", "quiet", "past end", "after end", "not started"]
    rows: list[tuple[str, datetime, str, str]] = []
    plan: dict[str, str] = {}
    for i, (email, route) in enumerate(zip(pairs["coachee_email"], pairs["route"],
                                           strict=True)):
        if i < len(scenarios):
            scenario = scenarios[i]
        elif route == "internal":
            scenario = "complete" if rng.random() < 0.7 else "late"
        else:
            scenario = "complete" if rng.random() < 0.4 else "active"
        plan[email] = scenario
        limit = 4 if route == "internal" else 6
        if scenario == "not started":
            continue
        delay = {"quiet": 63, "late": 70 + int(rng.integers(0, 40))}.get(scenario, 0)
        first = day0 + timedelta(days=int(rng.integers(0, 15)) + delay)
        rows.append((email, first, "Chemistry", "Held"))
        count = {"over": limit + 1, "quiet": 2, "past end": 2, "after end": limit,
                 "active": limit - 2, "late": 2 + int(rng.integers(0, 2)),
                 "complete": limit}[scenario]
        gap = {"late": 28, "active": 30}.get(scenario, 25)
        day = first
        for k in range(count):
            day = day + timedelta(days=gap + int(rng.integers(0, 8)))
            if scenario == "after end" and k == count - 1:
                day = first + timedelta(days=190)
            if scenario in ("active", "late") and k == count - 1:
                day = datetime(2026, 9, 1) + timedelta(days=int(rng.integers(0, 14)))
            rows.append((email, day, "Session", "Held"))
        if rng.random() < 0.25:
            rows.append((email, first + timedelta(days=12), "Session", "Cancelled"))
    if len(pairs):
        typo = pairs["coachee_email"].iloc[-1].replace("@", "@mail.")
        rows.append((typo, day0 + timedelta(days=40), "Session", "Held"))
    sessions = pd.DataFrame(rows, columns=["Email", "Date", "Type", "Status"]).sort_values(
        ["Date", "Email"], kind="stable")
    sessions["Date"] = sessions["Date"].map(lambda d: d.strftime("%d/%m/%Y"))
    scored = objectives[objectives["email"].isin(plan)
                        & objectives["email"].map(plan).ne("not started")].copy()
    start_score = rng.integers(2, 7, len(scored))
    gain = rng.integers(0, 5, len(scored))
    finished = scored["email"].map(plan).isin(["complete", "over", "after end"]).to_numpy()
    end_score = np.where(finished, np.minimum(start_score + gain, 10), 0)
    emails = sorted(scored["email"].unique())
    no_start = emails[1] if len(emails) > 1 else None
    no_end = next((e for e in emails if plan[e] == "complete"), None)
    scores = pd.DataFrame({
        "Email": scored["email"].to_numpy(),
        "Objective": scored["number"].to_numpy(),
        "Start score": np.where(scored["email"].to_numpy() == no_start, "",
                                start_score.astype(str)),
        "End score": np.where((end_score == 0) | (scored["email"].to_numpy() == no_end), "",
                              end_score.astype(str)),
    })
    return {"sessions": sessions.reset_index(drop=True), "scores": scores}


def _coaching_problem_examples(requests: pd.DataFrame) -> pd.DataFrame:
    """Make a short request export with one of each common mistake."""
    rows = requests.head(8).copy()
    rows.loc[1, "Email"] = "not-an-address"
    rows.loc[2, "Grade"] = "Senior lectuer"
    rows.loc[3, "Line manager approved"] = "maybe"
    rows.loc[4, "Timestamp"] = "last Tuesday"
    rows.loc[5, "Email"] = rows.loc[0, "Email"]
    rows.loc[6, "Line manager email"] = rows.loc[6, "Email"]
    rows.loc[7, "Meeting mode"] = "by carrier pigeon"
    return rows


def sample_pairs(people: pd.DataFrame, start_date: str = SAMPLE_PAIRED_ON,
                 pilot_date: str = SAMPLE_PILOT_ON, pilot_share: float = 0.1) -> pd.DataFrame:
    """Pair the sample people with the pairing engine, with the dates the sample story uses.

    The pairs are exactly those :func:`toolkit.pairing.matching.match_mentors` makes with its
    default settings (so the demo's pairing step makes the same ones). The first
    ``pilot_share`` of them, by mentee e-mail, started earlier in a summer pilot, so that
    their terms end sooner and the renewal warnings have something to show.

    Parameters
    ----------
    people : pandas.DataFrame
        Clean sign-ups (``SignupImport.people`` or :func:`generate_people`).
    start_date : str
        The pairs' start date.
    pilot_date, pilot_share : str, float
        The pilot's start date and the share of pairs in it.

    Returns
    -------
    pandas.DataFrame
        ``mentee_email, mentor_email, start_date``, sorted by mentee.

    Examples
    --------
    >>> pairs = sample_pairs(generate_people())
    >>> len(pairs) > 60, pairs["mentee_email"].is_unique
    (True, True)
    """
    people = people.copy()
    if len(people) and isinstance(people["topics"].iloc[0], list):
        people["topics"] = people["topics"].map("; ".join)
    frame = match_mentors(people).pairs[["mentee_email", "mentor_email"]]
    frame = frame.sort_values("mentee_email").reset_index(drop=True)
    pilot = np.arange(len(frame)) < round(pilot_share * len(frame))
    frame["start_date"] = np.where(pilot, pilot_date, start_date)
    return frame


def simulate_year(pairs: pd.DataFrame, seed: int = 2026, until: str = "2027-06-25"
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate a year of meetings for pairs, and one withdrawal.

    Most pairs meet every six to ten weeks; some start late, some meet only once or
    once, some never meet, some have their last two meetings cancelled, and one mentee
    withdraws (from a pair whose mentor has no other mentee). All dates come from the
    pairs' start dates and ``until``: nothing depends on the real date.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``mentee_email, mentor_email`` and ``start_date`` (ISO); any source of pairs will do
        (:func:`sample_pairs`, or the pairing engine's result).
    seed : int
        The random seed.
    until : str
        No meeting after this date.

    Returns
    -------
    meetings : pandas.DataFrame
        ``mentee_email, mentor_email, date, status, cancelled_by`` (ISO dates).
    withdrawals : pandas.DataFrame
        ``mentee_email, mentor_email, date, withdrawn_by, reason``.

    Examples
    --------
    >>> pairs = sample_pairs(generate_people())
    >>> meets, gone = simulate_year(pairs)
    >>> meets["date"].max() <= "2027-06-25", len(gone)
    (True, 1)
    """
    rng = np.random.default_rng(seed + 23)
    pairs = pairs.reset_index(drop=True)
    n = len(pairs)
    kind = rng.choice(["steady", "slow", "never", "cancelling"], size=n, p=[0.7, 0.12, 0.08, 0.1])
    single = pairs["mentor_email"].map(pairs["mentor_email"].value_counts()) == 1
    steady = np.flatnonzero((kind == "steady") & single.to_numpy())
    leaver = int(steady[0]) if len(steady) else -1
    end = pd.Timestamp(until)
    records = []
    withdrawals = []
    for i, pair in pairs.iterrows():
        start = pd.Timestamp(pair.get("start_date") or SAMPLE_PAIRED_ON)
        if kind[i] == "never":
            continue
        late = rng.random() < 0.15
        day = start + pd.Timedelta(days=int(rng.integers(50, 90) if late else rng.integers(7, 35)))
        gap = (110, 160) if kind[i] == "slow" else (40, 75)
        stop = end if i != leaver else start + pd.Timedelta(days=150)
        dates = []
        while day <= stop:
            dates.append(day)
            day = day + pd.Timedelta(days=int(rng.integers(*gap)))
        if kind[i] == "slow":
            dates = dates[:1]
        for k, when in enumerate(dates):
            cancelled = ((kind[i] == "cancelling" and k >= len(dates) - 2 and k > 0)
                         or (k > 0 and rng.random() < 0.06))
            by = str(rng.choice(["mentee", "mentor"])) if cancelled else ""
            records.append((pair["mentee_email"], pair["mentor_email"],
                            when.date().isoformat(), "cancelled" if cancelled else "held", by))
        if i == leaver:
            withdrawals.append((pair["mentee_email"], pair["mentor_email"],
                                (stop + pd.Timedelta(days=10)).date().isoformat(), "mentee",
                                "changed job or role"))
    meetings = pd.DataFrame(records, columns=["mentee_email", "mentor_email", "date", "status",
                                              "cancelled_by"])
    meetings = meetings.sort_values(["date", "mentee_email"], kind="stable").reset_index(drop=True)
    gone = pd.DataFrame(withdrawals, columns=["mentee_email", "mentor_email", "date",
                                              "withdrawn_by", "reason"])
    return meetings, gone


def generate_meetings(pairs: pd.DataFrame, seed: int = 2026) -> pd.DataFrame:
    """Return the simulated meetings of :func:`simulate_year` (without the withdrawal).

    Examples
    --------
    >>> pairs = pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"], "start_date": ["2026-10-05"]})
    >>> list(generate_meetings(pairs).columns)
    ['mentee_email', 'mentor_email', 'date', 'status', 'cancelled_by']
    """
    return simulate_year(pairs, seed)[0]


def sample_store(store_path: str | Path, sample_dir: str | Path, cohort: str = "2026",
                 fresh: bool = False):
    """Open a store holding the sample scheme's sign-ups and pairs (added only when it has none).

    The pairs are those of ``sample_pairs.csv`` (made by :func:`sample_pairs`), each with its
    start date, recorded as proposed: importing the sample meetings then confirms them.
    With ``fresh``, an existing file at ``store_path`` is deleted first (only use it for a
    store that holds the sample scheme).

    Returns
    -------
    Store
        The open store (close it when done).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_sample(folder / "sample")
    >>> store = sample_store(folder / "s.sqlite", folder / "sample")
    >>> len(load_pairs(store)) > 60
    True
    """
    sample_dir = Path(sample_dir)
    if fresh:
        for stale in Path(store_path).parent.glob(Path(store_path).name + "*"):
            stale.unlink()
    store = Store(store_path)
    signups = read_signups(sample_dir / "signups.csv")
    signups.raise_for_problems()
    pairs = pd.read_csv(sample_dir / "sample_pairs.csv", dtype=str)
    # One transaction, the check included: two sessions opening the sample at once (a notebook
    # and its app) cannot both add the pairs.
    with store.transaction():
        if load_pairs(store, scheme="mentoring").empty:
            if not load_cohorts(store):
                save_signups(store, signups.people, cohort, signups.source, signups.sha256)
            for start, group in pairs.groupby("start_date", sort=True):
                save_pairs(store, group[["mentee_email", "mentor_email"]], cohort,
                                settings={"made_by": "sample_pairs"}, start_date=str(start))
    return store


def record_sample_withdrawals(store, sample_dir: str | Path) -> list[int]:
    """Record the sample scheme's withdrawals (``withdrawals.csv``); return the pairs' ids.

    Pairs not in the store, or already finished, are skipped.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_sample(folder / "sample")
    >>> store = sample_store(folder / "s.sqlite", folder / "sample")
    >>> len(record_sample_withdrawals(store, folder / "sample"))
    1
    >>> record_sample_withdrawals(store, folder / "sample")
    []
    """
    gone = pd.read_csv(Path(sample_dir) / "withdrawals.csv", dtype=str)
    running = load_pairs(store, scheme="mentoring", statuses=RUNNING)
    found = gone.merge(running, on=["mentee_email", "mentor_email"])
    ids = []
    for rec in found.to_dict("records"):
        try:
            withdraw_pair(store, int(rec["id"]), rec["date"], by=rec["withdrawn_by"],
                          reason=rec["reason"])
        except LifecycleError:  # finished meanwhile (by another session): nothing to do
            continue
        ids.append(int(rec["id"]))
    return ids


def _meetings_export(meetings: pd.DataFrame) -> pd.DataFrame:
    """Dress meetings up as a form export: question headers, UK dates, Yes/No answers."""
    return pd.DataFrame({
        "Mentee email": meetings["mentee_email"],
        "Mentor email": meetings["mentor_email"],
        "Date of meeting": pd.to_datetime(meetings["date"]).dt.strftime("%d/%m/%Y"),
        "Did the meeting take place?": meetings["status"].map({"held": "Yes",
                                                               "cancelled": "No"}),
        "Cancelled by": meetings["cancelled_by"].str.capitalize(),
    })


def _meeting_problem_examples(meetings: pd.DataFrame) -> pd.DataFrame:
    """Make a short meetings export with one of each common mistake."""
    rows = _meetings_export(meetings.head(6)).reset_index(drop=True)
    rows.loc[1, "Mentor email"] = "nobody@example.org"
    rows.loc[2, "Date of meeting"] = "31/02/2027"
    rows.loc[3, "Date of meeting"] = "01/01/2030"
    rows.loc[4, "Date of meeting"] = "01/06/2026"
    rows.loc[5, "Did the meeting take place?"] = "Maybe"
    return rows


#: The end-of-year survey's Likert questions: (question, labels lowest first, mean tilt).
SURVEY_QUESTIONS: list[tuple[str, tuple[str, ...], float]] = [
    ("We met as often as we had planned",
     ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
     0.3),
    ("Our conversations were worth the time they took",
     ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
     1.0),
    ("The pairing suited what I wanted from the scheme",
     ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
     0.7),
    ("I know more colleagues outside my department than a year ago",
     ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
     0.5),
    ("How satisfied are you with the scheme overall?",
     ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied",
      "Very satisfied"), 0.9),
]
_COMMENTS = [
    "It helped me plan my promotion application.",
    "Hard to find times that suited us both.",
    "More structure for the first meeting would help.",
    "Very glad I signed up; I will do it again.",
    "We only met twice because of teaching.",
    "Meeting someone from another department was the best part.",
    "",
]


def generate_survey(people: pd.DataFrame, seed: int = 2026) -> pd.DataFrame:
    """Generate a synthetic end-of-year feedback survey, as a form tool exports it.

    About 60% of the sign-ups answer, each as a mentee or a mentor (people who are both
    answer for one role); five Likert questions with form-style labels (a few left blank)
    and a free-text comment, some of which name a colleague, as real comments do.

    Parameters
    ----------
    people : pandas.DataFrame
        The sign-ups (:func:`generate_people`).
    seed : int
        The random seed.

    Returns
    -------
    pandas.DataFrame
        Columns ``ID, Start time, Completion time, Email, Name``, the role question, the
        Likert questions and the comment.

    Examples
    --------
    >>> survey = generate_survey(generate_people())
    >>> survey.shape[1], survey["Email"].str.endswith("@example.org").all()
    (12, np.True_)
    """
    rng = np.random.default_rng(seed + 11)
    picked = people[rng.random(len(people)) < 0.6].reset_index(drop=True)
    n = len(picked)
    role = np.where(picked["role"] == "both",
                    np.where(rng.random(n) < 0.5, "Mentor", "Mentee"),
                    np.where(picked["role"] == "mentor", "Mentor", "Mentee"))
    start = datetime(2027, 7, 1, 9, 0)
    times = [start + timedelta(minutes=int(m))
             for m in np.sort(rng.integers(0, 60 * 24 * 14, n))]
    frame = pd.DataFrame({
        "ID": np.arange(1, n + 1),
        "Start time": [t.strftime("%m/%d/%y %H:%M:%S") for t in times],
        "Completion time": [(t + timedelta(minutes=6)).strftime("%m/%d/%y %H:%M:%S")
                            for t in times],
        "Email": picked["email"].to_numpy(),
        "Name": picked["name"].to_numpy(),
        "Which role are you answering for?": role,
    })
    satisfaction = rng.normal(0, 0.8, n)  # some people like everything more than others
    for question, labels, tilt in SURVEY_QUESTIONS:
        shift = tilt + satisfaction + np.where(role == "Mentor", 0.2, 0.0)
        level = np.clip(np.rint(2 + shift + rng.normal(0, 0.8, n)), 0, 4).astype(int)
        answers = np.take(labels, level).astype(object)
        answers[rng.random(n) < 0.04] = ""
        frame[question] = answers
    comments = np.take(_COMMENTS, rng.integers(0, len(_COMMENTS), n)).astype(object)
    others = people["name"].to_numpy()
    for i in np.flatnonzero(rng.random(n) < 0.08):
        comments[i] = f"Thanks to {others[int(rng.integers(len(others)))]} for the advice."
    frame["Is there anything else you would like to tell us?"] = comments
    return frame


_FORM_QUESTIONS = {
    "department": "Which department do you work in?",
    "grade": "What is your current grade or job title?",
    "role": "Would you like to be a mentor, a mentee, or both?",
    "line_manager_email": "What is your line manager's e-mail address?",
    "capacity": "If you are mentoring, how many mentees could you support this year?",
    "topics": "Which topics would you like mentoring conversations to cover?",
    "meeting_mode": "How would you prefer to meet?",
    "gender": "How would you describe your gender? (used only for anonymous equality monitoring)",
    "mentor_gender_preference": "Would you prefer a mentor of a particular gender?",
}
_ROLE_WORDS = {"mentor": "Mentor", "mentee": "Mentee", "both": "Mentor and mentee"}
_MODE_WORDS = {"in person": "Face to face", "online": "Online (Teams)", "either": "No preference"}


def _forms_export(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Dress the people up as a Microsoft Forms export: question headers, free-text grades."""
    start = datetime(2026, 9, 1, 9, 0)
    times = [start + timedelta(minutes=int(m)) for m in np.sort(rng.integers(0, 60 * 24 * 20,
                                                                              len(people)))]
    grade_words = [
        _GRADE_WORDS[int(lv)][int(rng.integers(len(_GRADE_WORDS[int(lv)])))]
        for lv in people["level"]
    ]
    return pd.DataFrame({
        "ID": np.arange(1, len(people) + 1),
        "Start time": [t.strftime("%m/%d/%y %H:%M:%S") for t in times],
        "Completion time": [(t + timedelta(minutes=4)).strftime("%m/%d/%y %H:%M:%S")
                            for t in times],
        "Email": people["email"].str.upper().where(rng.random(len(people)) < 0.1,
                                                   people["email"]),
        "Name": people["name"],
        _FORM_QUESTIONS["department"]: people["department"],
        _FORM_QUESTIONS["grade"]: grade_words,
        _FORM_QUESTIONS["role"]: people["role"].map(_ROLE_WORDS),
        _FORM_QUESTIONS["line_manager_email"]: people["line_manager_email"],
        _FORM_QUESTIONS["capacity"]: np.where(people["role"] == "mentee", "",
                                              people["capacity"].astype(str)),
        _FORM_QUESTIONS["topics"]: people["topics"].map(lambda t: "".join(f"{x};" for x in t)),
        _FORM_QUESTIONS["meeting_mode"]: people["meeting_mode"].map(_MODE_WORDS),
        _FORM_QUESTIONS["gender"]: people["gender"],
        _FORM_QUESTIONS["mentor_gender_preference"]: people["mentor_gender_preference"].map(
            {"woman": "A woman", "": "No preference"}),
    })


def _problem_examples(people: pd.DataFrame) -> pd.DataFrame:
    """Make a short export with one of each common mistake, to show what validation reports."""
    rows = people.head(12).copy()
    rows["topics"] = rows["topics"].map(", ".join)
    rows = rows.drop(columns="level")
    rows.loc[1, "email"] = "not-an-address"
    rows.loc[2, "grade"] = "Senior lectuer"
    rows.loc[3, "role"] = "Observer"
    rows["capacity"] = rows["capacity"].astype(str)
    rows.loc[4, "capacity"] = "two"
    rows.loc[5, "department"] = ""
    rows.loc[6, "email"] = rows.loc[0, "email"]
    rows.loc[7, "line_manager_email"] = rows.loc[7, "email"]
    rows.loc[8, "line_manager_email"] = rows.loc[9, "email"]
    rows.loc[9, "line_manager_email"] = rows.loc[8, "email"]
    rows.loc[10, "meeting_mode"] = "by carrier pigeon"
    blank = pd.DataFrame([[""] * len(rows.columns)], columns=rows.columns)
    return pd.concat([rows.iloc[:11], blank, rows.iloc[11:]], ignore_index=True)


def generate_last_year(people: pd.DataFrame, seed: int = 2026) -> pd.DataFrame:
    """Generate the sample scheme's earlier cohort: a year before, other people.

    The same division a year earlier, drawn with the seed before ``seed``; anyone whose
    address is among ``people`` is left out, so no one's details differ between the years.

    Examples
    --------
    >>> people = generate_people()
    >>> earlier = generate_last_year(people)
    >>> len(earlier) > 120, earlier["email"].isin(people["email"]).any()
    (True, np.False_)
    """
    earlier = generate_people(seed - 1)
    return earlier[~earlier["email"].isin(people["email"])].reset_index(drop=True)


def _yes(values: np.ndarray) -> np.ndarray:
    return np.where(values, "Yes", "No")


def generate_hr_extract(people: pd.DataFrame, earlier: pd.DataFrame,
                        seed: int = 2026) -> pd.DataFrame:
    """Generate the yearly HR extract of the sample division (synthetic, example.org).

    Everyone who signed up in either year and 345 colleagues who never did, with
    their grade now and a year ago, gender, whether they are still employed, applied for
    promotion, gained it, and returned from a career break. Mentees apply for promotion
    and stay somewhat more often than their colleagues, as a scheme would hope; two of last
    year's mentees are missing from it (their records moved).

    Examples
    --------
    >>> people = generate_people()
    >>> extract = generate_hr_extract(people, generate_last_year(people))
    >>> extract["E-mail"].is_unique, extract["E-mail"].str.endswith("@example.org").all()
    (True, np.True_)
    """
    rng = np.random.default_rng(seed + 31)
    taken = set(people["email"]) | set(earlier["email"])
    pool = [n for n in (f"{f} {s}" for f in _FIRST for s in _LAST) if _email(n) not in taken]
    others_level = np.repeat(np.arange(6), [30, 40, 90, 80, 60, 45])
    names = [pool[i] for i in rng.choice(len(pool), size=len(others_level), replace=False)]
    others = pd.DataFrame({
        "email": [_email(n) for n in names], "level": others_level,
        "gender": np.where(rng.random(len(names)) < np.take(_WOMEN_SHARE, others_level),
                           "Woman", "Man"), "role": "none"})
    last = earlier[["email", "level", "gender", "role"]].copy()
    moved_before = (rng.random(len(last)) < np.where(last["role"] == "mentor", 0.05, 0.12)) \
        & last["level"].between(1, 4)
    last["level"] = last["level"] + moved_before.astype(int)
    last = last.drop(index=last.index[last["role"] == "mentee"][:2])  # records moved
    staff = pd.concat([people[["email", "level", "gender", "role"]], last, others],
                      ignore_index=True)
    n = len(staff)
    mentee = staff["role"].isin(["mentee", "both"]).to_numpy()
    eligible = staff["level"].between(1, 4).to_numpy()
    applied = eligible & (rng.random(n) < np.where(mentee, 0.32, 0.18))
    promoted = applied & (rng.random(n) < np.where(mentee, 0.6, 0.5))
    employed = rng.random(n) < np.where(mentee, 0.95, 0.9)
    returned = rng.random(n) < 0.05
    employed = np.where(returned, rng.random(n) < np.where(mentee, 0.9, 0.7), employed)
    levels = DEFAULT_LADDER.levels
    frame = pd.DataFrame({
        "E-mail": staff["email"],
        "Grade now": np.take(levels, staff["level"] + promoted.astype(int)),
        "Grade a year ago": np.take(levels, staff["level"]),
        "Gender": staff["gender"],
        "Still employed": _yes(employed),
        "Promotion applied for": _yes(applied),
        "Promotion gained": _yes(promoted),
        "Returned from a career break": _yes(returned),
    })
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def _plain_signups(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Dress sign-ups up as a plain form export (Google-Forms-style answers)."""
    plain = people.drop(columns="level").copy()
    plain["topics"] = plain["topics"].map(", ".join)
    plain.insert(0, "Timestamp", _forms_export(people, rng)["Start time"])
    plain = plain.rename(columns={
        "name": "Name", "email": "Email address", "department": "Department", "grade": "Grade",
        "role": "Role", "line_manager_email": "Line manager email", "capacity": "Capacity",
        "topics": "Topics", "meeting_mode": "Meeting mode", "gender": "Gender",
        "mentor_gender_preference": "Mentor gender preference",
    })
    plain["Capacity"] = plain["Capacity"].astype(str).where(people["role"] != "mentee", "")
    return plain


def _write_last_year(out: Path, people: pd.DataFrame, seed: int) -> dict[str, Path]:
    """Write the earlier cohort's sign-ups, pairs, meetings and survey, and the HR extract."""
    written: dict[str, Path] = {}
    earlier = generate_last_year(people, seed)
    written["signups_last_year"] = out / f"signups_{LAST_YEAR}.csv"
    write_csv_atomic(_plain_signups(earlier, np.random.default_rng(seed + 41)),
                     written["signups_last_year"], quote_text=False)
    pairs = sample_pairs(read_signups(written["signups_last_year"]).people,
                         _LAST_YEAR_PAIRED_ON, _LAST_YEAR_PILOT_ON)
    written["pairs_last_year"] = out / f"sample_pairs_{LAST_YEAR}.csv"
    write_csv_atomic(pairs, written["pairs_last_year"], quote_text=False)
    meetings, _ = simulate_year(pairs, seed - 1, until=_LAST_YEAR_UNTIL)
    written["meetings_last_year"] = out / f"meetings_{LAST_YEAR}.csv"
    write_csv_atomic(meetings, written["meetings_last_year"], quote_text=False)
    written["survey_last_year"] = out / f"survey_{LAST_YEAR}.csv"
    write_csv_atomic(generate_survey(earlier, seed - 1), written["survey_last_year"],
                     quote_text=False)
    written["hr_extract"] = out / "hr_extract.csv"
    write_csv_atomic(generate_hr_extract(people, earlier, seed), written["hr_extract"],
                     quote_text=False)
    return written


def add_sample_last_year(store: Store, sample_dir: str | Path) -> bool:
    """Add the sample scheme's earlier cohort to a store that does not hold it yet.

    The store then holds two cohorts, as it would had the toolkit been used last year too:
    :data:`LAST_YEAR`'s sign-ups, its pairs (all ended by now) with their meetings, and its
    survey answers, each read with the ordinary importers. Only for a store of the sample
    scheme; a store that already holds the cohort, or a folder without its files, is left
    as it is.

    Returns
    -------
    bool
        True if the cohort was added.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     add_sample_last_year(store, folder), add_sample_last_year(store, folder)
    (True, False)
    """
    sample_dir = Path(sample_dir)
    signups_file = sample_dir / f"signups_{LAST_YEAR}.csv"
    if LAST_YEAR in load_cohorts(store) or not signups_file.exists():
        return False
    signups = read_signups(signups_file)
    signups.raise_for_problems()
    pairs = pd.read_csv(sample_dir / f"sample_pairs_{LAST_YEAR}.csv", dtype=str)
    meetings = pd.read_csv(sample_dir / f"meetings_{LAST_YEAR}.csv", dtype=str,
                           keep_default_na=False)
    survey = read_survey(sample_dir / f"survey_{LAST_YEAR}.csv")
    with store.transaction():
        save_import(store, signups, LAST_YEAR)
        ids = []
        for start, group in pairs.groupby("start_date", sort=True):
            made = save_pairs(store, group[["mentee_email", "mentor_email"]], LAST_YEAR,
                              settings={"made_by": "sample_pairs"}, status="ended",
                              start_date=str(start))
            ids.append(group[["mentee_email", "mentor_email"]].assign(pair_id=made))
        held = meetings.merge(pd.concat(ids), on=["mentee_email", "mentor_email"])
        save_meeting_rows(store, held.rename(columns={"date": "on_date"}).assign(note=""))
        save_survey(store, survey, LAST_YEAR)
    return True


def write_sample(out: str | Path, seed: int = 2026) -> dict[str, Path]:
    """Write the whole synthetic sample scheme into a folder.

    Files: ``signups.csv`` (plain headers, Google-Forms-style answers),
    ``signups_forms.xlsx`` with ``signups_forms_mapping.json`` (a Microsoft Forms export with
    its own question headers), ``signups_with_problems.csv`` (one of each common mistake),
    ``unmentoring.csv``, ``sample_pairs.csv`` (pairs made by a simple rule, standing in for
    the pairing engine), ``meetings.csv`` (a simulated year of their meetings as a form
    export), ``meetings_with_problems.csv``, ``withdrawals.csv``, the coaching round
    (``coaching_requests.csv``, ``coaching_coaches.csv``, ``coaching_sessions.csv``,
    ``coaching_scores.csv``, ``coaching_requests_with_problems.csv``, and the coaching
    team's registers ``coaching_approved.csv``, ``coaching_choices.csv``,
    ``coaching_chemistry.csv``, ``coaching_agreed.csv``, ``coaching_spend.csv``),
    ``survey.csv`` (the end-of-year feedback survey), ``ladders/*.json`` (the shipped grade
    ladders, to copy and edit), the earlier cohort (``signups_2025.csv``,
    ``sample_pairs_2025.csv``, ``meetings_2025.csv``, ``survey_2025.csv``: see
    :func:`add_sample_last_year`) and ``hr_extract.csv`` (the yearly HR extract, for the
    report's outcomes).

    Parameters
    ----------
    out : str or Path
        The folder (created if needed).
    seed : int
        The random seed.

    Returns
    -------
    dict of str to Path
        What was written, by short name.
    """
    out = Path(out)
    (out / "ladders").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 7)
    people = generate_people(seed)
    written: dict[str, Path] = {}

    plain = _plain_signups(people, rng)
    written["signups"] = out / "signups.csv"
    write_csv_atomic(plain, written["signups"], quote_text=False)

    forms = _forms_export(people, rng)
    written["signups_forms"] = out / "signups_forms.xlsx"
    write_xlsx_atomic(written["signups_forms"], {"Form1": forms})
    written["signups_forms_mapping"] = out / "signups_forms_mapping.json"
    written["signups_forms_mapping"].write_text(
        json.dumps(_FORM_QUESTIONS, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    written["signups_with_problems"] = out / "signups_with_problems.csv"
    write_csv_atomic(_problem_examples(people), written["signups_with_problems"],
                     quote_text=False)


    pairs = sample_pairs(read_signups(written["signups"]).people)
    written["sample_pairs"] = out / "sample_pairs.csv"
    write_csv_atomic(pairs, written["sample_pairs"], quote_text=False)
    meetings, withdrawals = simulate_year(pairs, seed)
    written["meetings"] = out / "meetings.csv"
    write_csv_atomic(_meetings_export(meetings), written["meetings"], quote_text=False)
    written["meetings_with_problems"] = out / "meetings_with_problems.csv"
    write_csv_atomic(_meeting_problem_examples(meetings), written["meetings_with_problems"],
                     quote_text=False)
    written["withdrawals"] = out / "withdrawals.csv"
    write_csv_atomic(withdrawals, written["withdrawals"], quote_text=False)

    written["unmentoring"] = out / "unmentoring.csv"
    write_csv_atomic(generate_unmentoring(people, seed), written["unmentoring"],
                     quote_text=False)

    written["survey"] = out / "survey.csv"
    write_csv_atomic(generate_survey(people, seed), written["survey"], quote_text=False)

    coaching = generate_coaching(people, seed)
    for short in ("requests", "coaches"):
        written[f"coaching_{short}"] = out / f"coaching_{short}.csv"
        write_csv_atomic(coaching[short], written[f"coaching_{short}"], quote_text=False)
    written["coaching_requests_with_problems"] = out / "coaching_requests_with_problems.csv"
    write_csv_atomic(_coaching_problem_examples(coaching["requests"]),
                     written["coaching_requests_with_problems"], quote_text=False)
    as_table = {k: Table(data=v.astype(str).astype("string"),
                         rows=pd.Series(np.arange(2, len(v) + 2)), headers=list(v.columns),
                         source=k, sha256="") for k, v in coaching.items()}
    requests = validate_requests(as_table["requests"]).records
    match = match_coaches(triage(requests), validate_coaches(as_table["coaches"]).records,
                          MatchSettings(start_date=COACHING_START))
    activity = generate_coaching_activity(match.pairs, objectives_of(requests), seed)
    for short in ("sessions", "scores"):
        written[f"coaching_{short}"] = out / f"coaching_{short}.csv"
        write_csv_atomic(activity[short], written[f"coaching_{short}"], quote_text=False)
    log = validate_sessions(Table(
        data=activity["sessions"].astype(str).astype("string"),
        rows=pd.Series(np.arange(2, len(activity["sessions"]) + 2)),
        headers=list(activity["sessions"].columns), source="sessions", sha256="")).records
    registers = generate_coaching_registers(
        match.pairs, validate_coaches(as_table["coaches"]).records, log, COACHING_TODAY, seed)
    for short, frame in registers.items():
        written[f"coaching_{short}"] = out / f"coaching_{short}.csv"
        write_csv_atomic(frame, written[f"coaching_{short}"], quote_text=False)

    for short, ladder in {"uk-he": DEFAULT_LADDER, "lecturer": LECTURER_LADDER,
                          "civil-service": CIVIL_SERVICE_LADDER}.items():
        path = out / "ladders" / f"{short}.json"
        path.write_text(json.dumps(ladder.to_dict(), indent=2) + "\n", encoding="utf-8")
        written[f"ladder_{short}"] = path
    written.update(_write_last_year(out, people, seed))
    return written


def seed_sample_signups(store_path: str | Path, sample_dir: str | Path,
                        cohort: str = "2026") -> bool:
    """Give the sample scheme's store the sample sign-ups when it has none for ``cohort``.

    Only for the sample scheme (invented people): a page opened on it works at once, in any
    order. Returns True when the sign-ups were added.
    """
    if Path(store_path).exists():
        with Store(store_path, read_only=True) as store:
            if not load_people(store, cohort).empty:
                return False
    with Store(store_path) as store:
        signups = read_signups(Path(sample_dir) / "signups.csv")
        signups.raise_for_problems()
        save_import(store, signups, cohort)
    return True
