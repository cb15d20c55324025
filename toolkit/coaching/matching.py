"""Coach matching: who may coach whom, how well they suit, the best matching, the waiting list."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from toolkit.coaching.triage import ON_HOLD, ROUTES
from toolkit.core.assignment import solve_assignment
from toolkit.core.management import chain_mask
from toolkit.core.text import fold
from toolkit.errors import SettingsError

__all__ = [
    "CHOOSING",
    "HOW",
    "OUTCOMES",
    "SHORTLIST_COLUMNS",
    "CoachMatch",
    "MatchSettings",
    "coach_eligibility",
    "coach_scores",
    "match_coaches",
    "shortlists",
    "waiting_list",
]

#: Every request's outcome after matching.
OUTCOMES = ("matched", "waiting list", ON_HOLD)

#: The outcome of an approved request whose coachee is choosing from a short list (routes in
#: ``MatchSettings.by_choice``).
CHOOSING = "choosing"

#: How a pair came about: the coachee chose the coach, it was kept from the current pairs (or
#: its chemistry session went well), the matching made it, or the matching made it again
#: after a chemistry session that did not work.
HOW = ("chosen", "kept", "matched", "re-matched")

_NO_PAIRS: frozenset[tuple[str, str]] = frozenset()


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
    shortlist : int
        How many coaches each short list proposes, best fit first (default 3).
    by_choice : tuple of str
        Routes whose coachees choose their own coach (``("external",)``): their approved
        requests are not matched by score; those without a choice get a short list and the
        outcome ``choosing``. Default none: every route is matched by score.
    """

    same_department: bool = False
    w_need: float = 0.5
    w_objectives: float = 0.2
    w_mode: float = 0.3
    start_date: str | None = None
    shortlist: int = 3
    by_choice: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.shortlist < 1:
            raise SettingsError(f"A short list needs 1 coach or more (got {self.shortlist}).")
        unknown = sorted(set(self.by_choice) - set(ROUTES))
        if unknown:
            raise SettingsError(f"Unknown route(s) {unknown} for choosing a coach: use "
                                f"{list(ROUTES)}.")
        weights = (self.w_need, self.w_objectives, self.w_mode)
        if any(not np.isfinite(w) or w < 0 for w in weights):
            raise SettingsError(
                f"The matching weights must be numbers of 0 or more; got need={self.w_need}, "
                f"objectives={self.w_objectives}, mode={self.w_mode}.")


