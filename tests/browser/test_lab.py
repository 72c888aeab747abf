"""A real `jupyter lab` server with jupyter-worker installed."""

from __future__ import annotations

from notebook import KERNEL_START_TIMEOUT, open_notebook, run_cell

PLUGIN = "jupyter-worker:kernel"

#: Upstream's Lite kernel plugin: installed with its labextension, disabled in JupyterLab.
LITE_KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"


def test_lab_page_is_isolated_with_the_extension_active(page, page_log, lab):
    open_notebook(page, lab.notebook("server", ["print(6 * 7)"]))
    assert page.evaluate("crossOriginIsolated") is True
    page.wait_for_function("window.jupyterapp !== undefined")
    assert page.evaluate(f"jupyterapp.hasPlugin({PLUGIN!r})") is True
    page.wait_for_function(f"jupyterapp.isPluginActivated({PLUGIN!r})", timeout=30_000)

    # the server kernel still works on an isolated page
    output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert output.inner_text().strip() == "42"
    assert [e for e in page_log.console_errors if "jupyter-worker" in e] == []
    # no plugin failed to activate (upstream's Lite kernel one did: no kernel specs)
    assert page.evaluate(f"jupyterapp.hasPlugin({LITE_KERNEL_PLUGIN!r})") is False
    assert [e for e in page_log.console_errors if "activate" in e] == []
