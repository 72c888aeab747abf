"""Workers started from Python: call round trips and a pool's speed-up, in one page.

On one offline, isolated JupyterLite site, in one headless Chromium session,
a ``python-worker`` notebook measures (in worker Python, ``time.perf_counter``):

- a parent -> child ``Worker.call("abs", -1)`` round trip (mean over N calls,
  no warm-up: the worker was just started) beside a page proxy call
  (``document.title``) in the same cell: the ratio is what a call to another
  worker costs against the page;
- ``submit`` + ``result`` round trip, the same way;
- the cost of starting ``Pool(2)`` (both workers in parallel), and
  ``Pool(2).map`` of a CPU-bound function against the same calls in a plain
  loop in the parent: the speed-up on this machine, with the cores the
  browser used meanwhile (from /proc) and the machine's logical cores.

Then, in the same browser session, PyScript's XWorker ``sync`` calls
(``peer_pyscript.measure_peer``, when ``benchmarks/peer`` is installed: ``cd
benchmarks/peer && npm ci``): its worker calling a main-thread function
synchronously, and its main thread awaiting a worker function, beside its own
``document.title``. Prints figures and ratios; asserts nothing.

    python benchmarks/workers.py [--calls 2000] [--tasks 8]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from harness import cores_during, run_cell, start_cell, wait_cell
from peer_pyscript import measure_peer_if_installed
from playwright.sync_api import sync_playwright
from support.chromium import launch
from support.sites import notebook_site, serve_in_background

SETUP = "from jupyter_worker import Pool, Worker\nfrom js import document\nimport json, time\n"

CALLS = """w = Worker()
t = time.perf_counter()
for _ in range({calls}):
    w.call("abs", -1)
call_us = (time.perf_counter() - t) / {calls} * 1e6
t = time.perf_counter()
for _ in range({calls}):
    w.submit("abs", -1).result()
submit_us = (time.perf_counter() - t) / {calls} * 1e6
t = time.perf_counter()
for _ in range({calls}):
    document.title
proxy_us = (time.perf_counter() - t) / {calls} * 1e6
t = time.perf_counter()
for _ in range({calls}):
    w.call("abs", -1)
warm_us = (time.perf_counter() - t) / {calls} * 1e6
w.terminate()
json.dumps(dict(call_us=call_us, submit_us=submit_us, proxy_us=proxy_us, warm_us=warm_us))"""

POOL = """def burn(n):
    total = 0
    for i in range(n):
        total += i * i
    return total
t = time.perf_counter()
pool = Pool(2)
start_s = time.perf_counter() - t
pool.map(burn, [10]).__next__()  # (its first call defines burn there)
work = [{size}] * {tasks}
t = time.perf_counter()
expected = [burn(n) for n in work]
loop_s = time.perf_counter() - t
t = time.perf_counter()
results = list(pool.map(burn, work))
pool_s = time.perf_counter() - t
pool.shutdown()
assert results == expected
json.dumps({{"start_s": start_s, "loop_s": loop_s, "pool_s": pool_s}})"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--size", type=int, default=2_000_000)
    args = parser.parse_args()
    cells = [
        SETUP,
        CALLS.format(calls=args.calls),
        POOL.format(tasks=args.tasks, size=args.size),
    ]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        site = notebook_site(Path(tmp), "workers", cells)
        base = serve_in_background(site)
        browser = launch(driver)
        page = browser.new_page()
        page.goto(f"{base}lab/index.html?path=workers.ipynb")
        page.locator(".jp-CodeCell").first.wait_for()
        run_cell(page, 0)
        calls = json.loads(run_cell(page, 1).strip("'"))
        start_cell(page, 2)
        texts: list[str] = []
        cores, workers = cores_during(lambda: texts.append(wait_cell(page, 2)))
        pool = json.loads(texts[0].strip("'"))
        page.close()
        peer = measure_peer_if_installed(browser, args.calls)
        browser.close()
    print(f"calls, mean of {args.calls} each, no warm-up (µs):")
    for key, label in (("call_us", "Worker.call"), ("submit_us", "submit+result")):
        ratio = calls[key] / calls["proxy_us"]
        print(f"  {label:<14} {calls[key]:8.1f}   {ratio:5.1f}x a page proxy call")
    print(f"  {'document.title':<14} {calls['proxy_us']:8.1f}   (baseline)")
    print(f"  Worker.call again, warm: {calls['warm_us']:.1f} µs")
    speedup = pool["loop_s"] / pool["pool_s"]
    print(
        f"Pool(2): start {pool['start_s']:.2f} s; {args.tasks} tasks: plain loop "
        f"{pool['loop_s']:.2f} s, pool.map {pool['pool_s']:.2f} s: speed-up {speedup:.2f}x"
    )
    print(
        f"  during the pool cell: browser {cores:.2f} cores, worker threads {workers:.2f} "
        f"(machine: {os.cpu_count()} logical cores)"
    )
    if peer:
        _print_peer(peer, calls)


def _print_peer(peer: dict[str, Any], ours: dict[str, float]) -> None:
    operations = peer["operations"]
    title = operations["document.title"]
    title_mean = 1e6 / title["calls_per_s"]
    print(f"\nPyScript {peer['versions']['@pyscript/core']} XWorker, same session, after a warm-up")
    print(f"  {'':36} {'mean µs':>8} {'median µs':>10}   vs its document.title (mean)")
    rows = (
        ("worker -> main sync.peer_abs(-1)", "sync.peer_abs(-1)"),
        ("main awaits worker sync.worker_abs", "main awaits sync.worker_abs(-1)"),
        ("document.title", "document.title"),
    )
    for label, key in rows:
        row = operations[key]
        mean = 1e6 / row["calls_per_s"]
        print(f"  {label:36} {mean:8.1f} {row['median_us']:10.1f}   {mean / title_mean:5.1f}x")
    awaited = 1e6 / operations["main awaits sync.worker_abs(-1)"]["calls_per_s"]
    print(
        f"  ours / PyScript's: Worker.call warm {ours['warm_us'] / awaited:.1f}x (cold "
        f"{ours['call_us'] / awaited:.1f}x) its awaited worker call; document.title "
        f"(ours cold) {ours['proxy_us'] / title_mean:.2f}x its document.title"
    )


if __name__ == "__main__":
    main()
