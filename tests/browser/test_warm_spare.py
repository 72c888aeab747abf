"""The warm spare kernel worker (``kernel/spare.ts``): started as the page loads a notebook of
the worker kernel and when the kernels are idle; a kernel (a restart) takes it, as good as new."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    Console,
    code_cell,
    finish_cell,
    interrupt_kernel,
    open_notebook,
    restart_kernel,
    result_text,
    run_cell,
    start_cell,
)
from playwright.sync_api import Page, expect
from support.notebooks import write_notebook
from support.sites import serve

from jupyter_worker.lite.site import build_site

CELLS = [
    # 0: where it runs, what it reads, its random state and hash seed
    "import os, random, sys\n"
    "open('data.txt').read(), os.getcwd(), random.random(), hash('spare'), len(sys.path) > 0",
    # 1: the page proxy
    "from jupyter_worker import document\ndocument.title = 'spare'\ndocument.title",
    # 2: interrupted
    "while True:\n    pass",
    # 3: after the interrupt
    "6 * 7",
    # 4: a notebook of this kernel that only the browser's storage holds
    "import shutil\nshutil.copy('spare.ipynb', 'made.ipynb')\n'copied'",
]

READY = "jupyter-worker: a warm spare kernel worker is ready"
#: The page's marks of when it started the notebook's worker (``kernel/early.ts``).
STARTED_AT = (
    'performance.getEntriesByName("jupyter-worker: notebook\'s worker started at {}").length'
)
TAKEN = "jupyter-worker: a kernel took the warm spare kernel worker"


@pytest.fixture(scope="module")
def spare_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spare")
    folder = root / "contents" / "sub"
    folder.mkdir(parents=True)
    write_notebook(folder / "spare.ipynb", CELLS)
    (folder / "data.txt").write_text("data of sub", encoding="utf-8")
    options = ["--no-worker-isolation-fallback"]
    return build_site(root / "site", [root / "contents"], options=options)


def _first(page: Page) -> tuple[str, str, float, int, bool]:
    return ast.literal_eval(result_text(run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)))


def test_a_restart_takes_the_spare_and_starts_as_a_fresh_kernel(page, spare_site):
    console = Console(page)
    with serve(spare_site, isolated=True) as base:
        open_notebook(page, f"{base}lab/index.html?path=sub/spare.ipynb")
        before = _first(page)
        # the kernel took the worker the page started as its code loaded
        assert console.count(TAKEN) == 1
        assert page.evaluate(STARTED_AT.format("load")) == 1
        assert page.evaluate(STARTED_AT.format("activation")) == 0
        assert before[:2] == ("data of sub", "/drive/sub")
        console.wait_for(READY, 2)  # idle: the page started a spare
        restart_kernel(page)
        expect(page.locator(".jp-Dialog")).to_have_count(0)
        after = _first(page)
        assert console.count(TAKEN) == 2
        assert after[:2] == ("data of sub", "/drive/sub")
        assert after[2] != before[2]  # its own random state
        assert after[3] != before[3]  # and hash seed
        assert result_text(run_cell(page, 1)) == "'spare'"
        start_cell(page, 2)
        expect(code_cell(page, 2).locator(".jp-InputPrompt")).to_have_text("[*]:")
        interrupt_kernel(page)
        expect(finish_cell(page, 2)).to_contain_text("KeyboardInterrupt")
        assert result_text(run_cell(page, 3)) == "42"


def test_a_notebook_made_in_the_browser_starts_its_worker_as_the_page_loads(page, spare_site):
    # (the site serves no such file: the page finds its kernel in the browser's storage)
    console = Console(page)
    with serve(spare_site, isolated=True) as base:
        open_notebook(page, f"{base}lab/index.html?path=sub/spare.ipynb")
        assert result_text(run_cell(page, 4, timeout=KERNEL_START_TIMEOUT)) == "'copied'"
        console.texts.clear()
        open_notebook(page, f"{base}lab/index.html?path=sub/made.ipynb")
        assert _first(page)[:2] == ("data of sub", "/drive/sub")
        assert console.count(TAKEN) == 1
        assert page.evaluate(STARTED_AT.format("activation")) == 1


def test_a_page_not_isolated_starts_the_notebook_s_worker_as_the_plugin_activates(page, spare_site):
    # (its drive goes through JupyterLite's service worker, known only then)
    console = Console(page)
    with serve(spare_site, isolated=False) as base:
        open_notebook(page, f"{base}lab/index.html?path=sub/spare.ipynb")
        assert _first(page)[:2] == ("data of sub", "/drive/sub")
        assert console.count(TAKEN) == 1
        assert page.evaluate(STARTED_AT.format("load")) == 0
        assert page.evaluate(STARTED_AT.format("activation")) == 1
