"""Synchronous page calls from worker Python: latency, round trips, CPU while blocked.

In one headless Chromium session, on one offline JupyterLite site (isolated):

- (a) our proxy, from a ``python-worker`` notebook cell: ``document.title``
  (string), ``document.body`` (object), ``document.getElementById("x")``
  (method call returning an object); N calls each after a warm-up (the
  harness's ``WARMUP_SECONDS``, the peer's too); median,
  p99, calls/s and round trips per operation (counted by the page side);
  once with the page parked on ``Atomics.waitAsync`` and once learning of
  requests from a port message (the two ``notifyMode`` settings);
- (c) the floor: a raw JS Atomics ping-pong worker<->page in the same page,
  no Python, answered from ``onmessage`` and from ``Atomics.waitAsync``, and
  ``burst``: parked on ``Atomics.waitAsync``, then watching 50 µs for the next
  request after each answer (what our channel's page side does);
- CPU used while a cell blocks 5 s in ``wait_for`` (all Chromium processes,
  from /proc), against an idle 5 s window;
- (b) the peer, PyScript's worker (``benchmarks/peer_pyscript.py``), if its
  npm package is installed (``cd benchmarks/peer && npm ci``).

Prints figures and ratios; asserts nothing.

    python benchmarks/sync_calls.py [--calls 5000]
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import (
    BATCH,
    WARMUP_CALLS,
    WARMUP_SECONDS,
    cores_during,
    notebook,
    run_cell,
)
from peer_pyscript import measure_peer_if_installed
from playwright.sync_api import Browser, sync_playwright
from support.chromium import launch
from support.sites import serve_in_background

from jupyter_worker.lite.site import build_site

BENCH_CELL = """
import json, time
from js import document
from jupyter_worker.worker.connection import session
target = document.createElement("div"); target.id = "x"; document.body.appendChild(target)
def measure(op, n):
    warm, end = 0, time.perf_counter() + __WARMUP_SECONDS__
    while warm < __WARMUP_CALLS__ or time.perf_counter() < end:
        op()
        warm += 1
    before = session().stats()["answered"]
    times = []
    for _ in range(n):
        start = time.perf_counter()
        op()
        times.append(time.perf_counter() - start)
    trips = session().stats()["answered"] - before - 1
    b = __BATCH__
    batches = sorted(sum(times[i:i + b]) / b for i in range(0, n - b + 1, b))
    times.sort()
    return {"median_us": times[n // 2] * 1e6, "p99_us": times[int(n * 0.99)] * 1e6,
            "calls_per_s": n / sum(times), "round_trips": trips / n,
            "batched_us": batches[len(batches) // 2] * 1e6}
N = __N__
json.dumps({
    "document.title": measure(lambda: document.title, N),
    "document.body": measure(lambda: document.body, N),
    'document.getElementById("x")': measure(lambda: document.getElementById("x"), N),
})
"""

BLOCK_CELL = """
from jupyter_worker import wait_for, JsError
try:
    wait_for(document.body, "jw-never", timeout=5)
except JsError:
    pass
"""

SLEEP_CELL = "time.sleep(5)"

FLOOR_JS = r"""
async ([mode, n, batch]) => {
  const src = `onmessage = ({data}) => {
      const [ctrl, n, mode, batch] = data; const times = [];
      for (let i = 1; i <= n; i++) {
        const t0 = performance.now();
        Atomics.store(ctrl, 0, i);
        if (mode === 'message') postMessage(i); else Atomics.notify(ctrl, 0);
        const s = performance.now();
        while (Atomics.load(ctrl, 1) !== i) {
          if (performance.now() - s < 0.1) continue;
          Atomics.wait(ctrl, 1, Atomics.load(ctrl, 1), 50);
        }
        times.push(performance.now() - t0);
      }
      const batches = [];
      for (let i = 0; i + batch <= n; i += batch) {
        batches.push(times.slice(i, i + batch).reduce((a, b) => a + b, 0) / batch);
      }
      batches.sort((a, b) => a - b);
      times.sort((a, b) => a - b);
      postMessage({median_us: times[n >> 1] * 1000, p99_us: times[Math.floor(n * 0.99)] * 1000,
                   calls_per_s: n / times.reduce((a, b) => a + b, 0) * 1000, round_trips: 1,
                   batched_us: batches[batches.length >> 1] * 1000});
    };`;
  const worker = new Worker(URL.createObjectURL(new Blob([src], {type: 'text/javascript'})));
  const ctrl = new Int32Array(new SharedArrayBuffer(16));
  let last = 0, done = false;
  const answer = () => { const v = Atomics.load(ctrl, 0);
    if (v !== last) { last = v; Atomics.store(ctrl, 1, v); Atomics.notify(ctrl, 1); } };
  const result = new Promise((resolve) => { worker.onmessage = (e) => {
    if (typeof e.data === 'object') { done = true; resolve(e.data); } else { answer(); } }; });
  if (mode !== 'message') {
    (async () => { while (!done) {
      const r = Atomics.waitAsync(ctrl, 0, last, 1000);
      if (r.async) await r.value;
      answer();
      // 'burst': watch 50 µs for the next request, as our channel's page side does
      let answered = performance.now();
      while (mode === 'burst' && performance.now() - answered < 0.05) {
        if (Atomics.load(ctrl, 0) !== last) { answer(); answered = performance.now(); }
      }
    } })();
  }
  worker.postMessage([ctrl, n, mode, batch]);
  const figures = await result; worker.terminate(); return figures;
}
"""


def _sites(tmp: Path, calls: int) -> dict[str, Path]:
    """One site per notify mode (the setting differs in jupyter-lite.json)."""
    contents = tmp / "contents"
    contents.mkdir()
    bench = (
        BENCH_CELL.replace("__N__", str(calls))
        .replace("__WARMUP_SECONDS__", str(WARMUP_SECONDS))
        .replace("__WARMUP_CALLS__", str(WARMUP_CALLS))
        .replace("__BATCH__", str(BATCH))
    )
    cells = [bench, BLOCK_CELL, SLEEP_CELL]
    (contents / "bench.ipynb").write_text(json.dumps(notebook(cells)), encoding="utf-8")
    base = build_site(tmp / "waitAsync", [contents])
    sites = {"waitAsync": base}
    message = tmp / "message"
    shutil.copytree(base, message)
    config_path = message / "jupyter-lite.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    settings = config["jupyter-config-data"].setdefault("litePluginSettings", {})
    settings["jupyter-worker:kernel"] = {"notifyMode": "message"}
    config_path.write_text(json.dumps(config), encoding="utf-8")
    sites["message"] = message
    return sites


def _ours(browser: Browser, url: str) -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
    page = browser.new_page()
    page.goto(f"{url}lab/index.html?path=bench.ipynb")
    page.locator(".jp-CodeCell").first.wait_for(timeout=60_000)
    text = run_cell(page, 0)
    try:
        figures = json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError) as error:
        output = page.locator(".jp-CodeCell").first.locator(".jp-OutputArea").text_content()
        msg = f"the benchmark cell failed:\n{output}"
        raise RuntimeError(msg) from error
    cpu = {
        "idle 5 s": cores_during(lambda: time.sleep(5)),
        "cell blocked 5 s in wait_for": cores_during(lambda: run_cell(page, 1)),
        "cell in time.sleep(5)": cores_during(lambda: run_cell(page, 2)),
    }
    page.close()
    return figures, cpu


def _print(title: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(
        f"  {'operation':32} {'median µs':>10} {'p99 µs':>10} {'calls/s':>10} {'trips/op':>9}"
        f" {'batched µs':>11}"
    )
    for op, f in figures.items():
        print(
            f"  {op:32} {f['median_us']:10.1f} {f['p99_us']:10.1f} "
            f"{f['calls_per_s']:10.0f} {f['round_trips']:9.2f} {f['batched_us']:11.2f}"
        )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000, help="calls per operation")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        sites = _sites(Path(tmp), args.calls)
        urls = {mode: serve_in_background(root) for mode, root in sites.items()}
        browser = launch(driver)
        results: dict[str, dict[str, dict[str, float]]] = {}
        cpu: dict[str, dict[str, tuple[float, float]]] = {}
        for mode, url in urls.items():
            figures, cpu[mode] = _ours(browser, url)
            results[f"jupyter-worker ({mode})"] = figures
        floor_page = browser.new_page()
        floor_page.goto(f"{urls['waitAsync']}lab/index.html")
        floor = {
            f"raw ping-pong ({mode})": floor_page.evaluate(FLOOR_JS, [mode, args.calls, BATCH])
            for mode in ("message", "waitAsync", "burst")
        }
        floor_page.close()
        peer = measure_peer_if_installed(browser, args.calls)
        browser.close()

    for title, figures in results.items():
        _print(title, figures)
    _print("floor", floor)
    if peer:
        _print("PyScript worker (peer)", peer["operations"])
        print(
            f"\nCPU (PyScript): idle 5 s {peer['idle']['cores']:.2f} cores; "
            f"worker blocked 5 s on the page {peer['blocked']['cores']:.2f}"
        )
    for mode, windows in cpu.items():
        print(f"\nCPU ({mode}), cores, all Chromium / worker threads:")
        for window, (everything, workers) in windows.items():
            print(f"  {window:30} {everything:.2f} / {workers:.3f}")
    ours = min(results.values(), key=lambda f: f["document.title"]["median_us"])
    print(
        "\nRatios of medians (timer steps are 5 µs: a median is a multiple of 5), of"
        f"\nbatched medians (median of the means of {BATCH} consecutive calls: not rounded,"
        "\nnot swayed by a few slow calls) and of means (1 / calls per s):"
    )
    title = ours["document.title"]
    best_floor = min(
        (floor[f"raw ping-pong ({mode})"] for mode in ("message", "waitAsync")),
        key=lambda f: f["median_us"],
    )
    _ratio("document.title: ours / best floor (message, waitAsync)", title, best_floor)
    _ratio("document.title: ours / floor with bursts", title, floor["raw ping-pong (burst)"])
    if peer:
        for op, f in ours.items():
            _ratio(f"{op}: PyScript / ours", peer["operations"][op], f)


def _ratio(label: str, top: dict[str, float], bottom: dict[str, float]) -> None:
    median = f"{top['median_us'] / bottom['median_us']:.2f}" if bottom["median_us"] else "n/a"
    batched = top["batched_us"] / bottom["batched_us"]
    mean = bottom["calls_per_s"] / top["calls_per_s"]
    print(f"  {label}: {median} (medians), {batched:.2f} (batched), {mean:.2f} (means)")


if __name__ == "__main__":
    main()
