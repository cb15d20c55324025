"""Announcing an UnMentoring round: e-mail drafts, a mail-merge list and calendar files.

The e-mails come from a template a lead may edit (``toolkit/templates/unmentoring_email.txt``:
a ``Subject:`` line, then the message, with placeholders such as ``{first_name}``); the
calendar files are written with the ``icalendar`` package, one event per group.

Names are people's own text, so none can change what a file means: in a calendar file a name
is only ever the quoted ``CN`` parameter of its attendee (control characters become spaces,
a double quote is written as RFC 6868 says), so ``Trent:mailto:evil@example.net`` stays a
name and never replaces the address; in an e-mail header a line break becomes a space; the
mail-merge list goes through the shared CSV writer (every text quoted, formulas
neutralised). Every per-person file has its own name, even for two addresses that differ
only in characters a file name cannot hold, and everything is checked and made before the
first file is written.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pandas as pd
from icalendar import Calendar, Event, vCalAddress

from toolkit.core.dates import parse_dates
from toolkit.core.text import normalise_emails
from toolkit.errors import SettingsError
from toolkit.io.outputs import atomic_write, write_csv_atomic
from toolkit.io.templates import Template, read_template
from toolkit.unmentoring.history import sweep_temporaries

__all__ = [
    "MAIL_MERGE_COLUMNS",
    "TEMPLATE_FIELDS",
    "TEMPLATE_NAME",
    "TEMPLATE_PATH",
    "draft_file_names",
    "group_ics",
    "mail_merge",
    "parse_week",
    "read_email_template",
    "render_drafts",
    "week_text",
    "write_announcements",
]

#: The file name of the shipped e-mail template in ``toolkit/templates``.
TEMPLATE_NAME = "unmentoring_email.txt"

#: The shipped e-mail template (copy it, edit the wording, and pass the copy's path).
TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "templates" / TEMPLATE_NAME

#: Columns of the mail-merge file, in order.
MAIL_MERGE_COLUMNS = ["email", "partner_names", "partner_departments", "week"]

#: The placeholders an e-mail template may use.
TEMPLATE_FIELDS = ("first_name", "name", "partners", "partner_names", "partner_departments",
                   "week", "round")

_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_LEFTOVER_DOLLAR = re.compile(r"\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)")


def _one_line(text: object) -> str:
    """Text with every control character (line breaks included) replaced by a space."""
    return _CONTROLS.sub(" ", str(text)).strip()


def parse_week(value: str | date | None) -> date | None:
    """Return the Monday of the week a date (``2026-10-07``) or ISO week (``2026-W41``) is in.

    A date may also be written day first, as the pages show it (``7 Oct 2026``, ``07/10/2026``).

    Examples
    --------
    >>> parse_week("2026-10-07"), parse_week("2026-W41"), parse_week("7 Oct 2026")
    (datetime.date(2026, 10, 5), datetime.date(2026, 10, 5), datetime.date(2026, 10, 5))
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
            found = None if week else parse_dates(pd.Series([text]))[0]
            if found is None or pd.isna(found):
                raise SettingsError(
                    f"The week '{text}' is not a date or a week: write a day in that week "
                    "(e.g. 5 Oct 2026 or 2026-10-05) or the ISO week as YYYY-Www (e.g. "
                    "2026-W41).") from None
            day = found.date()
    return day - timedelta(days=day.weekday())


def _week_name(monday: date) -> str:
    return f"week of Monday {monday.day} {monday:%B %Y}"


def week_text(monday: date | None) -> str:
    """Say which week to meet in, as the e-mails put it.

    Examples
    --------
    >>> week_text(date(2026, 10, 5))
    'in the week of Monday 5 October 2026'
    >>> week_text(None)
    'at a time that suits you both this month'
    """
    if monday is None:
        return "at a time that suits you both this month"
    return f"in the {_week_name(monday)}"


