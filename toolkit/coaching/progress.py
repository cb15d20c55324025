"""Coaching under way: sessions against the scheme's limits, objectives scored before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.coaching.requests import _VARIANTS, CoachingImport, _Checker, _fold, parse_dates
from toolkit.errors import SettingsError
from toolkit.io.readers import Table, read_table
from toolkit.store.connection import query

if TYPE_CHECKING:
    from toolkit.store.connection import Store

__all__ = [
    "DEFAULT_LIMITS",
    "ObjectiveProgress",
    "SessionLimits",
    "SessionStatus",
    "objective_progress",
    "read_objective_scores",
    "read_sessions",
    "save_progress",
    "session_status",
    "validate_objective_scores",
    "validate_sessions",
]

SESSION_FIELDS = ("email", "on_date", "kind", "status")
SCORE_FIELDS = ("email", "objective", "start_score", "end_score")
_PROGRESS_VARIANTS = {
    **_VARIANTS,
    "on_date": ("date", "session date", "on date", "held on", "date of session", "when"),
    "kind": ("kind", "type", "session type", "type of session", "session"),
    "status": ("status", "held", "outcome", "held or cancelled"),
    "objective": ("objective", "objective number", "objective no", "number", "objective #"),
    "start_score": ("start score", "score at start", "score at the start", "before", "start",
                    "initial score"),
    "end_score": ("end score", "score at end", "score at the end", "after", "end",
                  "final score"),
}
_KINDS = {"chemistry": "chemistry", "chemistry session": "chemistry", "chemistry call":
          "chemistry", "initial": "chemistry", "intro": "chemistry", "introductory": "chemistry",
          "session": "session", "coaching": "session", "coaching session": "session",
          "": "session"}
_HELD = {"held": True, "": True, "yes": True, "done": True, "attended": True,
         "cancelled": False, "canceled": False, "no": False, "missed": False, "no show": False,
         "postponed": False}

#: Warning kinds, in the order they are listed.
WARNING_KINDS = ("over the limit", "session after the end date", "past the end date",
                 "no session for six weeks", "no coaching pair")


@dataclass(frozen=True)
class SessionLimits:
    """What one kind of coaching allows.

    Parameters
    ----------
    chemistry : int
        Initial "chemistry" sessions allowed (not counted as coaching sessions).
    sessions : int
        Coaching sessions allowed.
    months : int
        The window, from the first session (or the start date), in which they must happen.
    """

    chemistry: int = 1
    sessions: int = 4
    months: int = 6

    def __post_init__(self) -> None:
        if min(self.chemistry, self.sessions) < 0 or self.months < 1:
            raise SettingsError(
                "Session limits must be whole numbers: chemistry and sessions 0 or more, "
                f"months 1 or more (got {self.chemistry}, {self.sessions}, {self.months}).")


#: The scheme's limits: internal coaching allows one chemistry session and four sessions in
#: six months; external coaching up to six sessions (in twelve months here).
DEFAULT_LIMITS: dict[str, SessionLimits] = {
    "internal": SessionLimits(chemistry=1, sessions=4, months=6),
    "external": SessionLimits(chemistry=1, sessions=6, months=12),
}


# -- importing ------------------------------------------------------------------------------
def validate_sessions(table: Table, mapping: dict[str, str] | None = None) -> CoachingImport:
    """Check a session log: the coachee's e-mail, the date, chemistry or session, held or not.

    Returns
    -------
    CoachingImport
        ``records``: ``row, email, on_date (date), kind (chemistry|session), held (bool)``.
    """
    check = _Checker(table, SESSION_FIELDS, ("email", "on_date"), mapping, "sessions",
                     _PROGRESS_VARIANTS)
    canon = check.canon
    check.required(("email", "on_date"))
    email = check.email("email", unique=False)
    on_date = parse_dates(canon["on_date"])
    check.add((canon["on_date"] != "") & on_date.isna(), "on_date",
              "This is not a date: write it as 2026-03-31 or 31/03/2026.")
    kind = _fold(canon["kind"]).map(_KINDS)
    check.add(kind.isna(), "kind", "Write 'chemistry' for the first meeting or 'session'.")
    held = _fold(canon["status"]).map(_HELD)
    check.add(held.isna(), "status", "Write 'held' or 'cancelled' (empty means held).")
    records = pd.DataFrame({"email": email, "on_date": on_date, "kind": kind.fillna("session"),
                            "held": held.fillna(True).astype(bool)})
    return check.result(records)


def read_sessions(path: str | Path, mapping: dict[str, str] | None = None,
                  sheet: str | None = None) -> CoachingImport:
    """Import a session log (CSV or XLSX), reporting every bad row with its row number.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sessions.csv"
    >>> _ = p.write_text("Email,Date,Type\\na@example.org,2026-03-02,Chemistry\\n"
    ...                  "a@example.org,31/03/2026,Session\\na@example.org,31/02/2026,\\n")
    >>> log = read_sessions(p)
    >>> log.records["kind"].tolist(), log.problems[["row", "field"]].values.tolist()
    (['chemistry', 'session'], [[4, 'on_date']])
    """
    return validate_sessions(read_table(path, sheet=sheet), mapping)


def validate_objective_scores(table: Table,
                              mapping: dict[str, str] | None = None) -> CoachingImport:
    """Check objective scores: each objective (1-3) scored 1-10 at the start and at the end.

    Returns
    -------
    CoachingImport
        ``records``: ``row, email, number, start_score, end_score`` (nullable whole numbers;
        empty where that form has not come back).
    """
    check = _Checker(table, SCORE_FIELDS, ("email", "objective"), mapping, "scores",
                     _PROGRESS_VARIANTS)
    canon = check.canon
    check.required(("email", "objective"))
    email = check.email("email", unique=False)
    number = pd.to_numeric(canon["objective"].str.extract(r"(\d+)", expand=False),
                           errors="coerce")
    bad_number = (canon["objective"] != "") & ~number.isin([1, 2, 3])
    check.add(bad_number, "objective", "The objective must be 1, 2 or 3.")
    dup = ~bad_number & (email != "") & pd.DataFrame({"e": email, "n": number}).duplicated(
        keep="first")
    check.add(dup, "objective", "This objective of this coachee is already scored on an "
              "earlier row: keep one row.")
    scores = {}
    for name in ("start_score", "end_score"):
        value = pd.to_numeric(canon[name].where(canon[name] != ""), errors="coerce")
        bad = (canon[name] != "") & (value.isna() | ~value.isin(range(1, 11)))
        check.add(bad, name, "A score must be a whole number from 1 to 10 (or empty if the "
                  "form has not come back).")
        scores[name] = value.where(~bad).astype("Int64")
    records = pd.DataFrame({"email": email, "number": number.fillna(0).astype("int64"),
                            **scores})
    return check.result(records)


def read_objective_scores(path: str | Path, mapping: dict[str, str] | None = None,
                          sheet: str | None = None) -> CoachingImport:
    """Import objective scores (CSV or XLSX), reporting every bad row with its row number.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "scores.csv"
    >>> _ = p.write_text("Email,Objective,Start score,End score\\n"
    ...                  "a@example.org,1,4,7\\na@example.org,2,5,\\na@example.org,3,11,8\\n")
    >>> s = read_objective_scores(p)
    >>> s.records["end_score"].tolist()
    [7, <NA>]
    >>> s.problems[["row", "field"]].values.tolist()
    [[4, 'start_score']]
    """
    return validate_objective_scores(read_table(path, sheet=sheet), mapping)


# -- sessions against the limits --------------------------------------------------------------
@dataclass
class SessionStatus:
    """Where each coaching pair stands, and what needs the officer's attention.

    Attributes
    ----------
    register : pandas.DataFrame
        One row per pair: ``coachee_email, coach_email, route, start, end_date,
        chemistry_held, sessions_held, sessions_allowed, sessions_left, last_session,
        days_since, status`` (``not started``, ``active``, ``complete``, ``past end date``,
        ``closed``) and ``warnings`` (how many).
    warnings : pandas.DataFrame
        ``coachee_email, coach_email, kind, message``, one row per warning.
    """

    register: pd.DataFrame
    warnings: pd.DataFrame
    today: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("1970-01-01"))


def _limits_table(limits: dict[str, SessionLimits], routes: pd.Series) -> pd.DataFrame:
    unknown = sorted(set(routes) - set(limits))
    if unknown:
        raise SettingsError(
            f"No session limits for the coaching route(s) {unknown}: give limits for each of "
            f"{sorted(set(routes))}.")
    table = pd.DataFrame({r: [v.chemistry, v.sessions, v.months] for r, v in limits.items()},
                         index=["chemistry_allowed", "sessions_allowed", "months"]).T
    return table.loc[routes.to_numpy()].reset_index(drop=True)


def session_status(pairs: pd.DataFrame, sessions: pd.DataFrame, today: str | pd.Timestamp,
                   limits: dict[str, SessionLimits] | None = None,
                   quiet_days: int = 42) -> SessionStatus:
    """Check every coaching pair's sessions against the limits on a given day.

    The window starts at the coachee's first held session (chemistry or not), or at the
    pair's start date before any session, and lasts the route's ``months``. Cancelled
    sessions are not counted. Warnings: more chemistry or coaching sessions than allowed
    ("over the limit"); sessions held after the end date; a pair still open after its end
    date with sessions unused ("past the end date"); an open pair with no session for
    ``quiet_days`` days (default six weeks); sessions logged for someone with no pair.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``coachee_email, coach_email, route, start_date`` and optionally ``status``
        (``closed`` pairs raise no warnings about time).
    sessions : pandas.DataFrame
        ``email, on_date, kind`` and optionally ``held``, from :func:`read_sessions`.
    today : str or Timestamp
        The day to check on (fixed, so that results can be reproduced).
    limits : dict, optional
        Route -> :class:`SessionLimits` (default :data:`DEFAULT_LIMITS`).
    quiet_days : int
        Days without a session before a warning.

    Returns
    -------
    SessionStatus

    Examples
    --------
    >>> pairs = pd.DataFrame({"coachee_email": ["a@example.org"],
    ...                       "coach_email": ["c@example.org"], "route": ["internal"],
    ...                       "start_date": ["2026-03-02"]})
    >>> log = pd.DataFrame({"email": ["a@example.org"] * 6, "kind": ["chemistry"] + 5 * ["session"],
    ...                     "on_date": pd.to_datetime(["2026-03-02", "2026-03-20", "2026-04-10",
    ...                                                "2026-05-01", "2026-05-22", "2026-06-12"])})
    >>> status = session_status(pairs, log, today="2026-07-01")
    >>> status.register[["sessions_held", "sessions_allowed", "status"]].values.tolist()
    [[5, 4, 'complete']]
    >>> status.warnings["kind"].tolist()
    ['over the limit']
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    today = pd.Timestamp(today).normalize()
    log = sessions.copy()
    log["held"] = log["held"].astype(bool) if "held" in log else True
    log = log[log["held"] & log["on_date"].notna()]
    per = (log.assign(chem=log["kind"] == "chemistry", sess=log["kind"] == "session")
           .groupby("email").agg(first=("on_date", "min"), last=("on_date", "max"),
                                 chemistry_held=("chem", "sum"), sessions_held=("sess", "sum")))
    reg = pairs[["coachee_email", "coach_email", "route"]].reset_index(drop=True).copy()
    reg = reg.join(per, on="coachee_email")
    reg[["chemistry_held", "sessions_held"]] = reg[["chemistry_held", "sessions_held"]].fillna(
        0).astype("int64")
    allowed = _limits_table(limits, reg["route"])
    planned = parse_dates(pairs["start_date"].reset_index(drop=True)) if "start_date" in pairs \
        else pd.Series(pd.NaT, index=reg.index, dtype="datetime64[ns]")
    reg["start"] = reg["first"].fillna(planned)
    reg["end_date"] = pd.Series(pd.NaT, index=reg.index, dtype="datetime64[ns]")
    for months in np.unique(allowed["months"]):
        rows = (allowed["months"] == months).to_numpy()
        reg.loc[rows, "end_date"] = reg.loc[rows, "start"] + pd.DateOffset(months=int(months))
    reg["sessions_allowed"] = allowed["sessions_allowed"].to_numpy()
    reg["sessions_left"] = (reg["sessions_allowed"] - reg["sessions_held"]).clip(lower=0)
    reg["last_session"] = reg["last"]
    reg["days_since"] = (today - reg["last"].fillna(reg["start"])).dt.days.astype("Int64")
    closed = (pairs["status"].reset_index(drop=True).astype(str) == "closed").to_numpy() \
        if "status" in pairs else np.zeros(len(reg), dtype=bool)
    complete = (reg["sessions_held"] >= reg["sessions_allowed"]).to_numpy()
    past = (today > reg["end_date"]).to_numpy()
    started = (reg["sessions_held"] + reg["chemistry_held"] > 0).to_numpy()
    reg["status"] = np.select([closed, complete, past, ~started],
                              ["closed", "complete", "past end date", "not started"], "active")
    late = log.join(reg.set_index("coachee_email")["end_date"], on="email", how="inner")
    after = late[late["on_date"] > late["end_date"]].groupby("email").size()
    reg["after_end"] = reg["coachee_email"].map(after).fillna(0).astype("int64")

    chem_allowed = allowed["chemistry_allowed"].to_numpy()
    is_open = ~closed & ~complete
    flags = {
        "over the limit": (reg["sessions_held"].to_numpy() > reg["sessions_allowed"].to_numpy())
        | (reg["chemistry_held"].to_numpy() > chem_allowed),
        "session after the end date": reg["after_end"].to_numpy() > 0,
        "past the end date": is_open & past,
        "no session for six weeks": is_open & ~past & reg["start"].notna().to_numpy()
        & (reg["days_since"].fillna(0).to_numpy() > quiet_days),
    }
    found = []
    for kind, mask in flags.items():
        sub = reg[mask]
        if sub.empty:
            continue
        if kind == "over the limit":
            text = [f"{s} coaching and {c} chemistry session(s) held; {r} coaching allows "
                    f"{a} (and {ca} chemistry)." for s, c, r, a, ca in zip(
                        sub["sessions_held"], sub["chemistry_held"], sub["route"],
                        sub["sessions_allowed"], chem_allowed[mask], strict=True)]
        elif kind == "session after the end date":
            text = [f"{n} session(s) held after the end date {e:%Y-%m-%d}." for n, e in zip(
                sub["after_end"], sub["end_date"], strict=True)]
        elif kind == "past the end date":
            text = [f"The coaching passed its end date {e:%Y-%m-%d} with {left} of {a} "
                    "session(s) unused: close it (and collect the end scores) or agree an "
                    "extension." for e, left, a in zip(sub["end_date"], sub["sessions_left"],
                                                       sub["sessions_allowed"], strict=True)]
        else:
            text = [(f"No session since {d:%Y-%m-%d} ({n} days): check in with the pair."
                     if had else f"No session yet, {n} days after the start date "
                     f"{d:%Y-%m-%d}: check that the pair has met.")
                    for d, n, had in zip(sub["last"].fillna(sub["start"]), sub["days_since"],
                                         sub["last"].notna(), strict=True)]
        found.append(pd.DataFrame({"coachee_email": sub["coachee_email"].to_numpy(),
                                   "coach_email": sub["coach_email"].to_numpy(),
                                   "kind": kind, "message": text}))
    orphans = per.index.difference(pd.Index(reg["coachee_email"]))
    if len(orphans):
        found.append(pd.DataFrame({
            "coachee_email": orphans.to_numpy(), "coach_email": "",
            "kind": "no coaching pair",
            "message": [f"{n} session(s) are logged for this person, who has no coaching pair: "
                        "check the e-mail in the session log." for n in
                        (per.loc[orphans, "chemistry_held"] + per.loc[orphans, "sessions_held"])],
        }))
    warnings = pd.concat(found or [pd.DataFrame(
        columns=["coachee_email", "coach_email", "kind", "message"])], ignore_index=True)
    order = {k: i for i, k in enumerate(WARNING_KINDS)}
    warnings = (warnings.assign(_k=warnings["kind"].map(order))
                .sort_values(["_k", "coachee_email"], kind="stable").drop(columns="_k")
                .reset_index(drop=True))
    reg["warnings"] = reg["coachee_email"].map(warnings["coachee_email"].value_counts()).fillna(
        0).astype("int64")
    columns = ["coachee_email", "coach_email", "route", "start", "end_date", "chemistry_held",
               "sessions_held", "sessions_allowed", "sessions_left", "last_session",
               "days_since", "status", "warnings"]
    return SessionStatus(register=reg[columns], warnings=warnings, today=today)


