"""Drive a real notebook in JupyterLab / JupyterLite the way a person does."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import ConsoleMessage, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

#: Kernel start (Pyodide + packages + IPython) takes 6-10 s here; allow for slow CI.
KERNEL_START_TIMEOUT = 120_000
CELL_TIMEOUT = 60_000


def open_notebook(page: Page, url: str) -> None:
    """Open a notebook page and wait until its cells are shown.

    With ``?path=`` in ``url``, waits for that notebook to be the current one:
    JupyterLab may first restore notebooks of an earlier visit to the site.
    Tests open a notebook's address again rather than ``page.reload()``:
    JupyterLab drops ``?path=`` once the notebook is open, so a reload opens
    what its workspace saved, which a quick test can beat.
    """
    page.goto(url)
    path = parse_qs(urlparse(url).query).get("path")
    if path:
        current = page.locator(
            "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel"
        )
        expect(current).to_have_text(PurePosixPath(path[0]).name, timeout=60_000)
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.wait_for(timeout=60_000)
    # Until the notebook's session has chosen its kernel, JupyterLab's run
    # command finds "No Kernel" and clears the cell instead of running it.
    kernel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-KernelName")
    expect(kernel).not_to_have_text(re.compile(r"^\s*(No Kernel)?\s*$"), timeout=60_000)


def code_cell(page: Page, index: int) -> Locator:
    """The ``index``-th code cell of the current notebook."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").nth(index)


def start_cell(page: Page, index: int) -> None:
    """Start a code cell as a person does, without waiting for it to finish.

    Selects the cell and presses the toolbar's run button, once: the cell is
    then queued (its prompt leaves ``[ ]:``, or shows a new number).
    """
    cell = code_cell(page, index)
    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.inner_text()
    run = page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) "
        "jp-button[data-command='notebook:run-cell-and-select-next']"
    )
    _click(page, prompt)
    run.click()
    if before.strip() == "[ ]:":
        expect(prompt).not_to_have_text("[ ]:", timeout=CELL_TIMEOUT)
    else:
        expect(prompt).not_to_have_text(before, timeout=CELL_TIMEOUT)


def _click(page: Page, target: Locator) -> None:
    """Click ``target``; if a dialog is in the way, fail with what it says."""
    try:
        target.click(timeout=10_000)
    except PlaywrightTimeoutError:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            msg = f"a dialog is in the way: {dialog.first.inner_text()!r}"
            raise AssertionError(msg) from None
        raise


def finish_cell(page: Page, index: int, timeout: int = CELL_TIMEOUT) -> Locator:
    """Wait until a started cell has finished; return its output area."""
    cell = code_cell(page, index)
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]:"), timeout=timeout)
    return cell.locator(".jp-OutputArea")


def run_cell(page: Page, index: int, timeout: int = CELL_TIMEOUT) -> Locator:
    """Run a code cell and wait until it has finished; return its output area."""
    start_cell(page, index)
    return finish_cell(page, index, timeout)


def run_uncounted_cell(page: Page, index: int) -> str:
    """Run a cell that ends without an execution count (``%worker list``); its output text."""
    cell = code_cell(page, index)
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")
    expect(cell.locator(".jp-OutputArea-output")).not_to_have_count(0)
    expect(cell.locator(".jp-InputPrompt")).to_have_text("[ ]:")
    return cell.locator(".jp-OutputArea").inner_text()


def result_text(output: Locator) -> str:
    """The text of a cell's ``execute_result`` (its last expression's value)."""
    return output.locator(".jp-OutputArea-executeResult .jp-OutputArea-output").inner_text().strip()


def set_cell_source(page: Page, index: int, source: str) -> None:
    """Replace the text of a code cell."""
    editor = code_cell(page, index).locator(".jp-InputArea-editor .cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)


def answer_stdin(page: Page, index: int, text: str) -> None:
    """Type ``text`` into the stdin box of cell ``index`` (``input()``) and press Enter."""
    box = code_cell(page, index).locator(".jp-Stdin-input")
    box.wait_for()
    box.fill(text)
    box.press("Enter")


#: The current notebook's tab while it has unsaved changes (JupyterLab marks the tab only).
DIRTY_TAB = ".lm-TabBar-tab.jp-mod-current.jp-mod-dirty"


def save_notebook(page: Page) -> None:
    """Save the current notebook (toolbar button); return once it is stored.

    The tab loses its dirty mark when the contents manager has stored the
    file (in a JupyterLite site: the browser's storage); a reload before
    that shows the file as it was.
    """
    dirty = page.locator(DIRTY_TAB)
    expect(dirty).to_have_count(1)  # (there is something to save)
    page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) jp-button[data-command='docmanager:save']"
    ).click()
    expect(dirty).to_have_count(0, timeout=30_000)


def restart_kernel(page: Page) -> None:
    """Press the notebook toolbar's restart button and accept the dialog."""
    page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) jp-button[data-command='notebook:restart-kernel']"
    ).click()
    page.locator(".jp-Dialog .jp-mod-accept").click()


def interrupt_kernel(page: Page) -> None:
    """Press the notebook toolbar's interrupt button."""
    page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) jp-button[data-command='notebook:interrupt-kernel']"
    ).click()


class Console:
    """The page's (and its workers') console messages of jupyter-worker, as they come."""

    def __init__(self, page: Page) -> None:
        self.texts: list[str] = []
        self._page = page
        page.on("console", self._on)

    def _on(self, message: ConsoleMessage) -> None:
        if message.text.startswith("jupyter-worker: "):
            self.texts.append(message.text)

    def count(self, prefix: str) -> int:
        """How many messages so far start with ``prefix``."""
        return sum(text.startswith(prefix) for text in self.texts)

    def wait_for(self, prefix: str, count: int) -> None:
        """Wait (up to 3 min) until ``count`` messages start with ``prefix``."""
        for _ in range(1800):
            if self.count(prefix) >= count:
                return
            self._page.wait_for_timeout(100)  # (a message may come before the wait starts)
        msg = f"not {count} {prefix!r} in the console: {self.texts}"
        raise AssertionError(msg)
