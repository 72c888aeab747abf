"""What a Chromium trace says the page's threads did between two marks of a worker.

``record(browser, page)`` records a trace (Playwright's ``start_tracing``)
while a benchmark runs; ``window_report(trace, start, end)`` reads it: the
main thread's tasks longer than ``min_ms`` between the ``performance.mark``
calls ``start`` and ``end`` (made in a worker, so that marking costs no page
call), each with what took its time (the longest events inside it: scripts
by function and file, garbage collections, layout, style), and the garbage
collections of the worker thread that made the marks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Browser, Page

#: Trace categories: tasks, scripts, garbage collections, user timing marks.
CATEGORIES = [
    "toplevel",
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8",
    "v8.execute",
    "blink.user_timing",
]


@dataclass
class Trace:
    """A recorded trace's events (``events`` is filled when the recording stops)."""

    events: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def record(browser: Browser, page: Page) -> Iterator[Trace]:
    """Record a trace of ``page``'s process while the block runs."""
    trace = Trace()
    browser.start_tracing(page=page, categories=CATEGORIES)
    try:
        yield trace
    finally:
        raw = json.loads(browser.stop_tracing())
        trace.events = raw["traceEvents"] if isinstance(raw, dict) else raw


def _threads(events: list[dict[str, Any]]) -> dict[tuple[int, int], str]:
    return {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
    }


def _label(event: dict[str, Any]) -> str:
    data = event.get("args", {}).get("data", {})
    name = event["name"]
    if name == "FunctionCall" and isinstance(data, dict):
        where = str(data.get("url", "")).rsplit("/", 1)[-1]
        return f"FunctionCall {data.get('functionName') or '(anonymous)'} {where}".strip()
    return name


def window_report(
    trace: Trace, start: str, end: str, min_ms: float = 1.0
) -> dict[str, list[tuple[float, list[str]]]]:
    """Long main-thread tasks and worker GCs between the marks ``start`` and ``end``.

    Returns ``{"main": [(ms, [what took it, longest first])], "worker_gc":
    [(ms, [name])]}``; empty lists if the marks are missing.
    """
    events = trace.events
    marks = {e["name"]: e for e in events if e.get("cat") == "blink.user_timing"}
    if start not in marks or end not in marks:
        return {"main": [], "worker_gc": []}
    begin, finish = marks[start]["ts"], marks[end]["ts"]
    pid, worker_tid = marks[start]["pid"], marks[start]["tid"]
    threads = _threads(events)
    main = {key for key, name in threads.items() if key[0] == pid and name == "CrRendererMain"}
    spans = [
        e
        for e in events
        if e.get("ph") == "X" and e.get("pid") == pid and begin <= e["ts"] <= finish
    ]
    report: dict[str, list[tuple[float, list[str]]]] = {"main": [], "worker_gc": []}
    for task in spans:
        if (task["pid"], task["tid"]) not in main or task["name"] != "RunTask":
            continue
        if task.get("dur", 0) < min_ms * 1000:
            continue
        inside = [
            e
            for e in spans
            if e["tid"] == task["tid"]
            and e is not task
            and task["ts"] <= e["ts"] <= task["ts"] + task["dur"]
            and e.get("dur", 0) >= 300
        ]
        inside.sort(key=lambda e: -e.get("dur", 0))
        what = [f"{_label(e)} {e['dur'] / 1000:.1f}" for e in inside[:4]]
        report["main"].append((task["dur"] / 1000, what))
    for gc in spans:
        if gc["tid"] == worker_tid and "GC" in gc["name"] and gc.get("dur", 0) >= 300:
            report["worker_gc"].append((gc["dur"] / 1000, [gc["name"]]))
    return report
