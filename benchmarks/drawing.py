"""Drawing from worker Python: batched canvas calls, pixel frames, animation frames.

In one headless Chromium session, on one offline isolated JupyterLite site,
each loop in a new cell of one ``python-worker`` notebook, run twice (the
first run is cold: nothing of it ran before):

- ``fillRect``: N ``ctx.fillRect(x, y, 1, 1)`` calls, one round trip each,
  then the same N in ``with batch():`` (the ratio is the gain of batching),
  then ``ctx.fillRect.each(rows)`` of N rows (building the rows included),
  with the page's long tasks meanwhile;
- ``frames``: 1920x1080 RGBA frames from Python ``bytes`` to the canvas,
  ``ctx.putImageData(image_data(frame, w, h), 0, 0)``: frames/s, beside the
  same in JavaScript in the same page (a ``Uint8ClampedArray`` copied into a
  new ``ImageData`` and put, per frame): the floor;
- ``animation``: a Python loop that draws 1,000 rectangles per frame in a
  batch and waits for the next animation frame (``next_frame()``): frames/s
  and the page's long tasks (over 50 ms, from a ``PerformanceObserver``)
  during the loop;
- the peer, PyScript's worker (``peer_pyscript.py``, with ``benchmarks/peer``
  installed), in the same browser session: its mean per ``ctx.fillRect``
  call (warm; it has no batches), for the same loop's time.

Prints figures and ratios; asserts nothing.

    python benchmarks/drawing.py [--calls 100000] [--frames 120]
"""

from __future__ import annotations

import argparse
import ast
import json
import tempfile
from pathlib import Path
from typing import Any

from harness import notebook, run_cell
from peer_pyscript import measure_peer_if_installed
from playwright.sync_api import sync_playwright
from support.chromium import launch
from support.sites import serve_in_background

from jupyter_worker.lite.site import build_site

SETUP = """
import json, time
from jupyter_worker import batch, document, image_data, next_frame
W, H = 1920, 1080
canvas = document.createElement("canvas"); canvas.width = W; canvas.height = H
canvas.id = "jw-bench"
document.body.appendChild(canvas)
ctx = canvas.getContext("2d")
frames = [bytes([v]) * (W * H * 4) for v in (64, 192)]
"draw"
"""

FILL = """
start = time.perf_counter()
for i in range(__CALLS__):
    ctx.fillRect(i % W, (i // W) % H, 1, 1)
json.dumps(time.perf_counter() - start)
"""

FILL_BATCHED = """
start = time.perf_counter()
with batch():
    for i in range(__CALLS__):
        ctx.fillRect(i % W, (i // W) % H, 1, 1)
json.dumps(time.perf_counter() - start)
"""

FILL_EACH = """
start = time.perf_counter()
ctx.fillRect.each([(i % W, (i // W) % H, 1, 1) for i in range(__CALLS__)])
json.dumps(time.perf_counter() - start)
"""

FRAMES = """
start = time.perf_counter()
for i in range(__FRAMES__):
    ctx.putImageData(image_data(frames[i % 2], W, H), 0, 0)
json.dumps(time.perf_counter() - start)
"""

ANIMATION = """
start = time.perf_counter()
for i in range(__FRAMES__):
    with batch():
        for j in range(1000):
            ctx.fillRect((i * 7 + j) % W, j % H, 4, 4)
    next_frame()
json.dumps(time.perf_counter() - start)
"""

CELLS = [SETUP, FILL, FILL_BATCHED, FRAMES, ANIMATION, FILL_EACH]

FLOOR_FRAMES_JS = """
(n) => {
  const canvas = document.getElementById('jw-bench');
  const ctx = canvas.getContext('2d');
  const [w, h] = [canvas.width, canvas.height];
  const frames = [64, 192].map((v) => new Uint8ClampedArray(w * h * 4).fill(v));
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const copy = new Uint8ClampedArray(frames[i % 2]);
    ctx.putImageData(new ImageData(copy, w, h), 0, 0);
  }
  return (performance.now() - start) / 1000;
}
"""

WATCH_LONG_TASKS_JS = """
() => {
  window.jwLongTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.jwLongTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
}
"""


