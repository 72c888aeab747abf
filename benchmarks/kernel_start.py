"""Kernel start and restart: python-worker vs upstream python.

Builds one offline JupyterLite site, serves it on 127.0.0.1 and, in one headless
Chromium session, opens a two-cell notebook per kernel in alternation (fresh
browser context each time, so no cache is shared), runs the first cell and times
from navigation start to its output; then restarts the kernel (toolbar button,
dialog accepted) and times from the click to the second cell's output; then
visits the page again in the same context (the browser's caches warm) and
times navigation to the first output again. Prints
each run, the medians and their ratios (python-worker / python; <= 1.05 means
the wrapper costs nothing noticeable; restart / first start for each kernel).

    python benchmarks/kernel_start.py [--runs 5] [--no-isolation]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from harness import KERNELS, notebook
from playwright.sync_api import Browser, Page, sync_playwright
from support.chromium import launch

from jupyter_worker.lite.site import build_site
from jupyter_worker.static_server import make_server


def _notebooks(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in KERNELS:
        cells = [f"print({text!r})" for text in ("ready", "restarted")]
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook(cells, name)), encoding="utf-8")


def _first_output(page: Page, url: str) -> float:
    """Seconds from navigating to ``url`` to the first cell's output."""
    page.goto(url)
    cell = page.locator(".jp-CodeCell").first
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-OutputArea-output", has_text="ready").wait_for(timeout=180_000)
    return float(page.evaluate("performance.now()")) / 1000


def _one_run(browser: Browser, url: str) -> tuple[float, float, float]:
    """Seconds from navigation to the first output, from restart to the next, and of a revisit."""
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # (leave the page: unsaved outputs)
    first = _first_output(page, url)
    page.locator("jp-button[data-command='notebook:restart-kernel']").first.click()
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    accept.wait_for()
    clicked = float(page.evaluate("performance.now()")) / 1000
    accept.click()
    again = page.locator(".jp-CodeCell").nth(1)
    again.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    again.locator(".jp-OutputArea-output", has_text="restarted").wait_for(timeout=180_000)
    restart = float(page.evaluate("performance.now()")) / 1000 - clicked
    repeat = _first_output(page, url)  # the browser's caches warm
    context.close()
    return first, restart, repeat


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per kernel")
    parser.add_argument("--no-isolation", action="store_true", help="serve without headers")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        contents = Path(tmp) / "notebooks"
        _notebooks(contents)
        site = build_site(Path(tmp) / "site", [contents])
        server = make_server(site, port=0, isolated=not args.no_isolation, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/lab/index.html?path="
        times: dict[str, list[float]] = {name: [] for name in KERNELS}
        restarts: dict[str, list[float]] = {name: [] for name in KERNELS}
        repeats: dict[str, list[float]] = {name: [] for name in KERNELS}
        with sync_playwright() as driver:
            browser = launch(driver)
            _one_run(browser, f"{base}python-worker.ipynb")  # warm the OS file cache
            for run in range(args.runs):
                for name in KERNELS:
                    started = time.monotonic()
                    try:
                        seconds, restart, repeat = _one_run(browser, f"{base}{name}.ipynb")
                    except Exception as error:  # report the failure and go on
                        print(
                            f"run {run + 1} {name}: failed after "
                            f"{time.monotonic() - started:.1f} s: {error}".splitlines()[0]
                        )
                        continue
                    times[name].append(seconds)
                    restarts[name].append(restart)
                    repeats[name].append(repeat)
                    print(
                        f"run {run + 1} {name:14} {seconds:6.2f} s, restart {restart:6.2f} s, "
                        f"revisit {repeat:6.2f} s"
                    )
            browser.close()
        server.shutdown()

    isolation = "not isolated" if args.no_isolation else "isolated"
    print(f"\nPage load to first output ({isolation}, {args.runs} runs, medians):")
    medians = {name: statistics.median(values) for name, values in times.items() if values}
    for name, value in medians.items():
        print(
            f"  {name:14} {value:6.2f} s  (min {min(times[name]):.2f}, max {max(times[name]):.2f})"
        )
    if len(medians) == len(KERNELS):
        print(f"  ratio python-worker / python: {medians['python-worker'] / medians['python']:.3f}")
    print("\nRevisit in the same browser (caches warm; page load to first output, medians):")
    again = {name: statistics.median(values) for name, values in repeats.items() if values}
    for name, value in again.items():
        print(f"  {name:14} {value:6.2f} s  revisit / first visit {value / medians[name]:.2f}")
    if len(again) == len(KERNELS):
        print(f"  ratio python-worker / python: {again['python-worker'] / again['python']:.3f}")
    print("\nRestart (click to the next cell's output, medians):")
    for name, values in restarts.items():
        if values:
            restart = statistics.median(values)
            ratio = restart / medians[name]
            print(f"  {name:14} {restart:6.2f} s  restart / first start {ratio:.2f}")


if __name__ == "__main__":
    main()
