"""ipywidgets in the worker kernel: shipped with JupyterLite's ``--piplite-wheels``.

The wheels come from PyPI at install time (``tests/run.sh`` puts them in
``.cache/wheels``); the widgets' lab extension (``jupyterlab_widgets``) is in the
build environment, as for any JupyterLite site with widgets.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    code_cell,
    finish_cell,
    open_notebook,
    result_text,
    run_cell,
    start_cell,
)
from playwright.sync_api import Locator, Page, expect
from support.notebooks import write_notebook
from support.sites import serve

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
    # a running cell that sleeps reads the slider's current value
    "import time\n"
    "for _ in range(400):\n"
    "    if slider.value >= 4:\n"
    "        break\n"
    "    time.sleep(0.05)\n"
    "slider.value, seen",
    "upload = widgets.FileUpload()\nupload",
    # a file chosen while the cell sleeps reaches it (the content: binary buffers)
    "import time\n"
    "for _ in range(400):\n"
    "    if upload.value:\n"
    "        break\n"
    "    time.sleep(0.05)\n"
    "[(item['name'], bytes(item['content'])) for item in upload.value]",
]


@pytest.fixture(scope="module")
def widget_site(tmp_path_factory) -> Path:
    # (widgetsnbextension: upstream's kernel ships an empty one, as for its own sites)
    wanted = ("ipywidgets-", "jupyterlab_widgets-")
    wheels = sorted(wheel for wheel in WHEELS.glob("*.whl") if wheel.name.startswith(wanted))
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


def _show_slider(page: Page, base: str) -> tuple[Locator, Locator]:
    """Install ipywidgets, run the slider's cell; its output and its handle."""
    open_notebook(page, f"{base}lab/index.html?path=widgets.ipynb")
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    output = run_cell(page, 1)
    handle = output.locator(".widget-slider .noUi-handle")
    handle.wait_for(timeout=30_000)
    return output, handle


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "not-isolated"])
def test_slider_displays_and_its_changes_are_observed(page, widget_site, isolated):
    with serve(widget_site, isolated=isolated) as base:
        output, handle = _show_slider(page, base)
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


def test_a_running_cell_sees_widget_changes_while_it_sleeps(page, widget_site):
    with serve(widget_site, isolated=True) as base:
        output, handle = _show_slider(page, base)
        start_cell(page, 4)
        expect(code_cell(page, 4).locator(".jp-InputPrompt")).to_have_text("[*]:")
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        expect(output.locator(".widget-readout")).to_have_text("4")
        # the loop ends as soon as it sees 4, long before its 20 s are up
        assert result_text(finish_cell(page, 4)) == "(4, [2, 3, 4])"


def test_a_running_cell_receives_an_uploaded_file_while_it_sleeps(page, widget_site, tmp_path):
    chosen = tmp_path / "up.bin"
    chosen.write_bytes(b"jw upload\x00\xff")
    with serve(widget_site, isolated=True) as base:
        _show_slider(page, base)
        button = run_cell(page, 5).locator(".widget-upload")
        start_cell(page, 6)
        expect(code_cell(page, 6).locator(".jp-InputPrompt")).to_have_text("[*]:")
        with page.expect_file_chooser() as chooser:
            button.click()
        chooser.value.set_files(str(chosen))
        assert result_text(finish_cell(page, 6)) == "[('up.bin', b'jw upload\\x00\\xff')]"
