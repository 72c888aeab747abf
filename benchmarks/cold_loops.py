"""Page calls as a user's loop meets them: cold loops of ``document.title``, means.

In one headless Chromium session, on one offline isolated JupyterLite site,
for loops of 100, 1,000 and 10,000 ``document.title`` reads, each in a new
cell with no warm-up, in four situations:

- ``after start``: the first cell of a freshly started kernel (a new page);
- ``after wait_for``: right after a ``wait_for`` that blocked 1 s returned;
- ``after 10 s idle``: the kernel and page idle for 10 s before the cell;
- ``one core busy``: a busy process takes one of the machine's cores.

Each loop's figure is the **mean per call of the whole loop** (its time / its
calls), beside the median, the slowest call and the calls over 100 µs. Right
after each loop, in the same page and situation, the raw floor: a JS Atomics
ping-pong worker <-> page (``burst``: the page watches 50 µs after each
answer, as ours does) of as many round trips, from a new worker (no warm-up
either). Then the mean of each tenth of each loop (how fast it warms up) and,
with ``--trace``, what the page's main thread did during each loop: its tasks
over 1 ms and what took their time (``chromium_trace.py``); with ``--cpus``,
whether the page's main thread and the worker ran on one CPU or on two
(``cpu_sharing.py``, Linux); with ``--pin``, the loops with the page's main
thread and the worker kept on two CPUs (a diagnosis). Prints figures and
ratios (ours / floor, means); asserts nothing.

    python benchmarks/cold_loops.py [--sizes 100 1000 10000] [--idle 10] [--trace] [--why]
                                    [--cpus] [--pin]
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import chromium_trace
import cpu_sharing
from harness import notebook, run_cell
from playwright.sync_api import Browser, Page, sync_playwright
from support.chromium import launch
from support.sites import serve_in_background
from sync_calls import FLOOR_JS

from jupyter_worker.lite.site import build_site

#: One loop, timed whole and call by call; a JSON text of its figures. The
#: marks are the worker's own (``run_js`` runs in the worker: no page call).
LOOP = """
import json, time
from js import document
from pyodide.code import run_js
calls = []
{before}
run_js("performance.mark('jw-{index}-start')")
started = time.perf_counter()
for _ in range({n}):
    t = time.perf_counter()
    document.title
    calls.append(time.perf_counter() - t)
whole = time.perf_counter() - started
run_js("performance.mark('jw-{index}-end')")
{after}
tenth = {n} // 10
tenths = [sum(calls[i:i + tenth]) / tenth * 1e6 for i in range(0, {n}, tenth)]
calls.sort()
json.dumps({{"mean_us": whole / {n} * 1e6, "median_us": calls[{n} // 2] * 1e6,
            "max_us": calls[-1] * 1e6, "over_100us": sum(c > 1e-4 for c in calls),
            "tenths_us": tenths, "met": met}})
"""

#: With ``--why``: how the two sides met during the loop (``stats()`` before and
#: after it: one page call more before the loop; the counts include the one after).
MET_BEFORE = """from jupyter_worker.worker.connection import session
KEYS = ("watched", "woken", "worker_caught", "worker_slept")
first = session().stats()"""
MET_AFTER = """last = session().stats()
met = {{key: last[key] - first[key] for key in KEYS}}"""

AFTER_WAIT = """
from jupyter_worker import wait_for, JsError
from js import document
try:
    wait_for(document.body, "jw-never", timeout=1)
except JsError:
    pass
"""

SITUATIONS = ("after start", "after wait_for", "after 10 s idle", "one core busy")


def _cells(n: int, *, why: bool) -> list[str]:
    before, after = (MET_BEFORE, MET_AFTER) if why else ("", "met = None")
    loops = [
        LOOP.format(n=n, index=index, before=before, after=after.format())
        for index in range(len(SITUATIONS))
    ]
    return [loops[0], AFTER_WAIT + loops[1], loops[2], loops[3]]


def _figures(page: Page, index: int) -> dict[str, float]:
    """The figures cell ``index`` printed; a failed cell's output named."""
    text = run_cell(page, index)
    try:
        return json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError) as error:
        output = page.locator(".jp-CodeCell").nth(index).locator(".jp-OutputArea").text_content()
        msg = f"cell {index} gave no figures:\n{output}"
        raise RuntimeError(msg) from error


def _floor(page: Page, n: int) -> dict[str, float]:
    figures = page.evaluate(FLOOR_JS, ["burst", n, min(50, n)])
    return {"mean_us": 1e6 / figures["calls_per_s"], "median_us": figures["median_us"]}


