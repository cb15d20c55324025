"""Announcements: mail-merge list, e-mail drafts from the template, calendar files."""

from __future__ import annotations

import csv
import email
from datetime import date
from email.policy import default

import pandas as pd
import pytest
from icalendar import Calendar

from toolkit.errors import SettingsError
from toolkit.unmentoring.announcements import (
    MAIL_MERGE_COLUMNS,
    TEMPLATE_FIELDS,
    TEMPLATE_PATH,
    draft_file_names,
    group_ics,
    mail_merge,
    parse_week,
    read_email_template,
    render_drafts,
    write_announcements,
)

PEOPLE = pd.DataFrame({
    "name": ["Ada Byron", "Bo Chen", "Cy Diaz", "Di Evans", "Ed Fox"],
    "email": ["ada@example.org", "bo@example.org", "cy@example.org", "di@example.org",
              "ed@example.org"],
    "department": ["Maths", "Physics", "History", "Music", "Law, Ethics; Policy"],
})
DRAW = pd.DataFrame({
    "round": ["2026-10"] * 5,
    "group": [1, 1, 2, 2, 2],
    "email": ["ada@example.org", "bo@example.org", "cy@example.org", "di@example.org",
              "ed@example.org"],
})


def test_mail_merge_has_exactly_the_contract_columns():
    merge = mail_merge(DRAW, PEOPLE, "2026-10-07")
    assert list(merge.columns) == MAIL_MERGE_COLUMNS
    assert merge["email"].tolist() == PEOPLE["email"].tolist()
    row = merge.set_index("email").loc["cy@example.org"]
    assert row["partner_names"] == "Di Evans and Ed Fox"
    assert row["partner_departments"] == "Music and Law, Ethics; Policy"
    assert set(merge["week"]) == {"week of Monday 5 October 2026"}


def test_drafts_name_partner_department_week_and_prompt():
    drafts = render_drafts(DRAW, PEOPLE, "2026-W41").set_index("email")
    body = drafts.loc["ed@example.org", "body"]
    assert body.startswith("Dear Ed,")
    assert "Cy Diaz (History) and Di Evans (Music)" in body
    assert "week of Monday 5 October 2026" in body
    assert "think, do, share" in body
    assert drafts.loc["ed@example.org", "subject"].endswith("(2026-10)")


def test_an_edited_template_is_used(tmp_path):
    template = tmp_path / "mine.txt"
    template.write_text("Subject: Coffee with {partner_names}\nHi {first_name}, meet {week}. "
                        "{{No agenda}}\n")
    assert read_email_template(template).notices == []
    drafts = render_drafts(DRAW, PEOPLE, None, template=template)
    assert drafts.loc[0, "subject"] == "Coffee with Bo Chen"
    assert drafts.loc[0, "body"] == ("Hi Ada, meet at a time that suits you both this month. "
                                     "{No agenda}\n")


def test_an_older_dollar_template_still_works_with_a_notice(tmp_path):
    template = tmp_path / "old.txt"
    template.write_text("Subject: Coffee with $partner_names\nHi $first_name, meet $week.\n")
    read = read_email_template(template)
    assert len(read.notices) == 1 and "older $name placeholders" in read.notices[0]
    drafts = render_drafts(DRAW, PEOPLE, None, template=read)
    assert drafts.loc[0, "subject"] == "Coffee with Bo Chen"
    assert drafts.loc[0, "body"] == "Hi Ada, meet at a time that suits you both this month.\n"


@pytest.mark.parametrize(("text", "message"), [
    ("Dear {first_name}\n", "must start with a line 'Subject: ...'"),
    ("Subject: hi\nDear {firstname}\n", "uses {firstname}, which is not a placeholder here "
                                         "(did you mean {first_name}?)"),
    ("Subject: hi\nDear $firstname\n", "uses {firstname}, which is not a placeholder here"),
    ("Subject: hi {round\nDear {first_name}\n", "is not part of a placeholder"),
])
def test_bad_templates_are_explained(tmp_path, text, message):
    template = tmp_path / "t.txt"
    template.write_text(text)
    with pytest.raises(SettingsError) as info:
        read_email_template(template)
    assert message in str(info.value)
    with pytest.raises(SettingsError):
        write_announcements(DRAW, PEOPLE, tmp_path / "out", template=template)
    assert not (tmp_path / "out").exists()  # nothing is written with a bad template


