"""Where a kernel start's seconds go: a Chromium trace of page load to first output.

Builds one offline JupyterLite site, serves it on 127.0.0.1 with isolation
headers and, in one headless Chromium session (a fresh browser context per
run, so no cache is shared), records a trace while a notebook of the
``python-worker`` kernel loads and its first cell prints. Reads from it:

- the worker's phases, from the user-timing marks ``jupyter-worker: ...``
  that ``worker/remote.ts`` makes (``initialize``, ``loading Pyodide``,
  ``Pyodide loaded``, ``installing packages``, ``starting IPython``, ...,
  ``ready``), in seconds from navigation start, and the first output;
- the files the page and its workers fetched, with when each request
  started and finished (the Pyodide core, the standard library, wheels);
- WebAssembly compilation: the trace events whose names mention wasm, summed
  over all threads (background compilation included).

Then the same page load for upstream's ``python`` kernel (total only: it
makes no marks), as the baseline of the same session. With ``--revisit``, each
run first loads the page untraced (and, for ``python-worker``, waits until the
page has stored the kernel's memory snapshot), then traces a second load in the
same browser context. With ``--restart``, each run loads the page untraced,
then traces a restart at once (toolbar button, the dialog's confirming click,
the second cell run) with seconds from that click. Prints medians of the runs;
asserts nothing.

    python benchmarks/start_profile.py [--runs 3] [--revisit | --restart]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import chromium_trace
from harness import KERNELS, RESTART_CLICK, notebook, restart_and_run, run_first_cell
from playwright.sync_api import Browser, Page, sync_playwright
from support.chromium import launch

from jupyter_worker.lite.site import build_site
from jupyter_worker.static_server import make_server

#: Trace categories: user timing, network requests, scripts and wasm compilation.
CATEGORIES = [
    *chromium_trace.CATEGORIES,
    "devtools.timeline",
    "disabled-by-default-v8.compile",
    "v8.wasm",
    "disabled-by-default-v8.wasm.detailed",
]

#: Seconds a revisit waits at most for the first visit's page to store its snapshot.
REVISIT_WAIT = 120

#: How many memory snapshots the page's origin has stored.
STORED_SNAPSHOTS = (
    "async () => (await (await caches.open('jupyter-worker-snapshots')).keys()).length"
)

#: The marks of the first and second cells' outputs (``harness.wait_output``).
FIRST_OUTPUT = "output: ready"
RESTARTED_OUTPUT = "output: restarted"

#: Fetched files shown (the slowest), and kinds of wasm events.
SHOWN_FILES = 12
SHOWN_WASM = 6


def _notebooks(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in KERNELS:
        cells = ["print('ready')", "print('restarted')"]
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook(cells, name)), encoding="utf-8")


def _traced(browser: Browser, page: Page, action: Callable[[], object]) -> list[dict[str, Any]]:
    """The trace events of ``page``'s process while ``action`` runs."""
    browser.start_tracing(page=page, categories=CATEGORIES)
    try:
        action()
    finally:
        raw = json.loads(browser.stop_tracing())
    return raw["traceEvents"] if isinstance(raw, dict) else raw


def _one_run(browser: Browser, url: str, *, revisit: bool, restart: bool) -> dict[str, Any]:
    """A trace of one page load to the first output (a revisit's, a restart's), read."""
    context = browser.new_context()
    try:
        page = context.new_page()
        if restart:
            run_first_cell(page, url)
            events = _traced(browser, page, lambda: restart_and_run(page, 1, "restarted"))
            return _read(events, origin_mark=RESTART_CLICK)
        if revisit:
            run_first_cell(page, url)
            # python-worker's page stores the kernel's memory snapshot once idle
            for _ in range(REVISIT_WAIT):
                if page.evaluate(STORED_SNAPSHOTS) or "python-worker" not in url:
                    break
                page.wait_for_timeout(1000)
            page.wait_for_timeout(2000)
        # (marks "output: ready" when it shows)
        return _read(_traced(browser, page, lambda: run_first_cell(page, url)))
    finally:
        context.close()


