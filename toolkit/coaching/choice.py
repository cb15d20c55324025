"""Coachees' own choices and chemistry outcomes, checked against the rules, as pairs to keep.

A coachee's choice of coach is allowed only when it keeps the rules the matching keeps (the
coach is on the approved list and in the pool of the request's route, outside the coachee's
line-management chain, with a free place) and their chemistry session with that coach has
not failed; every other choice is a row problem naming the rule. Chemistry outcomes say
which pairs to keep and which never to make again (:func:`pairs_to_keep`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from toolkit.coaching.matching import MatchSettings, coach_eligibility
from toolkit.coaching.triage import ON_HOLD
from toolkit.core.text import fold

__all__ = ["check_choices", "failed_pairs", "pairs_to_keep"]

_PROBLEM_COLUMNS = ["row", "field", "value", "problem"]


def failed_pairs(chemistry: pd.DataFrame | None) -> set[tuple[str, str]]:
    """Return the (coachee, coach) pairs whose chemistry session did not work.

    Examples
    --------
    >>> chem = pd.DataFrame({"email": ["a@example.org", "b@example.org"],
    ...                      "coach_email": ["c@example.org", "c@example.org"],
    ...                      "went_well": [True, False]})
    >>> failed_pairs(chem)
    {('b@example.org', 'c@example.org')}
    """
    if chemistry is None or chemistry.empty:
        return set()
    bad = chemistry[~chemistry["went_well"].astype(bool)]
    return set(zip(bad["email"].astype(str), bad["coach_email"].astype(str), strict=True))


def pairs_to_keep(current: pd.DataFrame | None, chemistry: pd.DataFrame | None,
                  choices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Say which pairs a re-match keeps: current pairs and chemistry that went well, choices.

    Every current pair is kept except those whose chemistry session did not work; a pair
    whose chemistry went well is kept even when it is not among the current pairs; a
    coachee's choice (checked with :func:`check_choices` against the pairs kept) is kept as
    chosen.

    Parameters
    ----------
    current : pandas.DataFrame, optional
        The pairs made so far (``coachee_email, coach_email``).
    chemistry : pandas.DataFrame, optional
        Chemistry outcomes (``email, coach_email, went_well``).
    choices : pandas.DataFrame, optional
        Checked choices (``email, coach_email``).

    Returns
    -------
    pandas.DataFrame
        ``coachee_email, coach_email, how`` (``kept`` or ``chosen``), one row per coachee.

    Examples
    --------
    >>> current = pd.DataFrame({"coachee_email": ["a@example.org", "b@example.org"],
    ...                         "coach_email": ["c@example.org", "d@example.org"]})
    >>> chem = pd.DataFrame({"email": ["b@example.org"], "coach_email": ["d@example.org"],
    ...                      "went_well": [False]})
    >>> pairs_to_keep(current, chem).values.tolist()
    [['a@example.org', 'c@example.org', 'kept']]
    """
    failed = failed_pairs(chemistry)
    parts = []
    # A choice first (it was checked against the pairs kept, so it never contradicts one),
    # then chemistry that went well, then the current pairs.
    if choices is not None and not choices.empty:
        parts.append(pd.DataFrame({"coachee_email": choices["email"].astype(str),
                                   "coach_email": choices["coach_email"].astype(str),
                                   "how": "chosen"}))
    if chemistry is not None and not chemistry.empty:
        well = chemistry[chemistry["went_well"].astype(bool)]
        parts.append(pd.DataFrame({"coachee_email": well["email"].astype(str),
                                   "coach_email": well["coach_email"].astype(str),
                                   "how": "kept"}))
    if current is not None and not current.empty:
        parts.append(pd.DataFrame({"coachee_email": current["coachee_email"].astype(str),
                                   "coach_email": current["coach_email"].astype(str),
                                   "how": "kept"}))
    columns = ["coachee_email", "coach_email", "how"]
    if not parts:
        return pd.DataFrame(columns=columns)
    keep = pd.concat(parts, ignore_index=True)
    pair = list(zip(keep["coachee_email"], keep["coach_email"], strict=True))
    keep = keep[[p not in failed for p in pair]]
    return keep.drop_duplicates("coachee_email").reset_index(drop=True)[columns]


