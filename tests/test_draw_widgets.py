"""The draw panel, driven as a lead would click it, without a kernel."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from toolkit.demo.sample import sample_store
from toolkit.errors import SettingsError
from toolkit.relationships.changes import withdraw_pair
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs
from toolkit.unmentoring.history import read_history, read_rounds_log
from toolkit.unmentoring.service import ONE_PLACE, load_rounds
from toolkit.widgets.draw import DrawPanel


@pytest.fixture
def roster(sample_dir):
    return sample_dir / "unmentoring.csv"


def _record(panel: DrawPanel) -> list[str]:
    """Keep every message the panel says from now on, wherever it shows it."""
    said: list[str] = []
    for name in ("_say", "say_beside"):
        original = getattr(panel, name)

        def spy(*args, _original=original, **kwargs):
            said.extend(a for a in args if isinstance(a, str))
            return _original(*args, **kwargs)

        setattr(panel, name, spy)
    return said


def _groups(draw: pd.DataFrame) -> list[list[str]]:
    return draw.groupby("group")["email"].apply(lambda s: sorted(s)).tolist()


def test_preview_lock_break_redraw_save_export(roster, tmp_path):
    history = tmp_path / "history.csv"
    panel = DrawPanel(roster, history=history, round_label="2026-10", week="2026-10-05",
                      seed=3, out=tmp_path / "out")
    first = panel.result
    assert first is not None and len(panel.groups.options) == first["group"].nunique()
    stats = panel.statistics.set_index("measure")["value"]
    assert stats["repeats of an earlier pairing"] == 0

    panel.groups.value = panel.groups.options[0][1]
    locked = panel._selected()
    panel.lock_button.click()
    assert locked in _groups(panel.result)
    assert panel.locks == [locked]

    panel.groups.value = next(v for _, v in panel.groups.options
                              if sorted(panel.result[panel.result["group"] == v]["email"])
                              != locked)
    broken = panel._selected()
    panel.break_button.click()
    assert broken not in _groups(panel.result)
    assert locked in _groups(panel.result)

    before = panel.result.copy()
    panel.redraw_button.click()
    assert panel.seed.value == 4
    assert locked in _groups(panel.result)
    assert not panel.result.equals(before)

    panel.save_button.click()
    assert panel.saved == "2026-10"
    pd.testing.assert_frame_equal(read_history(history), panel.result)
    log = read_rounds_log(history)
    assert log[["round", "seed", "week"]].to_numpy().tolist() == [["2026-10", "4", "2026-10-05"]]
    assert json.loads(log["settings"].iloc[0])["locks"] == [locked]
    saved = history.read_bytes()
    panel.save_button.click()  # a second save is refused, shown in the panel
    assert panel.last_message[0] == "error" and "already drawn" in panel.last_message[1]
    assert history.read_bytes() == saved

    panel.export_button.click()
    folder = tmp_path / "out" / "2026-10"
    pd.testing.assert_frame_equal(pd.read_csv(folder / "draw.csv", dtype={"round": str}),
                                  panel.result)
    merge = pd.read_csv(folder / "mail_merge.csv")
    assert sorted(merge["email"]) == sorted(panel.result["email"])
    assert set(merge["week"]) == {"week of Monday 5 October 2026"}
    assert len(list((folder / "calendar").glob("*.ics"))) == panel.result["group"].nunique()
    assert panel.last_message[0] == "ok"


def test_new_round_label_draws_without_repeats(roster, tmp_path):
    history = tmp_path / "history.csv"
    panel = DrawPanel(roster, history=history, round_label="2026-10")
    panel.save()
    panel.round_label.value = "2026-11"
    stats = panel.statistics.set_index("measure")["value"]
    assert stats["repeats of an earlier pairing"] == 0
    assert panel.result["round"].unique().tolist() == ["2026-11"]


def test_store_mode_saves_seed_and_refuses_without_replace(roster, tmp_path):
    store = tmp_path / "scheme.sqlite"
    panel = DrawPanel(roster, store=store, round_label="2026-10", seed=8)
    panel.save()
    panel.seed.value = 9
    panel.save()
    assert panel.last_message[0] == "error"
    panel.replace.value = True
    panel.save()
    assert load_rounds(store)["seed"].tolist() == [9]


def test_errors_are_shown_in_the_panel(roster, tmp_path):
    panel = DrawPanel(roster, history=tmp_path / "h.csv", round_label="")
    assert panel.result is None
    assert panel.last_message == ("error",
                                  "Give the round a label (e.g. 2026-10) to draw it.")
    panel.lock_button.click()
    assert "Draw the round first" in panel.last_message[1]
    with pytest.raises(SettingsError) as info:
        DrawPanel(roster, round_label="r")
    assert str(info.value) == ONE_PLACE


def test_an_older_template_is_used_for_the_drafts_with_a_notice(roster, tmp_path):
    template = tmp_path / "old.txt"
    template.write_text("Subject: Coffee ($round)\nHi $first_name.\n")
    panel = DrawPanel(roster, history=tmp_path / "h.csv", round_label="2026-10",
                      out=tmp_path / "out", template=template)
    shown = []
    panel.warn = shown.append
    written = panel.export()
    assert any("uses the older $name placeholders" in text for text in shown)
    draft = next(written["drafts"].glob("*.eml")).read_text(encoding="utf-8")
    assert "Subject: Coffee (2026-10)" in draft and "Hi " in draft and "$" not in draft


def test_a_bad_template_stops_the_save_not_the_export_after_it(roster, tmp_path):
    template = tmp_path / "mine.txt"
    template.write_text("Subject: Coffee with {partner_nmes}\nDear {first_name},\n")
    history = tmp_path / "history.csv"
    panel = DrawPanel(roster, history=history, round_label="2026-10", week="2026-10-05",
                      out=tmp_path / "out", template=template)
    assert panel.save() is None
    kind, text = panel.last_message
    assert kind == "error" and "{partner_nmes}" in text and "{partner_names}" in text
    assert not history.exists() and panel.saved is None
    assert panel.export() is None and not (tmp_path / "out").exists()


def test_a_round_drawn_before_another_was_saved_is_not_saved(roster, tmp_path):
    history = tmp_path / "history.csv"
    first = DrawPanel(roster, history=history, round_label="2026-10", seed=1)
    second = DrawPanel(roster, history=history, round_label="2026-11", seed=2)
    assert first.save() == "2026-10"
    said = _record(second)
    assert second.save() is None  # drawn without knowing who met in 2026-10
    assert any("changed since this round was drawn" in m for m in said)
    assert read_history(history)["round"].unique().tolist() == ["2026-10"]
    # The panel drew the round again from the history as it is now, ready to be saved.
    assert "drawn again" in second.last_message[1]
    assert second.drawn_from == ["2026-10"]
    assert second.save() == "2026-11"
    assert read_rounds_log(history)["round"].tolist() == ["2026-10", "2026-11"]


def test_a_store_round_previewed_before_a_withdrawal_is_drawn_again_not_saved(
        roster, tmp_path, sample_dir):
    store_path = tmp_path / "scheme.sqlite"
    sample_store(store_path, sample_dir).close()
    panel = DrawPanel(roster, store=store_path, round_label="2027-01", seed=4)
    before = load_rounds(store_path)["round"].tolist()
    with Store(store_path) as store:  # meanwhile, in another notebook
        pair = int(load_pairs(store)["id"].iloc[0])
        withdraw_pair(store, pair, "2026-12-01", by="mentee")
    said = _record(panel)
    assert panel.save() is None
    assert any("changed since round '2027-01' was drawn" in m for m in said)
    assert load_rounds(store_path)["round"].tolist() == before
    assert "drawn again" in panel.last_message[1]
    assert panel.save() == "2027-01"  # the new preview saves
    assert load_rounds(store_path)["round"].tolist() == [*before, "2027-01"]
    # Saving it again on purpose is not someone else's change.
    panel.replace.value = True
    assert panel.save() == "2027-01"


def test_two_panels_on_one_store_never_both_save_blind(roster, tmp_path):
    store_path = tmp_path / "scheme.sqlite"
    first = DrawPanel(roster, store=store_path, round_label="2026-10", seed=1)
    second = DrawPanel(roster, store=store_path, round_label="2026-11", seed=2)
    assert first.save() == "2026-10"
    assert second.save() is None
    assert load_rounds(store_path)["round"].tolist() == ["2026-10"]
    assert second.drawn_from == ["2026-10"]
    assert second.save() == "2026-11"


def test_a_round_previewed_before_another_session_replaced_a_round_is_not_saved(roster,
                                                                                  tmp_path):
    # The labels are the same before and after; only the history's digest tells.
    history = tmp_path / "history.csv"
    first = DrawPanel(roster, history=history, round_label="2026-10", seed=1)
    assert first.save() == "2026-10"
    panel = DrawPanel(roster, history=history, round_label="2026-11", seed=2)
    first.seed.value = 7  # another notebook re-draws 2026-10 on purpose
    first.replace.value = True
    assert first.save() == "2026-10"
    said = _record(panel)
    assert panel.save() is None
    assert any("changed since round '2026-11' was drawn" in m for m in said)
    assert read_rounds_log(history)[["round", "seed"]].to_numpy().tolist() == [["2026-10", "7"]]
    assert panel.save() == "2026-11"  # drawn again from the history as it is now
