"""Coach matching: who may coach whom, how well they suit, the best matching, the waiting list."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from toolkit.coaching.triage import ON_HOLD, ROUTES
from toolkit.core.assignment import solve_assignment
from toolkit.core.management import chain_mask
from toolkit.core.text import fold
from toolkit.errors import SettingsError

__all__ = [
    "OUTCOMES",
    "CoachMatch",
    "MatchSettings",
    "coach_eligibility",
    "coach_scores",
    "match_coaches",
    "waiting_list",
]

#: Every request's outcome after matching.
OUTCOMES = ("matched", "waiting list", ON_HOLD)


@dataclass(frozen=True)
class MatchSettings:
    """How coaches are matched to coachees.

    Parameters
    ----------
    same_department : bool
        Allow a coach from the coachee's own department (default False: another department).
    w_need, w_objectives, w_mode : float
        Weights of the score's parts: the share of the coachee's development needs among the
        coach's specialisms, the share of specialisms named in the objectives that the coach
        covers, and whether their meeting modes suit each other.
    start_date : str, optional
        The ISO date the coaching starts (recorded with each pair).
    """

    same_department: bool = False
    w_need: float = 0.5
    w_objectives: float = 0.2
    w_mode: float = 0.3
    start_date: str | None = None

    def __post_init__(self) -> None:
        weights = (self.w_need, self.w_objectives, self.w_mode)
        if any(not np.isfinite(w) or w < 0 for w in weights):
            raise SettingsError(
                f"The matching weights must be numbers of 0 or more; got need={self.w_need}, "
                f"objectives={self.w_objectives}, mode={self.w_mode}.")


@dataclass
class CoachMatch:
    """The outcome of matching coaches to the requests that passed triage.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per coachee matched: ``coachee_email, coachee_name, coach_email, coach_name,
        route, score, need, objectives, mode, coachee_department, coach_department,
        start_date, cost_per_session``.
    waiting : pandas.DataFrame
        Approved requests left without a coach, oldest first: ``position, email, name,
        route, requested_on, why``.
    requests : pandas.DataFrame
        Every request with ``outcome`` (``matched``, ``waiting list`` or ``on hold``),
        ``coach_email`` and ``note``.
    coaches : pandas.DataFrame
        Every coach with ``places``, ``taken`` and ``free``.
    settings : dict
        The settings used, for the record.
    """

    pairs: pd.DataFrame
    waiting: pd.DataFrame
    requests: pd.DataFrame
    coaches: pd.DataFrame
    settings: dict


def _as_sets(series: pd.Series) -> list[set[str]]:
    """Each cell's list of terms as a set of folded terms (empty for anything else)."""
    return [{t for t in (fold(x) for x in v) if t} if isinstance(v, list) else set()
            for v in series]


def _line_managers(known: Mapping[str, str] | None,
                   *frames: pd.DataFrame) -> dict[str, str]:
    """Line managers (e-mail to e-mail): those known, then each frame's named ones."""
    managers = dict(known or {})
    for frame in frames:
        if "line_manager_email" in frame:
            managers.update({str(e): str(m) for e, m in zip(
                frame["email"], frame["line_manager_email"].fillna(""), strict=True) if m})
    return managers


