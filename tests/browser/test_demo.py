"""The ``jupyter worker demo`` notebook, run cell by cell as a person does.

The site is built as the command builds it (``build_demo``), with pip kept off
the network: the widgets come from ``.cache/wheels`` (``tests/run.sh`` puts
them there).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from unittest import mock

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    code_cell,
    finish_cell,
    interrupt_kernel,
    open_notebook,
    result_text,
    run_cell,
    start_cell,
)
from playwright.sync_api import Locator, Page, expect
from support.sites import serve

from jupyter_worker.cli import DEMO_CONTENTS, DEMO_NOTEBOOK, DEMO_PACKAGES, build_demo
from jupyter_worker.constants import LITE_PYODIDE_DIR

WHEELS = Path(__file__).parents[2] / ".cache" / "wheels"

#: What the demo's widgets need beyond the wheels the site ships anyway.
WIDGET_WHEELS = {"ipywidgets", "jupyterlab_widgets", "widgetsnbextension"}


def offline_pip(find_links: Path) -> dict[str, str]:
    """pip's environment for a build that finds wheels only in ``find_links``."""
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(find_links)}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = WIDGET_WHEELS - {wheel.name.split("-")[0] for wheel in WHEELS.glob("*.whl")}
    if missing:
        pytest.fail(f"no wheels of {sorted(missing)} in {WHEELS}: tests/run.sh downloads them")
    with mock.patch.dict(os.environ, offline_pip(WHEELS)):
        return build_demo(tmp_path_factory.mktemp("demo") / "site")


def _shipped(site: Path) -> set[str]:
    return {wheel.name.split("-")[0] for wheel in (site / LITE_PYODIDE_DIR).glob("*.whl")}


def _element(output: Locator, selector: str) -> Locator:
    """A live page element that ``display(el)`` put in the output."""
    return output.locator(f".jp-WorkerElement {selector}")


#: A checksum of a canvas's pixels and how many are not blank.
CANVAS_PIXELS = """
(canvas) => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0, sum = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] && (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250)) painted++;
    sum = (sum * 31 + data[i] + data[i + 1] * 7 + data[i + 2] * 13) % 1000000007;
  }
  return { painted, sum };
}
"""


def _answer_stdin(page: Page, index: int, text: str) -> None:
    box = code_cell(page, index).locator(".jp-Stdin-input")
    box.wait_for()
    box.fill(text)
    box.press("Enter")


def _click_the_waiting_button(page: Page, index: int) -> None:
    """The cell waits for the click on its button; a click ends it."""
    start_cell(page, index)
    button = _element(code_cell(page, index).locator(".jp-OutputArea"), "button")
    expect(button).to_have_text("Click me", timeout=30_000)
    # (the worker posts the button's output as it blocks in wait_for: its
    # listener is on the page before the button shows)
    expect(code_cell(page, index).locator(".jp-InputPrompt")).to_have_text("[*]:")  # waiting
    button.click()
    expect(finish_cell(page, index)).to_contain_text(re.compile(r"clicked at \d+ \d+"))


def _watch_the_animation(page: Page, index: int) -> None:
    """Frames reach the canvas while the cell runs, and the page stays free."""
    start_cell(page, index)
    canvas = _element(code_cell(page, index).locator(".jp-OutputArea"), "canvas")
    canvas.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    first = canvas.evaluate(CANVAS_PIXELS)
    # a timer of the page fires at once while the worker draws
    lag = page.evaluate(
        "() => new Promise((done) => { const t = performance.now();"
        " setTimeout(() => done(performance.now() - t), 0); })"
    )
    assert lag < 250
    page.wait_for_timeout(500)
    second = canvas.evaluate(CANVAS_PIXELS)
    expect(code_cell(page, index).locator(".jp-InputPrompt")).to_have_text("[*]:")
    assert first["sum"] != second["sum"]
    finish_cell(page, index)
    assert canvas.evaluate(CANVAS_PIXELS)["painted"] > 100


def _move_the_widgets(page: Page, slider_cell: int, interact_cell: int) -> None:
    """A slider whose changes Python observes, and ``interact`` (shipped: no %pip)."""
    widget = run_cell(page, slider_cell)
    handle = widget.locator(".widget-slider .noUi-handle")
    handle.wait_for(timeout=30_000)
    expect(widget).to_contain_text("n² = 9")
    handle.focus()
    page.keyboard.press("ArrowRight")
    expect(widget.locator(".widget-readout")).to_have_text("4")
    expect(widget).to_contain_text("n² = 16")
    interact = run_cell(page, interact_cell).first  # the interact has an output area too
    expect(interact).to_contain_text("2³ = 8")
    interact.locator(".widget-slider .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    expect(interact).to_contain_text("3³ = 27")


def test_the_demo_ships_the_widgets_and_opens_in_the_worker_kernel(demo_site):
    assert set(DEMO_PACKAGES) <= _shipped(demo_site)
    notebook = json.loads((DEMO_CONTENTS / DEMO_NOTEBOOK).read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "python-worker"
    # a one-line explanation above every code cell
    kinds = [cell["cell_type"] for cell in notebook["cells"]]
    assert all(kinds[i - 1] == "markdown" for i, kind in enumerate(kinds) if kind == "code")
    assert (demo_site / "files" / DEMO_NOTEBOOK).is_file()


def test_the_demo_notebook_runs_cell_by_cell(page: Page, page_log, demo_site):
    with serve(demo_site, isolated=True) as base:
        open_notebook(page, f"{base}lab/index.html?path={DEMO_NOTEBOOK}")
        assert page.evaluate("crossOriginIsolated") is True
        expect(page.locator(".jp-KernelName").first).to_have_text("Python (worker)")

        # 0: a live element built from Python
        hello = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        expect(_element(hello, "div.jw-demo-hello")).to_have_text(
            "Hello from Python, in a web worker"
        )

        _click_the_waiting_button(page, 1)
        _watch_the_animation(page, 2)

        _move_the_widgets(page, 3, 4)

        # 5, 6: an endless loop, interrupted; its state survives
        start_cell(page, 5)
        expect(code_cell(page, 5).locator(".jp-OutputArea")).to_contain_text("loops so far")
        interrupt_kernel(page)
        expect(finish_cell(page, 5, timeout=20_000)).to_contain_text("KeyboardInterrupt")
        assert int(result_text(run_cell(page, 6))) > 0

        # 7: input(), answered in the stdin box
        start_cell(page, 7)
        _answer_stdin(page, 7, "Ada")
        expect(finish_cell(page, 7)).to_contain_text("Hello, Ada!")

        # 8-10: a %%worker cell between two kernel cells
        run_cell(page, 8)
        assert result_text(run_cell(page, 9, timeout=KERNEL_START_TIMEOUT)) == "25"
        assert result_text(run_cell(page, 10)) == "[83, 89, 97]"

        stderr = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        # the interrupt's traceback is the only error of the notebook
        expect(stderr).to_have_count(1)
    assert page_log.foreign_requests() == []


def test_without_the_wheels_the_demo_builds_without_widgets_and_says_so(tmp_path, capsys):
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    with mock.patch.dict(os.environ, offline_pip(empty)):
        site = build_demo(tmp_path / "site")
    warning = capsys.readouterr().err
    assert "WARNING: the demo site does not ship ipywidgets" in warning
    assert "No matching distribution found for ipywidgets" in warning
    assert "%pip install ipywidgets" in warning
    assert "ipywidgets" not in _shipped(site)
    assert (site / "files" / DEMO_NOTEBOOK).is_file()
