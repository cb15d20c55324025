"""The draw panel, driven as a lead would click it, without a kernel."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.errors import SettingsError
from toolkit.store.connection import Store
from toolkit.unmentoring.draws import read_history, store_rounds
from toolkit.widgets.draw import DrawPanel


@pytest.fixture
def roster(sample_dir):
    return sample_dir / "unmentoring.csv"


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
    assert read_history(history)["round"].unique().tolist() == ["2026-10"]
    saved = history.read_bytes()
    panel.save_button.click()  # a second save is refused, shown in the panel
    assert panel.last_message[0] == "error" and "already drawn" in panel.last_message[1]
    assert history.read_bytes() == saved

    panel.export_button.click()
    folder = tmp_path / "out" / "2026-10"
    assert (folder / "draw.csv").exists() and (folder / "mail_merge.csv").exists()
    assert len(list((folder / "calendar").glob("*.ics"))) == panel.result["group"].nunique()


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
    with Store(store) as s:
        assert store_rounds(s)["seed"].tolist() == [9]


def test_errors_are_shown_in_the_panel(roster, tmp_path):
    panel = DrawPanel(roster, history=tmp_path / "h.csv", round_label="")
    assert panel.result is None
    assert panel.last_message == ("error",
                                  "Give the round a label (e.g. 2026-10) to draw it.")
    panel.lock_button.click()
    assert "Draw the round first" in panel.last_message[1]
    with pytest.raises(SettingsError, match="either a history file or a scheme store"):
        DrawPanel(roster, round_label="r")
