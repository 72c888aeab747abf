"""What the benchmarks share: notebooks, cells, CPU use.

Importing it puts ``tests/`` on ``sys.path``, so that the benchmarks use the
tests' browser, sites and servers (``support.*``; import this module first).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.notebooks import notebook as _notebook

#: The kernels of an offline site: ours and upstream's (the baseline).
KERNELS = {"python-worker": "Python (worker)", "python": "Python (Pyodide)"}

#: Latency benchmarks warm up each operation for this long, and this many calls at least:
#: the first seconds after a kernel starts, the notebook page is busy setting up.
WARMUP_SECONDS = 1.0
WARMUP_CALLS = 200

#: Latency benchmarks also report the median of the means of this many consecutive
#: calls: Chromium's timer steps (5 µs) round single calls, a mean of many does not.
BATCH = 50

#: The code cells of the notebook in front.
CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell"


def notebook(cells: list[str], kernel: str = "python-worker") -> dict[str, Any]:
    """A notebook of code cells for ``kernel`` (a key of ``KERNELS``)."""
    return _notebook(cells, (kernel, KERNELS[kernel]))


#: The current notebook's kernel name, once it has chosen one.
KERNEL_NAME = """() => {
  const name = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-KernelName');
  const text = (name?.textContent ?? '').trim();
  return text !== '' && text !== 'No Kernel';
}"""

#: How often the start's user looks for the kernel name (ms): Playwright's
#: `expect` backs off to 1 s between looks, which a start of 2 s would count.
KERNEL_POLL_MS = 20


def wait_for_kernel(page: Page) -> None:
    """Wait until the current notebook has chosen its kernel.

    Until then JupyterLab's run command finds "No Kernel" and runs nothing: a
    user waits for the kernel's name too.
    """
    page.wait_for_function(KERNEL_NAME, polling=KERNEL_POLL_MS, timeout=60_000)


#: Whether code cell ``index`` shows an output with ``text``: the page's clock
#: (ms from navigation) when it first does, with a user-timing mark
#: ``output: text``; false until then.
OUTPUT_SHOWN = """([index, text]) => {
  const cell = document.querySelectorAll('.jp-CodeCell')[index];
  const outputs = cell ? [...cell.querySelectorAll('.jp-OutputArea-output')] : [];
  if (!outputs.some((output) => output.textContent.includes(text))) {
    return false;
  }
  performance.mark(`output: ${text}`);
  return performance.now();
}"""

#: How often a timed wait looks for an output (ms). Playwright's
#: `locator.wait_for` backs off to 1 s between looks: a start's figure then
#: counted up to 0.5 s of that.
OUTPUT_POLL_MS = 20


def wait_output(page: Page, index: int, text: str, timeout: float = 180_000) -> float:
    """Wait until code cell ``index`` shows ``text``; seconds from navigation when it did."""
    found = page.wait_for_function(
        OUTPUT_SHOWN, arg=[index, text], polling=OUTPUT_POLL_MS, timeout=timeout
    )
    return float(found.json_value()) / 1000


def run_first_cell(page: Page, url: str, text: str = "ready") -> float:
    """Open the notebook at ``url``, run its first cell as soon as it has a kernel, await ``text``.

    The wait starts when the page's document is there, not at its `load`
    event, which a revisit's kernel can beat. Returns the seconds from
    navigation to the output (the page's clock; mark ``output: text``).
    """
    page.goto(url, wait_until="domcontentloaded")
    wait_for_kernel(page)
    cell = page.locator(".jp-CodeCell").first
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    return wait_output(page, 0, text)


def cell_output(page: Page, cell: int, text: str) -> float:
    """Seconds from running code cell ``cell`` (Shift+Enter) to its output ``text``."""
    page.locator(".jp-CodeCell").nth(cell).locator(".jp-InputArea-editor").click()
    pressed = float(page.evaluate("performance.now()")) / 1000
    page.keyboard.press("Shift+Enter")
    return wait_output(page, cell, text) - pressed


#: The page's mark at a restart's confirming click (``restart_and_run``).
RESTART_CLICK = "restart: click"


def restart_and_run(page: Page, cell: int, text: str) -> float:
    """Restart the kernel (toolbar, dialog), run cell ``cell``; seconds from the click to ``text``.

    Marks ``RESTART_CLICK`` in the page at the dialog's confirming click.
    """
    page.locator("jp-button[data-command='notebook:restart-kernel']").first.click()
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    accept.wait_for()
    clicked = float(page.evaluate(f"performance.mark({RESTART_CLICK!r}).startTime")) / 1000
    accept.click()
    again = page.locator(".jp-CodeCell").nth(cell)
    again.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    return wait_output(page, cell, text) - clicked


def start_cell(page: Page, index: int) -> None:
    """Select a code cell and press the toolbar's run button."""
    page.locator(CELLS).nth(index).locator(".jp-InputPrompt").click()
    page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) "
        "jp-button[data-command='notebook:run-cell-and-select-next']"
    ).click()


