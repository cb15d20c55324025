"""The ``draw`` command: the contract scripts and checks rely on."""

from __future__ import annotations

import csv
import email
import os
import random
import re
import signal
import subprocess
import sys
import time
import warnings
from email.policy import default

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.io.readers import read_table
from toolkit.privacy.erase import erase_person
from toolkit.store.connection import Store
from toolkit.unmentoring.draw import default_seed, draw_round, round_labels
from toolkit.unmentoring.history import read_history, read_rounds_log, rounds_log_path
from toolkit.unmentoring.participants import read_participants
from toolkit.unmentoring.service import load_history, load_rounds, save_round


@pytest.fixture
def roster(sample_dir):
    return sample_dir / "unmentoring.csv"


def _draw(*args: str) -> int:
    return main(["draw", *map(str, args)])


def test_draw_appends_history_and_refuses_the_same_round(roster, tmp_path, capsys):
    history, out = tmp_path / "history.csv", tmp_path / "draw.csv"
    assert _draw(roster, "--round", "2026-10", "--history", history, "--seed", 5,
                 "--out", out) == 0
    assert "seed 5" in capsys.readouterr().out
    draw = pd.read_csv(out)
    assert list(draw.columns) == ["round", "group", "email"]
    active = pd.read_csv(roster).query("paused == 'no'")
    assert sorted(draw["email"]) == sorted(active["email"])
    assert read_history(history).shape == (len(active), 3)
    assert _draw(roster, "--round", "2026-11", "--history", history, "--out", out) == 0
    before = history.read_bytes()
    out_before = out.read_bytes()
    code = _draw(roster, "--round", "2026-11", "--history", history, "--seed", 1,
                 "--out", tmp_path / "other.csv")
    assert code == 1
    assert "Round '2026-11' is already drawn" in capsys.readouterr().err
    assert history.read_bytes() == before
    assert not (tmp_path / "other.csv").exists()
    assert out.read_bytes() == out_before
    assert _draw(roster, "--round", "2026-11", "--history", history, "--out", out,
                 "--redraw") == 0
    assert out.read_bytes() == out_before  # same label, same default seed, same draw
    assert read_history(history)["round"].unique().tolist() == ["2026-10", "2026-11"]
    log = pd.read_csv(tmp_path / "history.rounds.csv")
    assert log[["round", "seed"]].to_numpy().tolist() == [["2026-10", 5],
                                                          ["2026-11", default_seed("2026-11")]]


def test_refused_redraw_in_a_subprocess_leaves_history_untouched(roster, tmp_path):
    history = tmp_path / "history.csv"
    cmd = [sys.executable, "-m", "toolkit", "draw", str(roster), "--round", "r1",
           "--history", str(history), "--out", str(tmp_path / "d.csv")]
    assert subprocess.run(cmd, capture_output=True, check=False).returncode == 0
    before = history.read_bytes()
    again = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert again.returncode == 1
    assert "nothing was changed" in again.stderr and "Traceback" not in again.stderr
    assert history.read_bytes() == before


def test_draw_with_a_store_records_the_seed(roster, tmp_path, capsys):
    store_path, out = tmp_path / "scheme.sqlite", tmp_path / "draw.csv"
    assert _draw(roster, "--round", "2026-10", "--store", store_path, "--seed", 11,
                 "--week", "2026-10-07", "--out", out) == 0
    assert _draw(roster, "--round", "2026-10", "--store", store_path, "--out", out) == 1
    assert "already drawn in the store" in capsys.readouterr().err
    rounds = load_rounds(store_path)
    assert rounds[["round", "seed", "week"]].to_numpy().tolist() == [["2026-10", 11, "2026-10-05"]]
    pd.testing.assert_frame_equal(load_history(store=store_path),
                                  pd.read_csv(out, dtype={"round": str}))


def test_announcements_from_the_command(roster, tmp_path, capsys):
    folder = tmp_path / "announce"
    assert _draw(roster, "--round", "2026-10", "--history", tmp_path / "h.csv", "--out",
                 tmp_path / "d.csv", "--week", "2026-W41", "--announcements", folder,
                 "--ics") == 0
    merge = pd.read_csv(folder / "mail_merge.csv")
    assert list(merge.columns) == ["email", "partner_names", "partner_departments", "week"]
    assert len(list((folder / "drafts").glob("*.eml"))) == len(merge)
    assert len(list((folder / "calendar").glob("*.ics"))) == len(merge) // 2
    assert "Announcements in" in capsys.readouterr().out


