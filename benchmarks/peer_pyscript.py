"""The peer: PyScript's worker engine reaching the page, measured in one headless Chromium.

What it measures, on a standalone page served on 127.0.0.1 with cross-origin
isolation headers (npm ``@pyscript/core`` from ``benchmarks/peer``, the local
Pyodide of ``jupyter_worker/pyodide_dist``; nothing leaves 127.0.0.1):

- **Latency** of ``document.title``, ``document.body``,
  ``document.getElementById("x")`` and ``ctx.fillRect(1, 1, 1, 1)`` (a 2D
  canvas context) called from a ``<script type="py" worker>``
  through ``from pyscript import document``: after a warm-up (at least
  ``WARMUP_CALLS`` calls and ``WARMUP_SECONDS``, as for ours), N calls
  each are timed one by one with ``time.perf_counter()`` inside the worker;
  median, p99 and calls/s (N / total time) per operation. Cross-origin isolated
  Chromium rounds ``performance.now()`` (hence ``perf_counter``) to 5 µs.
- **XWorker ``sync`` calls**, both ways: the worker calls ``sync.peer_abs(-1)``,
  a function the main thread set on ``xworker.sync`` (synchronous in the
  worker; measured as above), and the main thread awaits ``sync.worker_abs(-1)``,
  the worker's ``abs`` (PyScript's main thread cannot block: one awaited call
  at a time, after 100 untimed). The main-thread functions are JavaScript, the
  cheapest a page can set.
- **Round trips** per operation: how many synchronous worker-to-main requests
  coincident (PyScript's channel) answers per call, counted on the main thread
  (see ``COUNT_NOTIFIES``).
- **CPU while blocked**: the worker blocks ~5 s in a synchronous call to a
  main-thread function whose Promise is pending (``pyscript.sync``); the CPU
  time of this browser's Chromium processes (utime + stime from ``/proc``)
  over those seconds, in cores (CPU seconds / wall seconds), next to the same
  figure for an idle 5 s once the script has finished.

Run it from the repository root::

    cd benchmarks/peer && npm ci && cd ../.. && python benchmarks/peer_pyscript.py [--n 5000]

``measure_peer(browser, n)`` does the same with a Playwright browser another
benchmark has launched already (Chromium must be a descendant of this process).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit

from harness import BATCH, WARMUP_CALLS, WARMUP_SECONDS, chromium_cpu_seconds, chromium_pids
from playwright.sync_api import Browser, Page, sync_playwright
from support.chromium import launch

import jupyter_worker
from jupyter_worker.constants import PYODIDE_VERSION
from jupyter_worker.static_server import make_server

PEER = Path(__file__).resolve().parent / "peer"
PYSCRIPT_DIST = PEER / "node_modules" / "@pyscript" / "core" / "dist"
PYODIDE_DIST = Path(jupyter_worker.__file__).resolve().parent / "pyodide_dist"
WINDOW_SECONDS = 5.0
PAGE_TIMEOUT_MS = 170_000

# Which counter: coincident (bundled in @pyscript/core) answers every synchronous
# worker-to-main request the same way. The worker posts [Int32Array, name, args] on
# a MessagePort and waits on the shared Int32Array (spinning with Atomics.pause where
# the browser has it); the main thread runs the request, writes the encoded result
# into the shared buffer and calls Atomics.notify(i32, 0) exactly once. Asynchronous
# requests (main to worker, or worker requests with a string id) never notify, and
# nothing else on this page's main thread calls Atomics.notify. So main-thread
# notify calls are one per worker-to-main sync request, i.e. one per round trip.
# coincident reads `Atomics.notify` when its Worker is constructed, after this runs.
COUNT_NOTIFIES = """
(() => {
  const notify = Atomics.notify;
  window.peerNotifies = 0;
  Atomics.notify = function (...args) {
    window.peerNotifies += 1;
    return Reflect.apply(notify, Atomics, args);
  };
})();
"""

# Runs in PyScript's worker. `sync.peer_block()` calls the main-thread function
# installed by the page below; it returns a Promise that stays pending until the
# benchmark resolves it, and coincident keeps the worker waiting synchronously.
WORKER_CODE = Template("""
import asyncio
import json
import time
import traceback

from pyscript import document, sync, window


def notifies():
    return int(window.peerNotifies)


