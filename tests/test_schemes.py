"""Scheme folders: created, opened, remembered, and the sample clearly set apart."""

import subprocess
from datetime import date
from pathlib import Path

import pytest

from toolkit.demo.sample import COACHING_START, COACHING_TODAY, SAMPLE_TODAY
from toolkit.errors import InputFileError, NotReadyError, StoreError
from toolkit.schemes import (
    SAMPLE_SCHEME,
    create_scheme,
    current_scheme,
    list_schemes,
    open_scheme,
    resolve_scheme,
    set_current_scheme,
)
from toolkit.store.connection import Store
from toolkit.widgets.base import error_html
from toolkit.widgets.pairing import scheme_pairing_panel
from toolkit.widgets.scheme import SchemePanel, scheme_session

REPO = Path(__file__).resolve().parents[1]


def test_a_new_scheme_has_its_folders_and_is_remembered(tmp_path):
    scheme = create_scheme("staff-2026", tmp_path)
    assert scheme.path == tmp_path / "schemes" / "staff-2026"
    assert all(p.is_dir() for p in (scheme.settings, scheme.imports, scheme.exports))
    assert scheme.store.parent == scheme.path and not scheme.is_sample
    assert current_scheme(tmp_path) is None
    set_current_scheme(scheme, tmp_path)
    assert current_scheme(tmp_path) == scheme
    assert resolve_scheme("", tmp_path) == scheme


def test_without_a_choice_notebooks_work_on_the_labelled_sample(tmp_path):
    scheme = resolve_scheme("", tmp_path)
    assert scheme.name == SAMPLE_SCHEME and scheme.is_sample
    assert "SAMPLE" in scheme.label()


def test_open_by_name_or_folder_and_a_clear_error_otherwise(tmp_path):
    made = create_scheme("ours", tmp_path)
    assert open_scheme("ours", tmp_path) == made
    assert open_scheme(str(made.path), tmp_path).path == made.path
    with pytest.raises(InputFileError, match="schemes here: ours"):
        open_scheme("theirs", tmp_path)
    assert [s.name for s in list_schemes(tmp_path)] == ["ours"]


@pytest.mark.parametrize("name", ["", "../escape", "a/b", ".hidden", "x" * 61, "=cmd|x"])
def test_a_name_that_cannot_be_a_folder_is_refused(tmp_path, name):
    with pytest.raises(InputFileError, match="cannot be a scheme name"):
        create_scheme(name, tmp_path)
    assert not (tmp_path / "schemes").exists() or not any((tmp_path / "schemes").iterdir())


def test_a_remembered_scheme_that_was_deleted_falls_back_to_the_sample(tmp_path):
    scheme = create_scheme("gone", tmp_path)
    set_current_scheme(scheme, tmp_path)
    for p in sorted(scheme.path.rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    scheme.path.rmdir()
    assert resolve_scheme("", tmp_path).is_sample


def test_the_panel_creates_opens_and_remembers(tmp_path):
    panel = SchemePanel(tmp_path)
    assert panel.scheme.is_sample and "SAMPLE" in panel.banner.value
    panel.create_button.click()  # no name typed
    assert panel.last_message[0] == "error"
    panel.new_name.value = "staff-2026"
    panel.create_button.click()
    assert panel.scheme.name == "staff-2026" and panel.last_message[0] == "ok"
    assert current_scheme(tmp_path).name == "staff-2026"
    assert "staff-2026" in panel.banner.value and "SAMPLE" not in panel.banner.value
    again = SchemePanel(tmp_path)  # a later page sees the same choice
    assert again.scheme.name == "staff-2026"
    again.existing.value = SAMPLE_SCHEME
    again.open_button.click()
    assert current_scheme(tmp_path).is_sample


def test_scheme_folders_are_kept_out_of_git():
    check = subprocess.run(["git", "check-ignore", "-q", "schemes/ours/scheme.sqlite"],
                           cwd=REPO)
    assert check.returncode == 0


def test_schemes_can_live_in_another_folder(tmp_path, monkeypatch):
    elsewhere = tmp_path / "secure-drive"
    monkeypatch.setenv("TOOLKIT_SCHEMES", str(elsewhere))
    scheme = create_scheme("ours", tmp_path / "project")
    assert scheme.path == elsewhere / "ours"
    set_current_scheme(scheme, tmp_path / "project")
    assert current_scheme(tmp_path / "other-project") == scheme


def test_a_page_on_a_new_scheme_says_which_pages_and_buttons_come_first(tmp_path):
    # Pages 04 and 06 on a scheme with no store yet: a note with the next steps, no traceback.
    scheme = create_scheme("staff-2026", tmp_path)
    session = scheme_session(str(scheme.path), tmp_path)
    with pytest.raises(NotReadyError) as caught:
        session.open_store("to report on")
    text = str(caught.value)
    assert "'staff-2026' has nothing to report on yet" in text
    for step in ("page 01", "'Save the sign-ups'", "page 02", "'Save pairs to the store'"):
        assert step in text
    assert "demo_output" not in text and str(scheme.store) not in text
    assert not scheme.store.exists()  # opening the page made nothing
    assert "#fff4e5" in error_html(caught.value)  # shown like the pages' notes
    assert "#fdecea" in error_html(StoreError("The store is locked."))  # a real error stays red
    Store(scheme.store).close()
    with session.open_store() as store:
        assert store.path == scheme.store


def test_the_pairing_page_on_a_new_scheme_says_to_save_the_sign_ups_first(tmp_path):
    scheme = create_scheme("staff-2026", tmp_path)
    with pytest.raises(NotReadyError, match=r"page 01 .*'Save the sign-ups'"):
        scheme_pairing_panel(str(scheme.path), root=tmp_path)
    assert not scheme.store.exists()


def test_pages_check_on_today_on_a_lead_s_scheme_and_on_the_sample_s_own_day(tmp_path):
    # A lead's checks (lapses, warnings, sessions) are made on the real date unless the lead
    # fixes another; only the sample's simulated year keeps its own day.
    own = scheme_session(str(create_scheme("Chemistry", root=tmp_path).path), tmp_path)
    assert own.day(None) == own.day(None, "coaching") == date.today().isoformat()
    assert own.day("2027-02-01", "coaching") == "2027-02-01"
    sample = scheme_session("", tmp_path)
    assert sample.scheme.is_sample
    assert (sample.day(None), sample.day(None, "coaching"), sample.day(None, "coaching start")
            ) == (SAMPLE_TODAY, COACHING_TODAY, COACHING_START)
