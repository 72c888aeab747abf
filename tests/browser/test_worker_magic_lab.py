"""``%%worker`` cells in JupyterLab with an ordinary server kernel (ipykernel)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_server import lab_server, write_notebook
from notebook import KERNEL_START_TIMEOUT, code_cell, finish_cell, open_notebook, run_cell

HELLO = [
    "import os\nkernel_pid = os.getpid()\nprint('kernel', kernel_pid)",
    "%%worker\n"
    "from js import document\n"
    "import os, sys\n"
    "el = document.createElement('canvas')\n"
    "el.id = 'drawn-from-worker'\n"
    "el.width = 7\n"
    "display(el)\n"
    "print('hello from the browser', sys.platform)\n"
    "6 * 7",
    "print('after', kernel_pid == os.getpid())",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("lab")
    write_notebook(root / "hello.ipynb", HELLO)
    with lab_server(root, root.parent / "lab.log") as url:
        yield url, root


def test_worker_cell_prints_and_displays_an_element(page, page_log, lab):
    url, _root = lab
    open_notebook(page, f"{url}lab/tree/hello.ipynb")
    first = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert first.inner_text().startswith("kernel ")
    output = run_cell(page, 1, timeout=KERNEL_START_TIMEOUT)
    text = output.inner_text()
    assert "hello from the browser emscripten" in text
    assert "42" in text
    canvas = output.locator("canvas#drawn-from-worker")
    assert canvas.count() == 1
    assert canvas.get_attribute("width") == "7"
    after = run_cell(page, 2)
    assert after.inner_text().strip() == "after True"

