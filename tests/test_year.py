"""The handbook's year: the full agreement, the introduction pack, the concern log, and the
warning rules for one side cancelling, the mid-term review, concern follow-ups and each pair's
agreed pace, all on dated fixtures with "today" fixed."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import docx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cli.main import main
from toolkit.errors import LifecycleError, SettingsError
from toolkit.evaluation.report import build_report
from toolkit.pairing.introductions import (
    PACK_DOCUMENTS,
    render_introductions,
    write_introductions,
)
from toolkit.relationships.agreements import (
    AGREEMENT_ITEMS,
    missing_items,
    read_agreement_template,
    record_meetings_per_year,
    write_agreements,
)
from toolkit.relationships.alerts import (
    AlertRules,
    check_pairs,
    concern_follow_up,
    follow_up_columns,
    mid_term_review,
    one_side_cancels,
    pace_table,
)
from toolkit.relationships.changes import (
    confirm_first_meeting,
    pair_table,
    record_mid_term_review,
    renew_pair,
)
from toolkit.relationships.concerns import (
    add_concern,
    close_concern,
    concerns_table,
    move_follow_up,
)
from toolkit.relationships.lifecycle import Lifecycle
from toolkit.relationships.messages import draft_messages
from toolkit.relationships.settings import read_relationship_settings
from toolkit.relationships.status import check_store, warnings_with_messages
from toolkit.store.concerns import load_concerns
from toolkit.store.connection import Store, query
from toolkit.store.schema import MIGRATIONS, SCHEMA_VERSION

from .evaluation_helpers import fill_year, objectives_frame
from .relationship_helpers import make_store, snapshot

START = "2026-10-01"
TODAY = "2027-06-01"
NOTE = "Mentee worried the mentor keeps steering toward a grant she does not want"


def pairs(*rows: dict) -> pd.DataFrame:
    """Pairs as pair_table gives them; each row overrides the defaults."""
    out = []
    for i, row in enumerate(rows, start=1):
        base = {"pair_id": i, "status": "active", "mentee_email": f"mentee{i}@example.org",
                "mentee_name": f"Mentee{i} Person", "mentor_email": f"mentor{i}@example.org",
                "mentor_name": f"Mentor{i} Person", "start": START, "term_start": START,
                "term_end": "2027-10-01", "renewals": 0, "meetings_per_year": pd.NA,
                "last_review": None}
        out.append({**base, **row})
    return pd.DataFrame(out)


def meets(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["pair_id", "on_date", "status", "cancelled_by"])


def fired(found: pd.DataFrame) -> list[list]:
    return [[r, None if pd.isna(p) else int(p)] for r, p in
            zip(found["rule"], found["pair_id"], strict=True)]


# -- one side cancels repeatedly ---------------------------------------------------------------
MENTOR_CANCELS = meets((1, "2026-11-01", "cancelled", "mentor"), (1, "2026-12-01", "held", ""),
                       (1, "2027-01-10", "cancelled", "mentor"), (1, "2027-02-01", "held", ""),
                       (1, "2027-03-01", "cancelled", "mentor"))


@pytest.mark.parametrize(("today", "expected"), [
    ("2027-02-28", []),                      # two so far
    ("2027-03-01", [["mentor", "2026-11-01"]]),  # the third, on the day
])
def test_one_side_cancelling_three_times_is_warned_on_the_third(today, expected):
    found = one_side_cancels(pairs({}), MENTOR_CANCELS, today, AlertRules())
    assert found[["recipients", "since"]].to_numpy().tolist() == expected
    # Never two in a row, so the older rule stays quiet: this is what the new rule adds.
    assert check_pairs(pairs({}), MENTOR_CANCELS, today,
                       AlertRules(enabled=("cancellations",))).empty


def test_only_one_sides_cancellations_in_this_term_count():
    both = meets((1, "2026-11-01", "cancelled", "both"), (1, "2026-12-01", "cancelled", "lead"),
                 (1, "2027-01-10", "cancelled", "mentee"), (1, "2027-02-01", "cancelled", ""),
                 (1, "2027-03-01", "cancelled", "mentor"))
    assert one_side_cancels(pairs({}), both, TODAY, AlertRules()).empty
    # A renewed pair: cancellations of its first term are forgotten.
    renewed = pairs({"status": "renewed", "renewals": 1, "term_start": "2027-10-01",
                     "term_end": "2028-10-01"})
    old = meets(*[(1, d, "cancelled", "mentee") for d in
                  ("2027-01-01", "2027-03-01", "2027-05-01", "2027-07-01")],
                (1, "2027-11-01", "cancelled", "mentee"))
    assert one_side_cancels(renewed, old, "2027-12-01", AlertRules()).empty
    assert len(one_side_cancels(renewed, old, "2027-12-01",
                                AlertRules(one_side_cancellations=1))) == 1


def test_each_side_reaching_the_threshold_gets_its_own_warning_and_message():
    m = meets(*[(1, f"2026-1{k}-01", "cancelled", "mentee") for k in range(3)],
              *[(1, f"2027-0{k}-01", "cancelled", "mentor") for k in range(1, 4)],
              (2, "2026-11-01", "cancelled", "mentee"))
    found = one_side_cancels(pairs({}, {}), m, TODAY, AlertRules())
    assert found[["pair_id", "recipients"]].astype(str).to_numpy().tolist() == [
        ["1", "mentee"], ["1", "mentor"]]
    drafts = warnings_with_messages_of(found)
    assert drafts[0].splitlines()[2] == "Dear Mentee1,"
    assert drafts[1].splitlines()[2] == "Dear Mentor1,"
    assert "Mentor1" not in drafts[0] and "Mentee1" not in drafts[1]


def warnings_with_messages_of(found: pd.DataFrame) -> list[str]:
    return draft_messages(found).tolist()


def test_the_threshold_is_a_setting():
    rules, _ = read_relationship_settings({"one_side_cancellations": 4})
    assert one_side_cancels(pairs({}), MENTOR_CANCELS, TODAY, rules).empty
    with pytest.raises(SettingsError, match="'one_side_cancellations' must be a whole number"):
        AlertRules(one_side_cancellations=0)


# -- the mid-term review -----------------------------------------------------------------------
@pytest.mark.parametrize(("today", "row", "expected"), [
    ("2027-03-31", {}, False),                                      # the day before month 6
    ("2027-04-01", {}, True),                                       # month 6
    ("2027-04-30", {}, True),                                       # still not done
    ("2027-05-01", {}, False),                                      # 30 days: the prompt ends
    ("2027-10-01", {}, False),                                      # the term is over
    ("2027-05-01", {"last_review": "2027-04-20"}, False),           # done this term
    ("2027-05-01", {"status": "proposed"}, False),                  # never started
    ("2028-04-02", {"status": "renewed", "renewals": 1, "term_start": "2027-10-01",
                    "term_end": "2028-10-01", "last_review": "2027-04-20"}, True),  # new term
    ("2028-04-02", {"status": "renewed", "renewals": 1, "term_start": "2027-10-01",
                    "term_end": "2028-10-01", "last_review": "2028-03-20"}, False),
])
def test_the_mid_term_review_is_prompted_at_six_months_for_30_days_or_until_recorded(
        today, row, expected):
    found = mid_term_review(pairs(row), meets(), today, AlertRules())
    assert (not found.empty) == expected
    if expected:
        assert found["recipients"].tolist() == ["mentee and mentor"]


def test_the_review_month_and_window_are_settings_and_a_short_term_has_none():
    assert not mid_term_review(pairs({}), meets(), "2027-01-01",
                               AlertRules(mid_term_months=3)).empty
    assert not mid_term_review(pairs({}), meets(), "2027-09-30",
                               AlertRules(mid_term_window_days=365)).empty
    rules, _ = read_relationship_settings({"mid_term_months": 4, "mid_term_window_days": 10})
    assert not mid_term_review(pairs({}), meets(), "2027-02-10", rules).empty
    assert mid_term_review(pairs({}), meets(), "2027-02-11", rules).empty
    short = pairs({"term_end": "2027-04-01"})  # a six-month term: month 6 is its end
    assert mid_term_review(short, meets(), "2027-03-31", AlertRules(mid_term_months=6)).empty


def test_the_review_prompt_gives_way_to_the_first_meeting_and_term_end_warnings():
    p = pairs({}, {}, {"term_end": "2027-05-01"})  # 3: a seven-month term
    m = meets((2, "2026-11-01", "held", ""), (2, "2027-02-01", "held", ""),
              (3, "2026-11-01", "held", ""), (3, "2027-02-01", "held", ""))
    day = "2027-04-10"
    alone = check_pairs(p, m, day, AlertRules(enabled=("mid_term_review",)))
    assert fired(alone) == [["mid_term_review", 1], ["mid_term_review", 2],
                            ["mid_term_review", 3]]
    together = check_pairs(p, m, day, AlertRules(enabled=(
        "no_first_meeting", "term_ending", "mid_term_review")))
    assert fired(together) == [["no_first_meeting", 1], ["term_ending", 3],
                               ["mid_term_review", 2]]


def test_recording_the_review_in_the_store_ends_the_prompt(tmp_path):
    with make_store(tmp_path) as store:
        confirm_first_meeting(store, 1, "2026-10-20")
        review = AlertRules(enabled=("mid_term_review",))
        assert check_store(store, "2027-04-15", review)["pair_id"].tolist() == [1]
        message = warnings_with_messages(store, "2027-04-15", review)["message"].iloc[0]
        assert message.startswith("Subject: Half way through")
        assert "started on 1 Oct 2026" in message and "{" not in message
        record_mid_term_review(store, 1, "2027-04-20")
        assert check_store(store, "2027-04-21", review).empty
        before = snapshot(store)
        with pytest.raises(LifecycleError, match="only an active or renewed pair"):
            record_mid_term_review(store, 2, "2027-04-20")
        for old, new in zip(before, snapshot(store), strict=True):
            pd.testing.assert_frame_equal(old, new)


# -- each pair's agreed pace -------------------------------------------------------------------
def test_an_agreed_number_of_meetings_replaces_the_schemes_pace_for_that_pair():
    p = pairs({}, {"meetings_per_year": 6}, {"meetings_per_year": 1})
    m = meets(*[(i, "2026-10-20", "held", "") for i in (1, 2, 3)])
    # Month 4 (2027-02-01): the scheme asks for 1, six a year asks for 2, once a year for 0.
    table = pace_table(p, m, "2027-02-01")
    assert table[["needed", "by_month", "behind", "per_year"]].to_numpy().tolist() == [
        [1, 4, False, 3], [2, 4, True, 6], [0, 0, False, 1]]
    found = check_pairs(p, m, "2027-02-01", AlertRules(enabled=("behind_pace",)))
    assert found["detail"].tolist() == [
        "You have held 1 meeting(s) this term; at the 6 meetings a year you agreed, that is 2 "
        "by month 4."]


def test_three_agreed_a_year_is_the_schemes_default_pace_through_the_first_year():
    p = pairs({}, {"meetings_per_year": 3})
    m = meets((1, "2026-10-20", "held", ""), (2, "2026-10-20", "held", ""),
              (1, "2027-03-01", "held", ""), (2, "2027-03-01", "held", ""))
    day = date(2026, 10, 1)
    while day < date(2027, 10, 1):
        table = pace_table(p, m, day)
        assert table.loc[0, ["needed", "behind"]].tolist() == \
            table.loc[1, ["needed", "behind"]].tolist(), day
        day += timedelta(days=1)


def test_the_agreed_number_is_stored_and_drives_the_warning_and_its_message(tmp_path):
    with make_store(tmp_path) as store:
        for pid in (1, 2):
            confirm_first_meeting(store, pid, "2026-10-20")
        assert record_meetings_per_year(store, 2, 12) == 12
        with pytest.raises(SettingsError, match="a whole number from 1 to 52"):
            record_meetings_per_year(store, 2, 0)
        with pytest.raises(LifecycleError, match="There is no pair 9"):
            record_meetings_per_year(store, 9, 4)
        agreed = pair_table(store)["meetings_per_year"]
        assert agreed.isna().tolist() == [True, False, True] and agreed.iloc[1] == 12
        pace = AlertRules(enabled=("behind_pace",))
        found = warnings_with_messages(store, "2027-01-01", pace)
        assert found["pair_id"].tolist() == [2]  # monthly: 3 by month 3; pair 1 is fine
        assert "meeting at least 12 times a year" in found["message"].iloc[0]
        written = write_agreements(store, tmp_path / "agreements", pair_ids=[1, 2],
                                   formats=("md",))
        texts = [Path(p).read_text(encoding="utf-8") for p in written["md"]]
        assert "(the scheme asks for at least 3; now recorded: not yet)" in texts[0]
        assert "(the scheme asks for at least 12; now recorded: 12)" in texts[1]
        record_meetings_per_year(store, 2, None)
        assert check_store(store, "2027-01-01", pace).empty


# -- renewal without a cap, unless the lead sets one --------------------------------------------
def test_renewals_have_no_cap_by_default_and_max_renewals_sets_one(tmp_path):
    with make_store(tmp_path) as store:
        confirm_first_meeting(store, 1, "2026-10-20")
        for year in (2027, 2028, 2029):
            pair = renew_pair(store, 1, f"{year}-09-01")
        assert (pair["renewals"], pair["term_end"]) == (3, "2030-10-01")
        _, capped = read_relationship_settings({"max_renewals": 3})
        with pytest.raises(LifecycleError, match="renewed 3 time"):
            renew_pair(store, 1, "2030-09-01", lifecycle=capped)
    _, uncapped = read_relationship_settings({"max_renewals": None})
    assert uncapped.max_renewals is None and uncapped.can_renew(100)
    ending = pairs({"status": "renewed", "renewals": 1, "term_start": "2027-10-01",
                    "term_end": "2028-10-01"})
    rules = AlertRules(enabled=("term_ending",))
    assert check_pairs(ending, meets(), "2028-09-15", rules)["detail"].iloc[0].endswith(
        "Ask both whether they want to renew.")
    assert check_pairs(ending, meets(), "2028-09-15", rules,
                       Lifecycle(max_renewals=1))["detail"].iloc[0].endswith(
        "It cannot be renewed again: plan a good ending.")


# -- the concern log ---------------------------------------------------------------------------
def test_the_concern_log_round_trip(tmp_path):
    with make_store(tmp_path) as store:
        first = add_concern(store, 1, "agenda imposed", NOTE, "2027-01-10", "2027-02-01",
                            today=TODAY)
        second = add_concern(store, 2, "wellbeing", "", "2027-03-01", today=TODAY)
        log = load_concerns(store)
        assert log.to_dict("records") == [
            {"id": first, "pair_id": 1, "on_date": "2027-01-10", "category": "agenda imposed",
             "note": NOTE, "follow_up": "2027-02-01", "closed_on": None},
            {"id": second, "pair_id": 2, "on_date": "2027-03-01", "category": "wellbeing",
             "note": "", "follow_up": None, "closed_on": None}]
        assert concerns_table(store, today="2027-02-01")["due"].tolist() == [True, False]
        assert concerns_table(store, today="2027-01-31")["due"].tolist() == [False, False]
        assert move_follow_up(store, first, "2027-03-15") == "2027-03-15"
        assert close_concern(store, second, "2027-03-05") == "2027-03-05"
        assert concerns_table(store, open_only=True)["id"].tolist() == [first]
        assert concerns_table(store, pair_id=2)["closed_on"].tolist() == ["2027-03-05"]
    with Store(tmp_path / "scheme.sqlite") as again:  # kept in the file
        assert load_concerns(again)["follow_up"].tolist() == ["2027-03-15", None]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"pair_id": 9}, "There is no pair 9"),
    ({"category": "gossip"}, "The concern category must be one of"),
    ({"on_date": "2027-06-02"}, "is after today"),
    ({"follow_up": "2027-01-01"}, "comes before the concern"),
    ({"note": "x" * 2001}, "keep it to 2000"),
])
def test_a_concern_that_cannot_be_right_is_refused_and_nothing_recorded(tmp_path, kwargs,
                                                                         message):
    args = {"pair_id": 1, "category": "other", "note": "n", "on_date": "2027-05-01",
            "follow_up": None, **kwargs}
    with make_store(tmp_path) as store:
        with pytest.raises((SettingsError, LifecycleError), match=message):
            add_concern(store, today=TODAY, **args)
        assert load_concerns(store).empty


def test_a_closed_concern_cannot_be_closed_again_or_moved(tmp_path):
    with make_store(tmp_path) as store:
        cid = add_concern(store, 1, "other", on_date="2027-05-01", today=TODAY)
        with pytest.raises(SettingsError, match="cannot be closed on 30 Apr 2027"):
            close_concern(store, cid, "2027-04-30")
        close_concern(store, cid, "2027-05-02")
        with pytest.raises(SettingsError, match="already closed on 2027-05-02"):
            close_concern(store, cid, "2027-05-03")
        with pytest.raises(SettingsError, match="already closed"):
            move_follow_up(store, cid, "2027-06-01")
        with pytest.raises(SettingsError, match="no concern 99"):
            close_concern(store, 99)


@pytest.mark.parametrize(("today", "row", "expected"), [
    ("2027-04-30", {"open_concerns": 1, "next_follow_up": "2027-05-01"}, False),
    ("2027-05-01", {"open_concerns": 1, "next_follow_up": "2027-05-01"}, True),
    ("2027-05-01", {"open_concerns": 1, "next_follow_up": None}, False),
    ("2027-05-01", {"status": "withdrawn", "open_concerns": 2,
                    "next_follow_up": "2027-04-01"}, True),     # a concern outlives its pair
])
def test_a_follow_up_is_warned_of_once_its_date_has_come(today, row, expected):
    found = concern_follow_up(pairs(row), meets(), today, AlertRules())
    assert (not found.empty) == expected
    if expected:
        assert found["recipients"].tolist() == ["lead"]


def test_follow_up_columns_count_only_open_concerns():
    concerns = pd.DataFrame({"pair_id": [1, 1, 1], "follow_up": ["2027-03-01", "2027-01-01",
                                                                  None],
                             "closed_on": ["2027-01-05", None, None]})
    out = follow_up_columns(pairs({}), concerns)
    assert out[["open_concerns", "next_follow_up"]].to_numpy().tolist() == [[2, "2027-01-01"]]


def test_a_follow_up_warning_and_its_draft_never_show_the_note(tmp_path):
    with make_store(tmp_path) as store:
        cid = add_concern(store, 2, "the pair does not get on", NOTE, "2027-01-10",
                          "2027-02-01", today=TODAY)
        found = warnings_with_messages(store, "2027-02-01",
                                       AlertRules(enabled=("concern_follow_up",)))
        assert found["pair_id"].tolist() == [2]
        text = " ".join(found.astype(str).to_numpy().ravel())
        assert "steering" not in text and "does not get on" not in text
        assert "not for sending to the pair" in found["message"].iloc[0]
        close_concern(store, cid, "2027-02-02")
        assert check_store(store, "2027-02-03", AlertRules(
            enabled=("concern_follow_up",))).empty


def test_the_concern_command(tmp_path, capsys):
    store_path = tmp_path / "scheme.sqlite"
    make_store(tmp_path).close()
    base = ["--store", str(store_path)]
    assert main(["concern", "add", *base, "--pair", "1", "--category", "agenda imposed",
                 "--note", NOTE, "--date", "2027-01-10", "--follow-up", "2027-02-01",
                 "--today", TODAY]) == 0
    assert "Recorded concern 1 for pair 1" in capsys.readouterr().out
    assert main(["concern", "list", *base, "--today", TODAY]) == 0
    listed = capsys.readouterr().out
    assert "DUE" in listed and "agenda imposed" in listed and "steering" not in listed
    assert main(["concern", "list", *base, "--notes", "--today", TODAY]) == 0
    assert "steering" in capsys.readouterr().out
    assert main(["status", *base, "--today", TODAY]) == 0
    assert "Concern to follow up (1)" in capsys.readouterr().out
    assert main(["concern", "close", *base, "--id", "1", "--follow-up", "2027-07-01"]) == 0
    assert "follow it up on 1 Jul 2027" in capsys.readouterr().out
    assert main(["concern", "close", *base, "--id", "1", "--date", "2027-06-01"]) == 0
    assert main(["concern", "close", *base, "--id", "1"]) == 2
    assert "already closed" in capsys.readouterr().err
    assert main(["concern", "add", *base, "--pair", "7", "--category", "other"]) == 1
    assert main(["concern", "list", *base, "--open"]) == 0
    assert "No concerns recorded" in capsys.readouterr().out


# -- the schema --------------------------------------------------------------------------------
CONCERNS_MIGRATION = next(i for i, m in enumerate(MIGRATIONS) if "CREATE TABLE concerns" in m)


def test_a_store_from_before_the_concern_log_is_migrated_with_its_pairs(tmp_path):
    """Whatever number the concern log's migration ends up with, an older store gains it."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                 "applied_at TEXT NOT NULL)")
    for number, migration in enumerate(MIGRATIONS[:CONCERNS_MIGRATION], start=1):
        conn.executescript(migration)
        conn.execute("INSERT INTO schema_version VALUES (?, '2026-09-01T00:00:00+00:00')",
                     (number,))
    conn.execute("INSERT INTO pairs (cohort, mentee_email, mentor_email, status, start_date, "
                 "created_at) VALUES ('2026', 'a@example.org', 'b@example.org', 'active', "
                 "'2026-10-01', '2026-10-01')")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert query(store, "SELECT meetings_per_year FROM pairs")["meetings_per_year"
                                                                  ].isna().all()
        assert load_concerns(store).empty
        add_concern(store, 1, "other", today=TODAY)
        assert len(load_concerns(store)) == 1


