"""Announcing an UnMentoring round: e-mail drafts, a mail-merge list and calendar files."""

from __future__ import annotations

import re
import string
from datetime import date, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pandas as pd

from toolkit.errors import SettingsError
from toolkit.io.outputs import atomic_write, write_csv_atomic

__all__ = [
    "MAIL_MERGE_COLUMNS",
    "TEMPLATE_FIELDS",
    "TEMPLATE_PATH",
    "group_ics",
    "load_template",
    "mail_merge",
    "parse_week",
    "render_drafts",
    "week_text",
    "write_announcements",
]

#: The default e-mail template (copy it, edit the wording, and pass the copy's path).
TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "templates" / "unmentoring_email.txt"

#: Columns of the mail-merge file, in order.
MAIL_MERGE_COLUMNS = ["email", "partner_names", "partner_departments", "week"]

#: The placeholders a template may use.
TEMPLATE_FIELDS = ("first_name", "name", "partners", "partner_names", "partner_departments",
                   "week", "round")

_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(value: str | date | None) -> date | None:
    """Return the Monday of the week a date (``2026-10-07``) or ISO week (``2026-W41``) is in.

    Examples
    --------
    >>> parse_week("2026-10-07"), parse_week("2026-W41")
    (datetime.date(2026, 10, 5), datetime.date(2026, 10, 5))
    >>> parse_week(None) is None
    True
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        week = _ISO_WEEK.match(text)
        try:
            day = (date.fromisocalendar(int(week[1]), int(week[2]), 1) if week
                   else date.fromisoformat(text))
        except ValueError:
            raise SettingsError(
                f"The week '{text}' is not a date or a week: write a day in that week as "
                "YYYY-MM-DD (e.g. 2026-10-05) or the ISO week as YYYY-Www (e.g. 2026-W41)."
            ) from None
    return day - timedelta(days=day.weekday())


def week_text(monday: date | None) -> str:
    """Say which week to meet in, as the e-mails and mail-merge file put it.

    Examples
    --------
    >>> week_text(date(2026, 10, 5))
    'in the week of Monday 5 October 2026'
    >>> week_text(None)
    'at a time that suits you both this month'
    """
    if monday is None:
        return "at a time that suits you both this month"
    return f"in the week of Monday {monday.day} {monday:%B %Y}"


def _partners(draw: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """For each person: their partners' names and departments, in e-mail order."""
    people = participants.assign(email=participants["email"].astype(str).str.strip()
                                 .str.casefold())
    info = people.set_index("email")[["name", "department"]].astype(str)
    d = draw.assign(email=draw["email"].astype(str))
    missing = sorted(set(d["email"]) - set(info.index))
    if missing:
        raise SettingsError(f"The draw has people who are not in the participants list: "
                            f"{missing[:5]}. Use the participants list the round was drawn from.")
    pairs = d.merge(d, on=["round", "group"], suffixes=("", "_other"))
    pairs = pairs[pairs["email"] != pairs["email_other"]].sort_values(
        ["group", "email", "email_other"])
    pairs["partner_name"] = pairs["email_other"].map(info["name"])
    pairs["partner_department"] = pairs["email_other"].map(info["department"])
    out = pairs.groupby(["round", "group", "email"], sort=False).agg(
        partner_names=("partner_name", " and ".join),
        partner_departments=("partner_department", " and ".join),
        partner_emails=("email_other", list),
        partners=("partner_name", list),
        departments=("partner_department", list),
    ).reset_index()
    out["name"] = out["email"].map(info["name"])
    return out


def mail_merge(draw: pd.DataFrame, participants: pd.DataFrame,
               week: str | date | None = None) -> pd.DataFrame:
    """Build the mail-merge list: one row per person, for Outlook or any mail tool.

    Parameters
    ----------
    draw : pandas.DataFrame
        One round (``round, group, email``).
    participants : pandas.DataFrame
        ``name, email, department``.
    week : str or date, optional
        A day in the week to meet in, or an ISO week.

    Returns
    -------
    pandas.DataFrame
        Columns ``email, partner_names, partner_departments, week``.

    Examples
    --------
    >>> people = pd.DataFrame({"name": ["Ada Byron", "Bo Chen"],
    ...                        "email": ["ada@example.org", "bo@example.org"],
    ...                        "department": ["Maths", "Physics"]})
    >>> draw = pd.DataFrame({"round": ["2026-10"] * 2, "group": [1, 1],
    ...                      "email": ["ada@example.org", "bo@example.org"]})
    >>> mail_merge(draw, people, "2026-10-05").iloc[0].tolist()
    ['ada@example.org', 'Bo Chen', 'Physics', 'week of Monday 5 October 2026']
    """
    partners = _partners(draw, participants)
    monday = parse_week(week)
    partners["week"] = (f"week of Monday {monday.day} {monday:%B %Y}" if monday
                        else "this month")
    return partners[MAIL_MERGE_COLUMNS].reset_index(drop=True)


