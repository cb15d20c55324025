"""The relationship panels, driven as a lead would, without a kernel."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from toolkit.plots.figures import PALETTE
from toolkit.relationships.changes import confirm_first_meeting
from toolkit.relationships.meetings import record_meeting
from toolkit.relationships.status import warnings_with_messages
from toolkit.store.connection import Store
from toolkit.store.meetings import load_meetings
from toolkit.store.pairs import load_pairs
from toolkit.widgets.relationships import (
    AgreementPanel,
    MeetingImportPanel,
    MeetingPanel,
    RenewalPanel,
    StatusPanel,
    TimelinePanel,
    WarningsPanel,
    WithdrawalPanel,
)

from .relationship_helpers import FakeMatcher, make_store

TODAY = "2027-09-15"
BEHIND = PALETTE[5]  # the orange of a pair behind the pace


@pytest.fixture
def store(tmp_path):
    with make_store(tmp_path) as opened:
        confirm_first_meeting(opened, 1, "2026-10-20")
        confirm_first_meeting(opened, 2, "2026-10-21")
        yield opened


def test_status_and_warnings_panels(store):
    status = StatusPanel(store, TODAY)
    assert len(status.result) == 3
    status.status.value = "active"
    assert status.result["pair_id"].tolist() == [1, 2]
    warnings = WarningsPanel(store, TODAY)
    assert set(warnings.result["rule"]) == {"no_first_meeting", "term_ending"}
    warnings.rule.value = "term_ending"
    assert "Subject: Your mentoring term ends on 1 Oct 2027" in warnings.draft.value
    warnings.draft.value = "edited"  # the lead edits the draft freely
    assert warnings.draft.value == "edited"
    # The panel shows what the status command prints: both call the same service.
    pd.testing.assert_frame_equal(warnings.result, warnings_with_messages(store, TODAY))


def labels(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_timeline_panel_draws_each_view(store):
    for day in ("2026-10-10", "2027-01-10", "2027-05-10"):
        record_meeting(store, 3, day, today=TODAY)
    panel = TimelinePanel(store, "2027-06-01")
    assert labels(panel.result) == ["Pair 1", "Pair 2", "Pair 3"]
    # Pairs 1 and 2 never met: behind the pace, their labels in orange.
    colours = [t.get_color() for t in panel.result.axes[0].get_yticklabels()]
    assert colours[:2] == [BEHIND, BEHIND] and colours[2] != BEHIND
    panel.view.value = "warned"
    assert labels(panel.result) == ["Pair 1", "Pair 2"]
    panel.view.value = "pace"
    assert panel.result.axes[0].get_title(loc="left") == "3 running pairs: 2 behind the pace"


def test_meeting_panels_record_and_report(store, tmp_path):
    panel = MeetingPanel(store, TODAY)
    panel.pair.value = 3
    panel.date.value = date(2026, 11, 5)
    panel.button.click()
    assert panel.result == 1
    assert load_pairs(store).set_index("id").loc[3, "status"] == "active"
    panel.date.value = date(2030, 1, 1)
    panel.button.click()
    assert panel.last_message[0] == "error" and "future" in panel.last_message[1]
    export = tmp_path / "m.csv"
    export.write_text("Pair,Date\n1,2026-12-01\n8,2026-12-01\n", encoding="utf-8")
    imported = MeetingImportPanel(store, export, TODAY)
    assert imported.result.problems["row"].tolist() == [3]
    imported.button.click()
    assert imported.saved == 1
    assert imported.last_message[0] == "warning"  # the bad row is still to be corrected
    imported.button.click()  # a second click records nothing twice
    assert imported.saved == 0
    assert len(load_meetings(store)) == 2


def test_agreement_panel_writes_files(store, tmp_path):
    panel = AgreementPanel(store, tmp_path / "agreements")
    panel.markdown.value = False
    panel.button.click()
    assert panel.result["pair_id"].tolist() == [1, 2, 3]
    assert list(panel.result.columns) == ["pair_id", "docx"]


def test_withdrawal_then_rematch_in_clicks(store):
    panel = WithdrawalPanel(store, TODAY, matcher=FakeMatcher())
    panel.pair.value = 2
    panel.by.value = "mentor"
    panel.reason.value = "workload or time"
    panel.button.click()
    assert load_pairs(store).set_index("id").loc[2, "status"] == "withdrawn"
    assert 2 not in [v for _, v in panel.pair.options]
    panel.propose_button.click()
    assert panel.rematch.proposals["mentee_email"].tolist() == ["mentee.two@example.org"]
    panel.accept_button.click()
    new = load_pairs(store).iloc[-1]
    assert (new["mentee_email"], new["status"]) == ("mentee.two@example.org", "proposed")


def test_renewal_panel_renews_when_both_agree(store):
    panel = RenewalPanel(store, TODAY)
    panel.pair.value = 1
    panel.mentee.value = "yes"
    panel.button.click()
    assert panel.result["status"] == "active"
    panel.pair.value = 1
    panel.mentee.value = "not yet"
    panel.mentor.value = "yes"
    panel.button.click()
    assert panel.result["status"] == "renewed"
    assert panel.last_message[1].startswith("Pair 1 is renewed until 1 Oct 2028")


def test_everything_copes_with_a_store_without_pairs(tmp_path):
    with Store(tmp_path / "empty.sqlite") as empty:
        assert WarningsPanel(empty, TODAY).result.empty
        status = StatusPanel(empty, TODAY)
        assert status.result.empty
        assert "press 'Save pairs to the store'" in status.last_message[1]  # what to do first
        chart = TimelinePanel(empty, TODAY).result
        assert [t.get_text() for t in chart.axes[0].texts] == ["No running pairs to show."]
        panel = MeetingPanel(empty, TODAY)
        panel.button.click()
        assert panel.last_message == ("warning",
                                      "There is no running pair to record a meeting for.")
        for cls in (WithdrawalPanel, RenewalPanel):
            assert cls(empty, TODAY).pair.value is None


def test_the_warnings_table_reads_as_a_lead_reads_it(store):
    # A mentor-wide warning has no pair and no date: blank cells, never <NA>, and the
    # other dates of the column still day first.
    warnings = WarningsPanel(store, TODAY)
    extra = warnings.result.iloc[:1].assign(rule="mentor_all_withdrew", pair_id=pd.NA, since="")
    warnings.result = pd.concat([warnings.result, extra], ignore_index=True).astype(
        {"pair_id": "Int64"})
    warnings._filter()
    shown = warnings.table.children[0].value
    assert "NA&gt;" not in shown and "nan" not in shown
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown)
    assert "1 Oct 2027" in shown.replace("&nbsp;", " ")
    assert "<th>pair id</th>" in shown and "pair_id" not in shown  # headers as words
