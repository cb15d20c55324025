import pandas as pd
import pytest

from toolkit.pairing.introductions import render_introductions
from toolkit.pairing.matching import PAIR_COLUMNS
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs
from toolkit.widgets.pairing import PairingPanel


@pytest.fixture
def panel(sample_import, tmp_path):
    return PairingPanel(sample_import, store=tmp_path / "scheme.sqlite", cohort="2026",
                        out=tmp_path / "export")


def test_starts_with_default_weights_and_a_result(panel):
    assert panel.result is not None
    assert panel.weights == {"topics": 0.4, "seniority": 0.3, "meeting_mode": 0.2,
                             "gender_preference": 0.1}
    assert "mentees paired" in panel.summary.value
    assert panel.pairs_view.children and panel.score_plot.value and panel.load_plot.value
    assert "is paired with" in panel.explain_view.value
    html = panel.pairs_view.children[0].value
    assert "runner-up" in html and "topics" in html


def test_a_slider_move_rematches_and_shows_what_changed(panel):
    before = panel.result
    panel.sliders["topics"].value = 1.0
    panel.sliders["meeting_mode"].value = 0.0
    assert panel.result is not before
    assert panel.result.settings["weights"]["topics"] == 1.0
    changed = panel.changes[panel.changes["change"] != "same"]
    assert len(changed) > 0
    assert f"{len(changed)} mentee(s) changed mentor" in panel.summary.value
    assert "background-color" in panel.pairs_view.children[0].value  # highlighted rows


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
    panel.template.value = "Dear $mentor_first_name, meet $mentee_name."
    written = panel.export()
    pairs = pd.read_csv(written["pairs"])
    assert list(pairs.columns) == PAIR_COLUMNS
    drafts = sorted((tmp_path / "export" / "introductions").glob("*.txt"))
    assert len(drafts) == len(pairs)
    assert drafts[0].read_text().startswith("Dear ")


def test_saving_twice_or_reopening_never_doubles_the_pairs(panel, sample_import, tmp_path):
    first = panel.save()
    assert panel.save() == []  # a double click stores nothing new
    reopened = PairingPanel(sample_import, store=tmp_path / "scheme.sqlite", cohort="2026")
    assert (reopened.result.pairs["origin"] == "current").sum() == len(first)
    assert reopened.save() == []
    with Store(tmp_path / "scheme.sqlite") as store:
        assert load_pairs(store)["mentee_email"].is_unique


def test_a_bad_template_is_a_friendly_error(panel):
    panel.template.value = "Dear $mentor_nickname"
    assert panel.export() is None
    kind, text = panel.last_message
    assert kind == "error" and "$mentor_nickname" in text


def test_save_without_a_store_says_so(sample_import):
    panel = PairingPanel(sample_import)
    assert panel.save() is None
    assert "No store was given" in panel.last_message[1]


def test_default_template_fills_every_placeholder(sample_import):
    panel = PairingPanel(sample_import)
    drafts = render_introductions(panel.result.pairs.head(3), panel.people)
    assert not drafts["text"].str.contains(r"\$").any()
    assert drafts["text"].str.contains("confidential").all()
