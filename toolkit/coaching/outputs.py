"""Coaching outputs: the officer's tracking workbook and each coachee's objectives form."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pandas as pd

from toolkit.coaching.budget import SpendReport
from toolkit.coaching.matching import CHOOSING, CoachMatch
from toolkit.coaching.progress import (
    DEFAULT_LIMITS,
    ObjectiveProgress,
    SessionLimits,
    SessionStatus,
)
from toolkit.core.dates import readable_date
from toolkit.io.outputs import atomic_write, write_xlsx_atomic

__all__ = [
    "SHEET_HEADERS",
    "form_names",
    "tracking_sheets",
    "write_objectives_form",
    "write_objectives_forms",
    "write_tracking_workbook",
]

#: The tracking workbook's column headers, by canonical column.
SHEET_HEADERS = {
    "row": "Row in request sheet", "requested_on": "Requested on", "name": "Name",
    "email": "E-mail", "department": "Department", "grade": "Grade", "route": "Route",
    "status": "Status", "outcome": "Outcome", "coach_email": "Coach e-mail", "note": "Why",
    "reason": "Triage reason", "coachee_name": "Coachee", "coachee_email": "Coachee e-mail",
    "coach_name": "Coach", "score": "Score", "need": "Need part", "objectives": "Objectives part",
    "mode": "Meeting-mode part", "n_objectives": "Objectives",
    "coachee_department": "Coachee department",
    "coach_department": "Coach department", "start_date": "Start date",
    "cost_per_session": "Cost per session", "max_cost": "Cost if every session is used",
    "position": "Position", "why": "Why", "pool": "Pool", "places": "Places",
    "already": "Already coaching", "taken": "Taken this round", "free": "Free places",
    "specialisms": "Specialisms", "start": "Window starts", "end_date": "End date",
    "chemistry_held": "Chemistry held", "sessions_held": "Sessions held",
    "sessions_allowed": "Sessions allowed", "sessions_left": "Sessions left",
    "last_session": "Last session", "days_since": "Days since", "warnings": "Warnings",
    "kind": "Warning", "message": "What to do", "number": "Objective no.",
    "objective": "Objective", "start_score": "Score at start", "end_score": "Score at end",
    "change": "Change", "start_scored": "Scored at start", "end_scored": "Scored at end",
    "mean_start": "Mean at start", "mean_end": "Mean at end", "mean_change": "Mean change",
    "improved": "Objectives improved", "form": "Form", "objectives_missing": "Objectives missing",
    "manager_approved": "Manager approved", "cost_approved": "Cost approved",
    "line_manager_email": "Line manager e-mail", "meeting_mode": "Meeting mode",
    "how": "How made", "limit_from": "Limit from", "rank": "Rank",
    "accreditation_body": "Accreditation body", "accreditation_level": "Accreditation level",
    "accreditation_expires": "Accreditation expires", "last_supervision": "Last supervision",
    "agreement": "Agreement on file", "agreement_date": "Agreement date",
    "due": "Lapsed or lapses on", "year": "Year", "approved_amount": "Approved amount",
    "spent": "Actual spend", "remaining": "Approved, not yet spent", "coachees": "Coachees",
    "budget": "Budget", "budget_left": "Budget not yet approved",
    "went_well": "Chemistry went well", "on_date": "Date", "chosen_on": "Chosen on",
}


def _readable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Keep the named columns, lists as "a; b", with the workbook's headers."""
    out = frame.reindex(columns=[c for c in columns if c in frame.columns]).copy()
    for col in out.columns:
        # A plain loop: on an empty column of dates, Series.map(...).any() raises.
        if any(isinstance(v, list) for v in out[col]):
            out[col] = out[col].map(lambda v: "; ".join(v) if isinstance(v, list) else v)
    return out.rename(columns=SHEET_HEADERS)


