"""ipywidgets in the worker kernel: shipped with JupyterLite's ``--piplite-wheels``.

The wheels come from PyPI at install time (``tests/run.sh`` puts them in
``.cache/wheels``); the widgets' lab extension (``jupyterlab_widgets``) is in the
build environment, as for any JupyterLite site with widgets.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from notebook import KERNEL_START_TIMEOUT, open_notebook, result_text, run_cell
from playwright.sync_api import expect
from servers import write_notebook
from site_server import serve

from jupyter_worker.lite.site import build_site

WHEELS = Path(__file__).parent.parent.parent / ".cache" / "wheels"

CELLS = [
    "%pip install ipywidgets",
    "import ipywidgets as widgets\n"
    "slider = widgets.IntSlider(value=1, min=0, max=10, description='jw')\n"
    "seen = []\n"
    "slider.observe(lambda change: seen.append(change['new']), 'value')\n"
    "slider",
    "seen, slider.value",
    "@widgets.interact(x=3)\ndef double(x):\n    print('double is', 2 * x)",
]


@pytest.fixture(scope="module")
def widget_site(tmp_path_factory) -> Path:
    wheels = sorted(WHEELS.glob("*.whl"))
    names = {wheel.name.split("-")[0] for wheel in wheels}
    if not {"ipywidgets", "jupyterlab_widgets"} <= names:
        pytest.fail(f"no ipywidgets wheels in {WHEELS}: tests/run.sh downloads them")
    root = tmp_path_factory.mktemp("widgets")
    contents = root / "contents"
    contents.mkdir()
    write_notebook(contents / "widgets.ipynb", CELLS)
    options = ["--no-worker-isolation-fallback"]
    for wheel in wheels:
        options += ["--piplite-wheels", str(wheel)]
    return build_site(root / "site", [contents], options=options)


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "not-isolated"])
def test_slider_displays_and_its_changes_are_observed(page, widget_site, isolated):
    with serve(widget_site, isolated=isolated) as base:
        open_notebook(page, f"{base}lab/index.html?path=widgets.ipynb")
        run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        output = run_cell(page, 1)
        handle = output.locator(".widget-slider .noUi-handle")
        handle.wait_for(timeout=30_000)
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(output.locator(".widget-readout")).to_have_text("3")
        # the kernel saw both changes
        assert result_text(run_cell(page, 2)) == "([2, 3], 3)"
        interact = run_cell(page, 3).first
        expect(interact).to_contain_text("double is 6")
        interact.locator(".widget-slider .noUi-handle").focus()
        page.keyboard.press("ArrowLeft")
        expect(interact).to_contain_text("double is 4")
