"""Workers started from worker Python (``jupyter_worker.Worker``), in the worker kernel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    code_cell,
    finish_cell,
    interrupt_kernel,
    open_notebook,
    restart_kernel,
    result_text,
    run_cell,
    run_uncounted_cell,
    start_cell,
)
from playwright.sync_api import Page, expect
from support.notebooks import lite_notebook
from support.sites import NO_SPARE, notebook_site, serve

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
    # 11: submit answers at once with a future; bytes cross as bytes
    (
        "w4 = Worker(name='futures')\nfuture = w4.submit('bytes', b'\\x00\\xff')\n"
        "future.result(), future.done(), w4.call('len', b'abc')",
        "(b'\\x00\\xff', True, 3)",
    ),
    # 12: the started workers are listed with who started them
    ("%worker list", None),
    # 13: a pool maps a cell's function over its workers, results in order
    (
        "from jupyter_worker import Pool\nimport math\n"
        "def cube(x):\n    return math.floor(x) ** 3\n"
        "with Pool(2) as pool:\n    cubes = list(pool.map(cube, range(8)))\n"
        "    names = sorted({w.name for w in pool.workers})\ncubes, names",
        "([0, 1, 8, 27, 64, 125, 216, 343], ['pool-1', 'pool-2'])",
    ),
    # 14: an interrupt stops a pool's endless work; the pool is shut down
    (
        "def spin(x):\n    from js import window\n    window.jwSpinning = True\n"
        "    while True:\n        pass\n"
        "with Pool(2, name='spinners') as spinning:\n    list(spinning.map(spin, range(4)))",
        None,
    ),
    ("spinning, w4.call('abs', -5)", "(<Pool of 2 workers (shut down)>, 5)"),
    ("6 * 7", "42"),
    # 17 (not isolated): the asynchronous forms
    (
        "w5 = Worker(name='plain')\nawait w5.aexec('print(\"started\")\\nx = 21')\n"
        "await w5.acall('abs', -42), w5.name",
        "(42, 'plain')",
    ),
    # 18: a sync function that calls back into the worker that called it fails, never hangs
    (
        "w4.sync.back = lambda: w4.call('abs', -1)\n"
        "try:\n    w4.exec('from jupyter_worker import sync\\nsync.back()')\n"
        "except Exception as error:\n    nested = type(error).__name__\n"
        "nested, w4.call('abs', -7)",
        None,
    ),
    # 19: a worker from a file of the notebook's contents
    (
        "with Worker('sim.py', name='from-file') as fw:\n"
        "    fw.sync.progress = lambda n: print('progress', n)\n"
        "    doubled = fw.call('step', 5)\n"
        "doubled",
        "10",
    ),
    # 20, 21: a sync function set in one cell prints in the cell that waits for the worker
    ("w4.sync.shout = lambda text: print('shout', text)", None),
    ("w4.exec('from jupyter_worker import sync\\nsync.shout(\"hi\")')", None),
]

#: A file next to the notebook, for ``Worker("sim.py")``.
SIM = "from jupyter_worker import sync\n\n\ndef step(x):\n    sync.progress(x)\n    return x * 2\n"


def _pyodide_workers(page: Page) -> int:
    return sum("pyodide.worker" in worker.url for worker in page.workers)


def _wait_for_workers(page: Page, count: int) -> None:
    """Wait until ``count`` Pyodide workers live on the page (started ones end with a close)."""
    for _ in range(600):
        if _pyodide_workers(page) == count:
            return
        page.wait_for_timeout(100)  # (Playwright has no wait for a worker count)
    msg = f"{_pyodide_workers(page)} Pyodide workers on the page, not {count}"
    raise AssertionError(msg)


@pytest.fixture(scope="module")
def spawn_site(tmp_path_factory) -> Path:
    cells = [code for code, _ in CELLS]
    root = tmp_path_factory.mktemp("spawn")
    # (the test counts the page's workers: no warm spare among them)
    return notebook_site(root, "spawn", cells, files={"sim.py": SIM}, plugin_settings=NO_SPARE)


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
        # the crash is the started worker's one uncaught error, reported before
        # the page stops the worker (started.ts `terminate`)
        page_log.wait_for_error(page, "RuntimeError: memory access out of bounds")
        assert set(page_log.errors) == {"RuntimeError: memory access out of bounds"}
        page_log.errors.clear()
        assert result_text(run_cell(page, 11, timeout=KERNEL_START_TIMEOUT)) == CELLS[11][1]
        listed = run_uncounted_cell(page, 12)
        assert re.search(r"^futures\s+idle\s+\d+\s+started by the kernel$", listed, re.M), listed
        # (not the terminated, stopped and crashed ones)
        assert [row.split()[0] for row in listed.strip().splitlines()[1:]] == ["futures"]
        assert result_text(run_cell(page, 13, timeout=KERNEL_START_TIMEOUT)) == CELLS[13][1]
        workers = _pyodide_workers(page)
        start_cell(page, 14)
        expect(code_cell(page, 14).locator(".jp-InputPrompt")).to_have_text("[*]:")
        # a pool worker spins (after the pool's two workers have started)
        page.wait_for_function("window.jwSpinning === true", timeout=KERNEL_START_TIMEOUT)
        assert _pyodide_workers(page) == workers + 2
        interrupt_kernel(page)
        expect(finish_cell(page, 14, timeout=30_000)).to_contain_text("KeyboardInterrupt")
        assert result_text(run_cell(page, 15)) == CELLS[15][1]
        _wait_for_workers(page, workers)  # the spinners are gone with their pool
        # the kernel's and w4: terminated, crashed and pool workers are gone
        assert _pyodide_workers(page) == 2
        # w4's sync function waits for w4, which waits for it: an error, not a hang
        output = run_cell(page, 18)
        expect(output).to_contain_text("waiting for it here would never end")
        assert result_text(output).endswith(", 7)"), result_text(output)
        output = run_cell(page, 19, timeout=KERNEL_START_TIMEOUT)
        expect(output.first).to_contain_text("progress 5")
        assert result_text(output) == CELLS[19][1]
        _wait_for_workers(page, 2)
        run_cell(page, 20)
        expect(run_cell(page, 21)).to_have_text("shout hi")
        expect(code_cell(page, 20).locator(".jp-OutputArea-output")).to_have_count(0)
        # a kernel restart stops the workers its Python started
        restart_kernel(page)
        expect(page.locator(".jp-Dialog")).to_have_count(0)
        assert result_text(run_cell(page, 16, timeout=KERNEL_START_TIMEOUT)) == "42"
        _wait_for_workers(page, 1)  # only the new kernel's


def test_without_isolation_worker_says_why(page, spawn_site):
    with serve(spawn_site, isolated=False) as base:
        open_notebook(page, f"{base}lab/index.html?path=spawn.ipynb")
        assert page.evaluate("crossOriginIsolated") is False
        output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        expect(output).to_contain_text("IsolationError")
        expect(output).to_contain_text("not cross-origin isolated")
        expect(output).to_contain_text("await w.acall(name, *args)")
        output = run_cell(page, 17, timeout=KERNEL_START_TIMEOUT)
        expect(output.first).to_contain_text("started")
        assert result_text(output) == CELLS[17][1]


PYSCRIPT = [
    # 0: PyScript's names, as its docs use them
    "from pyscript import HTML, current_target, display, document, when\n"
    "box = document.createElement('div'); box.id = 'ps-box'\n"
    "button = document.createElement('button'); button.id = 'ps-button'\n"
    "box.appendChild(button)\n"
    "display(box)\n"
    "clicks = []\n"
    "@when('click', '#ps-button')\n"
    "def clicked(event):\n"
    "    clicks.append(event.type)\n"
    "    display(HTML('<b id=\"ps-bold\">clicked</b>'), target='ps-box')\n"
    "display('shown in the cell', target=current_target())",
    # 1
    "clicks",
    # 2: a name with no notebook meaning says what to use
    "import pyscript\npyscript.PyWorker",
]
lite_notebook("pyscript", PYSCRIPT)


def test_pyscript_names_work_in_the_worker_kernel(page, isolated_url):
    open_notebook(page, f"{isolated_url}lab/index.html?path=pyscript.ipynb")
    output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    expect(output).to_contain_text("shown in the cell")
    page.click("#ps-button")
    expect(page.locator("#ps-box #ps-bold")).to_have_text("clicked")
    assert result_text(run_cell(page, 1)) == "['click']"
    expect(run_cell(page, 2)).to_contain_text(
        "NotImplementedError: pyscript.PyWorker has no notebook meaning here: "
        "use jupyter_worker.Worker"
    )