# -- the agreement and the introduction pack ----------------------------------------------------
def test_the_agreement_holds_every_first_meeting_item(tmp_path):
    assert missing_items(read_agreement_template().text) == []
    assert read_agreement_template().notices == []
    with make_store(tmp_path) as store:
        written = write_agreements(store, tmp_path / "agreements", pair_ids=[1])
    document = "\n".join(p.text for p in docx.Document(written.loc[0, "docx"]).paragraphs)
    for item, words in AGREEMENT_ITEMS.items():
        assert words in document, item
    for item in ("short-term objectives", "long-term objectives", "career goals",
                 "conflicts of interest", "what belongs with the line manager",
                 "contact between meetings", "agreed meeting frequency", "review dates"):
        assert item in AGREEMENT_ITEMS


def test_a_leads_own_agreement_missing_items_is_used_with_a_notice(tmp_path):
    own = tmp_path / "ours.md"
    own.write_text("# Our agreement\n\n- **Mentee:** {mentee_name}\n\n## Confidentiality\n",
                   encoding="utf-8")
    template = read_agreement_template(own)
    assert len(template.notices) == 1
    assert "career goals" in template.notices[0] and "conflicts of interest" in \
        template.notices[0]


def test_the_introduction_pack_holds_the_code_of_conduct_and_the_question_bank(tmp_path):
    people = pd.DataFrame({"email": ["a@example.org", "b@example.org"],
                           "name": ["Ann Lee", "Bo Ng"]})
    drafts = render_introductions(pd.DataFrame({"mentee_email": ["a@example.org"],
                                                "mentor_email": ["b@example.org"]}), people)
    written = write_introductions(drafts, tmp_path / "introductions")
    assert [p.name for p in written] == ["introduction_a_to_b.txt"]
    files = sorted(p.name for p in (tmp_path / "introductions").iterdir())
    assert files == ["code_of_conduct.md", "first_meeting_questions.md",
                     "introduction_a_to_b.txt"]
    conduct = (tmp_path / "introductions" / "code_of_conduct.md").read_text(encoding="utf-8")
    questions = (tmp_path / "introductions" / "first_meeting_questions.md").read_text(
        encoding="utf-8")
    assert conduct.startswith("# Code of conduct") and "conflict of interest" in conduct
    assert questions.startswith("# Questions for your first meetings")
    assert questions.count("\n- ") >= 15
    assert set(PACK_DOCUMENTS) == {"code_of_conduct.md", "first_meeting_questions.md"}
    # A lead's own code replaces the shipped one; a name outside the pack is refused.
    own = tmp_path / "our_code.md"
    own.write_text("# Our code\n", encoding="utf-8")
    write_introductions(drafts, tmp_path / "ours", documents={"code_of_conduct.md": own})
    assert (tmp_path / "ours" / "code_of_conduct.md").read_text(encoding="utf-8") == \
        "# Our code\n"
    with pytest.raises(SettingsError, match="not a document of the introduction pack"):
        write_introductions(drafts, tmp_path / "x", documents={"rules.md": own})
    write_introductions(drafts, tmp_path / "bare", pack=False)
    assert [p.name for p in (tmp_path / "bare").iterdir()] == ["introduction_a_to_b.txt"]


