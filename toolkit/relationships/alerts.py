"""Early warnings: documented, configurable rules that pick out pairs needing attention."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pandas as pd

from toolkit.errors import SettingsError
from toolkit.relationships.lifecycle import OPEN_STATUSES, Lifecycle, add_months, pair_table
from toolkit.relationships.meetings import _today, meetings
from toolkit.store.connection import Store

__all__ = [
    "RULES",
    "WARNING_COLUMNS",
    "AlertRules",
    "check_pairs",
    "check_store",
    "draft_messages",
    "format_warnings",
    "load_settings",
    "load_templates",
    "meeting_counts",
    "status_table",
]

#: Every rule: its name, a title, and what it looks for (with the default settings).
RULES: dict[str, tuple[str, str]] = {
    "no_first_meeting": (
        "No first meeting",
        "A running pair has no held meeting {first_meeting_weeks} weeks or more after it was "
        "made.",
    ),
    "behind_pace": (
        "Behind the meeting pace",
        "A running pair has held fewer meetings in its current term than the pace asks by "
        "now ({pace_text}).",
    ),
    "cancellations": (
        "Cancellations in a row",
        "The last {cancellations_in_a_row} meetings of a running pair were all cancelled.",
    ),
    "term_ending": (
        "Term ending",
        "An active or renewed pair's term ends within {term_end_days} days, or has ended "
        "without a decision: ask both about renewal.",
    ),
    "mentor_all_withdrew": (
        "Mentor whose mentees all withdrew",
        "A mentor has at least {mentor_withdrawals_min} pair(s), and every one of them was "
        "withdrawn.",
    ),
}

WARNING_COLUMNS = ["rule", "title", "pair_id", "mentee_email", "mentee_name", "mentor_email",
                   "mentor_name", "since", "detail", "recipients"]


@dataclass(frozen=True)
class AlertRules:
    """The settings of the early-warning rules (see :data:`RULES`).

    Parameters
    ----------
    first_meeting_weeks : int
        Weeks after pairing by which the first meeting should have happened (default 6).
    pace : tuple of (int, int)
        Checkpoints ``(months into the term, meetings held by then)``; the default asks for
        1 by month 4, 2 by month 8 and 3 by month 12 (three meetings a year).
    cancellations_in_a_row : int
        How many cancelled meetings in a row raise a warning (default 2).
    term_end_days : int
        Warn this many days before a term ends (default 30).
    mentor_withdrawals_min : int
        A mentor is flagged when all of at least this many pairs were withdrawn (default 1).
    enabled : tuple of str
        The rules to run (default all of :data:`RULES`).

    Examples
    --------
    >>> AlertRules(first_meeting_weeks=4).first_meeting_weeks
    4
    >>> AlertRules(enabled=("nonsense",))
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: Unknown warning rule(s) ['nonsense']: ...
    """

    first_meeting_weeks: int = 6
    pace: tuple[tuple[int, int], ...] = ((4, 1), (8, 2), (12, 3))
    cancellations_in_a_row: int = 2
    term_end_days: int = 30
    mentor_withdrawals_min: int = 1
    enabled: tuple[str, ...] = tuple(RULES)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.enabled) - set(RULES))
        if unknown:
            raise SettingsError(f"Unknown warning rule(s) {unknown}: the rules are {list(RULES)}.")
        for name in ("first_meeting_weeks", "cancellations_in_a_row", "term_end_days",
                     "mentor_withdrawals_min"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise SettingsError(
                    f"The warning setting '{name}' must be a whole number, 1 or more "
                    f"(got {value!r}).")
        if not self.pace or any(m < 1 or n < 1 for m, n in self.pace):
            raise SettingsError(
                "The pace must list (months, meetings) checkpoints such as ((4, 1), (8, 2)), "
                f"each 1 or more (got {self.pace!r}).")

    @property
    def target(self) -> int:
        """Meetings a year the pace asks for (its last checkpoint, scaled to 12 months)."""
        months, count = max(self.pace)
        return round(count * 12 / months)

    def describe(self) -> pd.DataFrame:
        """Return each rule's title and what it checks, with these settings filled in.

        Examples
        --------
        >>> AlertRules().describe().loc[0, "checks"]
        'A running pair has no held meeting 6 weeks or more after it was made.'
        """
        pace_text = ", ".join(f"{n} by month {m}" for m, n in sorted(self.pace))
        values = {**self.__dict__, "pace_text": pace_text}
        return pd.DataFrame([
            {"rule": name, "title": title, "checks": text.format(**values),
             "enabled": name in self.enabled}
            for name, (title, text) in RULES.items()])


def load_settings(source: str | Path | dict | None) -> tuple[AlertRules, Lifecycle]:
    """Read the warning rules' and the lifecycle's settings from a JSON file (or a dict).

    Any of ``first_meeting_weeks``, ``pace`` (a list of [months, meetings]),
    ``cancellations_in_a_row``, ``term_end_days``, ``mentor_withdrawals_min``, ``enabled``
    (a list of rule names), ``term_months``, ``renewal_months`` and ``max_renewals``; the
    rest keep their defaults.

    Raises
    ------
    SettingsError
        If the file cannot be read or names a setting that does not exist.

    Examples
    --------
    >>> rules, lifecycle = load_settings({"pace": [[6, 1], [12, 2]], "max_renewals": 0})
    >>> rules.pace, lifecycle.max_renewals
    (((6, 1), (12, 2)), 0)
    """
    if source is None:
        return AlertRules(), Lifecycle()
    if isinstance(source, dict):
        data = source
    else:
        path = Path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise SettingsError(f"The settings file '{path}' does not exist: check the path."
                                ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SettingsError(f"The settings file '{path}' is not valid JSON ({exc}).") from None
        if not isinstance(data, dict):
            raise SettingsError(f"The settings file '{path}' must hold one JSON object.")
    rule_names = {f.name for f in fields(AlertRules)}
    life_names = {f.name for f in fields(Lifecycle)}
    unknown = sorted(set(data) - rule_names - life_names)
    if unknown:
        raise SettingsError(f"Unknown setting(s) {unknown}; the settings are "
                            f"{sorted(rule_names | life_names)}.")
    rules = {k: v for k, v in data.items() if k in rule_names}
    if "pace" in rules:
        try:
            rules["pace"] = tuple((int(m), int(n)) for m, n in rules["pace"])
        except (TypeError, ValueError):
            raise SettingsError("'pace' must be a list of [months, meetings] pairs, such as "
                                "[[4, 1], [8, 2], [12, 3]].") from None
    if "enabled" in rules:
        rules["enabled"] = tuple(rules["enabled"])
    return AlertRules(**rules), Lifecycle(**{k: v for k, v in data.items() if k in life_names})


def meeting_counts(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str) -> pd.DataFrame:
    """Count each pair's meetings up to today, in all and in the current term.

    Returns
    -------
    pandas.DataFrame
        ``pair_id, held, cancelled, held_in_term, last_meeting`` (0 / None when none).

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1, 2], "term_start": ["2026-10-01", "2026-10-01"]})
    >>> meets = pd.DataFrame({"pair_id": [1, 1], "on_date": ["2026-11-01", "2026-12-01"],
    ...                       "status": ["held", "cancelled"]})
    >>> meeting_counts(pairs, meets, "2027-01-01").values.tolist()
    [[1, 1, 1, 1, '2026-12-01'], [2, 0, 0, 0, None]]
    """
    today_iso = _today(today).isoformat()
    m = (meets[meets["on_date"] <= today_iso].merge(pairs[["pair_id", "term_start"]], on="pair_id")
         .sort_values(["pair_id", "on_date"], kind="stable"))
    held = m["status"] == "held"
    in_term = held & (m["on_date"] >= m["term_start"].fillna(""))
    counts = pd.DataFrame({
        "held": held.groupby(m["pair_id"]).sum(),
        "cancelled": (~held).groupby(m["pair_id"]).sum(),
        "held_in_term": in_term.groupby(m["pair_id"]).sum(),
        "last_meeting": m.groupby("pair_id")["on_date"].last(),
    })
    out = pairs[["pair_id"]].merge(counts, left_on="pair_id", right_index=True, how="left")
    for c in ("held", "cancelled", "held_in_term"):
        out[c] = out[c].fillna(0).astype("int64")
    out["last_meeting"] = out["last_meeting"].astype(object).where(out["last_meeting"].notna(),
                                                                    None)
    return out.reset_index(drop=True)


def _frame(pairs: pd.DataFrame, rule: str, since: pd.Series, detail: pd.Series | str,
           recipients: str) -> pd.DataFrame:
    out = pairs[["pair_id", "mentee_email", "mentee_name", "mentor_email", "mentor_name"]].copy()
    out.insert(0, "title", RULES[rule][0])
    out.insert(0, "rule", rule)
    out["since"] = since.to_numpy() if isinstance(since, pd.Series) else since
    out["detail"] = detail.to_numpy() if isinstance(detail, pd.Series) else detail
    out["recipients"] = recipients
    return out[WARNING_COLUMNS]


def check_pairs(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                rules: AlertRules | None = None,
                lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Run the early-warning rules on pairs and their meetings, as of ``today``.

    Parameters
    ----------
    pairs : pandas.DataFrame
        :func:`~toolkit.relationships.lifecycle.pair_table` (any scheme).
    meets : pandas.DataFrame
        Meetings: ``pair_id, on_date, status, cancelled_by``.
    today : date or str
        The day the check is made (fixed in tests and the demo).
    rules : AlertRules, optional
        The rules' settings (defaults as in the scheme's handbook).
    lifecycle : Lifecycle, optional
        Term rules (to tell whether a pair can still be renewed).

    Returns
    -------
    pandas.DataFrame
        One row per warning, columns :data:`WARNING_COLUMNS`, in the order of :data:`RULES`,
        then by date and e-mail. ``pair_id`` is missing for the mentor rule.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1], "status": ["proposed"],
    ...     "mentee_email": ["a@example.org"], "mentee_name": ["Ada"],
    ...     "mentor_email": ["b@example.org"], "mentor_name": ["Bo"],
    ...     "start": ["2026-10-01"], "term_start": ["2026-10-01"],
    ...     "term_end": ["2027-10-01"], "renewals": [0]})
    >>> meets = pd.DataFrame(columns=["pair_id", "on_date", "status", "cancelled_by"])
    >>> check_pairs(pairs, meets, "2026-12-01")[["rule", "pair_id"]].values.tolist()
    [['no_first_meeting', 1]]
    """
    rules = rules or AlertRules()
    lifecycle = lifecycle or Lifecycle()
    today_d = _today(today)
    today_iso = today_d.isoformat()
    meets = meets.astype({"pair_id": "int64"}) if not meets.empty else meets
    started = pairs[pairs["start"].notna() & (pairs["start"].fillna("9") <= today_iso)]
    running = started[started["status"].isin(OPEN_STATUSES)].reset_index(drop=True)
    counts = meeting_counts(running, meets, today_d)
    running = running.merge(counts, on="pair_id")
    found: list[pd.DataFrame] = []

    # 1. No first meeting within N weeks of pairing.
    due = pd.to_datetime(running["start"]) + pd.Timedelta(weeks=rules.first_meeting_weeks)
    late = (running["held"] == 0) & (due <= pd.Timestamp(today_d))
    if "no_first_meeting" in rules.enabled and late.any():
        weeks = (pd.Timestamp(today_d) - pd.to_datetime(running.loc[late, "start"])).dt.days // 7
        found.append(_frame(running[late], "no_first_meeting", running.loc[late, "start"],
                            "Paired on " + running.loc[late, "start"] + "; no meeting held in "
                            + weeks.astype(str) + " weeks.", "mentee and mentor"))

    # 2. Behind the pace (pairs already caught by rule 1 are not repeated).
    if "behind_pace" in rules.enabled and not running.empty:
        needed = pd.Series(0, index=running.index)
        by_month = pd.Series(0, index=running.index)
        for months, count in sorted(rules.pace):
            passed = add_months(running["term_start"], months) <= today_iso
            needed = needed.where(~passed, count)
            by_month = by_month.where(~passed, months)
        behind = (running["held_in_term"] < needed) & ~late
        if behind.any():
            b = running[behind]
            detail = ("You have held " + b["held_in_term"].astype(str) + " meeting(s) this term; "
                      "the pace asks for " + needed[behind].astype(str) + " by month "
                      + by_month[behind].astype(str) + ".")
            found.append(_frame(b, "behind_pace", b["term_start"], detail, "mentee and mentor"))

    # 3. The last N meetings were all cancelled.
    if "cancellations" in rules.enabled and not meets.empty and not running.empty:
        n = rules.cancellations_in_a_row
        recent = (meets[meets["pair_id"].isin(running["pair_id"])
                        & (meets["on_date"] <= today_iso)]
                  .sort_values(["pair_id", "on_date"], kind="stable")
                  .groupby("pair_id").tail(n))
        tally = recent.assign(cancelled=recent["status"] == "cancelled").groupby("pair_id").agg(
            size=("status", "size"), cancelled=("cancelled", "sum"),
            since=("on_date", "first"), last=("on_date", "last"))
        hit = tally[(tally["size"] == n) & (tally["cancelled"] == n)]
        if not hit.empty:
            c = running[running["pair_id"].isin(hit.index)]
            info = hit.loc[c["pair_id"]]
            detail = (f"The last {n} meetings were cancelled (" + info["since"].to_numpy()
                      + " to " + info["last"].to_numpy() + ").")
            found.append(_frame(c, "cancellations", pd.Series(info["since"].to_numpy()),
                                pd.Series(detail), "mentee and mentor"))

    # 4. The term ends soon (or has ended with no decision).
    if "term_ending" in rules.enabled and not running.empty:
        limit = (today_d + timedelta(days=rules.term_end_days)).isoformat()
        active = running["status"].isin(("active", "renewed"))
        ending = active & running["term_end"].notna() & (running["term_end"] <= limit)
        if ending.any():
            e = running[ending]
            days = (pd.to_datetime(e["term_end"]) - pd.Timestamp(today_d)).dt.days
            can_renew = e["renewals"] < lifecycle.max_renewals
            detail = pd.Series(
                [f"The term ends on {end} (in {d} days)." if d >= 0 else
                 f"The term ended on {end}, {-d} days ago, with no decision recorded."
                 for end, d in zip(e["term_end"], days, strict=True)], index=e.index)
            detail = detail + pd.Series(
                [" Ask both whether they want to renew." if r else
                 " It cannot be renewed again: plan a good ending." for r in can_renew],
                index=e.index)
            found.append(_frame(e, "term_ending", e["term_end"], detail, "mentee and mentor"))

    # 5. A mentor whose mentees all withdrew.
    if "mentor_all_withdrew" in rules.enabled and not started.empty:
        ends = started.assign(withdrawn=started["status"] == "withdrawn")
        per = ends.groupby("mentor_email").agg(n=("pair_id", "size"), w=("withdrawn", "sum"),
                                               name=("mentor_name", "first"))
        hit = per[(per["n"] >= rules.mentor_withdrawals_min) & (per["w"] == per["n"])]
        if not hit.empty:
            rows = pd.DataFrame({
                "pair_id": pd.array([pd.NA] * len(hit), dtype="Int64"),
                "mentee_email": "", "mentee_name": "", "mentor_email": hit.index.to_numpy(),
                "mentor_name": hit["name"].to_numpy()})
            detail = pd.Series([f"All {n} of this mentor's pair(s) were withdrawn."
                                for n in hit["n"]])
            found.append(_frame(rows, "mentor_all_withdrew", "", detail, "mentor"))

    if not found:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    out = pd.concat(found, ignore_index=True)
    out["pair_id"] = out["pair_id"].astype("Int64")
    order = {name: i for i, name in enumerate(RULES)}
    return (out.assign(_o=out["rule"].map(order))
            .sort_values(["_o", "since", "mentee_email", "mentor_email"], kind="stable")
            .drop(columns="_o").reset_index(drop=True))


