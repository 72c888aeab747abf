"""Kernel start and restart: python-worker vs upstream python.

Builds one offline JupyterLite site, serves it on 127.0.0.1 and, in one headless
Chromium session, opens a three-cell notebook per kernel in alternation (fresh
browser context each time, so no cache is shared), runs the first cell and times
from navigation start to its output; then restarts the kernel at once (toolbar
button, dialog accepted) and times from the click to the second cell's output;
then leaves the kernel idle (``--idle`` seconds: python-worker's page starts
its warm spare kernel worker meanwhile) and restarts it again, timed to the
third cell's output; then visits the page again in the same context (the
browser's caches warm: python-worker's page made the kernel's memory snapshot
while idle) and times navigation to the first output again, then a cell of a
new ``%%worker`` name and one with ``--fresh`` (Shift+Enter to output). The
memory of all Chromium processes (the sum of their resident sets) is read at
the first output and after the idle time (with the spare). Prints each run,
the medians and their ratios (python-worker / python; restart / first start
for each kernel).

    python benchmarks/kernel_start.py [--runs 5] [--idle 20] [--no-isolation]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

from harness import KERNELS, cell_output, notebook, restart_and_run, run_first_cell
from playwright.sync_api import Browser, Page, sync_playwright
from support.chromium import launch

from jupyter_worker.lite.site import build_site
from jupyter_worker.static_server import make_server


def _notebooks(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in KERNELS:
        cells = [f"print({text!r})" for text in ("ready", "restarted", "again")]
        cells += ["%%worker w1\nprint('named')", "%%worker w1 --fresh\nprint('fresh')"]
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook(cells, name)), encoding="utf-8")


def _first_output(page: Page, url: str) -> float:
    """Seconds from navigating to ``url`` to the first cell's output."""
    return run_first_cell(page, url)


def _chromium_memory() -> float:
    """MiB resident in all Chromium processes (the sum of their resident sets)."""
    total = 0
    for folder in Path("/proc").iterdir():
        try:
            if b"chromium" not in (folder / "cmdline").read_bytes():
                continue
            status = (folder / "status").read_text(encoding="utf-8")
        except OSError:  # (not a process, or it ended)
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


class Run(NamedTuple):
    """One run's figures (seconds, MiB)."""

    first: float
    restart: float
    idle_restart: float
    revisit: float
    named: float
    fresh: float
    memory: float
    idle_memory: float


def _one_run(browser: Browser, url: str, idle: float) -> Run:
    """A first visit, a restart at once, one after ``idle`` seconds, and a revisit."""
    context = browser.new_context()
    try:  # (a failed run's page must not run on beside the next runs, holding memory)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # (leave the page: unsaved outputs)
        first = _first_output(page, url)
        memory = _chromium_memory()
        restart = restart_and_run(page, 1, "restarted")
        page.wait_for_timeout(idle * 1000)
        idle_memory = _chromium_memory()
        idle_restart = restart_and_run(page, 2, "again")
        repeat = _first_output(page, url)  # the browser's caches warm
        named = cell_output(page, 3, "named")
        fresh = cell_output(page, 4, "fresh")
    finally:
        context.close()
    return Run(first, restart, idle_restart, repeat, named, fresh, memory, idle_memory)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per kernel")
    parser.add_argument("--no-isolation", action="store_true", help="serve without headers")
    parser.add_argument("--idle", type=float, default=20, help="seconds idle before a restart")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        contents = Path(tmp) / "notebooks"
        _notebooks(contents)
        site = build_site(Path(tmp) / "site", [contents])
        server = make_server(site, port=0, isolated=not args.no_isolation, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/lab/index.html?path="
        runs: dict[str, list[Run]] = {name: [] for name in KERNELS}
        with sync_playwright() as driver:
            browser = launch(driver)
            _one_run(browser, f"{base}python-worker.ipynb", 0)  # warm the OS file cache
            for run in range(args.runs):
                for name in KERNELS:
                    started = time.monotonic()
                    try:
                        one = _one_run(browser, f"{base}{name}.ipynb", args.idle)
                    except Exception as error:  # report the failure and go on
                        print(
                            f"run {run + 1} {name}: failed after "
                            f"{time.monotonic() - started:.1f} s: {error}".splitlines()[0]
                        )
                        continue
                    runs[name].append(one)
                    print(
                        f"run {run + 1} {name:14} {one.first:6.2f} s, restart {one.restart:6.2f} s,"
                        f" idle restart {one.idle_restart:6.2f} s, revisit {one.revisit:6.2f} s,"
                        f" %%worker w1 {one.named:5.2f} s, --fresh {one.fresh:5.2f} s;"
                        f" memory {one.memory:5.0f} MiB, idle {one.idle_memory:5.0f} MiB"
                    )
            browser.close()
        server.shutdown()
    _report(runs, args)


def _median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def _report(all_runs: dict[str, list[Run]], args: argparse.Namespace) -> None:
    runs = {name: values for name, values in all_runs.items() if values}
    both = len(runs) == len(KERNELS)
    isolation = "not isolated" if args.no_isolation else "isolated"
    rows = [
        ("first", f"Page load to first output ({isolation}, {args.runs} runs, medians)"),
        ("revisit", "Revisit in the same browser (caches warm; page load to first output)"),
        ("restart", "Restart at once (click to the next cell's output)"),
        ("idle_restart", f"Restart after {args.idle:g} s idle (click to the next cell's output)"),
        ("named", "A new %%worker name after the revisit's first output (run to output)"),
        ("fresh", "%%worker --fresh of that name (run to output)"),
    ]
    for field, title in rows:
        print(f"\n{title}:")
        for name, values in runs.items():
            value = _median(values, field)
            spread = f"min {min(getattr(run, field) for run in values):.2f}"
            spread += f", max {max(getattr(run, field) for run in values):.2f}"
            if field not in ("first", "named", "fresh"):
                spread += f"; / first visit {value / _median(values, 'first'):.2f}"
            print(f"  {name:14} {value:6.2f} s  ({spread})")
        if both:
            ratio = _median(runs["python-worker"], field) / _median(runs["python"], field)
            print(f"  ratio python-worker / python: {ratio:.3f}")
    print("\nAll Chromium processes' memory (MiB, medians): at the first output, after the idle")
    for name, values in runs.items():
        memory, idle = _median(values, "memory"), _median(values, "idle_memory")
        print(f"  {name:14} {memory:6.0f}  {idle:6.0f}  (x{idle / memory:.2f})")


if __name__ == "__main__":
    main()
