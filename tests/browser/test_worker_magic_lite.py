"""``%%worker`` cells in JupyterLite, with the worker kernel and with upstream's."""

from __future__ import annotations

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    code_cell,
    finish_cell,
    open_notebook,
    run_cell,
    start_cell,
)
from playwright.sync_api import expect
from support.sites import serve


@pytest.mark.parametrize(
    ("notebook", "kernel", "isolated"),
    [
        ("worker-magic", "Python (worker)", True),
        ("worker-magic", "Python (worker)", False),
        # Not isolated: upstream's isolated transport (its bundled coincident)
        # fails intermittently on its own, which is not ours to test.
        ("worker-magic-upstream", "Python (Pyodide)", False),
    ],
    ids=["python-worker-isolated", "python-worker-not-isolated", "upstream-python"],
)
def test_worker_cell_in_lite(page, lite_site, notebook, kernel, isolated):
    with serve(lite_site, isolated=isolated) as base:
        started: list[str] = []
        page.on("worker", lambda w: started.append(w.url) if "pyodide" in w.url else None)
        open_notebook(page, f"{base}lab/index.html?path={notebook}.ipynb")
        assert page.evaluate("crossOriginIsolated") is isolated
        expect(page.locator(".jp-KernelName").first).to_have_text(kernel, timeout=30_000)
        run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        kernel_workers = len(started)
        output = run_cell(page, 1, timeout=KERNEL_START_TIMEOUT)
        assert output.inner_text().strip() == "in the worker 6 False emscripten"
        # a worker of its own, not the notebook's kernel
        assert len(started) == kernel_workers + 1
        assert run_cell(page, 2).inner_text().strip() == "kernel {'n': 3}"
        assert code_cell(page, 1).locator(".jp-InputPrompt").inner_text() == "[1]:"
        start_cell(page, 3)
        if isolated:  # the notebook's stdin box, over the channel
            box = code_cell(page, 3).locator(".jp-Stdin-input")
            box.fill("Lite")
            box.press("Enter")
            expect(finish_cell(page, 3)).to_contain_text("hi Lite")
        else:  # no channel, and no service worker serves a %%worker worker
            failed = finish_cell(page, 3)
            expect(failed).to_contain_text("input() needs a cross-origin isolated page")
            expect(failed).to_contain_text("Cross-Origin-Opener-Policy: same-origin")