def _seconds(page: Any, index: int) -> float:
    text = run_cell(page, index)
    try:
        return float(json.loads(ast.literal_eval(text)))
    except (ValueError, SyntaxError) as error:
        cell = page.locator(".jp-CodeCell").nth(index)
        msg = f"cell {index} failed:\n{cell.locator('.jp-OutputArea').text_content()}"
        raise RuntimeError(msg) from error


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000, help="fillRect calls per loop")
    parser.add_argument("--frames", type=int, default=120, help="frames per frame loop")
    parser.add_argument("--peer-calls", type=int, default=2000, help="the peer's timed calls")
    args = parser.parse_args()
    cells = [
        cell.replace("__CALLS__", str(args.calls)).replace("__FRAMES__", str(args.frames))
        for cell in CELLS
    ]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        contents = Path(tmp) / "contents"
        contents.mkdir()
        (contents / "draw.ipynb").write_text(json.dumps(notebook(cells)), encoding="utf-8")
        url = serve_in_background(build_site(Path(tmp) / "site", [contents]))
        browser = launch(driver)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}lab/index.html?path=draw.ipynb")
        page.locator(".jp-CodeCell").first.wait_for(timeout=60_000)
        run_cell(page, 0)
        page.evaluate(WATCH_LONG_TASKS_JS)
        runs: list[dict[str, float]] = []
        for _ in range(2):
            figures = {
                "fillRect": _seconds(page, 1),
                "fillRect batched": _seconds(page, 2),
                "frames": _seconds(page, 3),
                "frames floor (JS)": page.evaluate(FLOOR_FRAMES_JS, args.frames),
            }
            page.evaluate("window.jwLongTasks = []")
            figures["animation"] = _seconds(page, 4)
            figures["long tasks"] = len(page.evaluate("window.jwLongTasks"))
            page.evaluate("window.jwLongTasks = []")
            figures["fillRect.each"] = _seconds(page, 5)
            figures["each long tasks"] = len(page.evaluate("window.jwLongTasks"))
            runs.append(figures)
        page.close()
        peer = measure_peer_if_installed(browser, args.peer_calls)
        browser.close()

    calls, frames = args.calls, args.frames
    for label, figures in zip(("cold (first run)", "second run"), runs, strict=True):
        fill, batched = figures["fillRect"], figures["fillRect batched"]
        print(f"\n{label}")
        per_call = fill / calls * 1e6
        print(f"  {calls:,} fillRect calls: {fill * 1e3:8.1f} ms ({per_call:.2f} µs/call)")
        per_call = batched / calls * 1e6
        print(
            f"  the same, batched:     {batched * 1e3:8.1f} ms ({per_call:.2f} µs/call)"
            f"  -> {fill / batched:.1f}x faster"
        )
        each = figures["fillRect.each"]
        print(
            f"  fillRect.each(rows):   {each * 1e3:8.1f} ms ({each / calls * 1e6:.2f} µs/row,"
            f" the rows' list included)  -> {fill / each:.1f}x faster,"
            f" {figures['each long tasks']:.0f} long tasks"
        )
        ours, floor = frames / figures["frames"], frames / figures["frames floor (JS)"]
        print(
            f"  1920x1080 frames from Python bytes: {ours:6.1f} frames/s;"
            f" JS in the same page {floor:6.1f} frames/s (ours / JS {ours / floor:.2f})"
        )
        print(
            f"  animation (1,000 rects a frame + next_frame): {frames / figures['animation']:5.1f}"
            f" frames/s, {figures['long tasks']:.0f} long tasks"
        )
    if peer:
        fill = peer["operations"]["ctx.fillRect(1, 1, 1, 1)"]
        per_call = 1e6 / fill["calls_per_s"]
        batched = min(figures["fillRect batched"] for figures in runs)
        print(
            f"\nPyScript's worker (warm, {args.peer_calls:,} calls): ctx.fillRect"
            f" {per_call:.1f} µs a call (mean), {calls:,} calls would take"
            f" {per_call * calls / 1e3:.0f} ms:"
            f" {per_call * calls / 1e6 / batched:.0f}x our batched loop"
        )


if __name__ == "__main__":
    main()