def _people_by_email(participants: pd.DataFrame, draw: pd.DataFrame) -> pd.DataFrame:
    """Name, department and "Name (Department)" by e-mail; everyone drawn must be listed."""
    info = pd.DataFrame({"name": participants["name"].astype(str).to_numpy(),
                         "department": participants["department"].astype(str).to_numpy()},
                        index=normalise_emails(participants["email"]).to_numpy())
    info["named"] = info["name"] + " (" + info["department"] + ")"
    missing = sorted(set(draw["email"].astype(str)) - set(info.index))
    if missing:
        raise SettingsError(f"The draw has people who are not in the participants list: "
                            f"{missing[:5]}. Use the participants list the round was drawn from.")
    return info


def _partners(draw: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """For each person: their partners' names and departments, in e-mail order."""
    info = _people_by_email(participants, draw)
    d = draw.assign(email=draw["email"].astype(str))
    pairs = d.merge(d, on=["round", "group"], suffixes=("", "_other"))
    pairs = pairs[pairs["email"] != pairs["email_other"]].sort_values(
        ["group", "email", "email_other"])
    other = info.loc[pairs["email_other"]]
    pairs = pairs.assign(partner_name=other["name"].to_numpy(),
                         partner_department=other["department"].to_numpy(),
                         partner=other["named"].to_numpy())
    out = pairs.groupby(["round", "group", "email"], sort=False).agg(
        partner_names=("partner_name", " and ".join),
        partner_departments=("partner_department", " and ".join),
        partners=("partner", list),
    ).reset_index()
    out["name"] = info.loc[out["email"], "name"].to_numpy()
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
    partners["week"] = _week_name(monday) if monday else "this month"
    return partners[MAIL_MERGE_COLUMNS].reset_index(drop=True)


def read_email_template(path: str | Path | None = None) -> Template:
    """Read the e-mail template (default: the shipped one) and check it before any is written.

    The first line is ``Subject: ...``, then comes the message; the placeholders are those of
    :data:`TEMPLATE_FIELDS`, written ``{first_name}``. A template written for earlier versions
    with ``$first_name`` still works for this release; its ``notices`` then say so.

    Parameters
    ----------
    path : str or Path, optional
        A lead's edited copy of :data:`TEMPLATE_PATH`.

    Returns
    -------
    Template
        The whole template (:meth:`~toolkit.io.templates.Template.split_subject` gives the
        subject and the message).

    Raises
    ------
    SettingsError
        If the file cannot be read, has no subject line, or uses an unknown placeholder
        (also a ``$name`` left in a template written with ``{name}`` placeholders, which
        would otherwise be sent as it stands).

    Examples
    --------
    >>> subject, body = read_email_template().split_subject()
    >>> subject.fields, "partners" in body.fields
    (('round',), True)
    """
    template = read_template(path, TEMPLATE_NAME, TEMPLATE_FIELDS)
    # A template written with {name} keeps any $name as it stands: refuse it rather than
    # send "$partner_names" to everyone.
    leftover = None if template.notices else _LEFTOVER_DOLLAR.search(template.text)
    if leftover:
        name = leftover.group(1) or leftover.group(2)
        fix = (f"write {{{name}}} instead, as the rest of the template does"
               if name in TEMPLATE_FIELDS else "it is not a placeholder")
        raise SettingsError(
            f"{template.source} uses ${name} among {{name}} placeholders: {fix}. The "
            f"placeholders are {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)}. "
            "Nothing was drawn, saved or written.")
    for part in template.split_subject():
        part.check(TEMPLATE_FIELDS)
    return template


def render_drafts(draw: pd.DataFrame, participants: pd.DataFrame,
                  week: str | date | None = None,
                  template: Template | str | Path | None = None) -> pd.DataFrame:
    """Write one e-mail per person from the template: partner, department, week, a prompt.

    Parameters
    ----------
    draw : pandas.DataFrame
        One round (``round, group, email``).
    participants : pandas.DataFrame
        ``name, email, department``.
    week : str or date, optional
        A day in the week to meet in, or an ISO week.
    template : Template, str or Path, optional
        The template as :func:`read_email_template` returns it, or the path of an edited
        copy of :data:`TEMPLATE_PATH` (default: the shipped template).

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
    if not isinstance(template, Template):
        template = read_email_template(template)
    subject_t, body_t = template.split_subject()
    partners = _partners(draw, participants)
    when = week_text(parse_week(week))
    subjects, bodies = [], []
    for rec in partners.to_dict("records"):
        values = {
            "first_name": (str(rec["name"]).split() or [""])[0],
            "name": rec["name"],
            "partners": " and ".join(rec["partners"]),
            "partner_names": rec["partner_names"],
            "partner_departments": rec["partner_departments"],
            "week": when,
            "round": rec["round"],
        }
        subjects.append(subject_t.render(values))
        bodies.append(body_t.render(values))
    return pd.DataFrame({"group": partners["group"].to_numpy(),
                         "email": partners["email"].to_numpy(),
                         "name": partners["name"].to_numpy(),
                         "subject": subjects, "body": bodies})


def group_ics(draw: pd.DataFrame, participants: pd.DataFrame,
              week: str | date | None) -> dict[int, str]:
    """Make one calendar file (iCalendar text) per group, proposing the week to meet in.

    Each file holds one all-day event spanning Monday to Friday, with the group's members as
    attendees; its text is the same for the same inputs (no clock, no random ids). A name is
    only ever an attendee's quoted ``CN``, with control characters made spaces: it can never
    change or drop the attendee's address.

    Raises
    ------
    SettingsError
        If no week is given.

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
    people = _people_by_email(participants, draw)
    out: dict[int, str] = {}
    for (label, group), members in draw.groupby(["round", "group"], sort=True):
        emails = sorted(members["email"].astype(str))
        uid_label = re.sub(r"[^0-9A-Za-z-]+", "-", str(label))
        event = Event()
        event.add("uid", f"unmentoring-{uid_label}-{int(group)}@mentoring-toolkit")
        event.add("dtstamp", datetime.combine(monday, time(), tzinfo=UTC))
        event.add("dtstart", monday)
        event.add("dtend", monday + timedelta(days=5))
        event.add("summary", "UnMentoring conversation: find a time this week")
        event.add("description",
                  "You were drawn together for this month's UnMentoring conversation: "
                  + " and ".join(_one_line(t) for t in people.loc[emails, "named"])
                  + ". Agree 30 to 60 minutes this week; no agenda needed.")
        event.add("transp", "TRANSPARENT")
        for email in emails:
            attendee = vCalAddress(f"mailto:{email}")
            # A plain str: icalendar quotes it as a parameter (RFC 5545) and writes a double
            # quote as ^' (RFC 6868); controls are gone, so no name can end the parameter.
            attendee.params["cn"] = _one_line(people.loc[email, "name"])
            attendee.params["role"] = "REQ-PARTICIPANT"
            event.add("attendee", attendee, encode=False)
        calendar = Calendar()
        calendar.add("prodid", "-//Mentoring Scheme Toolkit//UnMentoring//EN")
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        calendar.add_component(event)
        out[int(group)] = calendar.to_ical().decode("utf-8")
    return out


def draft_file_names(draw: pd.DataFrame) -> dict[str, str]:
    """Return a file name for each person's e-mail draft, unique even on a case-blind disk.

    The name is ``group-NNN-<address>.eml`` with characters a file name cannot hold made
    ``_``; when two addresses would give the same name (``a+b@x.org`` and ``a_b@x.org``, or
    names that differ only by case), both get a short fingerprint of the address as well.

    Examples
    --------
    >>> d = pd.DataFrame({"round": ["r"] * 4, "group": [1, 1, 2, 2],
    ...                   "email": ["a+b@x.org", "a_b@x.org", "cy@x.org", "di@x.org"]})
    >>> names = draft_file_names(d)
    >>> names["cy@x.org"], len(set(names.values()))
    ('group-002-cy_x.org.eml', 4)
    """
    emails = draw["email"].astype(str).tolist()
    groups = draw["group"].tolist()
    bases = [f"group-{int(g):03d}-" if str(g).isdigit() else
             f"group-{re.sub(r'[^0-9A-Za-z._-]+', '_', str(g))[:20]}-" for g in groups]
    stems = [b + re.sub(r"[^0-9A-Za-z._-]+", "_", e)[:80] for b, e in zip(bases, emails,
                                                                         strict=True)]
    folded = pd.Series([t.casefold() for t in stems])
    clash = folded.duplicated(keep=False).to_numpy()
    names = {}
    for email, stem, twin in zip(emails, stems, clash, strict=True):
        tag = "-" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:10] if twin else ""
        names[email] = f"{stem}{tag}.eml"
    if len({n.casefold() for n in names.values()}) != len(names):
        raise SettingsError("Two people in the draw would get the same draft file name: "
                            "check the e-mail addresses are all different.")
    return names


