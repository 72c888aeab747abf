"""The binder demo of ``%%worker`` runs in a real JupyterLab from top to bottom."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from notebook import KERNEL_START_TIMEOUT, code_cell, finish_cell, open_notebook
from playwright.sync_api import expect

DEMO = Path(__file__).parents[2] / "binder" / "worker-magic.ipynb"


def test_binder_demo_runs_all(page, lab):
    shutil.copy(DEMO, lab.root / DEMO.name)
    open_notebook(page, f"{lab.url}lab/workspaces/demo/tree/{DEMO.name}?reset")
    page.wait_for_function(
        "jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel"
        "?.connectionStatus === 'connected'",
        timeout=KERNEL_START_TIMEOUT,
    )
    page.evaluate("() => { void jupyterapp.commands.execute('notebook:run-all-cells'); }")
    listed = code_cell(page, 6).locator(".jp-OutputArea")
    expect(listed).to_contain_text("counter", timeout=KERNEL_START_TIMEOUT)
    drawn = finish_cell(page, 2)
    assert drawn.inner_text().strip() == "drawn by Python on emscripten"
    assert drawn.locator(".jp-WorkerElement canvas").get_attribute("width") == "320"
    assert finish_cell(page, 3).inner_text().strip().endswith("{'count': 8, 'max': 9}")
    assert finish_cell(page, 5).inner_text().strip().endswith("1")
    assert re.search(r"^counter\s+idle\s+2$", listed.inner_text(), re.MULTILINE)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0
