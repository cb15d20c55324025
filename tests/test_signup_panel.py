"""Notebook 01's panel: upload, map the questions, everything below follows, save on request."""

import json
from datetime import UTC, datetime

from toolkit.schemes import create_scheme
from toolkit.store.connection import Store
from toolkit.store.people import load_people
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
