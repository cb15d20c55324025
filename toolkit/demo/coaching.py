"""The sample coaching round's registers: approved coaches, choices, chemistry, spend.

Synthetic, seeded and dated so that, checked on :data:`~toolkit.demo.sample.COACHING_TODAY`,
the round shows each case a coaching officer meets: an accreditation that lapsed and one
about to, a coach overdue for supervision, an agreement missing, coachees who chose their
own coach, a chemistry session that did not work, sessions agreed below the scheme's
limits, and a coachee whose spend passed the amount approved.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

__all__ = ["COACHING_BUDGET", "generate_coaching_registers"]

#: The sample scheme's coaching budget for a year (what the demo checks spend against).
COACHING_BUDGET = 9000.0

_BODIES = [("EMCC", "Senior Practitioner"), ("ICF", "PCC"), ("Association for Coaching",
                                                            "Accredited Coach"),
           ("EMCC", "Practitioner"), ("ICF", "ACC")]


def generate_coaching_registers(pairs: pd.DataFrame, coaches: pd.DataFrame,
                                sessions: pd.DataFrame, today: str,
                                seed: int = 2026) -> dict[str, pd.DataFrame]:
    """Generate the sample round's registers from its pairs, coach pool and session log.

    Parameters
    ----------
    pairs : pandas.DataFrame
        The round's pairs (``coachee_email, coach_email, route, cost_per_session``).
    coaches : pandas.DataFrame
        The coach pool as imported (``email, name, pool, capacity``).
    sessions : pandas.DataFrame
        The session log as imported (``email, kind, held``).
    today : str
        The day the round is checked on (ISO).
    seed : int
        The random seed.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``approved``, ``choices``, ``chemistry``, ``agreed`` and ``spend``, with the headers
        a coaching team's spreadsheets use.

    Examples
    --------
    >>> pairs = pd.DataFrame({"coachee_email": ["a@example.org", "b@example.org"],
    ...                       "coach_email": ["c@example.org", "x@example.org"],
    ...                       "route": ["internal", "external"],
    ...                       "cost_per_session": [0.0, 300.0]})
    >>> coaches = pd.DataFrame({"email": ["c@example.org", "x@example.org", "y@example.org",
    ...                                   "z@example.org"], "name": ["C", "X", "Y", "Z"],
    ...                         "pool": ["internal", "external", "external", "external"]})
    >>> log = pd.DataFrame({"email": ["b@example.org"] * 3, "held": [True, True, False]})
    >>> made = generate_coaching_registers(pairs, coaches, log, "2026-09-21")
    >>> made["approved"]["Accreditation expires"].tolist()[:2]  # none recorded; expiring
    ['', '2026-10-03']
    >>> made["spend"][["Email", "Approved amount", "Spent"]].to_numpy().tolist()[0]
    ['b@example.org', '£2,100', 600]
    """
    rng = np.random.default_rng(seed + 21)
    day = date.fromisoformat(today)
    pool = coaches.sort_values("email").reset_index(drop=True)
    n = len(pool)
    body = [_BODIES[i % len(_BODIES)] for i in range(n)]
    expires = [day + timedelta(days=int(d)) for d in rng.integers(120, 720, n)]
    supervised = [day - timedelta(days=int(d)) for d in rng.integers(10, 80, n)]
    agreement = [(day - timedelta(days=int(d))).strftime("%d/%m/%Y")
                 for d in rng.integers(200, 400, n)]
    # One of each case, on the first coaches by e-mail.
    expires[0] = day - timedelta(days=20)                     # accreditation lapsed
    expires[1] = day + timedelta(days=12)                     # accreditation expiring
    supervised[2] = day - timedelta(days=150)                 # supervision lapsed
    agreement[3] = "no"                                       # no agreement on file
    internal = np.flatnonzero(pool["pool"].to_numpy() == "internal")
    no_accreditation = int(internal[-1]) if len(internal) else n - 1
    approved = pd.DataFrame({
        "Name": pool["name"], "Email": pool["email"],
        "Accreditation body": [b for b, _ in body], "Accreditation level": [lv for _, lv in body],
        "Accreditation expires": [d.isoformat() for d in expires],
        "Last supervision": [d.strftime("%d/%m/%Y") for d in supervised],
        "Agreement on file": agreement,
    })
    approved.loc[no_accreditation, ["Accreditation body", "Accreditation level",
                                    "Accreditation expires"]] = ""

    by_coachee = pairs.sort_values("coachee_email").reset_index(drop=True)
    external = by_coachee[by_coachee["route"] == "external"]
    internal_pairs = by_coachee[by_coachee["route"] == "internal"]
    ext_coaches = pool[pool["pool"] == "external"]["email"].tolist()
    # Two external coachees chose their own coach: the one the matching gave them, and
    # another approved external coach with room.
    choices = []
    for i, rec in enumerate(external.head(2).to_dict("records")):
        coach = rec["coach_email"] if i == 0 else next(
            (c for c in ext_coaches if c != rec["coach_email"]), rec["coach_email"])
        choices.append((rec["coachee_email"], coach,
                        (day - timedelta(days=200 - 3 * i)).strftime("%d/%m/%Y")))
    choice = pd.DataFrame(choices, columns=["Coachee email", "Chosen coach", "Date chosen"])
    chosen = set(choice["Coachee email"])
    # Chemistry: most went well; one external pair did not (the coachee is re-matched).
    first = internal_pairs.head(6)
    chem = pd.concat([first, external[~external["coachee_email"].isin(chosen)].head(2)])
    outcome = np.array(["Went well"] * len(chem), dtype=object)
    if len(chem) > len(first):
        outcome[len(first)] = "Did not"
    chemistry = pd.DataFrame({
        "Coachee email": chem["coachee_email"].to_numpy(),
        "Coach email": chem["coach_email"].to_numpy(), "Outcome": outcome,
        "Date": [(day - timedelta(days=190 - k)).strftime("%d/%m/%Y")
                 for k in range(len(chem))],
    })
    # Sessions agreed per person: a few internal coachees agreed three, externals four.
    agreed = pd.DataFrame({
        "Email": [*internal_pairs["coachee_email"].iloc[-3:], *external["coachee_email"].iloc[-2:]],
        "Agreed sessions": [3, 3, 4, 4, 5][:min(3, len(internal_pairs)) + min(2, len(external))],
    })
    # Money: external coachees' approved amount (a chemistry session and six sessions) and
    # what the sessions held so far cost; the coachee over the limit spent more than that.
    log = sessions[sessions["held"].astype(bool)]
    held = log.groupby("email").size()
    spend = pd.DataFrame({
        "Email": external["coachee_email"].to_numpy(),
        "Year": "2026",
        "Approved amount": (external["cost_per_session"] * 7).round(0).astype(int).to_numpy(),
        "Spent": (external["cost_per_session"]
                  * external["coachee_email"].map(held).fillna(0)).round(0).astype(int).to_numpy(),
        "Department": "",
    })
    last_year = pd.DataFrame({
        "Email": ["coachee.2025a@example.org", "coachee.2025b@example.org"], "Year": "2025",
        "Approved amount": [2100, 1800], "Spent": [2100, 1500],
        "Department": ["Psychology", "Chemistry"],
    })
    spend = pd.concat([spend, last_year], ignore_index=True)
    spend["Approved amount"] = "£" + spend["Approved amount"].map("{:,}".format)
    return {"approved": approved, "choices": choice, "chemistry": chemistry, "agreed": agreed,
            "spend": spend}