def measure(operation):
    warm, end = 0, time.perf_counter() + $warmup_seconds
    while warm < $warmup or time.perf_counter() < end:
        operation()
        warm += 1
    reading = notifies() - notifies()  # what one read of the counter costs, negated
    before = notifies()
    seconds = []
    for _ in range($n):
        started = time.perf_counter()
        operation()
        seconds.append(time.perf_counter() - started)
    after = notifies()
    return {"seconds": seconds, "round_trips": after - before + reading}


try:
    ctx = document.getElementById("c").getContext("2d")
    results = {
        "document.title": measure(lambda: document.title),
        "document.body": measure(lambda: document.body),
        'document.getElementById("x")': measure(lambda: document.getElementById("x")),
        "sync.peer_abs(-1)": measure(lambda: sync.peer_abs(-1)),
        "ctx.fillRect(1, 1, 1, 1)": measure(lambda: ctx.fillRect(1, 1, 1, 1)),
    }
    window.peerResult = json.dumps(results)
    # the main thread now awaits calls of this worker's function (sync.worker_abs)
    sync.worker_abs = abs
    window.peerCallsReady = True
    while not getattr(window, "peerCallsDone", False):
        await asyncio.sleep(0.05)
    sync.peer_block()
    window.peerDone = True
except Exception:
    window.peerError = traceback.format_exc()
""")

PAGE = Template("""<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>peer: PyScript worker</title>
<link rel="stylesheet" href="./pyscript/core.css">
<script type="module">
  // Importing core.js is what <script type="module" src="./pyscript/core.js"> does;
  // importing it here lets the hook be added before PyScript starts the worker.
  import { hooks } from "./pyscript/core.js";
  hooks.main.onWorker.add((wrap, xworker) => {
    window.peerXworker = xworker;
    xworker.sync.peer_abs = (x) => Math.abs(x);
    xworker.sync.peer_block = () => new Promise((resolve) => {
      window.peerRelease = resolve;
      window.peerBlocked = true;
    });
  });