def tracking_sheets(match: CoachMatch | None, status: SessionStatus | None = None,
                    progress: ObjectiveProgress | None = None,
                    limits: dict[str, SessionLimits] | None = None,
                    approved: pd.DataFrame | None = None,
                    coach_warnings: pd.DataFrame | None = None,
                    spend: SpendReport | None = None,
                    shortlists: bool = False,
                    agreed: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Lay out the officer's tracking sheet: one table per sheet, with readable headers.

    Sheets: Summary, Requests, Matches, Waiting list, Coaches and, when given, Short lists,
    Sessions, Warnings, Objectives, Progress, Missing forms, Approved coaches, Coach
    warnings, Spend, Spend totals and Budget warnings. The workbook holds names: it is the
    officer's working file, not a report to share.

    Parameters
    ----------
    match : CoachMatch or None
        From :func:`toolkit.coaching.matching.match_coaches` (None to lay out tracking sheets only).
    status : SessionStatus, optional
        From :func:`toolkit.coaching.progress.session_status`.
    progress : ObjectiveProgress, optional
        From :func:`toolkit.coaching.progress.objective_progress`.
    limits : dict, optional
        Session limits per route, for the cost if every external session is used.
    approved, coach_warnings : pandas.DataFrame, optional
        The approved coach list and its warnings
        (:func:`toolkit.coaching.supervision.coach_warnings`).
    spend : SpendReport, optional
        Approved amounts, spend, totals by department and year, budget warnings.
    shortlists : bool
        Add the short lists proposed to coachees choosing their coach.
    agreed : pandas.DataFrame, optional
        Sessions agreed per coachee (``email, sessions``), for the cost if every session
        is used.

    Returns
    -------
    dict of str to pandas.DataFrame
        Sheet name -> table, in workbook order.
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    summary: list[tuple[str, object]] = []
    sheets: dict[str, pd.DataFrame] = {}
    if match is not None:
        pairs = match.pairs.copy()
        allowed = pairs["route"].map({k: v.sessions for k, v in limits.items()}).fillna(0)
        if agreed is not None and len(agreed):
            own = pd.to_numeric(pairs["coachee_email"].map(
                agreed.drop_duplicates("email", keep="last").set_index("email")["sessions"]),
                errors="coerce")
            allowed = own.fillna(allowed)
        pairs["max_cost"] = (pairs["cost_per_session"] * allowed).round(2)
        outcome = match.requests["outcome"].value_counts()
        summary += [
            ("Requests", len(match.requests)),
            ("Matched with a coach", int(outcome.get("matched", 0))),
            ("On the waiting list", int(outcome.get("waiting list", 0))),
            ("On hold (approval missing)", int(outcome.get("on hold", 0))),
            *([("Choosing a coach from a short list", int(outcome[CHOOSING]))]
              if outcome.get(CHOOSING, 0) else []),
            ("Internal pairs", int((pairs["route"] == "internal").sum())),
            ("External pairs", int((pairs["route"] == "external").sum())),
            ("External cost if every session is used", float(pairs["max_cost"].sum())),
            ("Free coach places left", int(match.coaches["free"].sum())),
        ]
        sheets.update({
            "Requests": _readable(match.requests, [
                "row", "requested_on", "name", "email", "department", "grade",
                "line_manager_email", "manager_approved", "cost_approved", "route", "status",
                "outcome", "coach_email", "note"]),
            "Matches": _readable(pairs, [
                "coachee_name", "coachee_email", "coach_name", "coach_email", "route", "score",
                "need", "objectives", "mode", "coachee_department", "coach_department",
                "start_date", "cost_per_session", "max_cost", "how"]),
            "Waiting list": _readable(match.waiting, ["position", "name", "email", "route",
                                                      "requested_on", "why"]),
            "Coaches": _readable(match.coaches, [
                "name", "email", "pool", "department", "places", "already", "taken", "free",
                "cost_per_session", "meeting_mode", "specialisms"]),
        })
        if shortlists:
            sheets["Short lists"] = _readable(match.shortlists, list(match.shortlists.columns))
    if status is not None:
        summary += [(f"Warnings: {k}", int(n)) for k, n in
                    status.warnings["kind"].value_counts(sort=False).items()]
        summary.append(("Checked on", status.today.date().isoformat()))
    if progress is not None:
        summary.append(("Score forms missing", len(progress.missing)))
        changes = progress.per_objective["change"].dropna()
        if len(changes):
            summary.append(("Mean change per objective scored twice (1-10 scale)",
                            round(float(changes.astype(float).mean()), 2)))
    sheets = {"Summary": pd.DataFrame(summary, columns=["Measure", "Value"]), **sheets}
    if status is not None:
        sheets["Sessions"] = _readable(status.register, list(status.register.columns))
        sheets["Warnings"] = _readable(status.warnings, list(status.warnings.columns))
    if progress is not None:
        sheets["Objectives"] = _readable(progress.per_objective,
                                         list(progress.per_objective.columns))
        per_coachee = progress.per_coachee.rename(columns={"objectives": "n_objectives"})
        sheets["Progress"] = _readable(per_coachee, list(per_coachee.columns))
        sheets["Missing forms"] = _readable(progress.missing, list(progress.missing.columns))
    if approved is not None:
        sheets["Approved coaches"] = _readable(approved, [
            "name", "email", "accreditation_body", "accreditation_level",
            "accreditation_expires", "last_supervision", "agreement", "agreement_date"])
    if coach_warnings is not None:
        sheets["Summary"] = pd.concat([sheets["Summary"], pd.DataFrame(
            [(f"Coach warnings: {k}", int(n)) for k, n in
             coach_warnings["kind"].value_counts(sort=False).items()],
            columns=["Measure", "Value"])], ignore_index=True)
        sheets["Coach warnings"] = _readable(coach_warnings, list(coach_warnings.columns))
    if spend is not None:
        per = spend.per_coachee
        money = [("Approved amount (all years)", round(float(per["approved_amount"].sum()), 2)),
                 ("Actual spend (all years)", round(float(per["spent"].sum()), 2))]
        if spend.budget is not None:
            money.append(("Budget a year", spend.budget))
        money += [(f"Money warnings: {k}", int(n)) for k, n in
                  spend.warnings["kind"].value_counts(sort=False).items()]
        sheets["Summary"] = pd.concat([sheets["Summary"], pd.DataFrame(
            money, columns=["Measure", "Value"])], ignore_index=True)
        sheets["Spend"] = _readable(per, list(per.columns))
        sheets["Spend totals"] = _readable(spend.totals, list(spend.totals.columns))
        sheets["Budget warnings"] = _readable(spend.warnings, list(spend.warnings.columns))
    return sheets


def write_tracking_workbook(path: str | Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """Write the tracking sheets as one XLSX workbook, atomically (old file kept on failure).

    Written with the toolkit's one XLSX writer (:func:`~toolkit.io.outputs.write_xlsx_atomic`):
    text stays text, never a formula, whatever an answer on a form starts with; headers are
    bold and stay in view; columns are sized to their content. Dates are written as days.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "tracking.xlsx"
    >>> _ = write_tracking_workbook(p, {"Summary": pd.DataFrame({"Measure": ["=Requests"],
    ...                                                          "Value": [3]})})
    >>> sheet = openpyxl.load_workbook(p)["Summary"]
    >>> sheet["A2"].value, sheet["A2"].data_type, sheet["B2"].value
    ('=Requests', 's', 3)
    """
    return write_xlsx_atomic(path, {name: _as_days(frame) for name, frame in sheets.items()})


def _as_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with every column of timestamps as days (dates without a time)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.date
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).casefold()).strip("-") or "coachee"


