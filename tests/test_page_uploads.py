"""App pages 03-06: files come by upload, and nothing is written until the lead presses a button."""

from __future__ import annotations

import pandas as pd

from toolkit.demo.sample import COACHING_START, COACHING_TODAY
from toolkit.schemes.folder import create_scheme
from toolkit.store.coaching import load_coaching_sessions
from toolkit.store.connection import Store
from toolkit.store.meetings import load_meetings
from toolkit.store.pairs import load_pairs
from toolkit.widgets.base import styled
from toolkit.widgets.coaching import CoachingPanel
from toolkit.widgets.draw import DrawPanel
from toolkit.widgets.relationships import MeetingImportPanel, WithdrawalImportPanel
from toolkit.widgets.report import ReportPanel, SurveyPanel
from toolkit.widgets.upload import UploadBox

from .relationship_helpers import make_store


def test_upload_box_keeps_the_file_in_imports_and_refuses_other_kinds(tmp_path):
    scheme = create_scheme("ours", tmp_path)
    seen = []
    box = UploadBox(scheme, "the list", seen.append)
    assert box.receive("notes.txt", b"hello") is None
    assert seen == [] and "not a CSV or XLSX" in box.status.value
    kept = box.receive("../../List.csv", b"name,email\n")
    assert kept == scheme.imports / "List.csv" and kept.read_bytes() == b"name,email\n"
    assert seen == [kept] and "Kept List.csv" in box.status.value


def test_styled_tables_hide_the_index_round_and_write_dates_day_first():
    frame = pd.DataFrame({"score": [0.123456, None], "on": pd.to_datetime(["2026-02-03", None]),
                          "name": ["Ada", pd.NA]})
    text = styled(frame).to_html()
    assert "0.12" in text and "0.123456" not in text
    assert "3 Feb 2026" in text and "2026-02-03" not in text
    assert "nan" not in text.lower() and "&lt;NA&gt;" not in text and "NaT" not in text


def _coaching_files(sample_dir):
    return {k: sample_dir / f"coaching_{k}.csv" for k in ("requests", "coaches", "sessions",
                                                          "scores")}


def test_coaching_page_runs_after_uploads_and_saves_only_on_the_button(sample_dir, tmp_path):
    scheme = create_scheme("ours", tmp_path)
    store, out = tmp_path / "s.sqlite", tmp_path / "coaching"
    panel = CoachingPanel(None, None, today=COACHING_TODAY, start_date=COACHING_START,
                          store=store, out=out, cohort="2026 coaching", scheme=scheme)
    assert panel.result is None and "Upload the coaching requests" in panel.last_message[1]
    panel.view(lambda done: done.match.waiting)
    assert panel.shown == [None]
    files = _coaching_files(sample_dir)
    for key in ("requests", "coaches", "sessions", "scores"):
        panel.uploads[key].receive(files[key].name, files[key].read_bytes())
    assert panel.result is not None
    assert panel.paths["requests"] == scheme.imports / "coaching_requests.csv"
    # the live view follows the new round
    pd.testing.assert_frame_equal(panel.shown[0], panel.result.match.waiting)
    assert not store.exists() and not out.exists()  # nothing written before the button
    panel.save_button.click()
    assert panel.saved["sessions"] > 0
    unknown = panel.saved["unknown"]  # the sample's log names people with no pair: said so
    assert panel.last_message[0] == "warning" and unknown
    assert panel.last_message[1].startswith(f"{len(unknown)} e-mail(s) in the session log")
    workbook = out / "coaching_tracking.xlsx"
    assert panel.written["tracking"] == workbook and workbook.exists()
    with Store(store) as opened:
        assert len(load_coaching_sessions(opened)) == panel.saved["sessions"]
        assert len(load_pairs(opened, scheme="coaching")) == len(panel.result.match.pairs)


def test_coaching_save_without_a_round_says_so_beside_the_button(tmp_path):
    panel = CoachingPanel(None, None, store=tmp_path / "s.sqlite", out=tmp_path / "o")
    panel.save_button.click()
    assert panel.last_message[0] == "error" and "no round to save" in panel.last_message[1]
    assert not (tmp_path / "s.sqlite").exists()