@pytest.mark.parametrize(("extra", "message"), [
    (["--week", "next tuesday"], "is not a date or a week"),
    (["--ics", "--announcements", "a"], "--ics needs --week"),
    (["--ics", "--week", "2026-10-05"], "--ics goes with --announcements"),
    (["--round", " "], "round label is empty"),
])
def test_bad_options_are_explained(roster, tmp_path, capsys, extra, message):
    args = [roster, "--round", "r1", "--history", tmp_path / "h.csv", "--out",
            tmp_path / "d.csv", *extra]
    assert _draw(*args) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "h.csv").exists()


def test_history_or_store_is_required(roster, tmp_path):
    with pytest.raises(SystemExit):
        _draw(roster, "--round", "r1", "--out", tmp_path / "d.csv")


def test_a_list_with_problems_draws_nothing(tmp_path, capsys):
    roster = tmp_path / "coffee.csv"
    roster.write_text("name,email,department\nAda,ada@example.org,Maths\nBo,,Physics\n")
    assert _draw(roster, "--round", "r1", "--history", tmp_path / "h.csv", "--out",
                 tmp_path / "d.csv") == 1
    err = capsys.readouterr().err
    assert "The email is empty" in err
    assert not (tmp_path / "h.csv").exists()


def test_unavoidable_repeats_are_allowed_oldest_first_and_said(tmp_path, capsys):
    roster = tmp_path / "coffee.csv"
    roster.write_text("name,email,department\nAda,a@example.org,Maths\nBo,b@example.org,Physics\n")
    history = tmp_path / "h.csv"
    assert _draw(roster, "--round", "r1", "--history", history, "--out", tmp_path / "1.csv") == 0
    assert _draw(roster, "--round", "r2", "--history", history, "--out", tmp_path / "2.csv") == 0
    err = capsys.readouterr().err
    assert "1 pair(s) met before" in err and "oldest pairings were allowed first" in err
    assert "round(s) r1" in err


def test_an_older_template_still_works_with_a_notice(roster, tmp_path, capsys):
    template = tmp_path / "old.txt"
    template.write_text("Subject: Coffee ($round)\nHi $first_name, meet $partners $week.\n")
    folder = tmp_path / "announce"
    assert _draw(roster, "--round", "2026-10", "--history", tmp_path / "h.csv", "--out",
                 tmp_path / "d.csv", "--week", "2026-10-07", "--announcements", folder,
                 "--template", template) == 0
    assert "uses the older $name placeholders" in capsys.readouterr().err
    people = pd.read_csv(roster).set_index("email")
    draw = pd.read_csv(tmp_path / "d.csv")
    first = draw["email"].iloc[0]
    partner = draw[(draw["group"] == draw["group"].iloc[0]) & (draw["email"] != first)]
    draft = folder / "drafts" / f"group-001-{first.replace('@', '_')}.eml"
    message = email.message_from_bytes(draft.read_bytes(), policy=default)
    assert message["Subject"] == "Coffee (2026-10)"
    named = " and ".join(f"{people.loc[e, 'name']} ({people.loc[e, 'department']})"
                         for e in partner["email"])
    assert message.get_content().splitlines() == [
        f"Hi {people.loc[first, 'name'].split()[0]}, meet {named} in the week of Monday "
        "5 October 2026."]


def test_a_bad_template_is_refused_before_anything_is_written(roster, tmp_path, capsys):
    template = tmp_path / "mine.txt"
    template.write_text("Subject: Coffee\nDear {firstname},\n")
    assert _draw(roster, "--round", "r1", "--history", tmp_path / "h.csv", "--out",
                 tmp_path / "d.csv", "--announcements", tmp_path / "a", "--template",
                 template) == 2
    assert "{firstname}" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]



# -- issue 12: killed runs, concurrent runs, hostile names, templates ------------------------
def _args(roster, history, label, seed, out):
    return ["draw", str(roster), "--round", label, "--history", str(history), "--seed",
            str(seed), "--out", str(out)]


def _fork_draw(args) -> int:
    """Run ``python -m toolkit draw ARGS`` in a child forked from this (already importing)
    process: the same code as the command, without paying for the imports each time."""
    with warnings.catch_warnings():  # newer Pythons warn about fork in a threaded process
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: run the command, then leave without pytest's clean-up
        code = 3
        try:
            with open(os.devnull, "w") as quiet:
                os.dup2(quiet.fileno(), 1)
                os.dup2(quiet.fileno(), 2)
                code = main(args)
        finally:
            os._exit(code)
    return pid