def write_objectives_form(path: str | Path, coachee: str, coach: str, route: str,
                          objectives: pd.DataFrame, start_date: str = "") -> Path:
    """Write one coachee's objectives form (Word .docx), with any scores already returned.

    Parameters
    ----------
    path : str or Path
        The .docx file to write (atomically).
    coachee, coach : str
        Their names, printed on the form.
    route : str
        ``internal`` or ``external``.
    objectives : pandas.DataFrame
        This coachee's rows of :attr:`ObjectiveProgress.per_objective` (``number, objective,
        start_score, end_score``); up to three.
    start_date : str
        The date the coaching starts.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib, docx
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "form.docx"
    >>> rows = pd.DataFrame({"number": [1], "objective": ["Speak up in meetings"],
    ...                      "start_score": pd.array([4], dtype="Int64"),
    ...                      "end_score": pd.array([pd.NA], dtype="Int64")})
    >>> _ = write_objectives_form(p, "Ada Byron", "Eve Fox", "internal", rows)
    >>> [c.text for c in docx.Document(p).tables[0].rows[1].cells]
    ['1', 'Speak up in meetings', '4', '']
    """
    def write(tmp: Path) -> None:
        doc = docx.Document()
        doc.add_heading("Coaching objectives", level=1)
        doc.add_paragraph(f"Coachee: {coachee}\nCoach: {coach}\nCoaching: {route}"
                          + (f", starting {readable_date(start_date)}" if start_date else ""))
        doc.add_paragraph(
            "Score each objective from 1 (not at all where I want to be) to 10 (fully there): "
            "once at the first session and again at the last. Return the form to the "
            "organisational development team each time; it is kept confidential.")
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["No.", "Objective", "Score at start (1-10)",
                                                    "Score at end (1-10)"], strict=True):
            cell.text = text
        rows = objectives.sort_values("number").head(3)
        for number, objective, start, end in zip(rows["number"], rows["objective"],
                                                 rows["start_score"], rows["end_score"],
                                                 strict=True):
            cells = table.add_row().cells
            cells[0].text = str(number)
            cells[1].text = str(objective)
            cells[2].text = "" if pd.isna(start) else str(int(start))
            cells[3].text = "" if pd.isna(end) else str(int(end))
        for number in range(len(rows) + 1, 4):
            cells = table.add_row().cells
            cells[0].text = str(number)
        doc.add_paragraph("\nSignature of the coachee: ____________________   Date: ________")
        doc.save(tmp)

    return atomic_write(path, write)