#: The columns of :attr:`CoachMatch.shortlists`.
SHORTLIST_COLUMNS = ["coachee_email", "coachee_name", "route", "rank", "coach_email",
                     "coach_name", "score", "need", "objectives", "mode", "cost_per_session"]


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
    shortlists : pandas.DataFrame
        For each approved request of the external route without a chosen or kept coach (and
        of every route in ``by_choice``), the best-fitting coaches who may take it, best
        first: ``coachee_email, coachee_name, route, rank, coach_email, coach_name, score,
        need, objectives, mode, cost_per_session``.
    """

    pairs: pd.DataFrame
    waiting: pd.DataFrame
    requests: pd.DataFrame
    coaches: pd.DataFrame
    settings: dict
    shortlists: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=SHORTLIST_COLUMNS))


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


def _pair_mask(rows: np.ndarray, cols: np.ndarray,
               pairs: Iterable[tuple[str, str]]) -> np.ndarray:
    """Mark the (row e-mail, column e-mail) pairs that are in ``pairs``."""
    mask = np.zeros((len(rows), len(cols)), dtype=bool)
    pairs = list(pairs)
    if pairs and mask.size:
        r_at = pd.Index(rows).get_indexer([a for a, _ in pairs])
        c_at = pd.Index(cols).get_indexer([b for _, b in pairs])
        found = (r_at >= 0) & (c_at >= 0)
        mask[r_at[found], c_at[found]] = True
    return mask


def coach_eligibility(requests: pd.DataFrame, coaches: pd.DataFrame,
                      settings: MatchSettings | None = None,
                      manager_of: Mapping[str, str] | None = None,
                      forbid: Iterable[tuple[str, str]] = _NO_PAIRS,
                      approved: Collection[str] | None = None) -> dict[str, np.ndarray]:
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
    forbid : iterable of (str, str), optional
        (coachee, coach) pairs never to make: a chemistry session that did not work.
    approved : collection of str, optional
        The approved coach list's e-mails. When given, an external coach must be on it.

    Returns
    -------
    dict of str to numpy.ndarray
        Boolean matrices (requests x coaches): ``pool`` (the coach is in the request's
        route), ``chain`` (one is in the other's line-management chain), ``self`` (the same
        person), ``department`` (the same department, when that is not allowed),
        ``unapproved`` (an external coach not on the approved list), ``forbidden`` (the pair
        is in ``forbid``), ``places`` and ``eligible`` (pool and none of the others, and
        the coach has places).

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
    c_pool = coaches["pool"].astype(str).to_numpy()
    listed = np.isin(c_mail, np.asarray(list(approved), dtype=object)) if approved is not None \
        else np.ones(len(c_mail), dtype=bool)
    unapproved = np.broadcast_to((c_pool == "external") & ~listed, pool.shape)
    forbidden = _pair_mask(r_mail, c_mail, forbid)
    eligible = pool & ~chain & ~same & ~department & ~unapproved & ~forbidden & places
    return {"pool": pool, "chain": chain, "self": same, "department": department,
            "unapproved": unapproved, "forbidden": forbidden,
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
    no = np.zeros_like(pool)
    chain = pool & (rules["chain"] | rules["self"])
    dept = pool & ~chain & rules["department"]
    unlisted = pool & ~chain & ~dept & rules.get("unapproved", no)
    tried = pool & ~chain & ~dept & ~unlisted & rules.get("forbidden", no)
    full = pool & ~chain & ~dept & ~unlisted & ~tried & ~rules["places"]
    could = rules["eligible"].sum(axis=1)
    in_pool = pool.sum(axis=1)
    reasons = []
    for route, n, n_chain, n_dept, n_unlisted, n_tried, n_full, n_could in zip(
            requests["route"], in_pool, chain.sum(axis=1), dept.sum(axis=1),
            unlisted.sum(axis=1), tried.sum(axis=1), full.sum(axis=1), could, strict=True):
        if n == 0:
            reasons.append(f"There is no {route} coach in the pool: add {route} coaches.")
        elif n_could == 0:
            parts = [f"{k} {what}" for k, what in (
                (n_chain, "in the coachee's line-management chain"),
                (n_dept, "in the same department"),
                (n_unlisted, "not on the approved coach list"),
                (n_tried, "after a chemistry session that did not work"),
                (n_full, "with no places"),
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


def shortlists(requests: pd.DataFrame, coaches: pd.DataFrame, scores: dict[str, np.ndarray],
               eligible: np.ndarray, n: int = 3) -> pd.DataFrame:
    """Propose, for each request, the ``n`` best-fitting coaches who may take it.

    Vectorised: one sort of the score matrix, ineligible coaches pushed to the end; equal
    scores keep the coaches' order (by e-mail).

    Parameters
    ----------
    requests : pandas.DataFrame
        The requests to propose coaches to (``email, name, route``).
    coaches : pandas.DataFrame
        The coach pool (``email, name, cost_per_session``), in the matrices' column order.
    scores : dict of str to numpy.ndarray
        :func:`coach_scores` for these requests and coaches.
    eligible : numpy.ndarray
        Which coach may take which request (:func:`coach_eligibility`).
    n : int
        How many coaches per list (fewer when fewer may take the request).

    Returns
    -------
    pandas.DataFrame
        :data:`SHORTLIST_COLUMNS`, by coachee then rank (from 1).

    Examples
    --------
    >>> r = pd.DataFrame({"email": ["a@example.org"], "name": ["A"], "route": ["external"]})
    >>> c = pd.DataFrame({"email": ["c@example.org", "d@example.org", "e@example.org"],
    ...                   "name": ["C", "D", "E"], "cost_per_session": [300.0, 250.0, 400.0]})
    >>> s = {k: np.array([[0.2, 0.9, 0.5]]) for k in ("score", "need", "objectives", "mode")}
    >>> shortlists(r, c, s, np.array([[True, True, False]]), n=3)[["rank", "coach_email"]
    ...     ].values.tolist()
    [[1, 'd@example.org'], [2, 'c@example.org']]
    """
    if len(requests) == 0 or len(coaches) == 0:
        return pd.DataFrame(columns=SHORTLIST_COLUMNS)
    masked = np.where(eligible, scores["score"], -np.inf)
    order = np.argsort(-masked, axis=1, kind="stable")[:, :n]
    rows = np.repeat(np.arange(len(requests)), order.shape[1])
    cols = order.ravel()
    keep = eligible[rows, cols]
    rows, cols = rows[keep], cols[keep]
    rank = np.tile(np.arange(1, order.shape[1] + 1), len(requests))[keep]
    return pd.DataFrame({
        "coachee_email": requests["email"].to_numpy()[rows],
        "coachee_name": requests["name"].to_numpy()[rows],
        "route": requests["route"].to_numpy()[rows],
        "rank": rank.astype("int64"),
        "coach_email": coaches["email"].to_numpy()[cols],
        "coach_name": coaches["name"].to_numpy()[cols],
        **{k: scores[k][rows, cols].round(4) for k in ("score", "need", "objectives", "mode")},
        "cost_per_session": coaches["cost_per_session"].to_numpy(dtype=float)[cols],
    }, columns=SHORTLIST_COLUMNS)


_LOCK_NOTES = {
    "chosen": "Chose this coach.",
    "kept": "Kept: this pair is already under way.",
}


def match_coaches(requests: pd.DataFrame, coaches: pd.DataFrame,
                  settings: MatchSettings | None = None,
                  manager_of: Mapping[str, str] | None = None,
                  taken: Mapping[str, int] | None = None,
                  locks: pd.DataFrame | None = None,
                  forbid: Iterable[tuple[str, str]] = _NO_PAIRS,
                  approved: Collection[str] | None = None) -> CoachMatch:
    """Match coaches to the requests that passed triage, most coachees first, best score next.

    Rules (hard): the coach is in the request's pool (internal or external), is not the
    coachee, is outside the coachee's line-management chain, works in another department
    (unless ``same_department``), is on the approved coach list when one is given (external
    coaches), is not a coach whose chemistry session with this coachee did not work
    (``forbid``), and has a free place. Among the matchings that give a coach to as many
    coachees as possible, the one with the highest total score is chosen (optimal
    assignment, not stable matching); among equal scores older requests win. Requests on
    hold are not matched; approved requests left over go on the waiting list, oldest first
    (those without a request date after the dated ones, in sheet order), each with the
    reason.

    ``locks`` are pairs made already: a coachee's own choice, or a pair kept from the
    current round (checked beforehand, e.g. by
    :func:`toolkit.coaching.choice.check_choices`). They are kept exactly and use their
    coach's places; everyone else is matched around them. Re-matching after a chemistry
    session that did not work is this with every other pair locked and the failed pair in
    ``forbid``.

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
    locks : pandas.DataFrame, optional
        ``coachee_email, coach_email`` and ``how`` (``chosen`` or ``kept``): pairs to keep.
        A lock whose coachee has no approved request, or whose coach is not in the pool, is
        not made (the coachee is matched as usual).
    forbid : iterable of (str, str), optional
        (coachee, coach) pairs never to make.
    approved : collection of str, optional
        The approved coach list's e-mails (external coaches must be on it).

    Returns
    -------
    CoachMatch
        ``pairs`` has a ``how`` column (:data:`HOW`).

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
    >>> m = match_coaches(r, c, forbid=[("a@example.org", "c@example.org")])
    >>> m.pairs[["coachee_email", "coach_email", "how"]].values.tolist()
    [['b@example.org', 'c@example.org', 'matched']]
    """
    settings = settings or MatchSettings()
    forbid = {(str(a), str(b)) for a, b in forbid}
    order = requests.assign(_date=requests["requested_on"].fillna(pd.Timestamp.max)
                            if "requested_on" in requests else pd.NaT,
                            _row=requests["row"] if "row" in requests else np.arange(
                                len(requests)))
    order = order.sort_values(["_date", "_row", "email"], kind="stable")
    ready = order[order["status"].isin(ROUTES)].drop(columns=["_date", "_row"])
    ready = ready.reset_index(drop=True)
    pool = coaches.sort_values("email", kind="stable").reset_index(drop=True)
    used = pool["email"].map(dict(taken or {})).fillna(0).astype("int64")
    # Locked pairs first: a coachee with an approved request and a coach in the pool.
    lock = (pd.DataFrame(columns=["coachee_email", "coach_email", "how"]) if locks is None
            else locks.reindex(columns=["coachee_email", "coach_email", "how"]))
    lock = lock.assign(how=lock["how"].fillna("chosen"))
    lock = lock[lock["coachee_email"].isin(ready["email"]) & lock["coach_email"].isin(
        pool["email"])].drop_duplicates("coachee_email")
    lock_r = pd.Index(ready["email"]).get_indexer(lock["coachee_email"])
    lock_c = pd.Index(pool["email"]).get_indexer(lock["coach_email"])
    by_lock = np.bincount(lock_c, minlength=len(pool)).astype("int64")
    free = (pool["capacity"].astype("int64") - used - by_lock).clip(lower=0)
    locked = np.zeros(len(ready), dtype=bool)
    locked[lock_r] = True
    choosing = ready["route"].isin(settings.by_choice).to_numpy() & ~locked
    solve = np.flatnonzero(~locked & ~choosing)
    # Chains run through every request, on hold or not, and every coach.
    managers = _line_managers(manager_of, pool, requests)
    rules = coach_eligibility(ready, pool.assign(capacity=free), settings, managers, forbid,
                              approved)
    scores = coach_scores(ready, pool, settings)
    # Older requests win ties: a bonus far below any real difference in score.
    age_bonus = 1e-6 * (len(ready) - np.arange(len(ready)))[:, None] / max(len(ready), 1)
    # The pairing engine's exact solver with the "coverage" objective: most coachees first,
    # then the best total score (one assignment method for coaching and mentoring).
    rows, cols = solve_assignment((scores["score"] + age_bonus)[solve],
                                  rules["eligible"][solve], free.to_numpy(),
                                  objective="coverage")
    rows = solve[rows]
    tried = {a for a, _ in forbid}
    how = np.concatenate([lock["how"].to_numpy(dtype=object), np.where(
        np.isin(ready["email"].to_numpy()[rows], list(tried)), "re-matched", "matched")])
    rows = np.concatenate([lock_r, rows]).astype(np.int64)
    cols = np.concatenate([lock_c, cols]).astype(np.int64)
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
        "how": how.astype(object),
    }).sort_values("coachee_email", kind="stable").reset_index(drop=True)
    left = np.setdiff1d(solve, rows)
    waiting = waiting_list(ready.iloc[left], {k: v[left] for k, v in rules.items()})
    # Short lists: external requests not chosen or kept, and every route chosen by coachees.
    offer = np.flatnonzero(~locked & (choosing | (ready["route"] == "external").to_numpy()))
    short = shortlists(ready.iloc[offer], pool, {k: v[offer] for k, v in scores.items()},
                       rules["eligible"][offer], settings.shortlist)
    coach_of = dict(zip(pairs["coachee_email"], pairs["coach_email"], strict=True))
    how_of = dict(zip(pairs["coachee_email"], pairs["how"], strict=True))
    why_of = dict(zip(waiting["email"], waiting["why"], strict=True))
    offered = short.groupby("coachee_email").size()
    choosers = set(ready["email"].to_numpy()[choosing])
    out = requests.copy()
    out["coach_email"] = [coach_of.get(e, "") for e in out["email"]]
    matched, waiting_ = OUTCOMES[:2]
    out["outcome"] = np.where(
        out["coach_email"] != "", matched,
        np.where(out["status"] == ON_HOLD, ON_HOLD,
                 np.where(out["email"].isin(choosers), CHOOSING, waiting_)))
    failed_with = {a: b for a, b in forbid}

    def note(email: str, reason: str, outcome: str) -> str:
        if outcome == matched:
            made = how_of.get(email, "matched")
            if made == "re-matched":
                return (f"Matched with a new coach: the chemistry session with "
                        f"{failed_with[email]} did not work.")
            return _LOCK_NOTES.get(made, "Matched with a coach.")
        if outcome == CHOOSING:
            n = int(offered.get(email, 0))
            return (f"Choosing a coach: {n} coach(es) proposed on the short list." if n else
                    "Choosing a coach, but no coach may take this request: see the coach "
                    "pool and the approved list.")
        return why_of.get(email, reason)

    out["note"] = [note(e, r, o) for e, r, o in zip(out["email"], out["reason"],
                                                    out["outcome"], strict=True)]
    counts = pairs["coach_email"].value_counts()
    load = pool.assign(places=pool["capacity"], already=used.to_numpy(),
                       taken=pool["email"].map(counts).fillna(0).astype("int64"))
    load["free"] = (load["places"] - load["already"] - load["taken"]).clip(lower=0)
    return CoachMatch(pairs=pairs, waiting=waiting, requests=out, coaches=load,
                      settings=asdict(settings), shortlists=short)
