"""Notebook 01's panel: upload, map the questions, everything below follows, save on request."""

import json
from datetime import UTC, datetime

from toolkit.schemes import create_scheme
from toolkit.store.connection import Store
from toolkit.store.people import load_people
from toolkit.widgets.pairing import scheme_pairing_panel
from toolkit.widgets.scheme import scheme_session
from toolkit.widgets.signups import SignupImportPanel

WHEN = datetime(2026, 12, 1, tzinfo=UTC)


def _upload(panel, path):
    content = path.read_bytes()
    panel.upload.value = ({"name": path.name, "type": "", "size": len(content),
                           "content": memoryview(content), "last_modified": WHEN},)


def test_a_form_export_with_its_own_headers_is_mapped_in_the_dropdowns(sample_dir, tmp_path):
    scheme = create_scheme("ours", tmp_path)
    panel = SignupImportPanel(scheme, root=tmp_path)
    assert panel.save_button.disabled and panel.result is None
    _upload(panel, sample_dir / "signups_forms.xlsx")
    kept = scheme.imports / "signups_forms.xlsx"
    assert kept.read_bytes() == (sample_dir / "signups_forms.xlsx").read_bytes()
    # the form's own question headers are not recognised: no traceback, the lead is told
    assert panel.result is None and panel.mapper.last_message[0] == "error"
    assert panel.save_button.disabled
    mapping = json.loads((sample_dir / "signups_forms_mapping.json").read_text())
    for field, header in mapping.items():
        panel.mapper.dropdowns[field].value = header
    assert panel.result is not None and len(panel.result.people) > 100
    assert not panel.save_button.disabled
    assert len(panel.counts_area.children) == 3  # the counts and the chart followed the choice
    assert not scheme.store.exists()  # nothing written before Save
    panel.save_button.click()
    with Store(scheme.store, read_only=True) as store:
        assert len(load_people(store, "2026")) == len(panel.result.people)
    saved = json.loads(scheme.mapping_file.read_text())
    assert saved == panel.mapper.mapping and mapping.items() <= saved.items()
    # the next import of the same form starts from the saved choices
    again = SignupImportPanel(scheme, signups=kept, root=tmp_path)
    assert again.result is not None and again.mapper.mapping == saved


def test_problems_are_listed_and_only_clean_rows_saved(sample_dir, tmp_path):
    scheme = create_scheme("ours", tmp_path)
    panel = SignupImportPanel(scheme, signups=sample_dir / "signups_with_problems.csv",
                              cohort="2027", root=tmp_path)
    assert not panel.result.ok and panel.mapper.problems_view.children
    panel.save_button.click()
    assert panel.saved.skipped_rows and panel.saved.cohort == "2027"
    with Store(scheme.store, read_only=True) as store:
        assert len(load_people(store, "2027")) == len(panel.result.people)


def test_an_upload_that_is_not_an_export_is_refused_plainly(tmp_path):
    scheme = create_scheme("ours", tmp_path)
    panel = SignupImportPanel(scheme, root=tmp_path)
    content = b"MZ\x90\x00"
    panel.upload.value = ({"name": "tool.exe", "type": "", "size": 4,
                           "content": memoryview(content), "last_modified": WHEN},)
    assert panel.last_message[0] == "error" and "CSV or XLSX" in panel.last_message[1]
    assert not any(scheme.imports.iterdir())


def test_the_grade_ladder_is_chosen_on_the_page_and_remembered_by_the_scheme(tmp_path):
    # A civil-service scheme in the app: the grades are read again on the ladder chosen in
    # the drop-down (the column choices kept), and every later page uses the saved ladder.
    rows = [("Ann Li", "ann@example.org", "Policy", "HEO", "mentee"),
            ("Bo Ray", "bo@example.org", "Finance", "Grade 7", "mentor"),
            ("Cy Ng", "cy@example.org", "Legal", "SEO", "mentor")]
    export = tmp_path / "civil.csv"
    export.write_text("Name,Email,Department,Grade,Role\n"
                      + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    scheme = create_scheme("policy", tmp_path)
    panel = SignupImportPanel(scheme, signups=export, root=tmp_path)
    assert panel.ladder_choice.value == "uk-he"
    assert set(panel.result.problems["field"]) == {"grade"}  # HEO, SEO: not UK HE grades
    panel.ladder_choice.value = "civil-service"
    assert panel.result.problems.empty and len(panel.result.people) == 3
    assert panel.result.people["grade"].tolist() == ["HEO", "Grade 7", "SEO"]
    panel.save_button.click()
    assert scheme.saved_ladder == "civil-service"
    assert "grade ladder were saved" in panel.last_message[1]
    assert scheme_session(str(scheme.path), tmp_path).ladder() == "civil-service"
    again = SignupImportPanel(scheme, signups=export, root=tmp_path)
    assert again.ladder_choice.value == "civil-service" and again.result.problems.empty
    pairing = scheme_pairing_panel(scheme, root=tmp_path)  # page 02 reads grades on it too
    assert pairing.matcher.ladder.levels[0] == "AA"
    assert "SCS1" in [value for _, value in pairing.mentor_min_grade.options]