def form_names(emails: pd.Series | list[str]) -> list[str]:
    """Give each coachee a file name of their own, stable and never shared by two people.

    The name is ``objectives_<part of the e-mail before the @>``; when two coachees share
    that part (``ann@a.example.org`` and ``ann@b.example.org``), each of them is named by
    the whole address instead, and a name that is still taken gets ``-2``, ``-3``... (in
    order of name, then e-mail). So one coachee's form never overwrites another's.

    Parameters
    ----------
    emails : pandas.Series or list of str
        The coachees' e-mails (each once).

    Returns
    -------
    list of str
        File names (``.docx``), in the order given.

    Examples
    --------
    >>> form_names(["ann@a.example.org", "bo@example.org", "ann@b.example.org"])
    ['objectives_ann-a-example-org.docx', 'objectives_bo.docx', 'objectives_ann-b-example-org.docx']
    >>> form_names(["a.b@example.org", "a-b@example.org"])
    ['objectives_a-b-example-org-2.docx', 'objectives_a-b-example-org.docx']
    """
    mails = [str(e) for e in emails]
    local = [_slug(m.split("@")[0]) for m in mails]
    shared = {s for s in local if local.count(s) > 1}
    stems = [_slug(m) if s in shared and "@" in m else s for m, s in zip(mails, local,
                                                                          strict=True)]
    used: set[str] = set()
    names = [""] * len(mails)
    for i in sorted(range(len(mails)), key=lambda k: (stems[k], mails[k])):
        name, n = stems[i], 1
        while name in used:
            n += 1
            name = f"{stems[i]}-{n}"
        used.add(name)
        names[i] = f"objectives_{name}.docx"
    return names


def write_objectives_forms(folder: str | Path, pairs: pd.DataFrame,
                           progress: ObjectiveProgress) -> list[Path]:
    """Write an objectives form for every matched coachee into a folder.

    Files are named ``objectives_<coachee e-mail before the @>.docx``; coachees whose
    addresses share that part are named by their whole address (see :func:`form_names`),
    so every coachee gets a file of their own.

    Parameters
    ----------
    folder : str or Path
        The folder to write the forms in.
    pairs : pandas.DataFrame
        The coaching pairs (``coachee_email, route`` and, when known, ``coachee_name,
        coach_name, start_date``).
    progress : ObjectiveProgress
        The objectives and the scores returned so far.

    Returns
    -------
    list of Path
        The forms written, in coachee e-mail order (one per coachee, all different).
    """
    folder = Path(folder)
    per = progress.per_objective
    records = pairs.sort_values("coachee_email").drop_duplicates("coachee_email").to_dict(
        "records")
    names = form_names([rec["coachee_email"] for rec in records])
    written = []
    for rec, name in zip(records, names, strict=True):
        mine = per[per["email"] == rec["coachee_email"]]
        written.append(write_objectives_form(
            folder / name, str(rec.get("coachee_name", "")),
            str(rec.get("coach_name", "")), str(rec["route"]), mine,
            str(rec.get("start_date", "") or "")))
    return written