def load_template(path: str | Path | None = None) -> tuple[string.Template, string.Template]:
    """Read an e-mail template: a ``Subject:`` line, then the body, with ``$placeholders``.

    Returns
    -------
    tuple of string.Template
        The subject and the body.

    Raises
    ------
    SettingsError
        If the file is missing, has no subject line, or uses an unknown placeholder.
    """
    path = TEMPLATE_PATH if path is None else Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SettingsError(f"The e-mail template '{path}' cannot be read ({exc.strerror}): "
                            "check the path.") from None
    first, _, body = text.partition("\n")
    if not first.lower().startswith("subject:"):
        raise SettingsError(f"The e-mail template '{path}' must start with a line "
                            "'Subject: ...' followed by the message.")
    subject, body_t = string.Template(first[8:].strip()), string.Template(body.lstrip("\n"))
    names = {m.group("named") or m.group("braced") for t in (subject, body_t)
             for m in t.pattern.finditer(t.template) if m.group("named") or m.group("braced")}
    unknown = sorted(names - set(TEMPLATE_FIELDS))
    if unknown:
        raise SettingsError(f"The e-mail template '{path}' uses unknown placeholder(s) "
                            f"{['$' + u for u in unknown]}; the placeholders are "
                            f"{['$' + f for f in TEMPLATE_FIELDS]}.")
    return subject, body_t


def render_drafts(draw: pd.DataFrame, participants: pd.DataFrame,
                  week: str | date | None = None,
                  template: str | Path | None = None) -> pd.DataFrame:
    """Write one e-mail per person from the template: partner, department, week, a prompt.

    Parameters
    ----------
    draw : pandas.DataFrame
        One round (``round, group, email``).
    participants : pandas.DataFrame
        ``name, email, department``.
    week : str or date, optional
        A day in the week to meet in, or an ISO week.
    template : str or Path, optional
        An edited copy of :data:`TEMPLATE_PATH`.

    Returns
    -------
    pandas.DataFrame
        Columns ``group, email, name, subject, body``.

    Examples
    --------
    >>> people = pd.DataFrame({"name": ["Ada Byron", "Bo Chen"],
    ...                        "email": ["ada@example.org", "bo@example.org"],
    ...                        "department": ["Maths", "Physics"]})
    >>> draw = pd.DataFrame({"round": ["2026-10"] * 2, "group": [1, 1],
    ...                      "email": ["ada@example.org", "bo@example.org"]})
    >>> drafts = render_drafts(draw, people, "2026-W41")
    >>> drafts.loc[0, "body"].splitlines()[0]
    'Dear Ada,'
    >>> "Bo Chen (Physics)" in drafts.loc[0, "body"]
    True
    """
    subject_t, body_t = load_template(template)
    partners = _partners(draw, participants)
    when = week_text(parse_week(week))
    subjects, bodies = [], []
    for rec in partners.to_dict("records"):
        named = [f"{n} ({d})" for n, d in zip(rec["partners"], rec["departments"], strict=True)]
        values = {
            "first_name": (str(rec["name"]).split() or [""])[0],
            "name": rec["name"],
            "partners": " and ".join(named),
            "partner_names": rec["partner_names"],
            "partner_departments": rec["partner_departments"],
            "week": when,
            "round": rec["round"],
        }
        subjects.append(subject_t.safe_substitute(values))
        bodies.append(body_t.safe_substitute(values))
    return pd.DataFrame({"group": partners["group"].to_numpy(),
                         "email": partners["email"].to_numpy(),
                         "name": partners["name"].to_numpy(),
                         "subject": subjects, "body": bodies})


