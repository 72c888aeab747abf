"""A notebook executed without a browser (nbclient, as ``nbconvert --execute``)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from jupyter_worker.magic.magics import NOT_HERE


def _notebook(*sources: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return notebook


def test_worker_cell_says_where_it_runs():
    notebook = _notebook("%load_ext jupyter_worker", "%%worker\nx = (", "after = 1")
    client = NotebookClient(notebook, kernel_name="python3", timeout=60)
    with pytest.raises(CellExecutionError) as info:
        client.execute()
    assert "WorkerCellError" in str(info.value)
    assert "SyntaxError" not in str(info.value)
    error = notebook.cells[1].outputs[-1]
    assert error.ename == "WorkerCellError"
    assert error.evalue == NOT_HERE
    assert notebook.cells[2].outputs == []


def test_skip_lets_the_kernel_cells_run():
    notebook = _notebook(
        "get_ipython().config.WorkerMagics.on_kernel = 'skip'\n%load_ext jupyter_worker",
        "%%worker\nprint('not here')",
        "print('kernel cell')",
    )
    NotebookClient(notebook, kernel_name="python3", timeout=60).execute()
    skipped = notebook.cells[1].outputs
    assert [(o.name, o.text.strip()) for o in skipped] == [("stderr", f"Skipped: {NOT_HERE}")]
    assert notebook.cells[2].outputs[0].text == "kernel cell\n"