# -- objectives -----------------------------------------------------------------------------
@dataclass
class ObjectiveProgress:
    """Objectives scored at the start and at the end, and the forms still to come back.

    Attributes
    ----------
    per_objective : pandas.DataFrame
        ``email, number, objective, start_score, end_score, change``.
    per_coachee : pandas.DataFrame
        ``email, objectives, start_scored, end_scored, mean_start, mean_end, mean_change,
        improved``. The three means are over the objectives scored both times, so that the
        start and end means compare like with like; ``improved`` counts objectives whose
        score went up.
    missing : pandas.DataFrame
        ``email, form`` (``start`` or ``end``), ``objectives_missing`` and ``note``.
    """

    per_objective: pd.DataFrame
    per_coachee: pd.DataFrame
    missing: pd.DataFrame


def objective_progress(objectives: pd.DataFrame, scores: pd.DataFrame,
                       register: pd.DataFrame | None = None) -> ObjectiveProgress:
    """Work out progress on every objective and every coachee, and which forms are missing.

    Parameters
    ----------
    objectives : pandas.DataFrame
        ``email, number, objective`` from :func:`toolkit.coaching.requests.objectives_of`.
    scores : pandas.DataFrame
        ``email, number, start_score, end_score`` from :func:`read_objective_scores`.
    register : pandas.DataFrame, optional
        :attr:`SessionStatus.register`: limits the results to coachees with a pair, and says
        whose end form is due (pairs ``complete``, ``past end date`` or ``closed``). Without
        it every coachee with objectives counts, and end forms are due for all.

    Returns
    -------
    ObjectiveProgress

    Examples
    --------
    >>> objectives = pd.DataFrame({"email": ["a@example.org"] * 2, "number": [1, 2],
    ...                            "objective": ["Delegate more", "Speak up"]})
    >>> scores = pd.DataFrame({"email": ["a@example.org"] * 2, "number": [1, 2],
    ...                        "start_score": pd.array([3, 5], dtype="Int64"),
    ...                        "end_score": pd.array([7, pd.NA], dtype="Int64")})
    >>> p = objective_progress(objectives, scores)
    >>> p.per_objective["change"].tolist()
    [4, <NA>]
    >>> p.per_coachee[["mean_start", "mean_change", "improved"]].values.tolist()
    [[3.0, 4.0, 1]]
    >>> p.missing[["form", "objectives_missing"]].values.tolist()
    [['end', 1]]
    """
    keep = None if register is None else pd.Index(register["coachee_email"])
    obj = objectives[["email", "number", "objective"]]
    sc = scores[["email", "number", "start_score", "end_score"]]
    if keep is not None:
        obj = obj[obj["email"].isin(keep)]
        sc = sc[sc["email"].isin(keep)]
    per = obj.merge(sc, on=["email", "number"], how="outer", sort=True)
    per["objective"] = per["objective"].fillna("(not in the request)")
    for col in ("start_score", "end_score"):
        per[col] = per[col].astype("Int64")
    per["change"] = per["end_score"] - per["start_score"]
    per = per.sort_values(["email", "number"], kind="stable").reset_index(drop=True)
    both = per["change"].notna()
    grouped = per.assign(
        s_n=per["start_score"].notna(), e_n=per["end_score"].notna(),
        s_both=per["start_score"].where(both).astype("Float64"),
        e_both=per["end_score"].where(both).astype("Float64"),
        change_f=per["change"].astype("Float64"), up=per["change"].fillna(0) > 0,
    ).groupby("email", sort=True)
    coachee = pd.DataFrame({
        "objectives": grouped.size(),
        "start_scored": grouped["s_n"].sum(),
        "end_scored": grouped["e_n"].sum(),
        "mean_start": grouped["s_both"].mean().round(2),
        "mean_end": grouped["e_both"].mean().round(2),
        "mean_change": grouped["change_f"].mean().round(2),
        "improved": grouped["up"].sum(),
    }).reset_index()
    if keep is not None:
        none = pd.DataFrame({"email": keep.difference(pd.Index(coachee["email"]))})
        coachee = pd.concat([coachee, none.assign(objectives=0, start_scored=0, end_scored=0,
                                                  improved=0)], ignore_index=True)
    for col in ("objectives", "start_scored", "end_scored", "improved"):
        coachee[col] = coachee[col].astype("int64")
    for col in ("mean_start", "mean_end", "mean_change"):
        coachee[col] = coachee[col].astype("Float64")
    coachee = coachee.sort_values("email", kind="stable").reset_index(drop=True)
    if register is None:
        end_due = pd.Series(True, index=coachee.index)
    else:
        due = register.set_index("coachee_email")["status"].isin(
            ["complete", "past end date", "closed"])
        end_due = coachee["email"].map(due).fillna(False).astype(bool)
    n = coachee["objectives"]
    missing = pd.concat([
        pd.DataFrame({"email": coachee["email"][n == 0], "form": "objectives",
                      "objectives_missing": 0,
                      "note": "No objectives were given: agree up to three at the chemistry "
                              "session and score them 1-10."}),
        pd.DataFrame({"email": coachee["email"], "form": "start",
                      "objectives_missing": n - coachee["start_scored"],
                      "note": "The start scores have not come back."})[
                          (n > 0) & (coachee["start_scored"] < n)],
        pd.DataFrame({"email": coachee["email"], "form": "end",
                      "objectives_missing": n - coachee["end_scored"],
                      "note": "The coaching has ended but the end scores have not come back."})[
                          (n > 0) & end_due & (coachee["end_scored"] < n)],
    ], ignore_index=True)
    missing["objectives_missing"] = missing["objectives_missing"].astype("int64")
    missing = missing.sort_values(["email", "form"], kind="stable").reset_index(drop=True)
    return ObjectiveProgress(per_objective=per, per_coachee=coachee, missing=missing)