def coach_eligibility(requests: pd.DataFrame, coaches: pd.DataFrame,
                      settings: MatchSettings | None = None,
                      manager_of: Mapping[str, str] | None = None) -> dict[str, np.ndarray]:
    """Work out which coach may take which request, rule by rule.

    Parameters
    ----------
    requests : pandas.DataFrame
        Triaged requests (``email, department, route, line_manager_email``).
    coaches : pandas.DataFrame
        The coach pool (``email, department, pool, capacity``, optional
        ``line_manager_email``).
    settings : MatchSettings, optional
    manager_of : mapping, optional
        More line managers (e-mail to e-mail), e.g. from the mentoring sign-ups, to follow
        chains through people who are neither coachee nor coach.

    Returns
    -------
    dict of str to numpy.ndarray
        Boolean matrices (requests x coaches): ``pool`` (the coach is in the request's
        route), ``chain`` (one is in the other's line-management chain), ``self`` (the same
        person), ``department`` (the same department, when that is not allowed), and
        ``eligible`` (pool and none of the others, and the coach has places).

    Examples
    --------
    >>> r = pd.DataFrame({"email": ["a@example.org"], "department": ["Maths"],
    ...                   "route": ["internal"], "line_manager_email": ["c@example.org"]})
    >>> c = pd.DataFrame({"email": ["c@example.org", "d@example.org", "e@example.org"],
    ...                   "department": ["Physics", "Maths", "Physics"],
    ...                   "pool": ["internal"] * 3, "capacity": [1, 1, 1]})
    >>> coach_eligibility(r, c)["eligible"].tolist()
    [[False, False, True]]
    """
    settings = settings or MatchSettings()
    managers = _line_managers(manager_of, coaches, requests)
    r_mail = requests["email"].astype(str).to_numpy()
    c_mail = coaches["email"].astype(str).to_numpy()
    pool = requests["route"].astype(str).to_numpy()[:, None] == \
        coaches["pool"].astype(str).to_numpy()[None, :]
    chain = chain_mask(r_mail, c_mail, managers)
    same = r_mail[:, None] == c_mail[None, :]
    r_dept = fold(requests["department"].astype(str)).to_numpy()
    c_dept = fold(coaches["department"].astype(str)).to_numpy()
    department = (r_dept[:, None] == c_dept[None, :]) & ~np.bool_(settings.same_department)
    places = coaches["capacity"].to_numpy(dtype=np.int64)[None, :] > 0
    eligible = pool & ~chain & ~same & ~department & places
    return {"pool": pool, "chain": chain, "self": same, "department": department,
            "places": np.broadcast_to(places, pool.shape), "eligible": eligible}


def _vocabulary_matrix(sets: list[set[str]], vocab: list[str]) -> np.ndarray:
    index = {term: i for i, term in enumerate(vocab)}
    matrix = np.zeros((len(sets), len(vocab)), dtype=float)
    rows = [i for i, s in enumerate(sets) for t in s if t in index]
    cols = [index[t] for s in sets for t in s if t in index]
    matrix[rows, cols] = 1.0
    return matrix


def coach_scores(requests: pd.DataFrame, coaches: pd.DataFrame,
                 settings: MatchSettings | None = None) -> dict[str, np.ndarray]:
    """Score every (request, coach) pair from 0 to 1 in each part, vectorised.

    ``need`` is the share of the coachee's development needs that are among the coach's
    specialisms; ``objectives`` the share of the specialisms named in the coachee's objectives
    (as words in the text) that the coach offers; ``mode`` is 1 when the meeting modes suit
    each other (equal, or either says "either") and 0 otherwise. ``score`` is their weighted
    sum divided by the sum of the weights.

    Examples
    --------
    >>> r = pd.DataFrame({"need": [["Leadership", "Confidence"]],
    ...                   "objectives": [["Build confidence in meetings"]],
    ...                   "meeting_mode": ["online"]})
    >>> c = pd.DataFrame({"specialisms": [["Leadership"], ["Confidence"]],
    ...                   "meeting_mode": ["either", "in person"]})
    >>> s = coach_scores(r, c)
    >>> s["need"].tolist(), s["objectives"].tolist(), s["mode"].tolist()
    ([[0.5, 0.5]], [[0.0, 1.0]], [[1.0, 0.0]])
    """
    settings = settings or MatchSettings()
    specialisms = _as_sets(coaches["specialisms"])
    needs = _as_sets(requests["need"])
    vocab = sorted(set().union(*specialisms)) if specialisms else []
    c_mat = _vocabulary_matrix(specialisms, vocab)
    need_mat = _vocabulary_matrix(needs, vocab)
    n_need = np.array([max(len(s), 1) for s in needs], dtype=float)[:, None]
    need = need_mat @ c_mat.T / n_need
    text = requests["objectives"].map(
        lambda o: fold(" ".join(o)) if isinstance(o, list) else "")
    obj_mat = np.zeros((len(requests), len(vocab)), dtype=float)
    for j, term in enumerate(vocab):  # one pass per specialism, never per pair
        obj_mat[:, j] = text.str.contains(rf"\b{re.escape(term)}", regex=True).to_numpy()
    named = obj_mat.sum(axis=1, keepdims=True)
    objectives = np.divide(obj_mat @ c_mat.T, named, out=np.zeros((len(requests),
                           len(coaches))), where=named > 0)
    r_mode = requests["meeting_mode"].astype(str).to_numpy()[:, None]
    c_mode = coaches["meeting_mode"].astype(str).to_numpy()[None, :]
    mode = ((r_mode == c_mode) | (r_mode == "either") | (c_mode == "either")).astype(float)
    total_weight = settings.w_need + settings.w_objectives + settings.w_mode
    score = (settings.w_need * need + settings.w_objectives * objectives
             + settings.w_mode * mode) / (total_weight or 1.0)
    return {"need": need, "objectives": objectives, "mode": mode, "score": score}


