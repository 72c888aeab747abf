"""Take ``binder/demo.png``: the ``jupyter worker demo`` notebook, run, in headless Chromium.

Builds the demo site as ``jupyter worker demo`` does, with pip kept off the
network (the widget wheels come from ``.cache/wheels``, which ``tests/run.sh``
fills), serves it isolated, runs the cells as a person does and saves the
window. Run from the checkout's venv: ``python binder/screenshot.py [OUT.png]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

from notebook import (  # noqa: E402
    KERNEL_START_TIMEOUT,
    code_cell,
    finish_cell,
    open_notebook,
    run_cell,
    start_cell,
)
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from support.chromium import launch  # noqa: E402
from support.sites import serve  # noqa: E402

from jupyter_worker.cli import DEMO_NOTEBOOK, build_demo  # noqa: E402

WHEELS = ROOT / ".cache" / "wheels"
VIEWPORT = {"width": 1280, "height": 1000}

#: The page's zoom, so the element, the canvas and the widgets fit in one window.
ZOOM = 0.82


def run_demo(page: Page) -> None:
    """Run the cells shown in the picture: element, button, canvas, widgets."""
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    start_cell(page, 1)
    button = code_cell(page, 1).locator(".jp-WorkerElement button")
    button.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    button.click()
    finish_cell(page, 1)
    run_cell(page, 2)
    handle = run_cell(page, 3).locator(".widget-slider .noUi-handle")
    handle.wait_for(timeout=30_000)
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    run_cell(page, 4)


def main(out: Path) -> None:
    """Build, serve, run and save the picture to ``out``."""
    pip = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELS)}
    with tempfile.TemporaryDirectory(prefix="jupyter-worker-shot-") as scratch:
        with mock.patch.dict(os.environ, pip):
            site = build_demo(Path(scratch) / "site")
        with serve(site, isolated=True) as base, sync_playwright() as driver:
            browser = launch(driver)
            page = browser.new_page(viewport=VIEWPORT)
            open_notebook(page, f"{base}lab/index.html?path={DEMO_NOTEBOOK}")
            # the notebook alone: no file browser beside it
            current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
            if current.count():
                current.first.click()
            run_demo(page)
            # from the first code cell's explanation to the widgets
            page.evaluate(
                "(zoom) => { document.documentElement.style.zoom = String(zoom);"
                " window.dispatchEvent(new Event('resize')); }",
                ZOOM,
            )
            page.wait_for_timeout(500)
            page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").nth(1).evaluate(
                "(cell) => cell.scrollIntoView({ block: 'start' })"
            )
            page.mouse.move(0, 0)
            page.wait_for_timeout(500)
            page.screenshot(path=str(out))
            browser.close()
    print(f"saved {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "demo.png")
