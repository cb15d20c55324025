"""Erasure on request and purge after the retention period: nothing left, numbers unchanged."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import sqlite3
import tempfile
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import toolkit.store.erasure as erasure_store
from toolkit.cli.main import main
from toolkit.demo.sample import sample_store
from toolkit.errors import SettingsError
from toolkit.evaluation.report import build_report
from toolkit.privacy.erase import erase_person
from toolkit.privacy.retention import select_expired
from toolkit.privacy.settings import read_retention_months
from toolkit.relationships.settings import read_relationship_settings
from toolkit.store.concerns import load_concerns, save_concern
from toolkit.store.connection import Store, query
from toolkit.store.erasure import ERASED_DOMAIN, ERASED_TEXT, load_erasures
from toolkit.store.pairs import load_pairs, save_pairs, save_status_changes
from toolkit.store.people import save_signups
from toolkit.unmentoring.history import append_history, read_rounds_log, rounds_log_path
from toolkit.widgets.privacy import ErasurePanel

# -- helpers --------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line; return its exit status, standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def raw_bytes(store_path: Path) -> bytes:
    """The store file's bytes and those of anything SQLite keeps beside it, lower case."""
    files = [store_path, *(store_path.with_name(store_path.name + s)
                           for s in ("-journal", "-wal", "-shm"))]
    return b"".join(p.read_bytes() for p in files if p.exists()).lower()