def save_progress(store: Store, cohort: str, sessions: pd.DataFrame,
                  per_objective: pd.DataFrame | None = None) -> dict[str, object]:
    """Record a round's held sessions and objective scores against its coaching pairs.

    Each coachee's sessions go to their latest coaching pair of ``cohort`` (saved with
    :func:`toolkit.coaching.requests.save_coaching`); a session already recorded is not added twice,
    and scores replace earlier ones. Everything is written in one transaction.

    Parameters
    ----------
    store : Store
        The open scheme store.
    cohort : str
        The round the pairs were saved under.
    sessions : pandas.DataFrame
        ``email, on_date, kind`` (and ``held``), from :func:`read_sessions`.
    per_objective : pandas.DataFrame, optional
        :attr:`ObjectiveProgress.per_objective`.

    Returns
    -------
    dict
        ``sessions`` and ``scores`` (rows written) and ``unknown`` (e-mails with no pair).
    """
    now = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
    pairs = query(store, "SELECT mentee_email AS email, MAX(id) AS pair_id FROM pairs WHERE "
                        "scheme = 'coaching' AND cohort = ? GROUP BY mentee_email", (cohort,))
    pair_of = dict(zip(pairs["email"], pairs["pair_id"].astype(int), strict=True))
    held = sessions[sessions["held"].astype(bool)] if "held" in sessions else sessions
    known = held["email"].isin(pair_of)
    unknown = sorted(set(held.loc[~known, "email"]))
    session_rows = [(pair_of[e], d.date().isoformat(), k, now) for e, d, k in zip(
        held.loc[known, "email"], held.loc[known, "on_date"], held.loc[known, "kind"],
        strict=True)]
    score_rows = []
    if per_objective is not None:
        mine = per_objective[per_objective["email"].isin(pair_of)]
        score_rows = [
            (pair_of[e], int(n), str(o), None if pd.isna(s) else int(s),
             None if pd.isna(x) else int(x), now)
            for e, n, o, s, x in zip(mine["email"], mine["number"], mine["objective"],
                                     mine["start_score"], mine["end_score"], strict=True)]
    with store.transaction() as conn:
        before = conn.total_changes
        conn.executemany("INSERT OR IGNORE INTO coaching_sessions (pair_id, on_date, kind, "
                         "recorded_at) VALUES (?, ?, ?, ?)", session_rows)
        added = conn.total_changes - before
        conn.executemany(
            "INSERT INTO coaching_objectives (pair_id, number, objective, start_score, "
            "end_score, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(pair_id, number) DO "
            "UPDATE SET objective = excluded.objective, start_score = excluded.start_score, "
            "end_score = excluded.end_score, updated_at = excluded.updated_at", score_rows)
    return {"sessions": added, "scores": len(score_rows), "unknown": unknown}