def _check_consistent(history, active):
    """History and log readable and agreeing; every round whole (everyone once)."""
    drawn = read_history(history)
    labels = round_labels(drawn)
    log = read_rounds_log(history)
    assert log["round"].tolist() == labels  # the same rounds, in the same order
    for label in labels:
        assert sorted(drawn.loc[drawn["round"] == label, "email"]) == active
    return labels


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_sigkill_at_random_moments_never_leaves_history_and_log_apart(roster, tmp_path):
    """SIGKILL ``draw`` at random moments: each round is saved whole with its seed, or not.

    Twenty runs are killed at random delays spread over a whole run (so some die while the
    draw is made, some while the files are written, some after), each followed by a check
    that the history and its log are readable and agree; then one ordinary run of
    ``python -m toolkit draw`` must leave no temporary file and no lock behind.
    """
    history, out = tmp_path / "history.csv", tmp_path / "draw.csv"
    active = sorted(pd.read_csv(roster).query("paused == 'no'")["email"].str.lower())
    started = time.monotonic()
    _, status = os.waitpid(_fork_draw(_args(roster, history, "r00", 0, out)), 0)
    assert os.waitstatus_to_exitcode(status) == 0
    whole_run = time.monotonic() - started
    rng = random.Random(12)
    saved = {"r00"}
    outcomes = set()
    for k in range(1, 21):
        pid = _fork_draw(_args(roster, history, f"r{k:02d}", k, out))
        time.sleep(rng.uniform(0.0, 1.2) * whole_run)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        outcomes.add(os.waitstatus_to_exitcode(status))
        labels = _check_consistent(history, active)
        assert saved <= set(labels)  # a killed run never loses an earlier round
        saved = set(labels)
    assert -signal.SIGKILL in outcomes  # the kills did land
    # The next run sweeps whatever a killed one left: no temporary file, no lock.
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-m", "toolkit",
                           *_args(roster, history, "final", 99, out)],
                          env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    labels = _check_consistent(history, active)
    assert labels[-1] == "final"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draw.csv", "history.csv",
                                                          "history.rounds.csv"]
    raw = pd.read_csv(rounds_log_path(history), dtype=str)
    assert raw["round"].tolist() == labels  # the file itself, not only as read


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_draws_started_together_all_save_their_round(roster, tmp_path):
    history = tmp_path / "history.csv"
    pids = [_fork_draw(_args(roster, history, f"r{k}", k, tmp_path / f"d{k}.csv"))
            for k in range(4)]
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    assert codes == [0, 0, 0, 0]
    drawn = read_history(history)
    assert sorted(round_labels(drawn)) == ["r0", "r1", "r2", "r3"]
    assert sorted(read_rounds_log(history)["seed"].astype(int)) == [0, 1, 2, 3]
    # Each draw knew the rounds saved before it (it held the lock from reading to saving).
    order = round_labels(drawn)
    for k, label in enumerate(order):
        draw = drawn[drawn["round"] == label]
        before = drawn[drawn["round"].isin(order[:k])]
        met = {frozenset(g) for _, g in before.groupby(["round", "group"])["email"]}
        now = {frozenset(g) for _, g in draw.groupby("group")["email"]}
        assert not met & now


def test_a_template_with_a_leftover_dollar_name_saves_nothing(roster, tmp_path, capsys):
    history, folder = tmp_path / "history.csv", tmp_path / "a"
    for subject in ("Coffee with $partner_names", "Coffee with {partner_nmes}"):
        template = tmp_path / "mine.txt"
        template.write_text(f"Subject: {subject}\\nDear {{first_name}},\\n")
        code = _draw(roster, "--round", "r1", "--history", history, "--out",
                     tmp_path / "d.csv", "--week", "2026-10-05", "--announcements", folder,
                     "--template", template)
        err = capsys.readouterr().err
        assert code == 2
        name = subject.split("with ")[1].strip("{}")
        assert name in err and "{partner_names}" in err and "{first_name}" in err
        assert "Traceback" not in err
        assert not history.exists() and not (tmp_path / "d.csv").exists()
        assert not folder.exists()


