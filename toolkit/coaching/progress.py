"""Coaching under way: sessions against the scheme's limits, objectives scored before and after."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.core.dates import parse_dates, readable_date
from toolkit.errors import SettingsError

__all__ = [
    "DEFAULT_LIMITS",
    "PAIR_STATES",
    "WARNING_KINDS",
    "ObjectiveProgress",
    "SessionLimits",
    "SessionStatus",
    "check_agreed",
    "limits_with",
    "objective_progress",
    "objectives_of",
    "session_status",
]

#: Where a coaching pair can stand, in the order of its life.
PAIR_STATES = ("not started", "active", "complete", "past end date", "closed")

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


def limits_with(internal_sessions: int | None = None, external_sessions: int | None = None,
                internal_months: int | None = None, external_months: int | None = None,
                internal_chemistry: int | None = None, external_chemistry: int | None = None,
                base: dict[str, SessionLimits] | None = None) -> dict[str, SessionLimits]:
    """Return the scheme's session limits with the ones given changed (None keeps a limit).

    Examples
    --------
    >>> limits = limits_with(internal_sessions=5, external_months=9)
    >>> limits["internal"]
    SessionLimits(chemistry=1, sessions=5, months=6)
    >>> limits["external"]
    SessionLimits(chemistry=1, sessions=6, months=9)
    """
    base = DEFAULT_LIMITS if base is None else base
    given = {"internal": (internal_chemistry, internal_sessions, internal_months),
             "external": (external_chemistry, external_sessions, external_months)}
    out = dict(base)
    for route, (chemistry, sessions, months) in given.items():
        old = base[route]
        out[route] = SessionLimits(
            chemistry=old.chemistry if chemistry is None else int(chemistry),
            sessions=old.sessions if sessions is None else int(sessions),
            months=old.months if months is None else int(months))
    return out


def check_agreed(agreed: pd.DataFrame, route_of: pd.Series | dict[str, str],
                 limits: dict[str, SessionLimits] | None = None) -> tuple[pd.DataFrame,
                                                                         pd.DataFrame]:
    """Check the sessions agreed per coachee against their route's limits.

    An agreed number may be lower than the scheme's limit, never higher (raise the limit on
    purpose, e.g. ``--internal-sessions 5``); a coachee with no request or pair is a problem.

    Parameters
    ----------
    agreed : pandas.DataFrame
        ``row, email, sessions`` and optionally ``chemistry, months`` (nullable).
    route_of : pandas.Series or dict
        Each coachee's route (e-mail -> ``internal`` or ``external``).
    limits : dict, optional
        Route -> :class:`SessionLimits` (default :data:`DEFAULT_LIMITS`).

    Returns
    -------
    tuple of pandas.DataFrame
        The rows kept, and the problems (``row, field, value, problem``).

    Examples
    --------
    >>> agreed = pd.DataFrame({"row": [2, 3, 4], "sessions": [3, 6, 2],
    ...                        "email": ["a@example.org", "b@example.org", "z@example.org"]})
    >>> ok, problems = check_agreed(agreed, {"a@example.org": "internal",
    ...                                      "b@example.org": "internal"})
    >>> ok["row"].tolist(), problems[["row", "field"]].values.tolist()
    ([2], [[3, 'sessions'], [4, 'email']])
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    route_of = pd.Series(route_of, dtype=object)
    route = agreed["email"].map(route_of)
    found = []
    none = route.isna()
    found.append(pd.DataFrame({
        "row": agreed.loc[none, "row"], "field": "email", "value": agreed.loc[none, "email"],
        "problem": "This person has no coaching request or pair: check the e-mail."}))
    for name, what, flag in (("sessions", "sessions", "sessions"),
                             ("chemistry", "chemistry sessions", "chemistry"),
                             ("months", "months", "months")):
        if name not in agreed:
            continue
        most = route.map({r: getattr(v, name) for r, v in limits.items()})
        value = pd.to_numeric(agreed[name], errors="coerce")
        over = ~none & value.notna() & (value > most)
        if not over.any():
            continue
        found.append(pd.DataFrame({
            "row": agreed.loc[over, "row"], "field": name,
            "value": value[over].astype("int64").astype(str),
            "problem": [f"{r.capitalize()} coaching allows at most {int(m)} {what}: agree "
                        f"{int(m)} or fewer, or raise the limit (--{r}-{flag})."
                        for r, m in zip(route[over], most[over], strict=True)]}))
    problems = pd.concat(found, ignore_index=True)
    problems["row"] = problems["row"].astype("int64")
    problems = problems.sort_values("row", kind="stable").reset_index(drop=True)
    return agreed[~agreed["row"].isin(problems["row"])].reset_index(drop=True), problems


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
        ``closed``), ``warnings`` (how many) and ``limit_from`` (``agreed`` when the
        coachee's own number of sessions was agreed, else ``scheme rule``).
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
                   quiet_days: int = 42, agreed: pd.DataFrame | None = None) -> SessionStatus:
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
        ``email, on_date, kind`` and optionally ``held``, from
        :func:`toolkit.coaching.records.read_sessions`.
    today : str or Timestamp
        The day to check on (fixed, so that results can be reproduced).
    limits : dict, optional
        Route -> :class:`SessionLimits` (default :data:`DEFAULT_LIMITS`).
    quiet_days : int
        Days without a session before a warning.
    agreed : pandas.DataFrame, optional
        The sessions agreed with each coachee (``email, sessions`` and optionally
        ``chemistry, months``; empty cells keep the route's limit), checked beforehand with
        :func:`check_agreed`. They replace the route's limits for that coachee.

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
    own = np.zeros(len(reg), dtype=bool)
    if agreed is not None and len(agreed):
        mine = agreed.drop_duplicates("email", keep="last").set_index("email")
        for col, target in (("sessions", "sessions_allowed"), ("chemistry", "chemistry_allowed"),
                            ("months", "months")):
            if col not in mine:
                continue
            value = pd.to_numeric(reg["coachee_email"].map(mine[col]), errors="coerce")
            own |= value.notna().to_numpy()
            allowed[target] = value.fillna(allowed[target]).astype("int64").to_numpy()
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
    not_started, active, done, late_end, closed_state = PAIR_STATES
    reg["status"] = np.select([closed, complete, past, ~started],
                              [closed_state, done, late_end, not_started], active)
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
            text = [f"{s} coaching and {c} chemistry session(s) held; "
                    + (f"{a} (and {ca} chemistry) were agreed with this coachee." if mine else
                       f"{r} coaching allows {a} (and {ca} chemistry).")
                    for s, c, r, a, ca, mine in zip(
                        sub["sessions_held"], sub["chemistry_held"], sub["route"],
                        sub["sessions_allowed"], chem_allowed[mask], own[mask], strict=True)]
        elif kind == "session after the end date":
            text = [f"{n} session(s) held after the end date {readable_date(e)}." for n, e in zip(
                sub["after_end"], sub["end_date"], strict=True)]
        elif kind == "past the end date":
            text = [f"The coaching passed its end date {readable_date(e)} with {left} of {a} "
                    "session(s) unused: close it (and collect the end scores) or agree an "
                    "extension." for e, left, a in zip(sub["end_date"], sub["sessions_left"],
                                                       sub["sessions_allowed"], strict=True)]
        else:
            text = [(f"No session since {readable_date(d)} ({n} days): check in with the pair."
                     if had else f"No session yet, {n} days after the start date "
                     f"{readable_date(d)}: check that the pair has met.")
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
    reg["limit_from"] = np.where(own, "agreed", "scheme rule")
    columns = ["coachee_email", "coach_email", "route", "start", "end_date", "chemistry_held",
               "sessions_held", "sessions_allowed", "sessions_left", "last_session",
               "days_since", "status", "warnings", "limit_from"]
    return SessionStatus(register=reg[columns], warnings=warnings, today=today)


# -- objectives -----------------------------------------------------------------------------
def objectives_of(requests: pd.DataFrame) -> pd.DataFrame:
    """List each request's objectives, one row per objective (``email, number, objective``).

    Examples
    --------
    >>> r = pd.DataFrame({"email": ["a@example.org"], "objectives": [["Lead", "Delegate"]]})
    >>> objectives_of(r).values.tolist()
    [['a@example.org', 1, 'Lead'], ['a@example.org', 2, 'Delegate']]
    """
    long = requests[["email", "objectives"]].explode("objectives").dropna(subset="objectives")
    long["number"] = long.groupby("email", sort=False).cumcount() + 1
    return (long.rename(columns={"objectives": "objective"})[["email", "number", "objective"]]
            .astype({"number": "int64"}).reset_index(drop=True))


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
        ``email, number, objective`` from :func:`objectives_of`.
    scores : pandas.DataFrame
        ``email, number, start_score, end_score`` from
        :func:`toolkit.coaching.records.read_objective_scores`.
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
        # Complete, past the end date or closed: the end form is due.
        due = register.set_index("coachee_email")["status"].isin(PAIR_STATES[2:])
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
