import html
import re

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.errors import StoreError
from toolkit.pairing.introductions import introduction_template, render_introductions
from toolkit.pairing.matching import PAIR_COLUMNS, match_mentors, run_summary
from toolkit.pairing.scoring import DEFAULT_WEIGHTS
from toolkit.pairing.service import MISSING_PAIRING_STORE
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs, save_pairs
from toolkit.widgets.pairing import NO_STORE, PairingPanel

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def store_path(tmp_path):
    """A new, empty scheme store (notebook 01 makes it before pairing)."""
    path = tmp_path / "scheme.sqlite"
    Store(path).close()
    return path


@pytest.fixture
def panel(sample_import, store_path, tmp_path):
    return PairingPanel(sample_import, store=store_path, cohort="2026", out=tmp_path / "export")


def test_starts_with_default_weights_and_a_result(panel):
    result = panel.result
    assert panel.weights == DEFAULT_WEIGHTS
    assert result.settings["weights"] == DEFAULT_WEIGHTS
    assert panel.summary.value == html.escape(run_summary(result))
    table = panel.pairs_view.children[0].value
    assert table.count("<tr") == len(result.pairs) + 1  # the header, then one row a pair
    assert "runner-up" in table and "topics" in table
    assert bytes(panel.score_plot.value).startswith(PNG)
    assert bytes(panel.load_plot.value).startswith(PNG)
    mentee = panel.mentee_picker.value
    assert html.escape(result.explain(mentee)) in panel.explain_view.value
    assert panel.mentor_picker.value == result.pairs.set_index("mentee_email").loc[
        mentee, "mentor_email"]


def test_a_slider_move_rematches_and_shows_what_changed(panel):
    before = panel.result
    panel.sliders["topics"].value = 1.0
    panel.sliders["meeting_mode"].value = 0.0
    assert panel.result is not before
    assert panel.result.settings["weights"]["topics"] == 1.0
    changed = panel.changes[panel.changes["change"] != "same"]
    assert f"{len(changed)} mentee(s) changed mentor" in panel.summary.value
    # Exactly the rows of the mentees whose mentor changed are highlighted.
    style = panel.pairs_view.children[0].value.split("</style>")[0]
    highlighted = {int(r) for r in re.findall(r"_row(\d+)_col", style)}
    moved = set(changed["mentee_email"])
    expected = {i for i, e in enumerate(panel.result.pairs["mentee_email"]) if e in moved}
    assert highlighted == expected and expected


def test_objective_selector(panel):
    coverage = panel.result
    panel.objective.value = "fairness"
    assert panel.result.settings["objective"] == "fairness"
    assert panel.result.pairs["score"].min() >= coverage.pairs["score"].min() - 1e-12
    assert panel.result.totals["matched"] == coverage.totals["matched"]


def test_lock_and_forbid(panel):
    mentee = panel.mentee_picker.value
    mine = panel.result.pairs.set_index("mentee_email").loc[mentee, "mentor_email"]
    assert panel.mentor_picker.value == mine
    eligible = panel.result.eligible
    other = eligible[(eligible["mentee_email"] == mentee)
                     & (eligible["mentor_email"] != mine)]["mentor_email"].iloc[0]
    panel.mentor_picker.value = other
    panel.lock_button.click()
    row = panel.result.pairs.set_index("mentee_email").loc[mentee]
    assert row["mentor_email"] == other and row["origin"] == "locked"
    panel.forbid_button.click()
    assert len(panel.locks) == 0 and len(panel.forbid) == 1
    assert panel.result.pairs.set_index("mentee_email").loc[mentee, "mentor_email"] != other
    panel.clear_button.click()
    assert len(panel.locks) == len(panel.forbid) == 0


def test_a_lock_breaking_a_rule_is_shown_and_not_kept(panel):
    people = panel.people.set_index("email")
    mentee = panel.mentee_picker.value
    same = [m for m in panel.mentor_picker.options
            if people.loc[m, "department"] == people.loc[mentee, "department"]]
    panel.mentor_picker.value = same[0]
    before = panel.result
    panel.lock_button.click()
    kind, text = panel.last_message
    assert kind == "error" and "breaks the rule 'same department'" in text
    assert len(panel.locks) == 0 and panel.result is before


def test_save_and_export(panel, tmp_path):
    ids = panel.save()
    assert len(ids) == len(panel.result.pairs)
    with Store(tmp_path / "scheme.sqlite") as store:
        stored = load_pairs(store, cohort="2026")
    assert len(stored) == len(ids) and set(stored["status"]) == {"proposed"}
    panel.template.value = "Dear {mentor_first_name}, meet {mentee_name}."
    written = panel.export()
    pairs = pd.read_csv(written["pairs"])
    assert list(pairs.columns) == PAIR_COLUMNS
    assert len(pairs) == len(panel.result.pairs)
    drafts = sorted((tmp_path / "export" / "introductions").glob("*.txt"))
    assert len(drafts) == len(pairs)
    people = panel.people.set_index("email")
    first = panel.result.pairs.iloc[0]
    mentor = people.loc[first["mentor_email"], "name"].split()[0]
    mentee = people.loc[first["mentee_email"], "name"]
    expected = render_introductions(panel.result.pairs.head(1), panel.people,
                                    panel.template.value).iloc[0]
    assert expected["text"] == f"Dear {mentor}, meet {mentee}."
    assert (tmp_path / "export" / "introductions" / expected["file"]).read_text() == \
        expected["text"]


