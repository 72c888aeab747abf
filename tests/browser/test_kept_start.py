"""What a page keeps of its first worker's start (``kernel/kept.ts``): Pyodide's wasm compiled
once (``worker/wasmmodule.ts``) and the kernel's start-up wheels unpacked once
(``worker/wheeltree.ts``). The kernel's first worker compiles and unpacks them; a restart's worker
and a ``%%worker`` cell's reuse them and work as ever, with and without isolation, their packages
installed as Pyodide's own loader installs them."""

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

#: Whether the kernel's start-up packages are installed as Pyodide's loader installs them: each
#: file their RECORD names, with its hash; the loader's metadata; IPython's data file below
#: ``sys.prefix``; the packages in Pyodide's record of loaded ones.
CHECK_INSTALLED = """\
import base64, hashlib, importlib.metadata as md, os, sys, pyodide_js
names = ["micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython", "parso"]
bad, checked = [], 0
for name in names:
    dist = md.distribution(name)
    for file in dist.files:
        if file.hash:
            digest = hashlib.new(file.hash.mode, file.locate().read_bytes()).digest()
            checked += 1
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != file.hash.value:
                bad.append(str(file))
    if (dist.read_text("INSTALLER"), dist.read_text("PYODIDE_SOURCE")) != (
        "pyodide.loadPackage",
        "pyodide",
    ):
        bad.append(f"{name}'s metadata")
loaded = pyodide_js.loadedPackages.to_py()
bad += [f"{name} not loaded" for name in names if name not in loaded]
bad, checked > 1000, os.path.isfile(sys.prefix + "/share/man/man1/ipython.1")"""

CELLS = [
    "import random\nx = random.random()\ntype(x).__name__",
    CHECK_INSTALLED,
    "'x' in globals(), sum(range(10))",
    CHECK_INSTALLED,
    "%%worker w --out y\ny = 6 * 7",
    "y",
]

INSTALLED = "([], True, True)"

REUSED = "jupyter-worker: the worker reuses Pyodide's compiled wasm"
NOT_REUSED = "jupyter-worker: Pyodide's compiled wasm could not be reused"
TREE_REUSED = "jupyter-worker: the worker installs the kernel's wheels another worker unpacked"
NOT_UNPACKED = "jupyter-worker: the kernel's wheels could not be unpacked"


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
def test_later_workers_reuse_the_first_s_pyodide_and_wheels(page, page_log, wasm_site, isolated):
    console = Console(page)
    with serve(wasm_site, isolated=isolated) as base:
        open_notebook(page, f"{base}lab/index.html?path=wasm.ipynb")
        assert page.evaluate("crossOriginIsolated") is isolated
        assert result_text(run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)) == "'float'"
        assert result_text(run_cell(page, 1)) == INSTALLED
        # the first worker compiled and unpacked them
        assert (console.count(REUSED), console.count(TREE_REUSED)) == (0, 0)
        restart_kernel(page)
        expect(page.locator(".jp-Dialog")).to_have_count(0)
        assert result_text(run_cell(page, 2, timeout=KERNEL_START_TIMEOUT)) == "(False, 45)"
        assert (console.count(REUSED), console.count(TREE_REUSED)) == (1, 1)
        assert result_text(run_cell(page, 3)) == INSTALLED
        run_cell(page, 4, timeout=KERNEL_START_TIMEOUT)
        assert result_text(run_cell(page, 5)) == "42"
        # the %%worker cell's worker
        assert (console.count(REUSED), console.count(TREE_REUSED)) == (2, 2)
        assert (console.count(NOT_REUSED), console.count(NOT_UNPACKED)) == (0, 0)
    assert [e for e in page_log.console_errors if "jupyter-worker" in e] == []
