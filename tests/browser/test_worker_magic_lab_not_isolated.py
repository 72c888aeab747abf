"""``%%worker`` in JupyterLab when the server sends no isolation headers."""

from __future__ import annotations

from notebook import KERNEL_START_TIMEOUT, code_cell, open_notebook, run_cell, start_cell
from playwright.sync_api import expect
from support.notebooks import SERVER_KERNEL, write_notebook
from support.servers import jupyter_lab

CELLS = [
    "%%worker\nimport sys\nprint('runs', sys.platform)",
    "%%worker\nfrom js import document\ndocument.title",
    "%%worker\nn = 0\nwhile True:\n    n += 1\n    if n % 1_000_000 == 0:\n        print(n)",
    "%%worker\nprint('fresh', 'sys' not in globals())",
    # 4: started workers: the asynchronous forms work, the synchronous ones say why not
    "%%worker\nfrom jupyter_worker import Worker\nw = Worker(name='plain')\n"
    "try:\n    w.call('abs', -1)\nexcept Exception as error:\n    print(type(error).__name__)\n"
    "print(await w.acall('abs', -42), w.name)",
    # 5: without isolation a worker cell has no drive: the notebook's files are not there
    "%%worker\nimport os\nprint(os.path.exists('plain.ipynb'))",
]


def test_cells_run_and_interrupt_stops_the_worker(page, tmp_path):
    root = tmp_path / "plain"
    root.mkdir()
    write_notebook(root / "plain.ipynb", CELLS, SERVER_KERNEL)
    no_headers = "--WorkerServerApp.isolation_headers=False"
    with jupyter_lab(root, tmp_path / "lab.log", no_headers) as url:
        open_notebook(page, f"{url}lab/workspaces/plain/tree/plain.ipynb?reset")
        assert page.evaluate("crossOriginIsolated") is False
        page.wait_for_function(
            "jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel"
            "?.connectionStatus === 'connected'",
            timeout=KERNEL_START_TIMEOUT,
        )
        output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        assert output.inner_text().strip() == "runs emscripten"
        # the page proxy needs isolation: a clear error, not a hang
        error = run_cell(page, 1).inner_text()
        assert "IsolationError" in error
        start_cell(page, 2)
        # its prints show once it loops in the worker
        expect(code_cell(page, 2).locator(".jp-OutputArea")).to_contain_text("000000")
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        panel.locator("jp-button[data-command='notebook:interrupt-kernel']").click()
        expect(code_cell(page, 2).locator(".jp-OutputArea")).to_contain_text(
            "without cross-origin isolation the worker had to be stopped"
        )
        assert run_cell(page, 3, timeout=KERNEL_START_TIMEOUT).inner_text().strip() == "fresh True"
        output = run_cell(page, 4, timeout=KERNEL_START_TIMEOUT).inner_text().strip()
        assert output == "IsolationError\n42 plain"
        assert run_cell(page, 5).inner_text().strip() == "False"