def test_an_older_dollar_template_still_works_with_a_notice(panel, tmp_path):
    old = "Dear $mentor_first_name, meet $mentee_name."
    assert "older $name placeholders" in introduction_template(old).notices[0]
    panel.template.value = old
    assert panel.export() is not None
    assert panel.last_message[0] == "ok"
    new = render_introductions(panel.result.pairs, panel.people,
                               "Dear {mentor_first_name}, meet {mentee_name}.")
    for name, text in zip(new["file"], new["text"], strict=True):
        assert (tmp_path / "export" / "introductions" / name).read_text() == text


def test_saving_twice_or_reopening_never_doubles_the_pairs(panel, sample_import, tmp_path):
    first = panel.save()
    assert panel.save() == []  # a double click stores nothing new
    reopened = PairingPanel(sample_import, store=tmp_path / "scheme.sqlite", cohort="2026")
    assert (reopened.result.pairs["origin"] == "current").sum() == len(first)
    assert reopened.save() == []
    with Store(tmp_path / "scheme.sqlite") as store:
        assert load_pairs(store)["mentee_email"].is_unique


def test_a_bad_template_is_a_friendly_error(panel, tmp_path):
    panel.template.value = "Dear {mentor_nickname}"
    assert panel.export() is None
    kind, text = panel.last_message
    assert kind == "error" and "{mentor_nickname}" in text and "did you mean" in text
    assert not (tmp_path / "export").exists()  # checked before anything is written


def test_save_without_a_store_says_so(sample_import):
    panel = PairingPanel(sample_import)
    assert panel.save() is None
    assert panel.last_message == ("error", NO_STORE)


def test_default_template_fills_every_placeholder(sample_import):
    panel = PairingPanel(sample_import)
    drafts = render_introductions(panel.result.pairs.head(3), panel.people)
    assert not drafts["text"].str.contains(r"[{}$]").any()
    assert drafts["text"].str.contains("confidential").all()
    people = panel.people.set_index("email")
    for pair, text in zip(panel.result.pairs.head(3).itertuples(), drafts["text"], strict=True):
        assert people.loc[pair.mentee_email, "name"] in text
        assert pair.mentor_email in text


# -- the panel and the match command start from the same inputs -----------------------------
def test_the_panel_and_the_command_both_refuse_a_store_that_does_not_exist(
        sample_dir, sample_import, tmp_path, capsys):
    missing = tmp_path / "typo.sqlite"
    with pytest.raises(StoreError) as info:
        PairingPanel(sample_import, store=missing)
    assert str(info.value) == MISSING_PAIRING_STORE.format(path=missing)
    code = main(["match", str(sample_dir / "signups.csv"), "--store", str(missing),
                 "--out", str(tmp_path / "out")])
    assert code == 2
    assert f"Error: {info.value}" in capsys.readouterr().err
    assert not missing.exists()


def test_the_panel_and_the_command_make_the_same_pairs_from_a_store(
        sample_dir, sample_import, store_path, tmp_path):
    first = match_mentors(sample_import)
    running, finished = first.pairs.iloc[:10], first.pairs.iloc[10:20]
    with Store(store_path) as store:
        save_pairs(store, running[["mentee_email", "mentor_email"]], "2025", status="active")
        save_pairs(store, finished[["mentee_email", "mentor_email"]], "2024", status="ended")
    current = tmp_path / "current.csv"
    first.pairs.iloc[20:23][["mentee_email", "mentor_email"]].to_csv(current, index=False)
    panel = PairingPanel(sample_dir / "signups.csv", store=store_path, current=current)
    assert main(["match", str(sample_dir / "signups.csv"), "--store", str(store_path),
                 "--current", str(current), "--out", str(tmp_path / "out")]) == 0
    made = pd.read_csv(tmp_path / "out" / "pairs.csv")
    assert made[["mentee_email", "mentor_email"]].to_numpy().tolist() == \
        panel.result.pairs[["mentee_email", "mentor_email"]].to_numpy().tolist()
    assert (panel.result.pairs["origin"] == "current").sum() == 13  # 10 stored + 3 from the file
    pairs = set(zip(made["mentee_email"], made["mentor_email"], strict=True))
    assert set(zip(running["mentee_email"], running["mentor_email"], strict=True)) <= pairs
    assert not set(zip(finished["mentee_email"], finished["mentor_email"], strict=True)) & pairs


def test_the_views_below_the_panel_follow_every_change(panel):
    # Notebook 02's steps 3 to 6 are views that follow the panel, never stale tables.
    views = {"pairs": panel.live_pairs(), "unmatched": panel.live_unmatched(),
             "explanation": panel.live_explanation(), "totals": panel.live_totals()}
    first = views["pairs"].shown.to_html()
    panel.sliders["topics"].value = 0.0
    panel.objective.value = "fairness"
    shown = views["pairs"].shown.to_html()
    assert shown != first
    for rec in panel.result.pairs.head(5).to_dict("records"):
        assert html.escape(f"<{rec['mentee_email']}>") in shown  # names keep their e-mails
        assert f"{rec['score']:.2f}" in shown
    assert not re.search(r"\d\.\d{3,}", re.sub(r"<style.*?</style>", "", shown, flags=re.S))
    totals = re.sub(r"<style.*?</style>", "", views["totals"].shown.to_html(), flags=re.S)
    assert f">{panel.result.totals['matched']}<" in totals and "{" not in totals
    mentee = panel.result.pairs["mentee_email"].iloc[-1]
    panel.mentee_picker.value = mentee
    assert html.escape(panel.result.explain(mentee)) in views["explanation"].shown.data
    unmatched = views["unmatched"].shown
    assert (unmatched.data if panel.result.unmatched.empty else unmatched.to_html())
