"""Each early-warning rule on dated fixtures, with "today" fixed."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.demo.sample import SAMPLE_TODAY, record_sample_withdrawals, sample_store
from toolkit.errors import SettingsError
from toolkit.relationships.alerts import (
    RULE_CHECKS,
    RULES,
    WARNING_COLUMNS,
    AlertRules,
    behind_pace,
    cancellations,
    check_pairs,
    concern_follow_up,
    mentor_all_withdrew,
    mid_term_review,
    no_first_meeting,
    one_side_cancels,
    term_ending,
)
from toolkit.relationships.changes import pair_table
from toolkit.relationships.concerns import add_concern
from toolkit.relationships.lifecycle import Lifecycle
from toolkit.relationships.meetings import read_meetings, save_meetings
from toolkit.relationships.messages import (
    draft_messages,
    legacy_placeholder_notice,
    missing_folder_message,
    read_alert_templates,
)
from toolkit.relationships.settings import bad_pace_message, read_relationship_settings
from toolkit.relationships.status import check_store, status_table, warnings_with_messages

from .relationship_helpers import make_store

START = "2026-10-01"


def pairs(*rows: dict) -> pd.DataFrame:
    """Pairs as pair_table gives them; each row overrides the defaults."""
    out = []
    for i, row in enumerate(rows, start=1):
        base = {"pair_id": i, "status": "active", "mentee_email": f"mentee{i}@example.org",
                "mentee_name": f"Mentee {i}", "mentor_email": f"mentor{i}@example.org",
                "mentor_name": f"Mentor {i}", "start": START, "term_start": START,
                "term_end": "2027-10-01", "renewals": 0}
        out.append({**base, **row})
    return pd.DataFrame(out)


def meets(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["pair_id", "on_date", "status", "cancelled_by"])


NONE = meets()


#: The rules these dated fixtures were written for (the handbook's year rules have their own
#: fixtures in test_year.py).
FIRST_RULES = AlertRules(enabled=("no_first_meeting", "behind_pace", "cancellations",
                                  "term_ending", "mentor_all_withdrew"))


def rules_fired(p, m, today, rules=FIRST_RULES):
    found = check_pairs(p, m, today, rules)
    return found[["rule", "pair_id"]].astype(str).to_numpy().tolist()


@pytest.mark.parametrize(("today", "meetings", "expected"), [
    ("2026-11-11", NONE, []),                                  # 41 days: not yet
    ("2026-11-12", NONE, [["no_first_meeting", "1"]]),         # 6 weeks exactly
    ("2026-11-12", meets((1, "2026-10-20", "cancelled", "mentor")),
     [["no_first_meeting", "1"]]),                            # a cancelled one does not count
    ("2026-11-12", meets((1, "2026-10-20", "held", "")), []),
    ("2026-11-12", meets((1, "2026-11-20", "held", "")), [["no_first_meeting", "1"]]),  # later
])
def test_no_first_meeting_within_six_weeks(today, meetings, expected):
    assert rules_fired(pairs({"status": "proposed"}), meetings, today) == expected


def test_the_first_meeting_rule_is_configurable():
    p = pairs({"status": "proposed"})
    assert rules_fired(p, NONE, "2026-10-29", AlertRules(first_meeting_weeks=4)) == [
        ["no_first_meeting", "1"]]


@pytest.mark.parametrize(("today", "held", "expected"), [
    ("2027-01-31", ["2026-10-20"], []),                         # before month 4: fine
    ("2027-02-01", ["2026-10-20"], []),                         # 1 by month 4
    ("2027-05-31", ["2026-10-20"], []),
    ("2027-06-01", ["2026-10-20"], [["behind_pace", "1"]]),     # only 1 by month 8
    ("2027-06-01", ["2026-10-20", "2027-03-01"], []),
    ("2027-10-01", ["2026-10-20", "2027-03-01"], [["behind_pace", "1"], ["term_ending", "1"]]),
])
def test_behind_the_pace_of_three_meetings_a_year(today, held, expected):
    m = meets(*[(1, d, "held", "") for d in held])
    assert rules_fired(pairs({}), m, today) == expected


def test_pace_is_not_repeated_for_a_pair_that_never_met_and_counts_the_current_term():
    assert rules_fired(pairs({}), NONE, "2027-06-01") == [["no_first_meeting", "1"]]
    renewed = pairs({"status": "renewed", "renewals": 1, "term_start": "2027-10-01",
                     "term_end": "2028-10-01"})
    last_year = meets(*[(1, d, "held", "") for d in ("2026-11-01", "2027-02-01", "2027-05-01",
                                                     "2027-08-01")])
    assert rules_fired(renewed, last_year, "2028-02-01") == [["behind_pace", "1"]]
    detail = check_pairs(renewed, last_year, "2028-02-01")["detail"].iloc[0]
    assert detail == ("You have held 0 meeting(s) this term; the pace asks for 1 by month 4.")


def test_a_custom_pace():
    m = meets((1, "2026-10-20", "held", ""))
    custom = AlertRules(pace=((2, 1), (4, 2)))
    assert rules_fired(pairs({}), m, "2027-02-01", custom) == [["behind_pace", "1"]]


@pytest.mark.parametrize(("statuses", "n", "expected"), [
    (["held", "cancelled", "cancelled"], 2, [["cancellations", "1"]]),
    (["cancelled", "cancelled", "held"], 2, []),
    (["held", "cancelled"], 2, []),
    (["cancelled", "cancelled"], 3, []),
    (["cancelled", "cancelled", "cancelled"], 3, [["cancellations", "1"]]),
])
def test_cancellations_in_a_row(statuses, n, expected):
    days = ["2026-10-20", "2026-12-01", "2027-01-10"]
    m = meets(*[(1, d, s, "mentee" if s == "cancelled" else "")
                for d, s in zip(days, statuses, strict=False)])
    assert rules_fired(pairs({}), m, "2027-01-20", AlertRules(cancellations_in_a_row=n,
                                                              enabled=("cancellations",))
                       ) == expected


@pytest.mark.parametrize(("today", "row", "expected_detail"), [
    ("2027-08-31", {}, None),
    ("2027-09-01", {}, "The term ends on 1 Oct 2027 (in 30 days). Ask both whether they want "
                       "to renew."),
    ("2027-10-11", {}, "The term ended on 1 Oct 2027, 10 days ago, with no decision recorded. "
                       "Ask both whether they want to renew."),
    ("2028-09-15", {"status": "renewed", "renewals": 1, "term_start": "2027-10-01",
                    "term_end": "2028-10-01"},
     "The term ends on 1 Oct 2028 (in 16 days). Ask both whether they want to renew."),
    # (renewals have no cap by default; with a cap, see test_year.py)
    ("2027-09-15", {"status": "proposed"}, None),
])
def test_term_ending_within_thirty_days(today, row, expected_detail):
    found = check_pairs(pairs(row), NONE, today, AlertRules(enabled=("term_ending",)))
    if expected_detail is None:
        assert found.empty
    else:
        assert found["detail"].tolist() == [expected_detail]


def test_a_mentor_whose_mentees_all_withdrew():
    p = pairs({"status": "withdrawn", "mentor_email": "m@example.org", "mentor_name": "M"},
              {"status": "withdrawn", "mentor_email": "m@example.org", "mentor_name": "M"},
              {"status": "withdrawn", "mentor_email": "n@example.org", "mentor_name": "N"},
              {"status": "active", "mentor_email": "n@example.org", "mentor_name": "N"})
    rules = AlertRules(enabled=("mentor_all_withdrew",))
    found = check_pairs(p, NONE, "2026-12-01", rules)
    assert found[["mentor_email", "recipients"]].to_numpy().tolist() == [
        ["m@example.org", "mentor"]]
    assert found["pair_id"].isna().all()
    assert check_pairs(p, NONE, "2026-12-01", AlertRules(
        enabled=("mentor_all_withdrew",), mentor_withdrawals_min=3)).empty


def test_finished_and_future_pairs_raise_no_pair_warnings():
    p = pairs({"status": "ended"}, {"status": "proposed", "start": "2027-05-01",
                                    "term_start": "2027-05-01"})
    assert check_pairs(p, NONE, "2027-03-01").empty


# -- each rule alone, and the rules together ---------------------------------------------------
REVIEWED = {"last_review": "2027-04-15"}
YEAR = pairs(
    {**REVIEWED},                                               # 1: never met
    {**REVIEWED},                                               # 2: one meeting only
    {**REVIEWED},                                               # 3: two cancellations in a row
    {"start": "2026-06-15", "term_start": "2026-06-15",         # 4: term ends soon
     "term_end": "2027-06-15", **REVIEWED},
    {"status": "withdrawn", "mentor_email": "m5@example.org",   # 5: its mentor's only pair,
     "open_concerns": 1, "next_follow_up": "2027-05-01"},       #    a concern to follow up
    {"start": "2026-11-15", "term_start": "2026-11-15",         # 6: month 6 was on 2027-05-15,
     "term_end": "2027-11-15", "open_concerns": 1,              #    no mid-term review yet
     "next_follow_up": "2027-07-01"},
    {**REVIEWED},                                               # 7: the mentee keeps cancelling
)
YEAR_MEETINGS = meets(
    (2, "2026-10-20", "held", ""),
    (3, "2026-10-20", "held", ""), (3, "2027-01-10", "held", ""),
    (3, "2027-03-01", "cancelled", "mentor"), (3, "2027-04-01", "cancelled", "mentee"),
    (4, "2026-07-01", "held", ""), (4, "2026-11-01", "held", ""), (4, "2027-02-01", "held", ""),
    (6, "2026-11-20", "held", ""), (6, "2027-02-01", "held", ""),
    (7, "2026-11-01", "held", ""), (7, "2026-12-01", "cancelled", "mentee"),
    (7, "2027-01-05", "cancelled", "mentee"), (7, "2027-02-01", "held", ""),
    (7, "2027-03-01", "cancelled", "mentee"),
)
YEAR_DAY = "2027-06-01"
ALONE = {
    "no_first_meeting": [1],
    "behind_pace": [1, 2],
    "cancellations": [3],
    "term_ending": [4],
    "mentor_all_withdrew": [None],
    "one_side_cancels": [7],
    "mid_term_review": [6],
    "concern_follow_up": [5],
}


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_alone(rule):
    found = RULE_CHECKS[rule](YEAR, YEAR_MEETINGS, YEAR_DAY, AlertRules())
    assert list(found.columns) == WARNING_COLUMNS
    assert (found["rule"] == rule).all()
    assert [None if pd.isna(p) else int(p) for p in found["pair_id"]] == ALONE[rule]
    pd.testing.assert_frame_equal(
        found, check_pairs(YEAR, YEAR_MEETINGS, YEAR_DAY, AlertRules(enabled=(rule,))))


def test_the_rule_functions_are_the_rules():
    assert list(RULE_CHECKS) == list(RULES)
    assert [RULE_CHECKS[r] for r in RULES] == [no_first_meeting, behind_pace, cancellations,
                                               term_ending, mentor_all_withdrew,
                                               one_side_cancels, mid_term_review,
                                               concern_follow_up]


@pytest.mark.parametrize("enabled", [
    tuple(r for i, r in enumerate(RULES) if mask >> i & 1) for mask in range(1, 2 ** len(RULES))])
def test_rules_together_warn_of_what_each_finds_alone_and_never_twice(enabled):
    found = check_pairs(YEAR, YEAR_MEETINGS, YEAR_DAY, AlertRules(enabled=enabled))
    expected = [[rule, pid] for rule in RULES if rule in enabled for pid in ALONE[rule]
                if not (rule == "behind_pace" and "no_first_meeting" in enabled
                        and pid in ALONE["no_first_meeting"])]
    assert [[r, None if pd.isna(p) else int(p)] for r, p in
            zip(found["rule"], found["pair_id"], strict=True)] == expected


def test_switching_off_the_first_meeting_rule_keeps_warning_pairs_that_never_met():
    never_met = pairs({"status": "proposed"})
    assert rules_fired(never_met, NONE, "2027-06-01") == [["no_first_meeting", "1"]]
    without = AlertRules(enabled=tuple(r for r in RULES if r != "no_first_meeting"))
    assert rules_fired(never_met, NONE, "2027-06-01", without) == [["behind_pace", "1"]]
    detail = check_pairs(never_met, NONE, "2027-06-01", without)["detail"].iloc[0]
    assert detail == "You have held 0 meeting(s) this term; the pace asks for 2 by month 8."


def test_no_rule_warns_without_pairs():
    empty = pd.DataFrame(columns=list(YEAR.columns))
    for rule, check in RULE_CHECKS.items():
        found = check(empty, YEAR_MEETINGS, YEAR_DAY, AlertRules())
        assert found.empty and list(found.columns) == WARNING_COLUMNS, rule
    assert check_pairs(YEAR, meets(), YEAR_DAY, AlertRules(
        enabled=("cancellations",))).empty


def test_rule_settings_are_checked():
    with pytest.raises(SettingsError, match="Unknown warning rule"):
        AlertRules(enabled=("no_first_meeting", "moon_phase"))
    with pytest.raises(SettingsError, match="'term_end_days' must be a whole number"):
        AlertRules(term_end_days=0)
    with pytest.raises(SettingsError, match="The pace must list"):
        AlertRules(pace=())
    described = AlertRules(term_end_days=45).describe()
    assert list(described["rule"]) == list(RULES)
    assert "45 days" in described.set_index("rule").loc["term_ending", "checks"]


# -- on a store, with messages -----------------------------------------------------------------
def test_every_rule_fires_on_the_sample_year(sample_dir, tmp_path):
    with sample_store(tmp_path / "s.sqlite", sample_dir) as store:
        save_meetings(store, read_meetings(sample_dir / "meetings.csv", store, SAMPLE_TODAY))
        record_sample_withdrawals(store, sample_dir)
        # The sample has no concern, nobody cancels three times, and its pairs reached month
        # 6 in the spring: add a concern, lower the bar, widen the review prompt's window.
        add_concern(store, 1, "other", "a private note", "2027-03-01", "2027-04-01",
                    today=SAMPLE_TODAY)
        found = check_store(store, SAMPLE_TODAY, AlertRules(one_side_cancellations=2,
                                                            mid_term_window_days=120))
        assert set(found["rule"]) == set(RULES)
        drafts = draft_messages(found, pair_table(store))
    assert drafts.str.startswith("Subject: ").all()
    assert not drafts.str.contains(r"\{\w+\}", regex=True).any()
    first = found.index[0]
    assert f"Dear {found.loc[first, 'mentee_name'].split()[0]} and" in drafts[first]


def test_drafts_use_the_leads_own_templates(tmp_path):
    (tmp_path / "alert_cancellations.txt").write_text(
        "Hello {mentee_first_name} and {mentor_name}, {{see you}}.", encoding="utf-8")
    templates = read_alert_templates(tmp_path)
    assert templates["no_first_meeting"].text == read_alert_templates()["no_first_meeting"].text
    w = pd.DataFrame({"rule": ["cancellations"], "pair_id": [1], "mentee_name": ["Ada One"],
                      "mentor_name": ["Ed Mentor"], "detail": [""], "since": [""]})
    assert draft_messages(w, templates=templates).tolist() == [
        "Hello Ada and Ed Mentor, {see you}."]
    with pytest.raises(SettingsError, match=re.escape(missing_folder_message(
            tmp_path / "missing"))):
        read_alert_templates(tmp_path / "missing")


def test_a_placeholder_the_messages_do_not_know_is_refused_before_drafting(tmp_path):
    (tmp_path / "alert_term_ending.txt").write_text("Dear {mentee_frist_name},",
                                                    encoding="utf-8")
    with pytest.raises(SettingsError, match=r"uses \{mentee_frist_name\}, which is not a "
                                            r"placeholder here \(did you mean "
                                            r"\{mentee_first_name\}\?\)"):
        read_alert_templates(tmp_path)


def test_a_leads_copy_with_the_old_placeholders_still_works_with_a_notice(tmp_path, capsys):
    old = "Subject: Hello\n\nDear {mentee_first} and {mentor_first},\n"
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "alert_no_first_meeting.txt").write_text(old, encoding="utf-8")
    templates = read_alert_templates(folder)
    source = templates["no_first_meeting"].source
    assert templates["no_first_meeting"].notices == [
        legacy_placeholder_notice(source, "mentee_first"),
        legacy_placeholder_notice(source, "mentor_first")]
    assert "write {mentee_first_name} from now on" in templates["no_first_meeting"].notices[0]
    assert not templates["cancellations"].notices
    w = pd.DataFrame({"rule": ["no_first_meeting"], "pair_id": [1], "mentee_name": ["Ada One"],
                      "mentor_name": ["Ed Mentor"], "detail": [""], "since": [""]})
    assert draft_messages(w, templates=templates).iloc[0].splitlines()[2] == (
        "Dear Ada and Ed,")
    with make_store(tmp_path):
        pass
    assert main(["status", "--store", str(tmp_path / "scheme.sqlite"), "--today", "2026-12-01",
                 "--drafts", "--templates", str(folder)]) == 0
    printed = capsys.readouterr()
    assert f"Note: {templates['no_first_meeting'].notices[0]}" in printed.err
    assert "Dear Ada and Ed,\n" in printed.out


def test_the_shipped_templates_use_the_introductions_placeholder_names():
    for name, template in read_alert_templates().items():
        assert not template.notices, name
        assert {"mentee_first", "mentor_first"}.isdisjoint(template.fields), name
    assert "mentor_first_name" in read_alert_templates()["mentor_all_withdrew"].fields


def test_status_table_and_the_status_command(tmp_path, capsys):
    with make_store(tmp_path) as store:
        table = status_table(store, "2026-12-01")
        assert table["held"].tolist() == [0, 0, 0]
        assert table.loc[0, "mentee_name"] == "Ada One"
        drafted = warnings_with_messages(store, "2026-12-01")
        assert drafted["pair_id"].tolist() == [1, 3, 2]
        assert drafted["message"].str.split("\n").str[2].tolist() == [
            "Dear Ada and Ed,", "Dear Cy and Ed,", "Dear Bea and Flo,"]
    code = main(["status", "--store", str(tmp_path / "scheme.sqlite"), "--today", "2026-12-01",
                 "--drafts"])
    out = capsys.readouterr().out
    assert code == 0
    assert "3 running pair(s)" in out
    assert "No first meeting (3)" in out
    assert "pair 1: Ada One with Ed Mentor" in out
    assert "Dear Ada and Ed," in out
    assert main(["status", "--store", str(tmp_path / "scheme.sqlite"), "--today",
                 "2026-10-02"]) == 0
    assert "No warnings on 2 Oct 2026" in capsys.readouterr().out
    assert main(["status", "--store", str(tmp_path / "scheme.sqlite"), "--today", "soon"]) == 2
    assert "'today' must be a date" in capsys.readouterr().err


def test_the_status_command_never_changes_the_store(tmp_path, capsys):
    with make_store(tmp_path):
        pass
    path = tmp_path / "scheme.sqlite"
    before = path.read_bytes()
    assert main(["status", "--store", str(path), "--today", "2026-12-01", "--drafts"]) == 0
    assert "3 running pair(s)" in capsys.readouterr().out
    assert path.read_bytes() == before


def test_settings_from_a_file_drive_the_status_command(tmp_path, capsys):
    settings = tmp_path / "settings.json"
    settings.write_text('{"first_meeting_weeks": 20, "term_months": 6}', encoding="utf-8")
    rules, lifecycle = read_relationship_settings(settings)
    assert (rules.first_meeting_weeks, lifecycle.term_months) == (20, 6)
    with make_store(tmp_path):
        pass
    store = str(tmp_path / "scheme.sqlite")
    assert main(["status", "--store", store, "--today", "2026-12-01", "--settings",
                 str(settings)]) == 0
    assert "No warnings" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text('{"weeks": 3}', encoding="utf-8")
    assert main(["status", "--store", store, "--settings", str(tmp_path / "bad.json")]) == 2
    assert "'weeks' is not a setting" in capsys.readouterr().err
    with pytest.raises(SettingsError, match=re.escape(bad_pace_message())):
        read_relationship_settings({"pace": [4, 1]})
    assert read_relationship_settings(None) == (AlertRules(), Lifecycle())


def test_warnings_read_day_first_while_their_date_column_stays_iso():
    # The lead reads "1 Oct 2026"; the CSV's `since` column keeps ISO dates for scripts.
    found = check_pairs(pairs({}, {"term_end": "2026-11-20"}), NONE, "2026-11-30")
    assert set(found["rule"]) == {"no_first_meeting", "term_ending"}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) for s in found["since"])
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", d) for d in found["detail"])
    assert "Paired on 1 Oct 2026" in " ".join(found["detail"])
    assert "The term ended on 20 Nov 2026" in " ".join(found["detail"])