def test_shipped_template_uses_braces_and_every_value_is_filled_in():
    shipped = read_email_template()
    assert shipped.notices == []
    assert "$" not in TEMPLATE_PATH.read_text(encoding="utf-8")
    assert set(shipped.fields) <= set(TEMPLATE_FIELDS)
    assert {"first_name", "partners", "week", "round"} <= set(shipped.fields)
    drafts = render_drafts(DRAW, PEOPLE, "2026-10-05")
    assert not drafts["body"].str.contains("[{}$]", regex=True).any()
    assert drafts["subject"].tolist() == ["Your UnMentoring conversation (2026-10)"] * 5


def test_drafts_open_as_unsent_messages(tmp_path):
    written = write_announcements(DRAW, PEOPLE, tmp_path / "out", week="2026-10-05",
                                  ics=True, sender="scheme@example.org")
    files = sorted(written["drafts"].glob("*.eml"))
    assert len(files) == 5
    message = email.message_from_bytes(files[0].read_bytes(), policy=default)
    assert message["To"] == "ada@example.org"
    assert message["X-Unsent"] == "1"
    assert "Bo Chen (Physics)" in message.get_content()
    merge = pd.read_csv(written["mail_merge"])
    assert list(merge.columns) == MAIL_MERGE_COLUMNS
    assert sorted(p.name for p in written["calendar"].iterdir()) == ["group-001.ics",
                                                                     "group-002.ics"]
    # Exporting a re-drawn round again leaves no stale drafts behind.
    regrouped = DRAW.assign(group=[1, 2, 1, 2, 2])
    written = write_announcements(regrouped, PEOPLE, tmp_path / "out", week="2026-10-05")
    names = sorted(p.name for p in written["drafts"].glob("*.eml"))
    assert len(names) == 5 and names[0] == "group-001-ada_example.org.eml"
    assert "group-001-bo_example.org.eml" not in names
    assert not list((tmp_path / "out" / "calendar").glob("*.ics"))


