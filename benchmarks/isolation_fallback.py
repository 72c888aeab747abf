"""What the service-worker fallback costs: page load to first output, per way of isolating.

Builds one offline JupyterLite site (fallback on, as users get it) and, in one
headless Chromium session, times from navigation to the output of a one-cell
python-worker notebook on an isolated page:

- ``headers``: served with the isolation headers (Netlify-like host); no reload.
- ``sw first visit``: ``python -m http.server`` (no headers), fresh browser
  context: the page registers the service worker and reloads once.
- ``sw repeat visit``: same server, a second visit in that context: the worker
  is there, no reload.

Prints each run and the medians. Figures, not assertions.

    python benchmarks/isolation_fallback.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from harness import notebook, wait_output
from playwright.sync_api import Error, Page, sync_playwright
from support.chromium import launch
from support.servers import plain_http_server

from jupyter_worker.lite.site import build_site
from jupyter_worker.static_server import make_server

NOTEBOOK = "lab/index.html?path=start.ipynb"


def _notebook(folder: Path) -> None:
    folder.mkdir(parents=True)
    cells = ["from js import document\nprint('ready', document.title != '')"]
    (folder / "start.ipynb").write_text(json.dumps(notebook(cells)), encoding="utf-8")


def _first_output(page: Page, url: str) -> tuple[float, float, int]:
    """Seconds from navigation to isolation and to the cell's output; documents loaded."""
    loads: list[str] = []
    page.on("domcontentloaded", lambda p: loads.append(p.url))
    started = time.monotonic()
    page.goto(url)
    while True:  # through the reload, if any
        try:
            if page.evaluate("crossOriginIsolated"):
                break
        except Error:
            pass
        if time.monotonic() - started > 120:
            raise RuntimeError("never isolated")
        page.wait_for_timeout(50)
    isolated = time.monotonic() - started
    cell = page.locator(".jp-CodeCell").first
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    wait_output(page, 0, "ready True")
    return isolated, time.monotonic() - started, len(loads)


def _record(
    run: int,
    way: str,
    figures: tuple[float, float, int],
    isolated: dict[str, list[float]],
    times: dict[str, list[float]],
) -> None:
    isolated[way].append(figures[0])
    times[way].append(figures[1])
    print(
        f"run {run + 1} {way:16} isolated {figures[0]:6.2f} s, output {figures[1]:6.2f} s, "
        f"{figures[2]} load(s)"
    )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per way")
    args = parser.parse_args()

    ways = ("headers", "sw first visit", "sw repeat visit")
    times: dict[str, list[float]] = {way: [] for way in ways}
    isolated: dict[str, list[float]] = {way: [] for way in ways}
    with tempfile.TemporaryDirectory() as tmp:
        contents = Path(tmp) / "notebooks"
        _notebook(contents)
        site = build_site(Path(tmp) / "site", [contents])
        server = make_server(site, port=0, isolated=True, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        headers_url = f"http://127.0.0.1:{server.server_address[1]}/{NOTEBOOK}"
        try:
            with (
                plain_http_server(site, Path(tmp) / "http.log") as plain,
                sync_playwright() as driver,
            ):
                browser = launch(driver)
                for run in range(args.runs):
                    context = browser.new_context()
                    figures = _first_output(context.new_page(), headers_url)
                    _record(run, "headers", figures, isolated, times)
                    context.close()

                    context = browser.new_context()
                    for way in ("sw first visit", "sw repeat visit"):
                        figures = _first_output(context.new_page(), f"{plain}{NOTEBOOK}")
                        _record(run, way, figures, isolated, times)
                    context.close()
                browser.close()
        finally:
            server.shutdown()

    print(
        f"\nNavigation to isolation / to first output of a DOM-proxy cell "
        f"({args.runs} runs, medians):"
    )
    for way in ways:
        print(
            f"  {way:16} {statistics.median(isolated[way]):6.2f} s / "
            f"{statistics.median(times[way]):6.2f} s"
        )


if __name__ == "__main__":
    main()