def dump(store_path: Path) -> list[str]:
    """Every row of every table, as SQL text (compares two stores' contents)."""
    conn = sqlite3.connect(store_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def copy_year(demo_run, folder: Path) -> tuple[Path, Path]:
    """A copy of the demo's store (a whole synthetic year) and of its draw history."""
    store = shutil.copy(demo_run.output("store"), folder / "scheme.sqlite")
    history = shutil.copy(demo_run.output("draw history"), folder / "history.csv")
    return Path(store), Path(history)


def report_files(store: Path, out: Path, participants: Path) -> dict[str, bytes]:
    """Build the year-end report and return its tables and page (the date line removed)."""
    result = build_report(store, out, cohort="2026", participants=participants, progress=False)
    files = {p.name: p.read_bytes() for p in result.tables.values()}
    page = result.html.read_text(encoding="utf-8")
    files["report.html"] = re.sub(r"\d{1,2} [A-Z][a-z]+ \d{4}", "DATE", page).encode()
    return files


@pytest.fixture(scope="module")
def busy_person(demo_run) -> dict[str, str]:
    """Someone of the demo year who is in a pair, in draws, answered the survey and asked for
    coaching: the person found in the most places."""
    conn = sqlite3.connect(demo_run.output("store"))
    try:
        email, name = conn.execute("""
            SELECT p.email, p.name FROM people p ORDER BY
              (SELECT COUNT(*) > 0 FROM pairs WHERE mentee_email = p.email
                                                OR mentor_email = p.email)
            + (SELECT COUNT(*) > 0 FROM draws WHERE email = p.email)
            + (SELECT COUNT(*) > 0 FROM feedback WHERE respondent = p.email)
            + (SELECT COUNT(*) > 0 FROM coaching_requests WHERE email = p.email) DESC,
              p.email LIMIT 1""").fetchone()
        same_name = conn.execute("SELECT COUNT(*) FROM people WHERE name = ?",
                                 (name,)).fetchone()[0]
    finally:
        conn.close()
    assert same_name == 1
    return {"email": email, "name": name}


# -- the erase command on a whole year ---------------------------------------------------------


def test_erase_leaves_no_byte_of_the_address_or_the_name(demo_run, busy_person, tmp_path):
    store, history = copy_year(demo_run, tmp_path)
    email, name = busy_person["email"], busy_person["name"]
    before = raw_bytes(store)
    assert email.encode() in before and name.lower().encode() in before
    assert email in history.read_text()

    typed = " " + email.upper() + " "  # any case, stray spaces: still the same person
    code, out, _ = run("erase", "--store", str(store), "--email", typed,
                       "--history", str(history))

    assert code == 0
    assert "Erased 1 person(s)" in out
    for table in ("people", "pairs", "draws", "feedback", "coaching_requests"):
        assert re.search(rf"^  {table}: [1-9]\d* row\(s\)$", out, re.M), (table, out)
    assert "UnMentoring history file" in out
    after = raw_bytes(store)
    assert email.encode() not in after
    assert name.lower().encode() not in after
    assert not store.with_name(store.name + "-journal").exists()
    assert email not in history.read_text().lower()
    assert email not in out.lower() and name.lower() not in out.lower()


def test_erase_keeps_the_rows_and_removes_free_text(demo_run, busy_person, tmp_path):
    store, history = copy_year(demo_run, tmp_path)
    email = busy_person["email"]
    counts_sql = {t: f"SELECT COUNT(*) AS n FROM {t}" for t in (
        "people", "signups", "pairs", "pair_events", "meetings", "draws", "feedback",
        "coaching_requests", "coaching_objectives")}
    with Store(store) as s:
        counts = {t: int(query(s, q)["n"].iloc[0]) for t, q in counts_sql.items()}
        answers = query(s, "SELECT question, answer FROM feedback WHERE respondent = ? "
                           "ORDER BY id", (email,))
        erase_person(s, email, history=history)
        counts_after = {t: int(query(s, q)["n"].iloc[0]) for t, q in counts_sql.items()}
        token = query(s, "SELECT email FROM people WHERE email LIKE ?",
                      (f"%@{ERASED_DOMAIN}",))["email"].tolist()
        assert len(token) == 1
        person = query(s, "SELECT name, line_manager_email, department FROM people "
                          "WHERE email = ?", (token[0],)).iloc[0]
        answers_after = query(s, "SELECT question, answer FROM feedback WHERE respondent = ? "
                                 "ORDER BY id", (token[0],))
        drawn = set(query(s, "SELECT round FROM draws WHERE email = ?", token)["round"])
    assert counts_after == counts
    assert person["name"] == "" and person["line_manager_email"] is None
    assert person["department"]  # kept: the report counts by department
    free = answers["question"].str.startswith("Is there anything else")
    assert len(answers_after) == len(answers)
    assert (answers_after.loc[~free, "answer"].to_numpy()
            == answers.loc[~free, "answer"].to_numpy()).all()  # scale answers kept
    assert set(answers_after.loc[free, "answer"]) <= {ERASED_TEXT, ""}
    rewritten = pd.read_csv(history, dtype=str)
    assert rewritten.columns.tolist() == ["round", "group", "email"]
    assert set(rewritten.loc[rewritten["email"] == token[0], "round"]) == drawn  # same token


def test_last_years_report_keeps_its_numbers(demo_run, busy_person, tmp_path):
    store, _ = copy_year(demo_run, tmp_path)
    participants = demo_run.folder / "out" / "sample_data" / "unmentoring.csv"
    before = report_files(store, tmp_path / "before", participants)
    code, _, _ = run("erase", "--store", str(store), "--email", busy_person["email"])
    assert code == 0
    after = report_files(store, tmp_path / "after", participants)
    assert after.keys() == before.keys()
    changed = [name for name in before if before[name] != after[name]]
    # Erasure removes the person's line-manager link, as it must: the network's ties from
    # line management ("before the scheme", and so "now") may lose that one tie. Every other
    # number, and every tie the scheme made, stays exactly as it was.
    assert set(changed) <= {"network-metrics.csv", "report.html"}
    metrics = {k: pd.read_csv(io.BytesIO(v[name]), dtype=str).set_index("Measure")
               for k, v in (("before", before), ("after", after))
               for name in ["network-metrics.csv"]}
    assert metrics["before"]["Made by the scheme"].equals(metrics["after"]["Made by the scheme"])
    ties = {k: int(m.loc["Ties between people", "Before the scheme"]) for k, m in metrics.items()}
    assert 0 <= ties["before"] - ties["after"] <= 5  # one link, published rounded to 5
    outside_network = {k: re.sub(r'<section id="network">.*?</section>', "", v["report.html"]
                                 .decode(), flags=re.S) for k, v in (("b", before), ("a", after))}
    assert outside_network["b"] == outside_network["a"]


def test_the_erasure_is_logged_without_saying_who(demo_run, busy_person, tmp_path):
    store, _ = copy_year(demo_run, tmp_path)
    run("erase", "--store", str(store), "--email", busy_person["email"])
    with Store(store) as s:
        log = load_erasures(s)
        rows = query(s, "SELECT * FROM erasures")
    assert len(log) == 1
    entry = log.iloc[0]
    assert entry["kind"] == "erase" and entry["people"] == 1
    per_table = json.loads(entry["per_table"])
    assert entry["rows_changed"] == sum(per_table.values()) > 0
    text = rows.to_csv().lower()
    assert busy_person["email"] not in text and busy_person["name"].lower() not in text
    assert ERASED_DOMAIN not in text  # not even the anonymous address


def test_the_rounds_log_beside_the_history_loses_the_address_too(tmp_path):
    with Store(tmp_path / "s.sqlite"):
        pass
    history = tmp_path / "draws.csv"
    history.write_text("round,group,email\nr1,1,ada@example.org\nr1,1,bo@example.org\n")
    log = tmp_path / "draws.rounds.csv"
    log.write_text('round,seed,week,settings\nr1,7,2026-10-05,"{""locks"": '
                   '[[""ada@example.org"", ""bo@example.org""]]}"\n')
    code, out, _ = run("erase", "--store", str(tmp_path / "s.sqlite"), "--email",
                       "Ada@Example.org", "--history", str(history))
    assert code == 0 and "UnMentoring history file: 1 row(s)" in out
    rows = pd.read_csv(history, dtype=str)
    assert rows["email"].str.endswith(ERASED_DOMAIN).tolist() == [True, False]
    assert "ada@example.org" not in log.read_text() and "bo@example.org" in log.read_text()
    assert rows.loc[0, "email"] in log.read_text()  # the same anonymous address
    code, _, err = run("erase", "--store", str(tmp_path / "s.sqlite"), "--email",
                       "bo@example.org", "--history", str(tmp_path / "missing.csv"))
    assert code == 2 and "does not exist" in err
    assert "bo@example.org" in history.read_text()


def test_nobody_with_that_address_changes_nothing(demo_run, tmp_path):
    store, history = copy_year(demo_run, tmp_path)
    before, history_before = store.read_bytes(), history.read_bytes()
    code, out, _ = run("erase", "--store", str(store), "--email", "nobody.here@example.org",
                       "--history", str(history))
    assert code == 1
    assert "nothing was changed" in out
    assert store.read_bytes() == before and history.read_bytes() == history_before


@pytest.mark.parametrize("content", [None, b"", b"not a database at all"])
def test_a_store_that_cannot_be_used_exits_2_and_is_left_alone(tmp_path, content):
    path = tmp_path / "scheme.sqlite"
    if content is not None:
        path.write_bytes(content)
    code, _, err = run("erase", "--store", str(path), "--email", "ada@example.org")
    assert code == 2
    assert "Error:" in err and "Traceback" not in err
    assert path.exists() == (content is not None)
    if content is not None:
        assert path.read_bytes() == content


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE people (email TEXT)")
    conn.execute("INSERT INTO people VALUES ('ada@example.org')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    code, _, err = run("erase", "--store", str(path), "--email", "ada@example.org")
    assert code == 2 and "not a scheme store" in err
    assert path.read_bytes() == before


def test_an_address_that_is_not_one_is_refused(tmp_path):
    with Store(tmp_path / "s.sqlite"):
        pass
    code, _, err = run("erase", "--store", str(tmp_path / "s.sqlite"), "--email", "Ada")
    assert code == 2 and "not an e-mail address" in err


def test_a_failed_erasure_leaves_the_store_unchanged(demo_run, busy_person, tmp_path,
                                                     monkeypatch):
    store, _ = copy_year(demo_run, tmp_path)
    before = dump(store)

    def fail(*_args, **_kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(erasure_store, "save_erasure_log", fail)  # the last step of the write
    with Store(store) as s, pytest.raises(RuntimeError):
        erase_person(s, busy_person["email"])
    assert dump(store) == before
    assert not store.with_name(store.name + "-journal").exists()


# -- a small store: the places a whole year may not show ------------------------------------


#: A day long after the small store's 2023 cohort ended (its sign-ups are imported today).
LATER = (date.today() + timedelta(days=366 + 30)).isoformat()


def small_store(path: Path) -> Store:
    """Two cohorts: 2023 (pairs that ended in 2024) and 2026 (pairs still running)."""
    store = Store(path)
    people = pd.DataFrame({
        "email": ["zoë@example.org", "old.mentee@example.org", "old.mentor@example.org",
                  "new.mentee@example.org", "both.years@example.org", "nada@example.org"],
        "name": ["Zoë Quill", "Orla Mentee", "Otto Mentor", "Nina Mentee", "Bea Twice",
                 "Nada Near"],
        "department": ["A", "B", "C", "A", "B", "C"], "grade": ["Grade 7"] * 6,
        "level": [2] * 6, "role": ["mentee", "mentee", "mentor", "mentee", "mentor", "mentee"],
        "line_manager_email": ["old.mentor@example.org", None, None, "zoë@example.org", None,
                               None],
        "capacity": [1] * 6, "topics": [""] * 6, "meeting_mode": ["either"] * 6,
        "gender": ["woman"] * 6, "mentor_gender_preference": [""] * 6,
        "Anything else?": ["I am Zoë, I love chess", "", "", "", "", ""],
        "Ethnicity": ["Asian", "Asian", "White", "White", "Asian", "White"],
    })
    save_signups(store, people.iloc[[0, 1, 2, 4]], "2023")
    save_signups(store, people.iloc[[3, 4, 5]], "2026")
    old = save_pairs(store, pd.DataFrame({
        "mentee_email": ["zoë@example.org", "old.mentee@example.org"],
        "mentor_email": ["old.mentor@example.org", "both.years@example.org"]}), "2023",
        settings={"locks": [["zoë@example.org", "old.mentor@example.org"]]},
        start_date="2023-10-01")
    save_status_changes(store, pd.DataFrame([
        {"pair_id": pid, "from_status": "proposed", "to_status": "ended",
         "start_date": "2023-10-01", "term_end": "2024-10-01", "renewals": 0,
         "on_date": "2024-10-01", "reason": "term over", "note": "Zoë Quill was happy"}
        for pid in old]))
    save_pairs(store, pd.DataFrame({"mentee_email": ["new.mentee@example.org"],
                                    "mentor_email": ["both.years@example.org"]}), "2026",
               start_date="2026-10-01")
    return store


def test_the_address_is_matched_in_any_case_and_unicode_spelling(tmp_path):
    path = tmp_path / "s.sqlite"
    with small_store(path) as store:
        typed = unicodedata.normalize("NFD", "ZOË@Example.org")  # e + combining diaeresis
        summary = erase_person(store, typed)
        assert summary.found
        names = query(store, "SELECT name FROM people ORDER BY name")["name"].tolist()
        managers = query(store, "SELECT line_manager_email FROM people WHERE "
                                "line_manager_email IS NOT NULL")["line_manager_email"]
        extra = query(store, "SELECT extra FROM people WHERE name = ''")["extra"].iloc[0]
    data = raw_bytes(path)
    for gone in ("zoë@example.org", "zoë quill", "love chess"):
        assert gone.encode() not in data, gone
    assert b"nada@example.org" in data  # a longer address that contains it is not touched
    assert "" in names and "Nada Near" in names
    assert managers.str.endswith(ERASED_DOMAIN).sum() == 1  # someone she manages: link kept
    assert json.loads(extra)["Ethnicity"] == "Asian"  # an answer others gave too: kept


def test_tables_of_later_versions_are_erased_too(tmp_path):
    path = tmp_path / "s.sqlite"
    small_store(path).close()
    conn = sqlite3.connect(path)  # as a later migration might add
    conn.execute("CREATE TABLE later_log (id INTEGER PRIMARY KEY, pair_id INTEGER, "
                 "raised_by_email TEXT, note TEXT, category TEXT)")
    conn.execute("INSERT INTO later_log VALUES (1, 1, 'old.mentor@example.org', "
                 "'they never turn up', 'attendance')")
    conn.execute("INSERT INTO later_log VALUES (2, 3, 'new.mentee@example.org', "
                 "'busy term', 'attendance')")
    conn.commit()
    conn.close()
    with Store(path) as store:
        summary = erase_person(store, "old.mentor@example.org")
        rows = query(store, "SELECT * FROM later_log ORDER BY id")
    assert summary.per_table["later_log"] == 1
    assert rows["raised_by_email"].iloc[0].endswith(ERASED_DOMAIN)
    assert rows["note"].tolist() == ["", "busy term"]  # only the note on their pair
    assert rows["category"].tolist() == ["attendance", "attendance"]
    assert b"never turn up" not in raw_bytes(path)


def test_the_concern_log_about_their_pair_is_erased(tmp_path):
    path = tmp_path / "s.sqlite"
    small_store(path).close()
    with Store(path) as store:
        pairs = load_pairs(store, scheme="mentoring")
        theirs = pairs.loc[pairs["mentor_email"] == "old.mentor@example.org", "id"].iloc[0]
        other = pairs.loc[pairs["mentor_email"] != "old.mentor@example.org", "id"].iloc[0]
        save_concern(store, int(theirs), "2026-01-10", "attendance", "they never turn up")
        save_concern(store, int(other), "2026-01-11", "attendance", "busy term")
        erase_person(store, "old.mentor@example.org")
        notes = load_concerns(store)["note"].tolist()
    assert sorted(notes) == ["", "busy term"]
    assert b"never turn up" not in raw_bytes(path)


def test_purge_keeps_running_pairs_and_newer_cohorts(tmp_path):
    path = tmp_path / "s.sqlite"
    small_store(path).close()
    code, out, _ = run("purge", "--store", str(path), "--older-than-months", "12",
                       "--today", LATER)
    assert code == 0
    data = raw_bytes(path)
    for gone in (b"zo\xc3\xab@example.org", b"old.mentee@example.org",
                 b"old.mentor@example.org", b"orla mentee", b"otto mentor"):
        assert gone not in data, gone
    for kept in (b"both.years@example.org", b"new.mentee@example.org", b"nada@example.org",
                 b"bea twice"):
        assert kept in data, kept
    assert "Erased 3 person(s)" in out
    assert "Kept 2 person(s): still in a running pair." in out
    assert "Kept 1 person(s): in a cohort that still has running pairs." in out  # unmatched
    with Store(path) as store:
        log = load_erasures(store)
        assert query(store, "SELECT COUNT(*) AS n FROM pairs")["n"].iloc[0] == 3
    assert log["kind"].tolist() == ["purge"] and log["people"].tolist() == [3]


def test_purge_dry_run_and_nothing_old_enough_change_nothing(tmp_path):
    path = tmp_path / "s.sqlite"
    small_store(path).close()
    before = path.read_bytes()
    code, out, _ = run("purge", "--store", str(path), "--months", "12", "--today",
                       LATER, "--dry-run")
    assert code == 0 and "would erase 3 person(s)" in out and "nothing was changed" in out
    assert path.read_bytes() == before
    code, out, _ = run("purge", "--store", str(path), "--months", "36", "--today", LATER)
    assert code == 0 and "nothing was old enough" in out
    assert "took part in a cohort or round that ended within" in out
    assert path.read_bytes() == before


def test_the_retention_period_comes_from_the_scheme_settings_file(tmp_path):
    path = tmp_path / "s.sqlite"
    small_store(path).close()
    settings_file = tmp_path / "settings.json"
    settings_file.write_text(json.dumps({"retention_months": 12, "term_months": 12}))
    _rules, lifecycle = read_relationship_settings(settings_file)  # the same file serves both
    assert lifecycle.term_months == 12
    code, out, _ = run("purge", "--store", str(path), "--settings", str(settings_file),
                       "--today", LATER, "--dry-run")
    assert code == 0 and "would erase 3 person(s)" in out
    code, _, err = run("purge", "--store", str(path))
    assert code == 2 and "No retention period" in err
    with pytest.raises(SettingsError):
        read_retention_months({"retention_months": "two years"})


def test_purge_of_a_store_that_does_not_exist_exits_2(tmp_path):
    code, _, err = run("purge", "--store", str(tmp_path / "none.sqlite"), "--months", "1")
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "none.sqlite").exists()


# -- the notebook panel ---------------------------------------------------------------------


def test_the_panel_erases_only_once_confirmed(tmp_path):
    path = tmp_path / "s.sqlite"
    with small_store(path) as store:
        panel = ErasurePanel(store)
        before = dump(path)
        panel.button.click()  # as a notebook run top to bottom: no address, not confirmed
        panel.address.value = "old.mentee@example.org"
        panel.button.click()  # not confirmed
        assert dump(path) == before and panel.result is None
        assert "Tick the box" in panel.last_message[1]
        panel.confirm.value = True
        panel.button.click()
        assert panel.result.found and panel.last_message[0] == "ok"
        assert not panel.confirm.value and panel.address.value == ""
        assert b"old.mentee@example.org" not in raw_bytes(path)
        panel.address.value = "old.mentee@example.org"
        panel.confirm.value = True
        panel.button.click()
        assert not panel.result.found and panel.last_message[0] == "warning"


# -- properties -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory, sample_dir) -> tuple[Path, pd.DataFrame]:
    """A store of the generated sample scheme (sign-ups and pairs), and its people."""
    path = tmp_path_factory.mktemp("erasure") / "sample.sqlite"
    with sample_store(path, sample_dir) as store:
        people = query(store, "SELECT email, name FROM people ORDER BY email")
    return path, people


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pick=st.integers(min_value=0, max_value=10_000), shout=st.booleans())
def test_any_erased_person_leaves_no_byte_behind(sample_template, pick, shout):
    template, people = sample_template
    person = people.iloc[pick % len(people)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(shutil.copy(template, Path(folder) / "s.sqlite"))
        with Store(path) as store:
            counts = query(store, "SELECT (SELECT COUNT(*) FROM people) AS people, "
                                  "(SELECT COUNT(*) FROM pairs) AS pairs, "
                                  "(SELECT COUNT(DISTINCT mentee_email) FROM pairs) AS mentees")
            typed = person["email"].upper() if shout else person["email"]
            assert erase_person(store, typed).found
            assert query(store, "SELECT (SELECT COUNT(*) FROM people) AS people, "
                                "(SELECT COUNT(*) FROM pairs) AS pairs, "
                                "(SELECT COUNT(DISTINCT mentee_email) FROM pairs) AS mentees"
                         ).equals(counts)
        data = raw_bytes(path)
    assert person["email"].lower().encode() not in data
    if (people["name"] == person["name"]).sum() == 1:  # a namesake keeps their own name
        assert person["name"].lower().encode() not in data


involvement_rows = st.lists(st.tuples(
    st.sampled_from([f"p{i}@example.org" for i in range(8)]),
    st.sampled_from(["2022", "2023", "2024", "2025"]),
    st.sampled_from(["sign-up", "pair", "survey"]), st.booleans()), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(rows=involvement_rows,
       ends=st.lists(st.tuples(st.dates().map(lambda d: d.isoformat()), st.booleans()),
                     min_size=4, max_size=4),
       cutoff=st.dates().map(lambda d: d.isoformat()))
def test_a_purge_never_selects_anyone_still_involved(rows, ends, cutoff):
    involvements = pd.DataFrame(rows, columns=["email", "cohort", "what", "running"])
    involvements["running"] &= involvements["what"] == "pair"
    cohort_ends = pd.DataFrame({"cohort": ["2022", "2023", "2024", "2025"],
                                "last_day": [d for d, _ in ends],
                                "running": [r for _, r in ends]})
    choice = select_expired(involvements, cohort_ends, pd.DataFrame(columns=["email", "day"]),
                            cutoff)
    merged = involvements.merge(cohort_ends, on="cohort", suffixes=("", "_cohort"))
    for email in choice.expired:
        mine = merged[merged["email"] == email]
        assert not mine["running"].any()
        assert not mine["running_cohort"].any()
        assert (mine["last_day"] < cutoff).all()
    assert len(choice.expired) + int(choice.kept.sum()) == involvements["email"].nunique()


def test_a_coach_on_the_approved_list_leaves_no_name_or_address(demo_run, tmp_path):
    store, _ = copy_year(demo_run, tmp_path)
    conn = sqlite3.connect(store)
    try:
        email, name = conn.execute("SELECT email, name FROM coaching_approved "
                                   "ORDER BY email LIMIT 1").fetchone()
    finally:
        conn.close()
    assert name.lower().encode() in raw_bytes(store)  # raw_bytes folds case
    code, _, _ = run("erase", "--store", str(store), "--email", email)
    assert code == 0
    assert email.lower().encode() not in raw_bytes(store)
    assert name.lower().encode() not in raw_bytes(store)


def test_the_seeds_of_the_rounds_still_count_after_erasing_from_the_history(tmp_path):
    path = tmp_path / "s.sqlite"
    small_store(path).close()
    history = tmp_path / "history.csv"
    for k, label in enumerate(["2026-01", "2026-02"]):
        draw = pd.DataFrame({"round": label, "group": [1, 1, 2, 2],
                             "email": ["old.mentor@example.org", "new.mentee@example.org",
                                       "a.other@example.org", "b.other@example.org"]})
        append_history(history, draw, seed=100 + k, week=f"2026-0{k + 1}-05")
    seeds = read_rounds_log(history)
    assert seeds["seed"].tolist() == ["100", "101"]
    code, _, _ = run("erase", "--store", str(path), "--email", "old.mentor@example.org",
                     "--history", str(history))
    assert code == 0
    after = read_rounds_log(history)
    assert after[["round", "seed", "week"]].equals(seeds[["round", "seed", "week"]])
    assert b"old.mentor@example.org" not in history.read_bytes()
    assert b"old.mentor@example.org" not in rounds_log_path(history).read_bytes()


# -- the lead's own files ----------------------------------------------------------------------


def _scheme_files(folder: Path, address: str) -> dict[str, Path]:
    """A scheme folder's own files: two still hold the address, one does not."""
    (folder / "imports").mkdir()
    (folder / "exports").mkdir()
    listed = folder / "imports" / "unmentoring.csv"
    listed.write_text(f"name,email\nSomeone,{address.upper()}\n", encoding="utf-8")
    book = Workbook()
    book.active.append(["mentee_email"])
    book.active.append([address])
    sheet = folder / "exports" / "pairs.xlsx"
    book.save(sheet)
    other = folder / "exports" / "other.csv"
    other.write_text("email\nsomebody.else@example.org\n", encoding="utf-8")
    return {"list": listed, "sheet": sheet, "other": other}


def test_erase_names_the_files_that_still_hold_the_address(tmp_path):
    # The form exports and lists the lead keeps are not rewritten: an erasure that said
    # nothing of them would let the next draw bring the person back.
    path = tmp_path / "s.sqlite"
    small_store(path).close()
    files = _scheme_files(tmp_path, "old.mentee@example.org")
    history = tmp_path / "history.csv"
    history.write_text("round,group,email\n2025-01,1,old.mentee@example.org\n")
    code, out, _ = run("erase", "--store", str(path), "--email", "old.mentee@example.org",
                       "--history", str(history))
    assert code == 0
    assert "2 file(s) outside the store still hold the address" in out
    assert str(files["list"]) in out and str(files["sheet"]) in out
    assert str(files["other"]) not in out and str(history) not in out
    # Nobody in the store, but a file holds the address: still said, and the exit stays 1.
    code, out, _ = run("erase", "--store", str(path), "--email", "old.mentee@example.org",
                       "--look-in", str(tmp_path / "imports"))
    assert code == 1 and "1 file(s) outside the store" in out and str(files["list"]) in out


def test_the_panel_lists_the_files_to_clean_by_hand(tmp_path):
    path = tmp_path / "s.sqlite"
    _scheme_files(tmp_path, "old.mentee@example.org")
    with small_store(path) as store:
        panel = ErasurePanel(store)
        panel.address.value = "old.mentee@example.org"
        panel.confirm.value = True
        panel.button.click()
        assert panel.result.found
        kind, text = panel.last_message
        assert kind == "warning"
        assert text.endswith("back:\nexports/pairs.xlsx\nimports/unmentoring.csv")