def test_the_agreement_command(tmp_path, capsys):
    store_path = tmp_path / "scheme.sqlite"
    with make_store(tmp_path) as store:
        confirm_first_meeting(store, 1, "2026-10-20")
    base = ["--store", str(store_path)]
    assert main(["agreement", "pace", *base, "--pair", "1", "--per-year", "6"]) == 0
    assert "agreed on 6 meetings a year" in capsys.readouterr().out
    assert main(["agreement", "pace", *base, "--pair", "1", "--per-year", "99"]) == 2
    assert main(["agreement", "pace", *base, "--pair", "9", "--per-year", "4"]) == 1
    assert main(["agreement", "review", *base, "--pair", "1", "--date", "2027-04-20"]) == 0
    assert main(["agreement", "review", *base, "--pair", "2", "--date", "2027-04-20"]) == 1
    assert main(["agreement", "write", *base, "--out", str(tmp_path / "a"), "--pair", "1"]) == 0
    text = (tmp_path / "a" / "agreement_pair-0001.md").read_text(encoding="utf-8")
    assert "now recorded: 6" in text
    with Store(store_path) as store:
        table = pair_table(store)
        assert table.loc[0, ["meetings_per_year", "last_review"]].tolist() == [6, "2027-04-20"]
    assert main(["agreement", "pace", *base, "--pair", "1", "--scheme-pace"]) == 0
    with Store(store_path) as store:
        assert pd.isna(pair_table(store).loc[0, "meetings_per_year"])


