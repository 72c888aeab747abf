"""Never blocked, always stoppable: main-thread long tasks, interrupt latency, CPU.

In one headless Chromium session, on one offline JupyterLite site (isolated):

- long tasks (> 50 ms, from a ``PerformanceObserver`` for ``longtask`` on the
  page) while a cell runs: 10 s of CPU-bound Python, 100,000 ``print``
  calls, 10,000 synchronous DOM calls; for ``python-worker`` and, as the
  baseline, upstream's ``python`` kernel on the same site (it cannot reach
  the page's DOM, so it has no third row; its flood is cut off after
  ``--flood-limit`` seconds, since it takes many minutes);
- interrupt latency: from a click on the notebook's interrupt button to the
  cell's finished prompt, ``--interrupts`` times for each of five blocking
  situations (a Python loop, ``time.sleep``, ``input()``, ``wait_for``, a
  loop of DOM calls); upstream cannot interrupt a running cell at all;
- CPU of Chromium's worker threads while a cell is in ``time.sleep(5)``.

Prints figures; asserts nothing.

    python benchmarks/responsiveness.py [--interrupts 20] [--flood-limit 120]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness import CELLS, cores_during, notebook, run_cell, start_cell, wait_cell
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from support.chromium import launch
from support.sites import serve_in_background

from jupyter_worker.lite.site import build_site

LOAD = [
    (
        "CPU-bound 10 s",
        "import time\nend = time.perf_counter() + 10\nwhile time.perf_counter() < end:\n    pass",
    ),
    ("100,000 prints", "for i in range(100_000):\n    print(i)"),
    ("10,000 DOM calls", "from js import document\nfor _ in range(10_000):\n    document.title"),
]

BLOCKING = {
    "Python loop": "while True:\n    pass",
    "time.sleep(1000)": "import time\ntime.sleep(1000)",
    "input()": "input('never answered')",
    "wait_for": "from js import document\nfrom jupyter_worker import wait_for\n"
    "wait_for(document.body, 'jw-never')",
    "DOM loop": "from js import document\nwhile True:\n    document.title",
}

#: A kernel that has not started after this long will not: upstream's sometimes
#: fails at start in an isolated page ("A(...).value.then is not a function", its
#: bundled coincident); then the benchmark tries a new page.
START_TIMEOUT_MS = 120_000
START_ATTEMPTS = 3

#: Reports long tasks to Python as they happen: a flooded page may not answer
#: an ``evaluate`` for minutes, but its observer still runs between tasks.
OBSERVE = """
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.jwLongTask(entry.startTime, entry.duration);
  }
}).observe({ type: 'longtask', buffered: true });
"""

#: Click interrupt, resolve with the ms until the cell's prompt shows it finished.
INTERRUPT = """
async (index) => {
  const cell = document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')[index];
  const prompt = cell.querySelector('.jp-InputPrompt');
  const button = document.querySelector(
    ".jp-NotebookPanel:not(.lm-mod-hidden) jp-button[data-command='notebook:interrupt-kernel']");
  const done = new Promise((resolve) => {
    const check = () => {
      if (/\\[\\d+\\]:/.test(prompt.textContent)) { observer.disconnect(); resolve(); }
    };
    const observer = new MutationObserver(check);
    observer.observe(prompt, { subtree: true, childList: true, characterData: true });
  });
  const start = performance.now();
  // the notebook's toolbar buttons act on mousedown (they keep the cell's focus)
  button.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true, button: 0 }));
  // never wait forever: a cell that did not stop counts as a miss (null)
  const missed = new Promise((resolve) => setTimeout(() => resolve('missed'), 30000));
  return (await Promise.race([done, missed])) === 'missed' ? null : performance.now() - start;
}
"""


def _long_tasks(
    page: Page, tasks: list[tuple[float, float]], index: int, limit_s: float
) -> dict[str, float | bool]:
    """Run cell ``index``; the long tasks that started while it ran.

    A cell still running after ``limit_s`` is cut off: its page is then too
    busy to ask anything, so the window ends by the wall clock.
    """
    start = float(page.evaluate("performance.now()"))
    wall = time.monotonic()
    start_cell(page, index)
    finished = True
    try:
        wait_cell(page, index, timeout=limit_s * 1000, polling="raf")  # times the finish
    except PlaywrightError:  # the baseline's flood
        finished = False
    seconds = time.monotonic() - wall
    end = start + seconds * 1000
    durations = [d for s, d in tasks if start <= s <= end]
    return {
        "count": len(durations),
        "max_ms": max(durations, default=0.0),
        "blocked_s": sum(durations) / 1000,
        "seconds": seconds,
        "finished": finished,
    }


def _open(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}lab/index.html?path={name}.ipynb")
    page.locator(CELLS).first.wait_for(timeout=60_000)
    run_cell(page, 0, timeout=START_TIMEOUT_MS)  # kernel start


def _started_page(
    browser: Browser, base: str, name: str, prepare: Callable[[Page], None] = lambda _: None
) -> Page:
    """A page of notebook ``name`` whose kernel has started (a new page if it does not)."""
    for _ in range(START_ATTEMPTS):
        page = browser.new_page()
        prepare(page)
        try:
            _open(page, base, name)
        except PlaywrightError as error:
            first_line = error.message.splitlines()[0]
            print(f"{name}: the kernel did not start ({first_line})", file=sys.stderr, flush=True)
            page.close()
        else:
            return page
    msg = f"{name}: the kernel did not start in {START_ATTEMPTS} pages"
    raise RuntimeError(msg)


def _interrupt_latencies(page: Page, index: int, code: str, runs: int) -> list[float]:
    latencies = []
    cell = page.locator(CELLS).nth(index)
    for _ in range(runs):
        start_cell(page, index)
        page.wait_for_function(
            "(cell) => cell.querySelector('.jp-InputPrompt').textContent.includes('*')",
            arg=cell.element_handle(),
        )
        if "input(" in code:
            cell.locator(".jp-Stdin-input").wait_for()
        page.wait_for_timeout(300)  # well inside the cell's own code
        latency = page.evaluate(INTERRUPT, index)
        if latency is None:
            print(f"an interrupt did not stop cell {index} in 30 s", file=sys.stderr, flush=True)
            page.evaluate(INTERRUPT, index)  # once more, before the next start
            continue
        latencies.append(latency)
    return latencies


def _percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: p95 of 20 values is the 19th smallest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


LongTasks = dict[str, dict[str, dict[str, float | bool]]]


def _measure_load(driver: Playwright, base: str, limit_s: float) -> LongTasks:
    """Long tasks per kernel and cell; a browser each (a flooded page may not close)."""
    long_tasks: LongTasks = {}
    for kernel in ("python-worker", "python"):
        browser = launch(driver)
        tasks: list[tuple[float, float]] = []

        def observe(page: Page, tasks: list[tuple[float, float]] = tasks) -> None:
            tasks.clear()  # a page that did not start may have reported some
            page.expose_function("jwLongTask", lambda s, d: tasks.append((s, d)))
            page.add_init_script(OBSERVE)

        page = _started_page(browser, base, f"load-{kernel}", observe)
        long_tasks[kernel] = {}
        for index, (label, _) in enumerate(LOAD, start=1):
            if kernel == "python" and "DOM" in label:
                continue  # upstream's worker cannot reach the page
            row = _long_tasks(page, tasks, index, limit_s)
            long_tasks[kernel][label] = row
            print(f"{kernel}, {label}: {row}", file=sys.stderr, flush=True)
            if not row["finished"]:
                break  # the page is flooded: nothing more can run on it
        if all(row["finished"] for row in long_tasks[kernel].values()):
            browser.close()
        else:
            # a flooded page does not let `close` finish; the browser process
            # itself quits at once
            browser.new_browser_cdp_session().send("Browser.close")
    return long_tasks


def _measure_stops(
    driver: Playwright, base: str, runs: int
) -> tuple[dict[str, list[float]], dict[str, tuple[float, float]]]:
    """Interrupt latencies per blocking situation; CPU idle and during time.sleep(5)."""
    browser = launch(driver)
    page = _started_page(browser, base, "stops")
    latencies = {}
    for index, (label, code) in enumerate(BLOCKING.items(), start=1):
        latencies[label] = _interrupt_latencies(page, index, code, runs)
        print(f"interrupts, {label}: {latencies[label]}", file=sys.stderr, flush=True)
    sleep_index = len(BLOCKING) + 1
    # the sleeping cell first: Chromium processes that exit during a window
    # (the load phase's browsers) would make it negative
    cpu = {"cell in sleep(5)": cores_during(lambda: run_cell(page, sleep_index))}
    cpu["idle 5 s"] = cores_during(lambda: time.sleep(5))
    browser.close()
    return latencies, cpu


def _report(
    long_tasks: LongTasks,
    latencies: dict[str, list[float]],
    cpu: dict[str, tuple[float, float]],
) -> None:
    if long_tasks:
        print("Main-thread long tasks (> 50 ms) while the cell runs:")
        print(
            f"  {'kernel':14} {'cell':18} {'count':>6} {'max ms':>8} {'blocked s':>10} "
            f"{'cell s':>8}"
        )
    for kernel, rows in long_tasks.items():
        for label, row in rows.items():
            note = "" if row["finished"] else "  (cut off: not finished)"
            print(
                f"  {kernel:14} {label:18} {row['count']:6} {row['max_ms']:8.0f} "
                f"{row['blocked_s']:10.2f} {row['seconds']:8.1f}{note}"
            )
    if latencies:
        runs = len(next(iter(latencies.values())))
        print(f"\nInterrupt latency, click to finished prompt ({runs} each), ms:")
    for label, values in latencies.items():
        if not values:
            print(f"  {label:18} no interrupt stopped its cell")
            continue
        print(
            f"  {label:18} p50 {statistics.median(values):6.0f}   "
            f"p95 {_percentile(values, 0.95):6.0f}   max {max(values):6.0f}"
        )
    if cpu:
        print("\nCPU, cores (all Chromium / worker threads):")
    for window, (everything, workers) in cpu.items():
        print(f"  {window:18} {everything:.3f} / {workers:.3f}")


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interrupts", type=int, default=20, help="interrupts per situation")
    parser.add_argument(
        "--flood-limit", type=float, default=120, help="seconds before a cell's count stops"
    )
    parser.add_argument(
        "--parts",
        default="load,interrupts",
        help="what to measure: load (long tasks), interrupts (latency and CPU), or both",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        contents = Path(tmp) / "contents"
        contents.mkdir()
        for kernel in ("python-worker", "python"):
            cells = ["1"] + [code for _, code in LOAD]
            (contents / f"load-{kernel}.ipynb").write_text(
                json.dumps(notebook(cells, kernel)), encoding="utf-8"
            )
        cells = ["1", *BLOCKING.values(), "import time\ntime.sleep(5)"]
        (contents / "stops.ipynb").write_text(json.dumps(notebook(cells)), encoding="utf-8")
        base = serve_in_background(build_site(Path(tmp) / "site", [contents]))
        long_tasks = _measure_load(driver, base, args.flood_limit) if "load" in parts else {}
        latencies, cpu = (
            _measure_stops(driver, base, args.interrupts) if "interrupts" in parts else ({}, {})
        )
    _report(long_tasks, latencies, cpu)


if __name__ == "__main__":
    main()
