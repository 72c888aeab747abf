"""Pyodide's wasm compiled once per page (``worker/wasmmodule.ts``, ``kernel/compiled.ts``): the
kernel's first worker compiles it; a restart's worker and a ``%%worker`` cell's reuse it and
work as ever, with and without isolation."""

from __future__ import annotations

from pathlib import Path

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    Console,
    open_notebook,
    restart_kernel,
    result_text,
    run_cell,
)
from playwright.sync_api import expect
from support.notebooks import write_notebook
from support.sites import serve

from jupyter_worker.lite.site import build_site

CELLS = [
    "import random\nx = random.random()\ntype(x).__name__",
    "'x' in globals(), sum(range(10))",
    "%%worker w --out y\ny = 6 * 7",
    "y",
]

REUSED = "jupyter-worker: the worker reuses Pyodide's compiled wasm"
NOT_REUSED = "jupyter-worker: Pyodide's compiled wasm could not be reused"


@pytest.fixture(scope="module")
def wasm_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wasm")
    (root / "contents").mkdir()
    write_notebook(root / "contents" / "wasm.ipynb", CELLS)
    options = ["--no-worker-isolation-fallback"]
    # no spare, no snapshot: the restart's worker starts Pyodide itself
    settings = {"jupyter-worker:kernel": {"warmSpare": False, "snapshot": False}}
    return build_site(root / "site", [root / "contents"], options=options, plugin_settings=settings)


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "not-isolated"])
def test_later_workers_reuse_the_first_s_compiled_pyodide(page, page_log, wasm_site, isolated):
    console = Console(page)
    with serve(wasm_site, isolated=isolated) as base:
        open_notebook(page, f"{base}lab/index.html?path=wasm.ipynb")
        assert page.evaluate("crossOriginIsolated") is isolated
        assert result_text(run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)) == "'float'"
        assert console.count(REUSED) == 0  # the first worker compiled it
        restart_kernel(page)
        expect(page.locator(".jp-Dialog")).to_have_count(0)
        assert result_text(run_cell(page, 1, timeout=KERNEL_START_TIMEOUT)) == "(False, 45)"
        assert console.count(REUSED) == 1
        run_cell(page, 2, timeout=KERNEL_START_TIMEOUT)
        assert result_text(run_cell(page, 3)) == "42"
        assert console.count(REUSED) == 2  # the %%worker cell's worker
        assert console.count(NOT_REUSED) == 0
    assert [e for e in page_log.console_errors if "jupyter-worker" in e] == []