def test_no_concern_note_or_category_reaches_the_report(tmp_path, sample_dir, sample_import):
    path = tmp_path / "scheme.sqlite"
    with Store(path) as store:
        fill_year(store, sample_import.people.copy(), sample_dir / "survey.csv")
        pair = int(query(store, "SELECT MIN(id) AS id FROM pairs")["id"].iloc[0])
        add_concern(store, pair, "confidentiality", NOTE, "2027-01-10", "2027-02-01",
                    today=TODAY)
    out = tmp_path / "report"
    build_report(path, out, objectives=objectives_frame(), progress=False)
    texts = [f.read_text(encoding="utf-8", errors="replace").lower()
             for f in out.rglob("*") if f.is_file()]
    assert texts
    assert not any("steering" in t or "concern" in t for t in texts)


# -- properties of the new rules ---------------------------------------------------------------
DAYS = st.integers(min_value=0, max_value=800)


def whole_months(start: date, day: date) -> int:
    """Months from start to day, counting a month once its date is reached (month-end safe)."""
    months = (day.year - start.year) * 12 + day.month - start.month
    shifted = pd.Timestamp(start) + pd.DateOffset(months=months)
    return max(0, months - (shifted.date() > day))


@settings(max_examples=150, deadline=None)
@given(per_year=st.integers(1, 52), start=st.integers(0, 364), offset=DAYS, later=DAYS,
       held=st.integers(0, 60))
