"""Never blocked, always stoppable: input(), interrupts, output floods, restart, crash."""

from __future__ import annotations

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    code_cell,
    finish_cell,
    open_notebook,
    result_text,
    run_cell,
    start_cell,
)
from playwright.sync_api import Page, expect
from site_server import serve

#: 100,000 prints and a 50 MB string: generous, the machine is shared.
FLOOD_TIMEOUT = 300_000


@pytest.fixture
def isolated_url(lite_site):
    with serve(lite_site, isolated=True) as base:
        yield base


@pytest.fixture
def plain_url(lite_site):
    with serve(lite_site, isolated=False) as base:
        yield base


def _open(page: Page, base: str, name: str, *, isolated: bool) -> None:
    open_notebook(page, f"{base}lab/index.html?path={name}.ipynb")
    assert page.evaluate("crossOriginIsolated") is isolated


def _interrupt(page: Page) -> None:
    page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) jp-button[data-command='notebook:interrupt-kernel']"
    ).click()


def _answer_stdin(page: Page, index: int, text: str) -> None:
    box = code_cell(page, index).locator(".jp-Stdin-input")
    box.wait_for()
    box.fill(text)
    box.press("Enter")


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "not-isolated"])
def test_input_and_getpass_are_answered_in_the_stdin_box(page, lite_site, isolated):
    with serve(lite_site, isolated=isolated) as base:
        _open(page, base, "stdin", isolated=isolated)
        run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        start_cell(page, 1)
        _answer_stdin(page, 1, "Ada")
        finish_cell(page, 1)
        assert result_text(run_cell(page, 2)) == "'ADA'"
        start_cell(page, 3)
        expect(code_cell(page, 3).locator("input.jp-Stdin-input[type=password]")).to_be_visible()
        _answer_stdin(page, 3, "s3cret!")
        finish_cell(page, 3)
        assert result_text(run_cell(page, 4)) == "7"


def test_interrupt_an_input_and_a_dom_loop_keeps_state(page, isolated_url):
    _open(page, isolated_url, "stdin", isolated=True)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    # input() waiting for an answer that never comes
    start_cell(page, 5)
    code_cell(page, 5).locator(".jp-Stdin-input").wait_for()
    _interrupt(page)
    expect(finish_cell(page, 5, timeout=20_000)).to_contain_text("KeyboardInterrupt")
    assert result_text(run_cell(page, 6)) == "42"
    # a long loop of synchronous DOM calls
    start_cell(page, 7)
    expect(code_cell(page, 7).locator(".jp-InputPrompt")).to_have_text("[*]:")
    page.wait_for_timeout(1_000)
    _interrupt(page)
    expect(finish_cell(page, 7, timeout=20_000)).to_contain_text("KeyboardInterrupt")
    assert result_text(run_cell(page, 8)) == "43"


def test_output_floods_arrive_whole(page, isolated_url):
    _open(page, isolated_url, "flood", isolated=True)
    lines = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT + FLOOD_TIMEOUT)
    expect(lines).to_contain_text("99999")
    big = run_cell(page, 1, timeout=FLOOD_TIMEOUT)
    expect(big).to_contain_text("end of big")
    assert result_text(run_cell(page, 2)) == "'after the flood'"