def _measure(
    browser: Browser, url: str, n: int, idle: float, *, traced: bool, cpus: bool, pin: bool
) -> list[dict[str, Any]]:
    page = browser.new_page()
    page.goto(f"{url}lab/index.html?path=loops-{n}.ipynb")
    page.locator(".jp-CodeCell").first.wait_for(timeout=60_000)
    rows = []
    for index, situation in enumerate(SITUATIONS):
        busy = None
        if situation == "after 10 s idle":
            time.sleep(idle)
        elif situation == "one core busy":
            busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            time.sleep(1)
        row: dict[str, Any] = {"situation": situation, "n": n}
        if pin and index > 0:  # (the first cell starts the kernel's worker)
            cpu_sharing.pin_apart()
        try:
            with (
                chromium_trace.record(browser, page) if traced else nullcontext() as recorded,
                cpu_sharing.sampled() if cpus else nullcontext() as sharing,
            ):
                row["ours"] = _figures(page, index)
            row["cpus"] = sharing
            if recorded is not None:
                marks = (f"jw-{index}-start", f"jw-{index}-end")
                row["trace"] = chromium_trace.window_report(recorded, *marks)
            if situation == "after 10 s idle":
                time.sleep(idle)
            row["floor"] = _floor(page, n)
        finally:
            if busy is not None:
                busy.kill()
                busy.wait()
        rows.append(row)
    if pin:
        cpu_sharing.unpin()
    page.close()
    return rows


def main() -> None:
    """Run the loops and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of the idle case")
    parser.add_argument(
        "--trace", action="store_true", help="record a Chromium trace of each loop: its long tasks"
    )
    parser.add_argument(
        "--why", action="store_true", help="count how the two sides met (one page call more)"
    )
    parser.add_argument(
        "--cpus",
        action="store_true",
        help="sample whether the page's main thread and the worker ran on one CPU or two",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="keep the page's main thread and the worker on two CPUs (from the second loop)",
    )
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        contents = Path(tmp) / "contents"
        contents.mkdir()
        for n in args.sizes:
            text = json.dumps(notebook(_cells(n, why=args.why)))
            (contents / f"loops-{n}.ipynb").write_text(text, encoding="utf-8")
        url = serve_in_background(build_site(Path(tmp) / "site", [contents]))
        browser = launch(driver)
        try:
            for n in args.sizes:
                rows += _measure(
                    browser, url, n, args.idle, traced=args.trace, cpus=args.cpus, pin=args.pin
                )
        finally:
            browser.close()
    print("document.title in a new cell, no warm-up: mean per call of the whole loop (µs)")
    print(
        f"  {'situation':18} {'calls':>6} {'mean':>8} {'floor':>7} {'ratio':>6}"
        f" {'median':>7} {'max':>8} {'>100µs':>7}"
    )
    for row in rows:
        ours, floor = row["ours"], row["floor"]
        print(
            f"  {row['situation']:18} {row['n']:6} {ours['mean_us']:8.1f} "
            f"{floor['mean_us']:7.1f} {ours['mean_us'] / floor['mean_us']:6.2f}"
            f" {ours['median_us']:7.1f} {ours['max_us']:8.0f} {ours['over_100us']:7}"
        )
    print("\nmean per call of each tenth of the loop (µs):")
    for row in rows:
        tenths = " ".join(f"{t:6.0f}" for t in row["ours"]["tenths_us"])
        print(f"  {row['situation']:18} {row['n']:6} {tenths}")
    if args.why:
        print("\nhow the sides met: page watched / woken, worker spin caught / slept:")
        for row in rows:
            met = row["ours"]["met"]
            print(
                f"  {row['situation']:18} {row['n']:6} {met['watched']:6} / {met['woken']:<6}"
                f" {met['worker_caught']:6} / {met['worker_slept']}"
            )
    if args.cpus:
        print("\nsamples of the cell with the page's main thread and the worker both runnable:")
        print(f"  {'situation':18} {'calls':>6} {'one CPU':>8} {'two CPUs':>9} {'samples':>8}")
        for row in rows:
            sharing = row["cpus"]
            print(
                f"  {row['situation']:18} {row['n']:6} {sharing.one_cpu:8} {sharing.two_cpus:9}"
                f" {sharing.samples:8}"
            )
    for row in rows:
        if "trace" not in row:
            continue
        report = row["trace"]
        print(f"\n{row['situation']}, {row['n']} calls: main-thread tasks over 1 ms (ms: what)")
        for ms, what in report["main"]:
            print(f"  {ms:7.1f}: {'; '.join(what)}")
        gcs = report["worker_gc"]
        print(f"  worker GCs over 0.3 ms: {len(gcs)}, {sum(ms for ms, _ in gcs):.1f} ms in all")


if __name__ == "__main__":
    main()
