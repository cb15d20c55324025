"""A first-time lead's walk in app mode, with no code: a new scheme, a form export, pairs.

The lead creates a scheme on the start page, uploads a form export whose questions are the
form's own, chooses the mapping in the drop-downs, sees the problems and the counts, saves,
opens pairing, moves a weight, saves and exports, and finds the introduction drafts in the
scheme's folder. The time the walk takes is written to test-output/browser/walk.txt.
"""

import json
import re
import time

import pytest

from .conftest import SHOTS, screenshot

pytestmark = pytest.mark.browser


def _tables_text(page) -> str:
    return "\n".join(page.locator(".widget-html table").all_inner_texts())


def _dropdown(page, label: str):
    return page.locator(".widget-dropdown").filter(
        has=page.locator("label", has_text=re.compile(rf"^{re.escape(label)}$"))
    ).locator("select")


def test_a_first_time_lead_goes_from_a_form_export_to_introductions(
        open_app, page, tmp_path, monkeypatch, sample_dir):
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    schemes = tmp_path / "schemes"
    monkeypatch.setenv("TOOLKIT_SCHEMES", str(schemes))
    started = time.monotonic()

    # 00: create the scheme
    open_app("00_start_here.ipynb")
    page.wait_for_selector("text=This is the app view", timeout=60_000)
    assert "Shift+Enter" not in page.inner_text("body")  # no cells to run in the app
    page.get_by_placeholder("e.g. staff-mentoring-2026").fill("walk-2026")
    page.locator(".widget-button", has_text="Create and open").click()
    page.wait_for_selector("text=Created and opened 'walk-2026'", timeout=60_000)
    screenshot(page, "walk-00-scheme-created")

    # 01: upload the form export, map its own questions, save
    open_app("01_import_signups.ipynb")
    page.wait_for_selector("text=Working on the scheme 'walk-2026'", timeout=150_000)
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload").click()
    chooser.value.set_files(str(sample_dir / "signups_forms.xlsx"))
    page.wait_for_selector("text=choose below which question holds each field",
                           timeout=60_000)
    mapping = json.loads((sample_dir / "signups_forms_mapping.json").read_text())
    for field, header in mapping.items():
        label = field.replace("_", " ") + (" *" if field in {
            "name", "email", "department", "grade", "role"} else "")
        _dropdown(page, label).select_option(label=header)
    page.wait_for_selector("text=Who signed up", timeout=60_000)
    screenshot(page, "walk-01-mapped")
    page.locator(".widget-button", has_text="Save the sign-ups").click()
    page.wait_for_selector("text=The column choices and the grade ladder were saved",
                           timeout=60_000)
    screenshot(page, "walk-01-saved")
    assert (schemes / "walk-2026" / "scheme.sqlite").is_file()
    assert (schemes / "walk-2026" / "imports" / "signups_forms.xlsx").is_file()

    # 02: pair the saved sign-ups, move a weight, save and export
    open_app("02_pairing.ipynb")
    page.wait_for_selector("text=Working on the scheme 'walk-2026'", timeout=150_000)
    page.wait_for_selector(".widget-html table", timeout=120_000)
    before = _tables_text(page)
    readout = page.locator(".widget-slider", has_text="topics").locator(".widget-readout")
    readout.click()
    readout.press("Control+A")
    readout.type("0")
    readout.press("Enter")
    page.wait_for_function(
        "before => Array.from(document.querySelectorAll('.widget-html table'))"
        ".map(t => t.innerText).join('\\n') !== before", arg=before, timeout=60_000)
    page.locator(".widget-button", has_text="Save pairs to the store").click()
    page.wait_for_selector("text=proposed pairs of cohort 2026", timeout=60_000)
    page.locator(".widget-button", has_text="Export CSV and e-mails").click()
    page.wait_for_selector("text=e-mail drafts", timeout=60_000)
    screenshot(page, "walk-02-saved-and-exported")
    drafts = list((schemes / "walk-2026" / "exports" / "pairing" / "introductions").glob("*"))
    assert len(drafts) > 50  # one draft per pair, in the scheme's folder

    seconds = time.monotonic() - started
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "walk.txt").write_text(f"{seconds:.0f} s from a new scheme to the introduction "
                                    "drafts\n")
    assert page.locator("text=Traceback").count() == 0
    # Leaving a page asks Voila to shut its kernel down, which Voila refuses (403) without the
    # cookie it sets for the page's own requests: that refusal is Voila's, not the toolkit's.
    shutdowns = [f for f in failed if "/voila/api/shutdown/" in f]
    errors = page.console_errors[len(shutdowns):] if len(shutdowns) == len(failed) else \
        page.console_errors
    assert not errors, (page.console_errors, failed)
