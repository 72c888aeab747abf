"""Workers started from worker Python (``jupyter_worker.Worker``), in the worker kernel."""

from __future__ import annotations

from pathlib import Path

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    code_cell,
    finish_cell,
    interrupt_kernel,
    open_notebook,
    result_text,
    run_cell,
    start_cell,
)
from playwright.sync_api import expect
from support.sites import notebook_site, serve

#: Each cell's code and, next to it, what its result shows (None: checked below).
CELLS: list[tuple[str, str | None]] = [
    (
        "from jupyter_worker import Worker, WorkerError, sync\n"
        "w = Worker(name='sim')\n"
        "w.exec('def step(x):\\n    from jupyter_worker import sync\\n"
        '    sync.progress(x)\\n    return x * 2\\nprint("defined")\')\n'
        "w",
        "<Worker 'sim' (running)>",
    ),
    # the worker calls this interpreter synchronously, during the call
    (
        "seen = []\nw.sync.progress = lambda n: seen.append(n) or n\n"
        "w.call('step', 21), w.call('abs', -3), seen",
        "(42, 3, [21])",
    ),
    # its exceptions arrive with their type, message and its traceback
    (
        "try:\n    w.exec('{}[\"missing\"]')\nexcept KeyError as error:\n"
        "    caught = (repr(error), 'raised in worker' in error.__notes__[0])\ncaught",
        "(\"KeyError('missing')\", True)",
    ),
    ("w.exec('class Odd(Exception): pass\\nraise Odd(\"no\")')", None),
    # a value that is not JSON-able is refused, naming its type
    ("w.call('abs', {1, 2})", None),
    # an interrupt of the calling cell interrupts the call
    ("w.exec('while True:\\n    pass')", None),
    ("w.call('step', 2), w.name", "(4, 'sim')"),
    # sync outside a started worker says where it works
    ("sync.progress(1)", None),
    ("w.terminate()\nw", "<Worker 'sim' (stopped)>"),
    # packages installed first; a context manager terminates it
    (
        "with Worker(packages=['six']) as w2:\n"
        "    shipped = w2.call('eval', \"__import__('six').__name__\")\n"
        "shipped, w2",
        "('six', <Worker 'worker-2' (stopped)>)",
    ),
    # a worker that dies fails the call with WorkerCrashed, not the caller
    (
        "w3 = Worker()\ntry:\n    w3.exec('import ctypes\\nctypes.string_at(0xFFFFFFF0, 16)')\n"
        "except Exception as error:\n    crashed = type(error).__name__\ncrashed, 6 * 7",
        "('WorkerCrashed', 42)",
    ),
]


@pytest.fixture(scope="module")
def spawn_site(tmp_path_factory) -> Path:
    return notebook_site(tmp_path_factory.mktemp("spawn"), "spawn", [code for code, _ in CELLS])


def test_a_cell_starts_a_worker_calls_it_and_shares_functions_both_ways(page, page_log, spawn_site):
    with serve(spawn_site, isolated=True) as base:
        open_notebook(page, f"{base}lab/index.html?path=spawn.ipynb")
        output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        expect(output.first).to_contain_text("defined")  # its prints show in this cell
        assert result_text(output) == CELLS[0][1]
        for index in (1, 2):
            assert result_text(run_cell(page, index)) == CELLS[index][1], index
        expect(run_cell(page, 3)).to_contain_text("WorkerError: Odd: no")
        expect(run_cell(page, 4)).to_contain_text("set is not JSON serializable")
        start_cell(page, 5)
        expect(code_cell(page, 5).locator(".jp-InputPrompt")).to_have_text("[*]:")
        interrupt_kernel(page)
        expect(finish_cell(page, 5, timeout=20_000)).to_contain_text("KeyboardInterrupt")
        # the worker's loop was interrupted too: it answers the next call
        assert result_text(run_cell(page, 6)) == CELLS[6][1]
        expect(run_cell(page, 7)).to_contain_text("sync reaches the worker that started")
        for index in (8, 9, 10):
            output = run_cell(page, index, timeout=KERNEL_START_TIMEOUT)
            assert result_text(output) == CELLS[index][1], index
        # the crash is the started worker's one uncaught error
        assert set(page_log.errors) == {"RuntimeError: memory access out of bounds"}
        page_log.errors.clear()


def test_without_isolation_worker_says_why(page, spawn_site):
    with serve(spawn_site, isolated=False) as base:
        open_notebook(page, f"{base}lab/index.html?path=spawn.ipynb")
        assert page.evaluate("crossOriginIsolated") is False
        output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        expect(output).to_contain_text("IsolationError")
        expect(output).to_contain_text("not cross-origin isolated")