def write_announcements(draw: pd.DataFrame, participants: pd.DataFrame, folder: str | Path,
                        week: str | date | None = None,
                        template: Template | str | Path | None = None,
                        ics: bool = False, sender: str = "") -> dict[str, Path]:
    """Write the round's announcements into a folder.

    ``mail_merge.csv`` (``email, partner_names, partner_departments, week``); ``drafts/``
    with one ``.eml`` per person, marked unsent so a mail program opens it as a draft to
    check and send; and with ``ics``, ``calendar/group-NNN.ics`` per group. Everything is
    made before the first file is written, so a bad template or week writes nothing; hidden
    temporary files an earlier export left when it was stopped halfway are removed. The
    files name people: keep the folder private.

    Parameters
    ----------
    draw, participants : pandas.DataFrame
        The round and the participants it was drawn from.
    folder : str or Path
        Where to write (created if needed).
    week : str or date, optional
        A day in the week to meet in, or an ISO week (needed for calendar files).
    template : Template, str or Path, optional
        The e-mail template (see :func:`render_drafts`).
    ics : bool
        Also write one calendar file per group.
    sender : str
        The From address of the drafts (may be left empty and filled in by the mail program).

    Returns
    -------
    dict of str to Path
        ``mail_merge``, ``drafts`` and, with ``ics``, ``calendar``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> people = pd.DataFrame({"name": ["Ada Byron", "Bo Chen"],
    ...                        "email": ["ada@example.org", "bo@example.org"],
    ...                        "department": ["Maths", "Physics"]})
    >>> draw = pd.DataFrame({"round": ["2026-10"] * 2, "group": [1, 1],
    ...                      "email": ["ada@example.org", "bo@example.org"]})
    >>> written = write_announcements(draw, people, tempfile.mkdtemp(), "2026-W41", ics=True)
    >>> sorted(p.name for p in written["calendar"].iterdir())
    ['group-001.ics']
    """
    folder = Path(folder)
    merge = mail_merge(draw, participants, week)
    drafts = render_drafts(draw, participants, week, template)
    calendars = group_ics(draw, participants, week) if ics else {}
    names = draft_file_names(drafts)
    messages = []
    for rec in drafts.to_dict("records"):
        message = EmailMessage(policy=SMTP)
        if sender:
            message["From"] = sender
        message["To"] = rec["email"]
        message["Subject"] = _one_line(rec["subject"])  # a line break would end the header
        message["X-Unsent"] = "1"
        message.set_content(rec["body"], cte="8bit")
        messages.append((names[rec["email"]], message.as_bytes()))
    drafts_dir = folder / "drafts"
    # Temporary files an export killed halfway left (they name people) go first.
    sweep_temporaries(folder / "mail_merge.csv")
    for stale in [*drafts_dir.glob(".group-*.tmp"), *(folder / "calendar").glob(".group-*.tmp")]:
        stale.unlink(missing_ok=True)
    written = {"mail_merge": write_csv_atomic(merge, folder / "mail_merge.csv")}
    drafts_dir.mkdir(parents=True, exist_ok=True)
    # Drafts and calendar files of an earlier export of this folder would be stale (a
    # re-drawn round): remove the toolkit's own files, nothing else.
    for stale in [*drafts_dir.glob("group-*.eml"), *(folder / "calendar").glob("group-*.ics")]:
        stale.unlink()
    for name, data in messages:
        atomic_write(drafts_dir / name, lambda tmp, b=data: tmp.write_bytes(b))
    written["drafts"] = drafts_dir
    if ics:
        cal_dir = folder / "calendar"
        for group, text in calendars.items():
            atomic_write(cal_dir / f"group-{group:03d}.ics",
                         lambda tmp, t=text: tmp.write_bytes(t.encode("utf-8")))
        written["calendar"] = cal_dir
    return written
