"""The worker kernel's settings in JupyterLite's Settings Editor (``schema/kernel.json``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from notebook import KERNEL_START_TIMEOUT, finish_cell, open_notebook, run_cell, start_cell
from playwright.sync_api import Locator, Page, expect
from support.sites import notebook_site, serve

CELLS = [
    "from js import window\nwindow.jwCallback = lambda: 1",
    # busy: the page's call of the callback waits until it times out
    "import time\nend = time.time() + 4\nwhile time.time() < end:\n    pass",
]


@pytest.fixture(scope="module")
def settings_site(tmp_path_factory) -> Path:
    return notebook_site(tmp_path_factory.mktemp("settings"), "settings", CELLS)


def _timeout_field(page: Page, base: str) -> Locator:
    """Open the Settings Editor at the worker kernel's settings (a new page); its timeout field."""
    page.goto(f"{base}lab/index.html")
    page.locator(".jp-LauncherCard").first.wait_for(timeout=60_000)
    page.get_by_text("Settings", exact=True).first.click()
    page.get_by_text("Settings Editor").first.click()
    page.get_by_text("Python (worker) kernel").first.click()
    return page.locator(".jp-SettingsPanel input[id$='callbackTimeout']")


def test_a_users_callback_timeout_reaches_the_next_kernel(page, settings_site):
    with serve(settings_site, isolated=True) as base:
        field = _timeout_field(page, base)
        expect(field).to_have_value("30")  # the schema's default
        field.fill("1")
        field.press("Tab")
        # the form saved it (to the browser's storage): it offers the defaults back
        expect(page.get_by_role("button", name="Restore to Defaults")).to_be_visible()
        open_notebook(page, f"{base}lab/index.html?path=settings.ipynb")
        run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        start_cell(page, 1)
        page.evaluate("window.jwAnswer = window.jwCallback().then(String, (e) => e.message)")
        finish_cell(page, 1)
        message = page.evaluate("window.jwAnswer")
        assert "the page waited 1 s for a Python callback" in message
