"""A real `jupyter lab` server with jupyter-worker installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from notebook import KERNEL_START_TIMEOUT, open_notebook, run_cell
from support.notebooks import SERVER_KERNEL, write_notebook
from support.servers import jupyter_lab

PLUGIN = "jupyter-worker:kernel"


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `jupyter lab` as a user would (server extension enabled by the install)."""
    root = tmp_path_factory.mktemp("lab")
    write_notebook(root / "server.ipynb", ["print(6 * 7)"], SERVER_KERNEL)
    with jupyter_lab(root, root.parent / "lab.log") as url:
        yield url


def test_lab_page_is_isolated_with_the_extension_active(page, page_log, lab_url):
    open_notebook(page, f"{lab_url}lab/tree/server.ipynb")
    assert page.evaluate("crossOriginIsolated") is True
    page.wait_for_function("window.jupyterapp !== undefined")
    assert page.evaluate(f"jupyterapp.hasPlugin({PLUGIN!r})") is True
    page.wait_for_function(f"jupyterapp.isPluginActivated({PLUGIN!r})", timeout=30_000)

    # the server kernel still works on an isolated page
    output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert output.inner_text().strip() == "42"
    assert [e for e in page_log.console_errors if "jupyter-worker" in e] == []
