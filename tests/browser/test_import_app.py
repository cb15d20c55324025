import pytest

from toolkit.intake.signups import SIGNUP_FIELDS

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_import_notebook_renders_as_an_app(open_app, page):
    open_app("01_import_signups.ipynb")
    page.wait_for_selector(".widget-dropdown", timeout=120_000)
    # Code is hidden; the mapping drop-downs and the summary chart are shown.
    # One per field, and the grade ladder's.
    assert page.locator(".widget-dropdown").count() == len(SIGNUP_FIELDS) + 1
    assert page.locator(".widget-dropdown", has_text="Grade ladder").count() == 1
    page.wait_for_selector("img", timeout=60_000)
    screenshot(page, "01_import_signups")
    assert page.locator("text=Traceback").count() == 0
    assert not page.console_errors, page.console_errors
