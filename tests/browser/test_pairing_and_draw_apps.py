"""The two apps a lead tunes by hand: pairing (weights) and the UnMentoring draw."""

import pytest

from toolkit.pairing.scoring import COMPONENTS

from .conftest import REPO, screenshot

pytestmark = pytest.mark.browser


def _tables_text(page) -> str:
    return "\n".join(page.locator(".widget-html table").all_inner_texts())


def test_moving_a_weight_slider_changes_the_pairs(open_app, page):
    open_app("02_pairing.ipynb")
    page.wait_for_selector(".widget-slider", timeout=180_000)
    page.wait_for_selector(".widget-html table", timeout=120_000)
    # One per score component, and the scheme's smallest and largest grade gap.
    assert page.locator(".widget-slider").count() == len(COMPONENTS) + 2
    before = _tables_text(page)
    screenshot(page, "02_pairing_before")
    # Type a new weight into the "topics" slider's read-out, as a lead can.
    topics = page.locator(".widget-slider", has_text="topics")
    readout = topics.locator(".widget-readout")
    readout.click()
    readout.press("Control+A")
    readout.type("0")
    readout.press("Enter")
    page.wait_for_function(
        "before => Array.from(document.querySelectorAll('.widget-html table'))"
        ".map(t => t.innerText).join('\\n') !== before", arg=before, timeout=60_000)
    assert _tables_text(page) != before
    screenshot(page, "02_pairing_after_topics_off")
    assert page.locator("text=Traceback").count() == 0
    assert not page.console_errors, page.console_errors


def test_pressing_draw_shows_a_draw(open_app, page):
    open_app("03_unmentoring_draw.ipynb")
    button = page.locator(".widget-button", has_text="Re-draw")
    button.wait_for(timeout=180_000)
    page.wait_for_selector(".widget-html table", timeout=120_000)
    before = _tables_text(page)
    assert "group" in before.lower()
    button.click()
    page.wait_for_function(
        "before => Array.from(document.querySelectorAll('.widget-html table'))"
        ".map(t => t.innerText).join('\\n') !== before", arg=before, timeout=60_000)
    screenshot(page, "03_unmentoring_draw")
    assert page.locator("text=Traceback").count() == 0
    assert not page.console_errors, page.console_errors


def test_draw_page_takes_an_upload_and_confirms_the_save_beside_its_button(open_app, page):
    open_app("03_unmentoring_draw.ipynb")
    save = page.locator(".widget-button", has_text="Save the round")
    save.wait_for(timeout=180_000)
    page.wait_for_selector(".widget-html table", timeout=120_000)
    assert page.locator("textarea").first.input_value().startswith("Subject: ")
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload", has_text="Upload the sign-up list").click()
    chooser.value.set_files(str(REPO / "sample_data" / "unmentoring.csv"))
    page.wait_for_selector("text=Kept unmentoring.csv", timeout=60_000)
    page.locator("input[type=checkbox]").first.check()  # replace: a rerun saves again
    save.click()
    saved = page.locator("text=/Saved round '2027-01'/")
    saved.wait_for(timeout=60_000)
    button_box, message_box = save.bounding_box(), saved.bounding_box()
    assert 0 < message_box["y"] - button_box["y"] < 120  # right under the button
    screenshot(page, "03_unmentoring_saved")
    assert page.locator("text=Traceback").count() == 0
    assert not page.console_errors, page.console_errors
