"""``%%worker`` starts in JupyterLab with a server kernel (ipykernel): first, new name, ``--fresh``.

Runs ``jupyter lab`` (its server extension serves the offline Pyodide) on a
temporary folder as a user would, and in one headless Chromium session, each
run in a fresh browser context (no cache shared), opens a notebook of
ipykernel, waits for its kernel's connection and runs a plain cell, then
times from Shift+Enter to the output:

- ``%%worker w1``: the page's first worker (Pyodide compiled, the kernel's
  packages installed);
- ``%%worker w2``: a new name, run as soon as ``w1`` answered;
- ``%%worker w2 --fresh``: a new worker for that name, at once;
- ``%%worker w3``: a new name after ``--idle`` seconds (the page's warm
  spare, made meanwhile, where the settings keep one).

Prints the medians (and each against the first worker's); asserts nothing.

    python benchmarks/magic_start.py [--runs 5] [--idle 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from harness import cell_output
from playwright.sync_api import Browser, sync_playwright
from support.chromium import launch
from support.servers import Lab, jupyter_lab

#: Whether the current notebook's server kernel is connected.
CONNECTED = (
    "() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel"
    "?.connectionStatus === 'connected'"
)

#: The timed cells after the plain one: (label, source, the output that ends it).
CELLS = [
    ("first %%worker of the page (w1)", "%%worker w1\nprint('one')", "one"),
    ("new name at once (w2)", "%%worker w2\nprint('two')", "two"),
    ("--fresh of it at once", "%%worker w2 --fresh\nprint('fresh')", "fresh"),
    ("new name after the idle time (w3)", "%%worker w3\nprint('three')", "three"),
]


def _one_run(browser: Browser, lab: Lab, run: int, idle: float) -> list[float]:
    """The seconds of each of ``CELLS`` in a fresh browser context."""
    url = lab.notebook(f"magic{run}", ["print('kernel')", *(source for _, source, _ in CELLS)])
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # (leave the page: unsaved outputs)
        page.goto(url, wait_until="domcontentloaded")
        # (as the Lab tests do: a run that waited only for the kernel's name once
        # had its first cells never answer)
        page.wait_for_function(CONNECTED, timeout=60_000)
        cell_output(page, 0, "kernel")
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        times = []
        for index, (label, _, text) in enumerate(CELLS, start=1):
            if index == len(CELLS):
                page.wait_for_timeout(idle * 1000)
            try:
                times.append(cell_output(page, index, text))
            except Exception as error:
                said = "\n  ".join(line for line in console if "jupyter-worker" in line)
                msg = f"{label}: {error}".splitlines()[0] + f"\n  {said}"
                raise RuntimeError(msg) from error
        return times
    finally:
        context.close()


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs (fresh browser contexts)")
    parser.add_argument("--idle", type=float, default=20, help="seconds idle before w3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "contents"
        root.mkdir()
        with jupyter_lab(root, Path(tmp) / "lab.log") as url, sync_playwright() as driver:
            lab = Lab(url, root)
            browser = launch(driver)
            runs: list[list[float]] = []
            for run in range(args.runs):
                started = time.monotonic()
                try:
                    runs.append(_one_run(browser, lab, run, args.idle))
                except Exception as error:  # report the failure and go on
                    took = time.monotonic() - started
                    print(f"run {run + 1}: failed after {took:.1f} s: {error}")
                    continue
                print(f"run {run + 1}: " + ", ".join(f"{t:.2f} s" for t in runs[-1]))
            browser.close()
    if not runs:
        return
    print(f"\n%%worker in JupyterLab, Shift+Enter to output ({len(runs)} runs, medians):")
    first = statistics.median(r[0] for r in runs)
    for index, (label, _, _) in enumerate(CELLS):
        figures = [r[index] for r in runs]
        median = statistics.median(figures)
        print(
            f"  {label:36} {median:5.2f} s  (min {min(figures):.2f}, max {max(figures):.2f};"
            f" / first {median / first:.2f})"
        )


if __name__ == "__main__":
    main()