def check_store(store: Store, today: date | str | None = None, rules: AlertRules | None = None,
                cohort: str | None = None, scheme: str | None = "mentoring",
                lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Run the early-warning rules on the pairs in a store; see :func:`check_pairs`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> from toolkit.store.pairs import save_pairs
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> check_store(store, "2027-09-20")["rule"].tolist()
    ['no_first_meeting', 'term_ending']
    """
    pairs = pair_table(store, cohort=cohort, scheme=scheme, lifecycle=lifecycle)
    return check_pairs(pairs, meetings(store), _today(today), rules, lifecycle)


def status_table(store: Store, today: date | str | None = None, cohort: str | None = None,
                 scheme: str | None = "mentoring",
                 lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Return every pair with its status, term and meetings so far (the lead's private view).

    Columns ``pair_id, status, mentee_name, mentee_department, mentor_name,
    mentor_department, start, term_end, renewals, held, cancelled, last_meeting``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> from toolkit.store.pairs import save_pairs
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> status_table(store, "2027-01-01")[["pair_id", "status", "held"]].values.tolist()
    [[1, 'proposed', 0]]
    """
    pairs = pair_table(store, cohort=cohort, scheme=scheme, lifecycle=lifecycle)
    counts = meeting_counts(pairs, meetings(store), _today(today))
    cols = ["pair_id", "status", "mentee_name", "mentee_department", "mentor_name",
            "mentor_department", "start", "term_end", "renewals", "held", "cancelled",
            "last_meeting"]
    return pairs.merge(counts, on="pair_id", how="left")[cols]


def load_templates(folder: str | Path | None = None) -> dict[str, str]:
    """Return the message template of each rule: the shipped ones, or the lead's own.

    A folder may hold ``alert_<rule>.txt`` files (copies of the shipped ones, edited); any
    rule without a file there keeps the shipped wording. Fields in braces, such as
    ``{mentee_first}``, are filled in for each warning.

    Examples
    --------
    >>> load_templates()["no_first_meeting"].splitlines()[0]
    'Subject: Your mentoring pair: has your first meeting taken place?'
    """
    shipped = resources.files("toolkit") / "templates"
    templates = {name: (shipped / f"alert_{name}.txt").read_text(encoding="utf-8")
                 for name in RULES}
    if folder is not None:
        folder = Path(folder)
        if not folder.is_dir():
            raise SettingsError(f"The templates folder '{folder}' does not exist: check the path.")
        for name in RULES:
            own = folder / f"alert_{name}.txt"
            if own.exists():
                templates[name] = own.read_text(encoding="utf-8-sig")
    return templates


_FIELD = re.compile(r"\{(\w+)\}")


def _fill(template: str, values: dict[str, str]) -> str:
    return _FIELD.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def draft_messages(warnings: pd.DataFrame, pairs: pd.DataFrame | None = None,
                   templates: dict[str, str] | None = None, rules: AlertRules | None = None,
                   lifecycle: Lifecycle | None = None) -> pd.Series:
    """Draft a message for each warning from its rule's template (for the lead to edit).

    Returns
    -------
    pandas.Series
        The drafts, aligned with ``warnings``.

    Examples
    --------
    >>> w = pd.DataFrame({"rule": ["cancellations"], "pair_id": [1],
    ...     "mentee_name": ["Ada Byron"], "mentor_name": ["Bo Chen"], "detail": [""],
    ...     "since": [""]})
    >>> draft_messages(w).iloc[0].splitlines()[2]
    'Dear Ada and Bo,'
    """
    templates = templates or load_templates()
    rules = rules or AlertRules()
    lifecycle = lifecycle or Lifecycle()
    info = pairs.set_index("pair_id") if pairs is not None and not pairs.empty else None
    drafts = []
    for rec in warnings.to_dict("records"):
        values = {k: ("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
                  for k, v in rec.items()}
        values["mentee_first"] = values.get("mentee_name", "").split(" ")[0]
        values["mentor_first"] = values.get("mentor_name", "").split(" ")[0]
        values["target"] = str(rules.target)
        pid = rec.get("pair_id")
        if info is not None and pid is not None and not pd.isna(pid) and int(pid) in info.index:
            pair = info.loc[int(pid)]
            values.update(start=str(pair["start"]), term_end=str(pair["term_end"]))
            renewable = int(pair["renewals"]) < lifecycle.max_renewals
            values["renewal_sentence"] = (
                f"If you would both like to carry on, the pair can be renewed for another "
                f"{lifecycle.renewal_months} months: please tell me whether you would like to."
                if renewable else
                "The pair has already been renewed, so this will be its natural end.")
        values.setdefault("start", values.get("since", ""))
        values.setdefault("term_end", values.get("since", ""))
        values.setdefault("renewal_sentence",
                          "Please tell me whether you would like to renew for another term.")
        drafts.append(_fill(templates[rec["rule"]], values))
    return pd.Series(drafts, index=warnings.index, dtype=object)


def format_warnings(warnings: pd.DataFrame, today: date | str,
                    drafts: pd.Series | None = None) -> str:
    """Render warnings as plain text for the terminal, grouped by rule.

    Examples
    --------
    >>> print(format_warnings(pd.DataFrame(columns=WARNING_COLUMNS), "2027-01-01"))
    No warnings on 2027-01-01: every pair is on track.
    """
    day = _today(today).isoformat()
    if warnings.empty:
        return f"No warnings on {day}: every pair is on track."
    lines = [f"{len(warnings)} warning(s) on {day}:"]
    for rule, group in warnings.groupby("rule", sort=False):
        lines.append("")
        lines.append(f"{RULES[str(rule)][0]} ({len(group)})")
        for idx, rec in group.iterrows():
            who = (f"pair {rec['pair_id']}: {rec['mentee_name']} with {rec['mentor_name']}"
                   if not pd.isna(rec["pair_id"]) else f"mentor {rec['mentor_name']}")
            lines.append(f"  - {who}. {rec['detail']}")
            if drafts is not None:
                lines += ["      " + t for t in str(drafts.loc[idx]).splitlines()]
    return "\n".join(lines)