def waiting_list(requests: pd.DataFrame, rules: dict[str, np.ndarray]) -> pd.DataFrame:
    """List the approved requests no coach took, in the order given, each with the reason.

    The reason counts the coaches each rule ruled out, or says that every coach who could
    take the request is full.

    Parameters
    ----------
    requests : pandas.DataFrame
        The requests left without a coach, oldest first (``email, name, route,
        requested_on``).
    rules : dict of str to numpy.ndarray
        Their rows of :func:`coach_eligibility`'s matrices, computed with the places left.

    Returns
    -------
    pandas.DataFrame
        ``position`` (from 1), ``email, name, route, requested_on, why``.

    Examples
    --------
    >>> r = pd.DataFrame({"email": ["a@example.org"], "name": ["A"], "route": ["internal"],
    ...                   "requested_on": pd.to_datetime(["2026-01-05"]),
    ...                   "department": ["Maths"], "line_manager_email": [""]})
    >>> c = pd.DataFrame({"email": ["c@example.org"], "department": ["Maths"],
    ...                   "pool": ["internal"], "capacity": [1]})
    >>> waiting_list(r, coach_eligibility(r, c))["why"].tolist()
    ['None of the 1 internal coaches can coach this person: 1 in the same department.']
    """
    pool = rules["pool"]
    chain = pool & (rules["chain"] | rules["self"])
    dept = pool & ~chain & rules["department"]
    full = pool & ~chain & ~dept & ~rules["places"]
    could = rules["eligible"].sum(axis=1)
    in_pool = pool.sum(axis=1)
    reasons = []
    for route, n, n_chain, n_dept, n_full, n_could in zip(
            requests["route"], in_pool, chain.sum(axis=1), dept.sum(axis=1), full.sum(axis=1),
            could, strict=True):
        if n == 0:
            reasons.append(f"There is no {route} coach in the pool: add {route} coaches.")
        elif n_could == 0:
            parts = [f"{k} {what}" for k, what in (
                (n_chain, "in the coachee's line-management chain"),
                (n_dept, "in the same department"), (n_full, "with no places"),
            ) if k]
            reasons.append(f"None of the {n} {route} coaches can coach this person: "
                           + ", ".join(parts) + ".")
        else:
            reasons.append(f"All {n_could} {route} coach(es) who could take this request are "
                           "full with other coachees this round; freed places go to the "
                           "waiting list, oldest request first.")
    return pd.DataFrame({
        "position": np.arange(1, len(requests) + 1, dtype=np.int64),
        "email": requests["email"].to_numpy(), "name": requests["name"].to_numpy(),
        "route": requests["route"].to_numpy(),
        "requested_on": requests["requested_on"].to_numpy(),
        "why": np.asarray(reasons, dtype=object),
    })


