import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_relationships_notebook_renders_as_an_app(open_app, page):
    open_app("04_relationships.ipynb")
    page.wait_for_selector("textarea", timeout=180_000)
    page.wait_for_selector("img", timeout=60_000)
    # The warnings panel shows a drafted message, ready to edit.
    draft = page.locator("textarea").first
    assert draft.input_value().startswith("Subject: ")
    assert page.locator("button", has_text="Record withdrawal").count() == 1
    assert page.locator("button", has_text="Record answers").count() == 1
    screenshot(page, "04_relationships")
    assert page.locator("text=Traceback").count() == 0
    assert not page.console_errors, page.console_errors
