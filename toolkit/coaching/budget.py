"""Coaching money: the amount approved and the actual spend per coachee, totals, the budget.

Pure functions over the spend register (:func:`toolkit.coaching.registers.read_spend`): each
coachee's approved amount and spend, totals by department and year, and warnings when a
coachee's spend passes the amount approved or a year's amounts pass the budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import SettingsError

__all__ = ["ALL_DEPARTMENTS", "BUDGET_WARNING_KINDS", "SpendReport", "check_spend",
           "spend_report"]

#: The department label of each year's total row.
ALL_DEPARTMENTS = "All departments"

#: The kinds of money warning, in the order they are listed.
BUDGET_WARNING_KINDS = ("approved over budget", "spend over budget", "spend over approved")

_PROBLEM_COLUMNS = ["row", "field", "value", "problem"]


@dataclass
class SpendReport:
    """Approved amounts and spend, per coachee and in total, with the warnings.

    Attributes
    ----------
    per_coachee : pandas.DataFrame
        ``email, name, department, route, year, approved_amount, spent, remaining``.
    totals : pandas.DataFrame
        ``year, department, coachees, approved_amount, spent, remaining``: one row per
        department and year, then each year's ``All departments`` row (and ``budget`` and
        ``budget_left`` on it when a budget is given).
    warnings : pandas.DataFrame
        ``kind, year, email, message``.
    budget : float or None
        The yearly budget the warnings were checked against.
    """

    per_coachee: pd.DataFrame
    totals: pd.DataFrame
    warnings: pd.DataFrame
    budget: float | None = None


def check_spend(spend: pd.DataFrame, requests: pd.DataFrame) -> tuple[pd.DataFrame,
                                                                      pd.DataFrame]:
    """Set aside spend rows whose department cannot be known (row problems).

    A coachee's department comes from their request, or from the register's ``department``
    column (for a coachee of an earlier round). A row with neither is a problem.

    Returns
    -------
    tuple of pandas.DataFrame
        The rows kept, and the problems (``row, field, value, problem``).

    Examples
    --------
    >>> spend = pd.DataFrame({"row": [2, 3], "email": ["a@example.org", "z@example.org"],
    ...                       "department": ["", ""]})
    >>> ok, problems = check_spend(spend, pd.DataFrame({"email": ["a@example.org"]}))
    >>> ok["row"].tolist(), problems["row"].tolist()
    ([2], [3])
    """
    dept = spend["department"].fillna("").astype(str) if "department" in spend \
        else pd.Series("", index=spend.index)
    bad = ~spend["email"].isin(requests["email"]) & (dept == "")
    problems = pd.DataFrame({
        "row": spend.loc[bad, "row"].astype("int64").to_numpy(), "field": "email",
        "value": spend.loc[bad, "email"].astype(str).to_numpy(),
        "problem": "This person has no coaching request in this round, so their department "
                   "is not known: check the e-mail, or give the department in a 'department' "
                   "column.",
    }, columns=_PROBLEM_COLUMNS)
    return spend[~bad].reset_index(drop=True), problems


def spend_report(spend: pd.DataFrame, requests: pd.DataFrame,
                 pairs: pd.DataFrame | None = None,
                 budget: float | None = None) -> SpendReport:
    """Total the approved amounts and spend by department and year, and warn about money.

    Parameters
    ----------
    spend : pandas.DataFrame
        ``email, approved_amount, spent`` and optionally ``year`` and ``department``
        (empty text means: take it from the request).
    requests : pandas.DataFrame
        The requests (``email, name, department`` and, when known, ``route,
        requested_on``).
    pairs : pandas.DataFrame, optional
        The coaching pairs (``coachee_email, route, start_date``): the year a spend row
        without one falls in is the year its coaching starts, else the year of the request.
    budget : float, optional
        The coaching budget of each year. When given, a year whose approved amounts or
        spend pass it gets a warning.

    Returns
    -------
    SpendReport

    Raises
    ------
    SettingsError
        If the budget is negative or not a number.

    Examples
    --------
    >>> spend = pd.DataFrame({"email": ["a@example.org", "b@example.org", "c@example.org"],
    ...                       "approved_amount": [1800.0, 2400.0, 900.0],
    ...                       "spent": [1900.0, 600.0, 0.0], "year": ["2026", "2026", "2026"],
    ...                       "department": ["", "", ""]})
    >>> req = pd.DataFrame({"email": ["a@example.org", "b@example.org", "c@example.org"],
    ...                     "name": ["A", "B", "C"], "department": ["Maths", "Maths", "Law"]})
    >>> r = spend_report(spend, req, budget=5000)
    >>> r.totals[["department", "approved_amount", "spent"]].values.tolist()
    [['Law', 900.0, 0.0], ['Maths', 4200.0, 2500.0], ['All departments', 5100.0, 2500.0]]
    >>> r.warnings["kind"].tolist()
    ['approved over budget', 'spend over approved']
    """
    if budget is not None and (not np.isfinite(budget) or budget < 0):
        raise SettingsError(f"The budget must be an amount of 0 or more (got {budget}).")
    req = requests.drop_duplicates("email").set_index("email")
    frame = spend.reset_index(drop=True).copy()
    given = frame["department"].fillna("").astype(str) if "department" in frame \
        else pd.Series("", index=frame.index)
    frame["department"] = given.where(given != "", frame["email"].map(req["department"])
                                      if "department" in req else "").fillna("")
    frame["name"] = frame["email"].map(req["name"]).fillna("") if "name" in req else ""
    route = pd.Series("", index=frame.index, dtype=object)
    start = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if pairs is not None and len(pairs):
        by_pair = pairs.drop_duplicates("coachee_email").set_index("coachee_email")
        route = frame["email"].map(by_pair["route"]).fillna("")
        if "start_date" in by_pair:
            start = pd.to_datetime(frame["email"].map(by_pair["start_date"]), errors="coerce")
    if "route" in req:
        route = route.where(route != "", frame["email"].map(req["route"])).fillna("")
    frame["route"] = route
    if "requested_on" in req:
        start = start.fillna(pd.to_datetime(frame["email"].map(req["requested_on"]),
                                            errors="coerce"))
    year = frame["year"].fillna("").astype(str) if "year" in frame \
        else pd.Series("", index=frame.index)
    fallback = start.dt.year.astype("Int64").astype(str).replace("<NA>", "")
    frame["year"] = year.where(year != "", fallback).replace("", "(no year)")
    frame["approved_amount"] = frame["approved_amount"].astype(float).fillna(0.0)
    frame["spent"] = frame["spent"].astype(float).fillna(0.0)
    frame["remaining"] = (frame["approved_amount"] - frame["spent"]).round(2)
    per = frame[["email", "name", "department", "route", "year", "approved_amount", "spent",
                 "remaining"]].sort_values(["year", "department", "email"], kind="stable")
    per = per.reset_index(drop=True)
    grouped = per.groupby(["year", "department"], sort=True).agg(
        coachees=("email", "nunique"), approved_amount=("approved_amount", "sum"),
        spent=("spent", "sum")).reset_index()
    yearly = per.groupby("year", sort=True).agg(
        coachees=("email", "nunique"), approved_amount=("approved_amount", "sum"),
        spent=("spent", "sum")).reset_index().assign(department=ALL_DEPARTMENTS)
    totals = pd.concat([grouped, yearly], ignore_index=True)
    totals["_all"] = totals["department"] == ALL_DEPARTMENTS
    totals = totals.sort_values(["year", "_all", "department"], kind="stable").drop(
        columns="_all").reset_index(drop=True)
    totals["remaining"] = (totals["approved_amount"] - totals["spent"]).round(2)
    totals = totals[["year", "department", "coachees", "approved_amount", "spent",
                     "remaining"]]
    found = []
    if budget is not None:
        totals["budget"] = np.where(totals["department"] == ALL_DEPARTMENTS, float(budget),
                                    np.nan)
        totals["budget_left"] = (totals["budget"] - totals["approved_amount"]).round(2)
        for rec in yearly.to_dict("records"):
            if rec["approved_amount"] > budget:
                found.append(("approved over budget", rec["year"], "",
                              f"The amounts approved for {rec['year']} "
                              f"({rec['approved_amount']:,.2f}) are over the budget "
                              f"({budget:,.2f}) by "
                              f"{rec['approved_amount'] - budget:,.2f}: approve no more "
                              "until the budget is raised or an approval is reduced."))
            if rec["spent"] > budget:
                found.append(("spend over budget", rec["year"], "",
                              f"The spend in {rec['year']} ({rec['spent']:,.2f}) is over the "
                              f"budget ({budget:,.2f}) by {rec['spent'] - budget:,.2f}."))
    over = per[per["spent"] > per["approved_amount"]]
    found += [("spend over approved", y, e,
               f"Spent {s:,.2f} of the {a:,.2f} approved ({s - a:,.2f} over): ask the line "
               "manager to approve the difference, or check the invoices.")
              for y, e, s, a in zip(over["year"], over["email"], over["spent"],
                                    over["approved_amount"], strict=True)]
    warnings = pd.DataFrame(found, columns=["kind", "year", "email", "message"])
    order = {k: i for i, k in enumerate(BUDGET_WARNING_KINDS)}
    warnings = (warnings.assign(_k=warnings["kind"].map(order))
                .sort_values(["_k", "year", "email"], kind="stable").drop(columns="_k")
                .reset_index(drop=True))
    return SpendReport(per_coachee=per, totals=totals, warnings=warnings,
                       budget=None if budget is None else float(budget))