def check_choices(choices: pd.DataFrame, requests: pd.DataFrame, coaches: pd.DataFrame,
                  settings: MatchSettings | None = None,
                  manager_of: Mapping[str, str] | None = None,
                  approved: Collection[str] | None = None,
                  forbid: Collection[tuple[str, str]] = frozenset(),
                  taken: Mapping[str, int] | None = None,
                  kept: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check each coachee's chosen coach: a choice that breaks a rule is a row problem.

    Parameters
    ----------
    choices : pandas.DataFrame
        ``row, email, coach_email`` (from :func:`toolkit.coaching.registers.read_choices`).
    requests : pandas.DataFrame
        The triaged requests (:func:`toolkit.coaching.triage.triage`).
    coaches : pandas.DataFrame
        The coach pool.
    settings : MatchSettings, optional
        Whether a coach from the coachee's department is allowed.
    manager_of : mapping, optional
        More line managers to follow chains through.
    approved : collection of str, optional
        The approved coach list's e-mails; when given an external coach must be on it.
    forbid : collection of (str, str)
        Pairs whose chemistry session did not work.
    taken : mapping, optional
        Places each coach already uses (coach e-mail -> count).
    kept : pandas.DataFrame, optional
        Pairs kept already (``coachee_email, coach_email``): their places are used, and a
        coachee with a kept pair cannot choose another coach.

    Returns
    -------
    tuple of pandas.DataFrame
        The allowed choices (``row, email, coach_email``) and the problems (``row, field,
        value, problem``, the choices file's row numbers).

    Examples
    --------
    >>> req = pd.DataFrame({"email": ["a@example.org"], "name": ["A"], "department": ["Maths"],
    ...                     "route": ["external"], "status": ["external"], "reason": [""],
    ...                     "line_manager_email": ["m@example.org"]})
    >>> pool = pd.DataFrame({"email": ["m@example.org", "x@example.org"],
    ...                      "name": ["M", "X"], "department": ["External"] * 2,
    ...                      "pool": ["external"] * 2, "capacity": [1, 1]})
    >>> picks = pd.DataFrame({"row": [2], "email": ["a@example.org"],
    ...                       "coach_email": ["m@example.org"]})
    >>> ok, problems = check_choices(picks, req, pool)
    >>> len(ok), problems["problem"].str[:40].tolist()
    (0, ["m@example.org is in the coachee's line-m"])
    """
    settings = settings or MatchSettings()
    picks = choices.reset_index(drop=True)
    req = requests.drop_duplicates("email").set_index("email", drop=False)
    pool = coaches.drop_duplicates("email").reset_index(drop=True)
    pool_at = pd.Index(pool["email"])
    kept = pd.DataFrame(columns=["coachee_email", "coach_email"]) if kept is None else kept
    used = pool["email"].map(dict(taken or {})).fillna(0).astype("int64") \
        + pool["email"].map(kept["coach_email"].value_counts()).fillna(0).astype("int64")
    free = (pool["capacity"].astype("int64") - used).clip(lower=0)
    has_request = picks["email"].isin(req.index).to_numpy()
    in_pool = picks["coach_email"].isin(pool_at).to_numpy()
    known = np.flatnonzero(has_request & in_pool)
    rules = coach_eligibility(req.loc[picks["email"].to_numpy()[known]], pool, settings,
                              manager_of, forbid, approved)
    col = pool_at.get_indexer(picks["coach_email"].to_numpy()[known])
    flag = {name: matrix[np.arange(len(known)), col] for name, matrix in rules.items()}
    problems: list[tuple[int, str, str, str]] = []
    ok = np.zeros(len(picks), dtype=bool)
    kept_of = dict(zip(kept["coachee_email"], kept["coach_email"], strict=True))
    seats = free.to_numpy().copy()
    rows, emails, chosen = (picks["row"].to_numpy(), picks["email"].to_numpy(),
                            picks["coach_email"].to_numpy())
    pools, places = pool["pool"].to_numpy(), pool["capacity"].to_numpy()
    for i in range(len(picks)):
        row, email, coach = (int(rows[i]), str(emails[i]), str(chosen[i]))
        if not has_request[i]:
            problems.append((row, "email", email, "This person has no coaching request in "
                             "this round: check the e-mail, or add their request first."))
            continue
        request = req.loc[email]
        if request["status"] == ON_HOLD:
            problems.append((row, "email", email, "The request is on hold, so no coach can be "
                             "chosen yet: " + str(request["reason"])))
            continue
        if email in kept_of and kept_of[email] != coach:
            problems.append((row, "coach_email", coach, f"This coachee's pair with "
                             f"{kept_of[email]} is under way (or its chemistry session went "
                             "well): record that chemistry session as 'did not' before "
                             "choosing another coach."))
            continue
        if not in_pool[i]:
            problems.append((row, "coach_email", coach, f"{coach} is not in the coach pool: "
                             "add them (with their places and cost per session) or choose a "
                             "coach from the pool."))
            continue
        k = int(np.searchsorted(known, i))
        reason = None
        if not flag["pool"][k]:
            reason = (f"{coach} coaches in the {pools[col[k]]} pool, but this request "
                      f"is for {request['route']} coaching: choose a {request['route']} coach.")
        elif flag["unapproved"][k]:
            reason = (f"{coach} is not on the approved coach list: choose a coach from the "
                      "list, or add them to it once their accreditation is checked.")
        elif flag["forbidden"][k]:
            reason = (f"The chemistry session with {coach} did not work: choose another "
                      "coach (the short list proposes some).")
        elif flag["chain"][k] or flag["self"][k]:
            reason = (f"{coach} is in the coachee's line-management chain (their line "
                      "manager, a manager above them, or someone they manage): choose a "
                      "coach outside it.")
        elif flag["department"][k]:
            reason = (f"{coach} works in the coachee's own department "
                      f"({fold(str(request['department']))}): choose a coach from another one "
                      "(or allow the same department).")
        elif email in kept_of:
            ok[i] = True  # the kept pair itself: its place is counted already
            continue
        elif seats[col[k]] <= 0:
            reason = (f"{coach} has no place left ({int(places[col[k]])} in "
                      "all, taken by pairs under way and by choices on earlier rows): choose "
                      "another coach, or raise their places in the coach pool.")
        if reason is not None:
            problems.append((row, "coach_email", coach, reason))
            continue
        seats[col[k]] -= 1
        ok[i] = True
    found = pd.DataFrame(problems, columns=_PROBLEM_COLUMNS)
    found["row"] = found["row"].astype("int64")
    return picks[ok].reset_index(drop=True), found