#: How often a benchmark looks whether a cell has finished (ms). Not at every
#: animation frame (Playwright's default): that makes the page render a frame
#: each 16 ms, main-thread work a user's page does not have, which delays the
#: page calls being measured. (Benchmarks that time the finish itself pass "raf".)
POLL_MS = 100


def wait_cell(
    page: Page, index: int, timeout: float = 600_000, polling: float | str = POLL_MS
) -> str:
    """Wait until a started cell has finished; return its result text, if any."""
    cell = page.locator(CELLS).nth(index)
    page.wait_for_function(
        "(cell) => /\\[\\d+\\]:/.test(cell.querySelector('.jp-InputPrompt').textContent)",
        arg=cell.element_handle(),
        timeout=timeout,
        polling=polling,
    )
    # its text, not its innerText: a cell scrolled out of view (the run button
    # selects the next one) is not laid out, and its innerText is ''
    result = cell.locator(".jp-OutputArea-executeResult .jp-OutputArea-output")
    return (result.text_content() or "") if result.count() else ""


def run_cell(
    page: Page, index: int, timeout: float = 600_000, polling: float | str = POLL_MS
) -> str:
    """Run a code cell; return its result text, if any."""
    start_cell(page, index)
    return wait_cell(page, index, timeout, polling)


def chromium_pids() -> list[int]:
    """The Chromium processes this benchmark started (its descendants), not others'."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
            names[int(entry.name)] = stat[stat.index("(") + 1 : stat.rindex(")")]
    found, todo = [], [os.getpid()]
    while todo:
        pid = todo.pop()
        found.extend(children.get(pid, []))
        todo.extend(children.get(pid, []))
    return [pid for pid in found if names.get(pid, "").startswith("chrom")]


def thread_stats(pid: int, thread: str) -> list[Path]:
    """The ``stat`` files of process ``pid``'s threads whose names start with ``thread``."""
    return [
        task / "stat"
        for task in Path(f"/proc/{pid}/task").iterdir()
        if (task / "comm").read_text().strip().startswith(thread)
    ]


def stat_fields(stat: Path) -> list[str]:
    """The fields of a ``/proc`` ``stat`` file after the name (``state`` first)."""
    return stat.read_text().rsplit(")", 1)[1].split()


def chromium_cpu_seconds(thread: str | None = None) -> float:
    """User+system CPU seconds of this benchmark's Chromium, or of its threads named ``thread``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in chromium_pids():
        try:
            stats = [Path(f"/proc/{pid}/stat")] if thread is None else thread_stats(pid, thread)
            for stat in stats:
                fields = stat_fields(stat)
                total += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return total / ticks


def cores_during(action: Callable[[], object]) -> tuple[float, float]:
    """Cores used by this benchmark's Chromium, and by its worker threads, during ``action``."""
    cpu, workers = chromium_cpu_seconds(), chromium_cpu_seconds("DedicatedWorker")
    wall = time.monotonic()
    action()
    elapsed = time.monotonic() - wall
    return (
        (chromium_cpu_seconds() - cpu) / elapsed,
        (chromium_cpu_seconds("DedicatedWorker") - workers) / elapsed,
    )