def _read(events: list[dict[str, Any]], origin_mark: str = "navigationStart") -> dict[str, Any]:
    starts = [
        e["ts"]
        for e in events
        if e.get("name") == origin_mark
        and (origin_mark == "navigationStart" or e.get("cat") == "blink.user_timing")
    ]
    origin = min(starts) if starts else min(e["ts"] for e in events if e.get("ts"))
    marks: dict[str, float] = {}
    for event in events:
        if event.get("cat") == "blink.user_timing" and event.get("ph") in ("R", "I", "n", "b"):
            name = event["name"]
            if name.startswith("jupyter-worker: ") or name in (FIRST_OUTPUT, RESTARTED_OUTPUT):
                label = "first output" if name in (FIRST_OUTPUT, RESTARTED_OUTPUT) else name
                at = (event["ts"] - origin) / 1e6
                marks.setdefault(label.removeprefix("jupyter-worker: "), at)
    sent: dict[str, tuple[str, float]] = {}
    files: dict[str, tuple[float, float]] = {}
    for event in events:
        data = event.get("args", {}).get("data", {})
        if not isinstance(data, dict):
            continue
        if event.get("name") == "ResourceSendRequest" and data.get("url", "").startswith("http"):
            sent[data["requestId"]] = (data["url"], (event["ts"] - origin) / 1e6)
        elif event.get("name") == "ResourceFinish" and data.get("requestId") in sent:
            url, began = sent[data["requestId"]]
            files[url.rsplit("/", 1)[-1].split("?")[0] or url] = (
                began,
                (event["ts"] - origin) / 1e6,
            )
    wasm: dict[str, float] = defaultdict(float)
    for event in events:
        if "wasm" in event.get("name", "").lower() and event.get("ph") == "X":
            wasm[event["name"]] += event.get("dur", 0) / 1e6
    return {"marks": marks, "files": files, "wasm": dict(wasm)}


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per kernel")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--revisit",
        action="store_true",
        help="trace a second visit in the same browser context (caches warm, "
        "python-worker's memory snapshot stored)",
    )
    which.add_argument(
        "--restart",
        action="store_true",
        help="trace a restart right after the first visit's first output, "
        "in seconds from the dialog's confirming click",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        contents = Path(tmp) / "notebooks"
        _notebooks(contents)
        site = build_site(Path(tmp) / "site", [contents])
        server = make_server(site, port=0, isolated=True, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/lab/index.html?path="
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in KERNELS}
        with sync_playwright() as driver:
            browser = launch(driver)
            # warm the OS file cache
            _one_run(browser, f"{base}python-worker.ipynb", revisit=False, restart=False)
            for _ in range(args.runs):
                for name in KERNELS:
                    url = f"{base}{name}.ipynb"
                    runs[name].append(
                        _one_run(browser, url, revisit=args.revisit, restart=args.restart)
                    )
            browser.close()
        server.shutdown()

    ours = runs["python-worker"]
    visit = "a first visit"
    if args.restart or args.revisit:
        visit = "a restart at once" if args.restart else "a revisit"
    origin = "the restart's click" if args.restart else "navigation start"
    print(f"python-worker, {visit}, seconds from {origin} (medians of {len(ours)} runs):")
    phases = sorted(
        {name for run in ours for name in run["marks"]},
        key=lambda name: statistics.median(r["marks"].get(name, 0) for r in ours),
    )
    previous = 0.0
    for name in phases:
        at = statistics.median(r["marks"][name] for r in ours if name in r["marks"])
        print(f"  {at:6.2f}  (+{at - previous:5.2f})  {name}")
        previous = at
    print("\nfiles fetched (median start - finish, s), slowest first:")
    names = {name for run in ours for name in run["files"]}
    spans = {
        name: (
            statistics.median(r["files"][name][0] for r in ours if name in r["files"]),
            statistics.median(r["files"][name][1] for r in ours if name in r["files"]),
        )
        for name in names
    }
    ordered = sorted(spans.items(), key=lambda item: item[1][0] - item[1][1])
    for name, (began, ended) in ordered[:SHOWN_FILES]:
        print(f"  {began:6.2f} - {ended:6.2f}  ({ended - began:5.2f})  {name}")
    print(f"  ... and {max(0, len(ordered) - SHOWN_FILES)} more")
    print("\nwasm events, summed (median s):")
    kinds = {name for run in ours for name in run["wasm"]}
    ordered_kinds = sorted(
        kinds, key=lambda k: -statistics.median(r["wasm"].get(k, 0) for r in ours)
    )
    for kind in ordered_kinds[:SHOWN_WASM]:
        print(f"  {statistics.median(r['wasm'].get(kind, 0) for r in ours):6.2f}  {kind}")
    upstream = [r["marks"].get("first output") for r in runs["python"]]
    firsts = [r["marks"].get("first output") for r in ours]
    if all(upstream) and all(firsts):
        ours_median = statistics.median(f for f in firsts if f)
        theirs = statistics.median(f for f in upstream if f)
        print(
            f"\nfirst output: python-worker {ours_median:.2f} s, upstream python {theirs:.2f} s"
            f" (ratio {ours_median / theirs:.3f})"
        )


if __name__ == "__main__":
    main()