def test_hostile_names_reach_every_file_harmlessly(tmp_path, capsys):
    """Names a sign-up list accepts (controls are refused there; see test_announcements)."""
    roster = tmp_path / "people.csv"
    pd.DataFrame({
        "name": ["Trent:mailto:evil@example.net", "=HYPERLINK(\"x\")", "Bo;Chen,",
                 'Cy "Q" Diaz', "@Di Evans", "Ed Fox"],
        "email": ["trent@example.org", "eve@example.org", "bo@example.org", "cy@example.org",
                  "di@example.org", "ed@example.net"],
        "department": ["@Maths", "-Physics", "Law", "Music", "Art", "+History"],
    }).to_csv(roster, index=False)
    folder = tmp_path / "a"
    code = _draw(roster, "--round=-r1", "--history", tmp_path / "h.csv", "--out",
                 tmp_path / "d.csv", "--week", "2026-10-05", "--announcements", folder, "--ics")
    assert code == 0, capsys.readouterr().err
    for path in (tmp_path / "d.csv", tmp_path / "h.csv", folder / "mail_merge.csv"):
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert len(rows) == 1 + 6 == 1 + len(frame)
        assert not any(cell.startswith(("=", "+", "-", "@")) and cell != "-r1"
                       for row in rows for cell in row)
    merge = pd.read_csv(folder / "mail_merge.csv", dtype=str)
    # The toolkit's own readers give back exactly what was written.
    assert read_history(tmp_path / "d.csv")["round"].unique().tolist() == ["-r1"]
    assert round_labels(read_history(tmp_path / "h.csv")) == ["-r1"]
    assert set(read_table(folder / "mail_merge.csv").data["partner_names"]) == set(
        pd.read_csv(roster)["name"])
    assert sorted(merge["email"]) == ["bo@example.org", "cy@example.org", "di@example.org",
                                      "ed@example.net", "eve@example.org", "trent@example.org"]
    assert len(list((folder / "drafts").glob("*.eml"))) == 6
    attendees = []
    for ics in (folder / "calendar").glob("*.ics"):
        lines = ics.read_bytes().decode("utf-8").replace("\r\n ", "").split("\r\n")
        for line in (x for x in lines if x.startswith("ATTENDEE")):
            # The name is one quoted parameter (or plain text without : ; , or quotes), and
            # the value after it is the participant's own address.
            match = re.fullmatch(r'ATTENDEE;CN=("[^"]*"|[^":;,]*);ROLE=REQ-PARTICIPANT:'
                                 r"mailto:(\S+)", line)
            assert match, line
            attendees.append(match[2])
    assert sorted(attendees) == sorted(merge["email"])


def _meanwhile(monkeypatch, change):
    """Run ``change`` (another session's work) right after the command draws its round."""
    real = draw_round

    def drawing_then_change(*args, **kwargs):
        drawn = real(*args, **kwargs)
        change()
        return drawn

    monkeypatch.setattr("toolkit.cli.draw.draw_round", drawing_then_change)


def test_a_store_round_drawn_while_another_session_saved_one_is_refused(
        roster, tmp_path, capsys, monkeypatch):
    store_path, out = tmp_path / "scheme.sqlite", tmp_path / "draw.csv"
    assert _draw(roster, "--round", "2026-10", "--store", store_path, "--out", out) == 0
    other = draw_round(read_participants(roster), load_history(store=store_path), seed=3,
                       round_label="2026-11")
    _meanwhile(monkeypatch, lambda: save_round(other, 3, store=store_path))
    assert _draw(roster, "--round", "2026-12", "--store", store_path, "--out", out) == 1
    said = capsys.readouterr().err
    assert "changed since round '2026-12' was drawn" in said and "Draw the round again" in said
    # Only the other session's round was saved: 2026-12 never met knowing who met in 2026-11.
    assert load_rounds(store_path)["round"].tolist() == ["2026-10", "2026-11"]
    monkeypatch.undo()
    assert _draw(roster, "--round", "2026-12", "--store", store_path, "--out", out) == 0


def test_a_store_round_drawn_while_someone_was_erased_never_brings_the_address_back(
        roster, tmp_path, capsys, monkeypatch):
    store_path, out = tmp_path / "scheme.sqlite", tmp_path / "draw.csv"
    assert _draw(roster, "--round", "2026-10", "--store", store_path, "--out", out) == 0
    gone = load_history(store=store_path)["email"].iloc[0]

    def erase():
        with Store(store_path) as store:
            erase_person(store, gone)

    _meanwhile(monkeypatch, erase)
    assert _draw(roster, "--round", "2026-11", "--store", store_path, "--out", out) == 1
    assert "changed since round '2026-11' was drawn" in capsys.readouterr().err
    assert load_rounds(store_path)["round"].tolist() == ["2026-10"]
    assert gone.encode() not in store_path.read_bytes()