def test_calendar_files_are_valid_and_stable():
    files = group_ics(DRAW, PEOPLE, date(2026, 10, 8))
    assert sorted(files) == [1, 2]
    text = files[2]
    assert text == group_ics(DRAW, PEOPLE, "2026-10-05")[2]
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "Law\\, Ethics\\; Policy" in text.replace("\r\n ", "")
    calendar = Calendar.from_ical(text)
    assert str(calendar["method"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == date(2026, 10, 5)
    assert event.decoded("dtend") == date(2026, 10, 10)  # Monday to Friday, all day
    assert str(event["uid"]) == "unmentoring-2026-10-2@mentoring-toolkit"
    assert str(event["transp"]) == "TRANSPARENT"
    attendees = [(str(a), str(a.params["cn"]), str(a.params["role"])) for a in event["attendee"]]
    assert attendees == [("mailto:cy@example.org", "Cy Diaz", "REQ-PARTICIPANT"),
                         ("mailto:di@example.org", "Di Evans", "REQ-PARTICIPANT"),
                         ("mailto:ed@example.org", "Ed Fox", "REQ-PARTICIPANT")]
    assert str(event["description"]) == (
        "You were drawn together for this month's UnMentoring conversation: Cy Diaz "
        "(History) and Di Evans (Music) and Ed Fox (Law, Ethics; Policy). Agree 30 to 60 "
        "minutes this week; no agenda needed.")
    with pytest.raises(SettingsError, match="need the week"):
        group_ics(DRAW, PEOPLE, None)


def test_calendar_names_with_quotes_and_accents_survive():
    people = PEOPLE.assign(name=['Ada "Countess" Byron', "Zoë Ó Briain", "Cy", "Di", "Ed"])
    (event,) = Calendar.from_ical(group_ics(DRAW, people, "2026-10-05")[1]).walk("VEVENT")
    assert [str(a.params["cn"]) for a in event["attendee"]] == ['Ada "Countess" Byron',
                                                                "Zoë Ó Briain"]


@pytest.mark.parametrize(("value", "monday"), [
    ("2026-10-11", date(2026, 10, 5)),
    ("2026-W41", date(2026, 10, 5)),
    ("2026w41", date(2026, 10, 5)),
    ("11 Oct 2026", date(2026, 10, 5)),  # day first, as the draw page shows it
    ("07/10/2026", date(2026, 10, 5)),
    (date(2026, 10, 5), date(2026, 10, 5)),
])
def test_parse_week(value, monday):
    assert parse_week(value) == monday


def test_unknown_people_in_the_draw_are_refused():
    with pytest.raises(SettingsError, match="not in the participants list"):
        mail_merge(DRAW, PEOPLE.iloc[:3])



# -- issue 12: names that try to change a file's meaning ----------------------------------
HOSTILE = PEOPLE.assign(name=["Trent:mailto:evil@example.net", "Bo\rChen",
                              'Cy "Q"\r\nDiaz', "Di\x0bEvans;x=y", "=HYPERLINK(\"x\")"])


def test_calendar_names_never_replace_or_drop_an_attendee():
    files = group_ics(DRAW, HOSTILE, "2026-10-05")
    found = {}
    for text in files.values():
        (event,) = Calendar.from_ical(text).walk("VEVENT")
        attendees = event["attendee"]
        attendees = attendees if isinstance(attendees, list) else [attendees]
        for a in attendees:
            found[str(a)] = str(a.params["cn"])
        unfolded = text.replace("\r\n ", "")
        assert "\r" not in unfolded.replace("\r\n", "")  # no stray line break
    assert found == {
        "mailto:ada@example.org": "Trent:mailto:evil@example.net",
        "mailto:bo@example.org": "Bo Chen",
        "mailto:cy@example.org": 'Cy "Q" Diaz',
        "mailto:di@example.org": "Di Evans;x=y",
        "mailto:ed@example.org": '=HYPERLINK("x")',
    }


def test_a_carriage_return_in_a_name_adds_no_row_to_the_mail_merge(tmp_path):
    written = write_announcements(DRAW, HOSTILE, tmp_path, "2026-10-05", ics=True)
    path = written["mail_merge"]
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(rows) == 1 + len(DRAW) == 1 + len(frame)
    assert [r[0] for r in rows[1:]] == frame["email"].tolist() == DRAW["email"].tolist()
    assert frame.set_index("email").loc["ada@example.org", "partner_names"] == "Bo\rChen"
    assert not any(cell.startswith("=") for row in rows for cell in row)
    # The drafts' headers hold no line break, whatever the names.
    for draft in (tmp_path / "drafts").glob("*.eml"):
        message = email.message_from_bytes(draft.read_bytes(), policy=default)
        assert "\n" not in message["Subject"] and "\r" not in message["Subject"]


def test_every_person_gets_their_own_draft_file(tmp_path):
    people = pd.DataFrame({
        "name": ["Ann One", "Ann Two", "Al Plus", "Al Under"],
        "email": ["ann@example.org", "ann@example.net", "a+l@example.org", "a_l@example.org"],
        "department": ["Maths", "Physics", "Law", "Music"]})
    draw = pd.DataFrame({"round": ["r"] * 4, "group": [1, 1, 1, 1],
                         "email": people["email"].tolist()})
    written = write_announcements(draw, people, tmp_path)
    files = sorted(written["drafts"].glob("*.eml"))
    assert len(files) == 4
    recipients = sorted(email.message_from_bytes(f.read_bytes(), policy=default)["To"]
                        for f in files)
    assert recipients == sorted(people["email"])
    # Addresses that differ only by case never share a name, even on a case-blind disk.
    names = draft_file_names(pd.DataFrame({"group": [1, 1],
                                           "email": ["Ann@Example.org", "ann@example.org"]}))
    assert len({n.casefold() for n in names.values()}) == 2


@pytest.mark.parametrize("subject", ["Coffee with $partner_names", "Coffee ${round}",
                                     "Coffee with $partner_nmes"])
def test_a_dollar_name_left_in_a_brace_template_is_refused(tmp_path, subject):
    template = tmp_path / "t.txt"
    template.write_text(f"Subject: {subject}\nDear {{first_name}},\n")
    with pytest.raises(SettingsError) as info:
        read_email_template(template)
    message = str(info.value)
    assert subject.split(" ")[-1].replace("{", "").replace("}", "") in message
    assert all("{" + f + "}" in message for f in TEMPLATE_FIELDS)
    with pytest.raises(SettingsError):
        write_announcements(DRAW, PEOPLE, tmp_path / "out", template=template)
    assert not (tmp_path / "out").exists()


def test_temporaries_of_an_export_stopped_halfway_are_removed(tmp_path):
    (tmp_path / "drafts").mkdir()
    (tmp_path / "calendar").mkdir()
    left = [tmp_path / ".mail_merge.csv.k1.tmp", tmp_path / "drafts" / ".group-001-a.eml.k2.tmp",
            tmp_path / "calendar" / ".group-001.ics.k3.tmp"]
    for path in left:
        path.write_text("ada@example.org")
    mine = tmp_path / "drafts" / "notes.txt"
    mine.write_text("the lead's own file")
    write_announcements(DRAW, PEOPLE, tmp_path, "2026-10-05", ics=True)
    assert not any(p.exists() for p in left)
    assert mine.exists()
    assert not list(tmp_path.rglob("*.tmp"))