def test_an_agreed_pace_asks_for_its_share_of_the_year_and_never_less_later(per_year, start,
                                                                            offset, later,
                                                                            held):
    begin = date(2026, 1, 1) + timedelta(days=start)
    day = begin + timedelta(days=offset)
    p = pairs({"start": begin.isoformat(), "term_start": begin.isoformat(),
               "meetings_per_year": per_year})
    m = meets(*[(1, begin.isoformat(), "held", "")] * held)
    now = pace_table(p, m, day).iloc[0]
    assert now["needed"] == whole_months(begin, day) * per_year // 12
    assert bool(now["behind"]) == (held < now["needed"])
    assert now["per_year"] == per_year
    assert pace_table(p, m, day + timedelta(days=later)).iloc[0]["needed"] >= now["needed"]


MEETING = st.tuples(st.integers(0, 500), st.sampled_from(["held", "cancelled"]),
                    st.sampled_from(["", "mentee", "mentor", "both", "lead"]))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(MEETING, max_size=25), threshold=st.integers(1, 5),
       today=st.integers(0, 500))
def test_one_side_is_warned_exactly_when_its_own_cancellations_reach_the_threshold(
        rows, threshold, today):
    begin = date(2026, 10, 1)
    m = meets(*[(1, (begin + timedelta(days=d)).isoformat(), s, b) for d, s, b in rows])
    found = one_side_cancels(pairs({}), m, begin + timedelta(days=today),
                             AlertRules(one_side_cancellations=threshold))
    expected = sorted(side for side in ("mentee", "mentor")
                      if sum(1 for d, s, b in rows if s == "cancelled" and b == side
                             and d <= today) >= threshold)
    assert sorted(found["recipients"]) == expected
    assert set(found["rule"]) <= {"one_side_cancels"}


@settings(max_examples=150, deadline=None)
@given(today=st.integers(0, 420), reviewed=st.one_of(st.none(), st.integers(-200, 420)),
       months=st.integers(1, 14), window=st.integers(1, 400))
def test_the_review_prompt_shows_from_its_month_for_its_window_unless_done(
        today, reviewed, months, window):
    begin, end = date(2026, 10, 1), date(2027, 10, 1)
    day = begin + timedelta(days=today)
    last = None if reviewed is None else (begin + timedelta(days=reviewed)).isoformat()
    p = pairs({"last_review": last})
    found = mid_term_review(p, meets(), day, AlertRules(mid_term_months=months,
                                                        mid_term_window_days=window))
    middle = (pd.Timestamp(begin) + pd.DateOffset(months=months)).date()
    done = reviewed is not None and reviewed >= 0
    showing = middle <= day < min(end, middle + timedelta(days=window))
    assert (not found.empty) == (showing and not done)