def test_unmentoring_page_draws_from_an_uploaded_list_with_the_wording_of_the_panel(
        sample_dir, tmp_path):
    scheme = create_scheme("ours", tmp_path)
    history = tmp_path / "history.csv"
    panel = DrawPanel(None, history=history, round_label="2027-01", week="2027-01-11",
                      out=tmp_path / "out", scheme=scheme)
    assert panel.result is None and "Upload the sign-up list" in panel.last_message[1]
    listing = sample_dir / "unmentoring.csv"
    panel.uploader.receive("March list.csv", listing.read_bytes())
    assert panel.result is not None and len(panel.participants) > 10
    assert not history.exists()  # drawing writes nothing
    panel.wording.value = panel.wording.value.replace("{first_name}", "{frist_name}")
    panel.export_button.click()
    kind, text = panel.last_message
    assert kind == "error" and "{frist_name}" in text and not (tmp_path / "out").exists()
    panel.wording.value = "Subject: Coffee in round {round}\nHello {first_name}, meet {partners}.\n"
    panel.save_button.click()
    assert panel.saved == "2027-01" and history.exists()
    panel.export_button.click()
    drafts = sorted((tmp_path / "out" / "2027-01" / "drafts").iterdir())
    first = drafts[0].read_text(encoding="utf-8")
    assert "Coffee in round 2027-01" in first and first.count("Hello ") == 1


def test_meetings_page_records_an_upload_only_when_the_button_is_pressed(tmp_path):
    scheme = create_scheme("ours", tmp_path)
    with make_store(tmp_path) as store:
        panel = MeetingImportPanel(store, None, "2027-09-15", scheme=scheme)
        assert panel.result is None and panel.button.disabled
        panel.uploader.receive("meetings.csv", b"Pair,Date\n1,2026-12-01\n8,2026-12-01\n")
        assert panel.result.problems["row"].tolist() == [3]
        assert load_meetings(store).empty  # checked, not recorded
        panel.button.click()
        assert panel.saved == 1 and len(load_meetings(store)) == 1
        assert panel.last_message[0] == "warning"  # the bad row is still to be corrected



def test_withdrawals_list_is_checked_on_upload_and_recorded_on_the_button(tmp_path):
    scheme = create_scheme("ours", tmp_path)
    with make_store(tmp_path, status="active") as store:
        panel = WithdrawalImportPanel(store, None, "2027-09-15", scheme=scheme)
        assert panel.result is None and panel.button.disabled
        panel.uploader.receive("left.csv", b"Email,Date,Reason\n"
                               b"mentor.one@example.org,01/12/2026,Left the institution\n"
                               b"stranger@example.org,01/12/2026,\n")
        assert (scheme.imports / "left.csv").exists()
        assert panel.result.problems["row"].tolist() == [3]
        assert (load_pairs(store)["status"] == "active").all()  # checked, not recorded
        panel.button.click()
        status = load_pairs(store).set_index("mentor_email")["status"]
        assert status["mentor.one@example.org"].tolist() == ["withdrawn", "withdrawn"]
        assert status["mentor.two@example.org"] == "active"
        assert panel.last_message[0] == "warning"  # the bad row is still to be corrected

def test_survey_is_read_on_upload_and_imported_on_the_button(sample_dir, tmp_path):
    scheme = create_scheme("ours", tmp_path)
    with Store(tmp_path / "s.sqlite") as store:
        panel = SurveyPanel(store, "2026", scheme=scheme)
        assert panel.result is None and panel.button.disabled
        panel.uploader.receive("survey.csv", (sample_dir / "survey.csv").read_bytes())
        assert len(panel.result.questions) > 0 and not panel.button.disabled
        assert panel.saved == 0
        panel.button.click()
        assert panel.saved == len(panel.result.responses) > 0
        assert panel.last_message == ("ok", f"Imported {panel.saved} answer(s) as the "
                                             "feedback of 2026.")


def test_report_uses_an_uploaded_hr_extract_and_writes_only_on_the_button(sample_dir,
                                                                          tmp_path):
    scheme = create_scheme("ours", tmp_path)
    panel = ReportPanel(tmp_path / "s.sqlite", tmp_path / "report", scheme=scheme)
    panel.uploader.receive("hr.csv", (sample_dir / "hr_extract.csv").read_bytes())
    assert panel.outcomes == scheme.imports / "hr.csv"
    assert not (tmp_path / "report").exists()