def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def group_ics(draw: pd.DataFrame, participants: pd.DataFrame,
              week: str | date) -> dict[int, str]:
    """Make one calendar file (iCalendar text) per group, proposing the week to meet in.

    Each file holds one all-day event spanning Monday to Friday, with the group's members as
    attendees; its text is the same for the same inputs (no clock, no random ids).

    Examples
    --------
    >>> people = pd.DataFrame({"name": ["Ada Byron", "Bo Chen"],
    ...                        "email": ["ada@example.org", "bo@example.org"],
    ...                        "department": ["Maths", "Physics"]})
    >>> draw = pd.DataFrame({"round": ["2026-10"] * 2, "group": [1, 1],
    ...                      "email": ["ada@example.org", "bo@example.org"]})
    >>> ics = group_ics(draw, people, "2026-10-07")[1]
    >>> [line for line in ics.splitlines() if line.startswith("DTSTART")]
    ['DTSTART;VALUE=DATE:20261005']
    """
    monday = parse_week(week)
    if monday is None:
        raise SettingsError("Calendar files need the week to meet in: give a week "
                            "(e.g. 2026-10-05).")
    people = participants.assign(email=participants["email"].astype(str).str.strip()
                                 .str.casefold()).set_index("email")
    out: dict[int, str] = {}
    for (label, group), members in draw.groupby(["round", "group"], sort=True):
        emails = sorted(members["email"].astype(str))
        uid_label = re.sub(r"[^0-9A-Za-z-]+", "-", str(label))
        lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0",
            "PRODID:-//Mentoring Scheme Toolkit//UnMentoring//EN", "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            f"UID:unmentoring-{uid_label}-{int(group)}@mentoring-toolkit",
            f"DTSTAMP:{monday:%Y%m%d}T000000Z",
            f"DTSTART;VALUE=DATE:{monday:%Y%m%d}",
            f"DTEND;VALUE=DATE:{monday + timedelta(days=5):%Y%m%d}",
            "SUMMARY:" + _ics_text("UnMentoring conversation: find a time this week"),
            "DESCRIPTION:" + _ics_text(
                "You were drawn together for this month's UnMentoring conversation: "
                + " and ".join(f"{people.loc[e, 'name']} ({people.loc[e, 'department']})"
                               for e in emails)
                + ". Agree 30 to 60 minutes this week; no agenda needed."),
            "TRANSP:TRANSPARENT",
        ]
        lines += [f"ATTENDEE;CN={_ics_text(str(people.loc[e, 'name']))};ROLE=REQ-PARTICIPANT:"
                  f"mailto:{e}" for e in emails]
        lines += ["END:VEVENT", "END:VCALENDAR"]
        out[int(group)] = "\r\n".join(_fold_line(line) for line in lines) + "\r\n"
    return out


def _fold_line(line: str) -> str:
    """Fold an iCalendar line at 75 octets (continuation lines start with a space)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, start = [], 0
    while start < len(raw):
        stop = min(start + (75 if not parts else 74), len(raw))
        while stop < len(raw) and (raw[stop] & 0xC0) == 0x80:  # never split a character
            stop -= 1
        parts.append(raw[start:stop].decode("utf-8"))
        start = stop
    return "\r\n ".join(parts)


def _safe_name(email: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "_", email)


def write_announcements(draw: pd.DataFrame, participants: pd.DataFrame, folder: str | Path,
                        week: str | date | None = None, template: str | Path | None = None,
                        ics: bool = False, sender: str = "") -> dict[str, Path]:
    """Write the round's announcements into a folder.

    ``mail_merge.csv`` (``email, partner_names, partner_departments, week``); ``drafts/``
    with one ``.eml`` per person, marked unsent so a mail program opens it as a draft to
    check and send; and with ``ics``, ``calendar/group-NNN.ics`` per group. The files name
    people: keep the folder private.

    Parameters
    ----------
    draw, participants : pandas.DataFrame
        The round and the participants it was drawn from.
    folder : str or Path
        Where to write (created if needed).
    week : str or date, optional
        A day in the week to meet in, or an ISO week (needed for calendar files).
    template : str or Path, optional
        An edited copy of the e-mail template.
    ics : bool
        Also write one calendar file per group.
    sender : str
        The From address of the drafts (may be left empty and filled in by the mail program).

    Returns
    -------
    dict of str to Path
        ``mail_merge``, ``drafts`` and, with ``ics``, ``calendar``.
    """
    folder = Path(folder)
    written = {"mail_merge": write_csv_atomic(mail_merge(draw, participants, week),
                                              folder / "mail_merge.csv")}
    drafts_dir = folder / "drafts"
    drafts_dir.mkdir(parents=True, exist_ok=True)
    # Drafts and calendar files of an earlier export of this folder would be stale (a
    # re-drawn round): remove the toolkit's own files, nothing else.
    for stale in [*drafts_dir.glob("group-*.eml"), *(folder / "calendar").glob("group-*.ics")]:
        stale.unlink()
    for rec in render_drafts(draw, participants, week, template).to_dict("records"):
        message = EmailMessage(policy=SMTP)
        if sender:
            message["From"] = sender
        message["To"] = rec["email"]
        message["Subject"] = rec["subject"]
        message["X-Unsent"] = "1"
        message.set_content(rec["body"], cte="8bit")
        target = drafts_dir / f"group-{int(rec['group']):03d}-{_safe_name(rec['email'])}.eml"
        atomic_write(target, lambda tmp, m=message: tmp.write_bytes(m.as_bytes()))
    written["drafts"] = drafts_dir
    if ics:
        cal_dir = folder / "calendar"
        for group, text in group_ics(draw, participants, week).items():
            atomic_write(cal_dir / f"group-{group:03d}.ics",
                         lambda tmp, t=text: tmp.write_bytes(t.encode("utf-8")))
        written["calendar"] = cal_dir
    return written
