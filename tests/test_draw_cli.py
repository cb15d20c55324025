"""The ``draw`` command: the contract scripts and checks rely on."""

from __future__ import annotations

import email
import subprocess
import sys
from email.policy import default

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.unmentoring.draw import default_seed
from toolkit.unmentoring.history import read_history
from toolkit.unmentoring.service import load_history, load_rounds


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