</script>
</head>
<body>
<div id="x">x</div>
<canvas id="c" width="64" height="64"></canvas>
<script type="py" worker config='$config'>$code</script>
</body>
</html>
""")


def _site(root: Path, n: int) -> None:
    if not (PYSCRIPT_DIST / "core.js").is_file():
        raise FileNotFoundError(f"no {PYSCRIPT_DIST}: run `npm ci` in {PEER}")
    shutil.copytree(PYSCRIPT_DIST, root / "pyscript")
    shutil.copytree(PYODIDE_DIST, root / "pyodide")
    config = json.dumps({"interpreter": "./pyodide/pyodide.mjs"})
    code = WORKER_CODE.substitute(n=n, warmup=WARMUP_CALLS, warmup_seconds=WARMUP_SECONDS)
    page = PAGE.substitute(config=config, code=code)
    (root / "index.html").write_text(page, encoding="utf-8")


def _cores_over(seconds: float) -> dict[str, float]:
    cpu_before, processes = chromium_cpu_seconds(), len(chromium_pids())
    started = time.monotonic()
    time.sleep(seconds)
    wall = time.monotonic() - started
    cpu_after = chromium_cpu_seconds()
    return {"cores": (cpu_after - cpu_before) / wall, "wall_s": wall, "processes": processes}


def _summary(seconds: list[float], round_trips: int) -> dict[str, float]:
    starts = range(0, len(seconds) - BATCH + 1, BATCH)
    batches = [sum(seconds[i : i + BATCH]) / BATCH for i in starts]
    micros = sorted(s * 1e6 for s in seconds)
    return {
        "batched_us": statistics.median(batches) * 1e6,
        "median_us": statistics.median(micros),
        "p99_us": micros[min(len(micros) - 1, round(0.99 * len(micros)))],
        "calls_per_s": len(micros) / (sum(micros) / 1e6),
        "round_trips": round_trips / len(micros),
    }


def _off_host(urls: list[str]) -> list[str]:
    return [
        url
        for url in urls
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
        and urlsplit(url).hostname != "127.0.0.1"
    ]


def _wait(page: Page, expression: str) -> None:
    page.wait_for_function(
        f"Boolean({expression} || window.peerError)", polling=250, timeout=PAGE_TIMEOUT_MS
    )
    error = page.evaluate("window.peerError")
    if error:
        raise RuntimeError(f"the worker script failed:\n{error}")


# Main -> worker: the page awaits the worker's `sync.worker_abs(-1)` (PyScript's
# main thread cannot block), one call at a time; the seconds of each.
MAIN_TO_WORKER = """async (n) => {
  const fn = window.peerXworker.sync.worker_abs;
  for (let i = 0; i < 100; i++) { await fn(-1); }
  const seconds = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn(-1);
    seconds.push((performance.now() - started) / 1000);
  }
  window.peerCallsDone = true;
  return seconds;
}"""


def _run_page(page: Page, url: str, n: int) -> dict[str, Any]:
    started = time.monotonic()
    page.goto(url)
    _wait(page, "window.peerCallsReady")
    main_to_worker = page.evaluate(MAIN_TO_WORKER, n)
    _wait(page, "window.peerBlocked")
    elapsed = time.monotonic() - started
    blocked = _cores_over(WINDOW_SECONDS)
    page.evaluate("window.peerRelease()")
    _wait(page, "window.peerDone")
    time.sleep(1.0)  # let the release settle before the idle window
    idle = _cores_over(WINDOW_SECONDS)
    raw = json.loads(page.evaluate("window.peerResult"))
    operations = {name: _summary(raw[name]["seconds"], raw[name]["round_trips"]) for name in raw}
    operations["main awaits sync.worker_abs(-1)"] = _summary(main_to_worker, 0)
    return {
        "n": n,
        "operations": operations,
        "blocked": blocked,
        "idle": idle,
        "page_to_results_s": elapsed,
    }


def measure_peer(browser: Browser, n: int) -> dict[str, Any]:
    """Measure PyScript's worker engine in a fresh context of ``browser``.

    Returns ``{"n", "operations": {name: {median_us, p99_us, calls_per_s,
    round_trips}}, "blocked": {cores, wall_s, processes}, "idle": {...},
    "requests_seen", "outside_requests": [urls], "versions": {...},
    "page_to_results_s"}``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _site(root, n)
        server = make_server(root, port=0, isolated=True, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        context = browser.new_context()
        seen: list[str] = []  # Playwright may miss a worker's requests: see NOTES.md
        context.on("request", lambda request: seen.append(request.url))
        try:
            context.add_init_script(COUNT_NOTIFIES)
            page = context.new_page()
            url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
            result = _run_page(page, url, n)
        finally:
            context.close()
            server.shutdown()
            server.server_close()
    result["requests_seen"] = len(seen)
    result["outside_requests"] = _off_host(seen)
    result["versions"] = _versions()
    return result


def measure_peer_if_installed(browser: Browser, n: int) -> dict[str, Any] | None:
    """``measure_peer``, or None (saying why) when the peer cannot be measured.

    The peer is optional for the other benchmarks: they report it and go on.
    """
    try:
        return measure_peer(browser, n)
    except Exception as error:  # (not installed, or its page failed)
        print(f"(PyScript peer not measured: {error})")
        return None


def _versions() -> dict[str, str]:
    modules = PEER / "node_modules"
    found = {"pyodide": PYODIDE_VERSION}
    for name in ("@pyscript/core", "polyscript", "coincident", "reflected-ffi"):
        package = json.loads((modules / name / "package.json").read_text(encoding="utf-8"))
        found[name] = package["version"]
    return found


def _print(result: dict[str, Any]) -> None:
    versions = ", ".join(f"{name} {version}" for name, version in result["versions"].items())
    warmup = f"warm-up {WARMUP_SECONDS} s"
    print(f"PyScript worker (peer), N={result['n']} per operation, {warmup}: {versions}")
    print(f"page load to the end of the timed calls: {result['page_to_results_s']:.1f} s\n")
    print(f"{'operation':30} {'median µs':>10} {'p99 µs':>10} {'calls/s':>10} {'round trips':>12}")
    for name, row in result["operations"].items():
        print(
            f"{name:30} {row['median_us']:10.0f} {row['p99_us']:10.0f} "
            f"{row['calls_per_s']:10.0f} {row['round_trips']:12.2f}"
        )
    print()
    for label, key in (("worker blocked on main", "blocked"), ("idle (baseline)", "idle")):
        window = result[key]
        print(
            f"{label:24} {window['cores']:.2f} cores "
            f"({window['wall_s']:.1f} s, {window['processes']} Chromium processes)"
        )
    outside = result["outside_requests"]
    print(f"\nrequests seen: {result['requests_seen']}, off 127.0.0.1: {len(outside)}")
    for url in outside:
        print(f"  {url}")


def main() -> None:
    """Launch Chromium, measure the peer and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="timed calls per operation")
    args = parser.parse_args()
    with sync_playwright() as driver:
        browser = launch(driver)
        try:
            result = measure_peer(browser, args.n)
        finally:
            browser.close()
    _print(result)


if __name__ == "__main__":
    main()