def match_coaches(requests: pd.DataFrame, coaches: pd.DataFrame,
                  settings: MatchSettings | None = None,
                  manager_of: Mapping[str, str] | None = None,
                  taken: Mapping[str, int] | None = None) -> CoachMatch:
    """Match coaches to the requests that passed triage, most coachees first, best score next.

    Rules (hard): the coach is in the request's pool (internal or external), is not the
    coachee, is outside the coachee's line-management chain, works in another department
    (unless ``same_department``), and has a free place. Among the matchings that give a coach
    to as many coachees as possible, the one with the highest total score is chosen (optimal
    assignment, not stable matching); among equal scores older requests win. Requests on hold
    are not matched; approved requests left over go on the waiting list, oldest first (those
    without a request date after the dated ones, in sheet order), each with the reason.

    Parameters
    ----------
    requests : pandas.DataFrame
        The output of :func:`toolkit.coaching.triage.triage`.
    coaches : pandas.DataFrame
        ``CoachingImport.records`` from :func:`toolkit.coaching.requests.read_coaches`.
    settings : MatchSettings, optional
    manager_of : mapping, optional
        More line managers (e-mail to e-mail) to follow chains through.
    taken : mapping, optional
        Places each coach already uses with current coachees (coach e-mail -> count).

    Returns
    -------
    CoachMatch

    Examples
    --------
    >>> from toolkit.coaching.triage import triage
    >>> r = triage(pd.DataFrame({
    ...     "email": ["a@example.org", "b@example.org"], "name": ["A", "B"],
    ...     "department": ["Maths", "Maths"], "grade": ["Grade 7", "Grade 7"], "level": [2, 2],
    ...     "line_manager_email": ["m@example.org"] * 2, "manager_approved": [True, True],
    ...     "cost_approved": [False, False], "need": [["Leadership"], []],
    ...     "objectives": [[], []], "meeting_mode": ["either"] * 2,
    ...     "requested_on": pd.to_datetime(["2026-01-05", "2026-01-09"])}))
    >>> c = pd.DataFrame({"email": ["c@example.org"], "name": ["C"], "department": ["Physics"],
    ...                   "pool": ["internal"], "capacity": [1], "specialisms": [["Leadership"]],
    ...                   "cost_per_session": [0.0], "meeting_mode": ["online"]})
    >>> m = match_coaches(r, c)
    >>> m.pairs[["coachee_email", "coach_email"]].values.tolist()
    [['a@example.org', 'c@example.org']]
    >>> m.waiting[["position", "email"]].values.tolist()
    [[1, 'b@example.org']]
    """
    settings = settings or MatchSettings()
    order = requests.assign(_date=requests["requested_on"].fillna(pd.Timestamp.max)
                            if "requested_on" in requests else pd.NaT,
                            _row=requests["row"] if "row" in requests else np.arange(
                                len(requests)))
    order = order.sort_values(["_date", "_row", "email"], kind="stable")
    ready = order[order["status"].isin(ROUTES)].drop(columns=["_date", "_row"])
    ready = ready.reset_index(drop=True)
    pool = coaches.sort_values("email", kind="stable").reset_index(drop=True)
    used = pool["email"].map(dict(taken or {})).fillna(0).astype("int64")
    free = (pool["capacity"].astype("int64") - used).clip(lower=0)
    # Chains run through every request, on hold or not, and every coach.
    managers = _line_managers(manager_of, pool, requests)
    rules = coach_eligibility(ready, pool.assign(capacity=free), settings, managers)
    scores = coach_scores(ready, pool, settings)
    # Older requests win ties: a bonus far below any real difference in score.
    age_bonus = 1e-6 * (len(ready) - np.arange(len(ready)))[:, None] / max(len(ready), 1)
    # The pairing engine's exact solver with the "coverage" objective: most coachees first,
    # then the best total score (one assignment method for coaching and mentoring).
    rows, cols = solve_assignment(scores["score"] + age_bonus, rules["eligible"],
                                  free.to_numpy(), objective="coverage")
    pairs = pd.DataFrame({
        "coachee_email": ready["email"].to_numpy()[rows],
        "coachee_name": ready["name"].to_numpy()[rows],
        "coach_email": pool["email"].to_numpy()[cols],
        "coach_name": pool["name"].to_numpy()[cols],
        "route": ready["route"].to_numpy()[rows],
        "score": scores["score"][rows, cols].round(4),
        "need": scores["need"][rows, cols].round(4),
        "objectives": scores["objectives"][rows, cols].round(4),
        "mode": scores["mode"][rows, cols].round(4),
        "coachee_department": ready["department"].to_numpy()[rows],
        "coach_department": pool["department"].to_numpy()[cols],
        "start_date": settings.start_date or "",
        "cost_per_session": pool["cost_per_session"].to_numpy(dtype=float)[cols],
    }).sort_values("coachee_email", kind="stable").reset_index(drop=True)
    left = np.setdiff1d(np.arange(len(ready)), rows)
    waiting = waiting_list(ready.iloc[left], {k: v[left] for k, v in rules.items()})
    coach_of = dict(zip(pairs["coachee_email"], pairs["coach_email"], strict=True))
    why_of = dict(zip(waiting["email"], waiting["why"], strict=True))
    out = requests.copy()
    out["coach_email"] = [coach_of.get(e, "") for e in out["email"]]
    matched, waiting_ = OUTCOMES[:2]
    out["outcome"] = np.where(out["coach_email"] != "", matched,
                              np.where(out["status"] == ON_HOLD, ON_HOLD, waiting_))
    out["note"] = [why_of.get(e, r) if o != matched else "Matched with a coach."
                   for e, r, o in zip(out["email"], out["reason"], out["outcome"], strict=True)]
    counts = pairs["coach_email"].value_counts()
    load = pool.assign(places=pool["capacity"], already=used.to_numpy(),
                       taken=pool["email"].map(counts).fillna(0).astype("int64"))
    load["free"] = (load["places"] - load["already"] - load["taken"]).clip(lower=0)
    return CoachMatch(pairs=pairs, waiting=waiting, requests=out, coaches=load,
                      settings=asdict(settings))

