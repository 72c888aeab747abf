"""``%%worker`` cells in JupyterLab with an ordinary server kernel (ipykernel)."""

from __future__ import annotations

import json
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
from playwright.sync_api import expect
from support.servers import Lab

from jupyter_worker.magic.magics import USAGE


def _open(page, lab: Lab, name: str, cells: list[str]) -> None:
    open_notebook(page, lab.notebook(name, cells))
    assert page.evaluate("crossOriginIsolated") is True
    page.wait_for_function(
        "jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel"
        "?.connectionStatus === 'connected'",
        timeout=KERNEL_START_TIMEOUT,
    )


def _count_workers(page) -> list[str]:
    """Record the Pyodide workers ``page`` starts from now on."""
    started: list[str] = []
    page.on("worker", lambda w: started.append(w.url) if "pyodide.worker" in w.url else None)
    return started


HELLO = [
    "import os\nkernel_pid = os.getpid()\nprint('kernel', kernel_pid)",
    "%%worker\n"
    "from js import document\n"
    "import sys\n"
    "el = document.createElement('canvas')\n"
    "el.id = 'drawn-from-worker'\n"
    "el.width = 7\n"
    "display(el)\n"
    "print('hello from the browser', sys.platform)\n"
    "6 * 7",
    "print('after', kernel_pid == os.getpid())",
    "%%worker\nraise ValueError('from the worker')",
    # the kernel's own wheels came with Pyodide, from the served lock (not piplite's installs)
    "%%worker\nimport pyodide_js\nloaded = pyodide_js.loadedPackages.to_py()\n"
    "sorted({loaded[n] for n in ('piplite', 'ipykernel', 'pyodide-kernel')})",
]


def test_worker_cell_prints_displays_and_saves(page, lab):
    root = lab.root
    workers = _count_workers(page)
    _open(page, lab, "hello", HELLO)
    assert workers == []  # opening runs nothing
    first = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert first.inner_text().startswith("kernel ")
    output = run_cell(page, 1, timeout=KERNEL_START_TIMEOUT)
    assert "hello from the browser emscripten" in output.inner_text()
    assert output.locator(".jp-OutputArea-executeResult").inner_text().strip().endswith("42")
    canvas = output.locator(".jp-WorkerElement canvas#drawn-from-worker")
    assert canvas.get_attribute("width") == "7"
    assert len(workers) == 1
    after = run_cell(page, 2)
    assert after.inner_text().strip() == "after True"
    error = run_cell(page, 3)
    assert "ValueError: from the worker" in error.inner_text()
    stderr = "[data-mime-type='application/vnd.jupyter.stderr']"
    assert error.locator(f".jp-RenderedText{stderr}").count() == 1
    assert result_text(run_cell(page, 4)) == "['default channel']"

    # save, reload: the outputs are in the file and on the page, nothing runs again
    page.keyboard.press("Control+s")
    saved = _saved_cells(page, root / "hello.ipynb")
    worker_cell = saved[1]
    assert worker_cell["execution_count"] == 1
    kinds = [o["output_type"] for o in worker_cell["outputs"]]
    assert kinds == ["display_data", "stream", "execute_result"]
    assert "<canvas" in "".join(worker_cell["outputs"][0]["data"]["text/html"])
    assert saved[3]["outputs"][0]["ename"] == "ValueError"
    workers.clear()
    page.reload()
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    reloaded = code_cell(page, 1)
    expect(reloaded.locator(".jp-InputPrompt")).to_have_text("[1]:")
    expect(reloaded.locator(".jp-OutputArea")).to_contain_text("hello from the browser")
    expect(reloaded.locator("canvas")).to_have_count(1)
    page.wait_for_timeout(2000)  # give a (wrong) re-execution the chance to start
    assert workers == []


def _saved_cells(page, path: Path) -> list[dict]:
    """The cells of ``path`` once the save has written outputs."""
    for _attempt in range(100):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cells[0]["outputs"]:
            return cells
        page.wait_for_timeout(200)
    pytest.fail(f"{path} was not saved")


ORDER = [
    "%%worker\n'warm'",
    "import time\ntime.sleep(2)\nt1 = time.time()",
    "markdown:A markdown cell between: rendered at once, it must not let the next cell jump.",
    # starts (w0) after the kernel cell before it ended (t1)
    "%%worker --out w0,t2\nimport time\nw0 = time.time()\ntime.sleep(1.5)\nt2 = time.time()\n"
    "'worker done'",
    "print('ordered', t1 < w0 < t2 < time.time())",
]


def test_run_all_keeps_cell_order(page, lab):
    _open(page, lab, "order", ORDER)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)  # the worker is up: nothing hides a jump
    code_cell(page, 1).locator(".jp-InputPrompt").click()
    page.evaluate("() => { void jupyterapp.commands.execute('notebook:run-all-below'); }")
    last = finish_cell(page, 3)
    assert last.inner_text().strip() == "ordered True"
    assert finish_cell(page, 2).inner_text().strip().endswith("'worker done'")


ABORT = [
    "%%worker\nraise ValueError('stop')",
    "print('ran')",
    "%%worker\nprint('ran')",
]


def test_run_all_stops_after_a_failed_worker_cell(page, lab):
    _open(page, lab, "abort", ABORT)
    page.evaluate("() => { void jupyterapp.commands.execute('notebook:run-all-cells'); }")
    failed = finish_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert "ValueError: stop" in failed.inner_text()
    for index in (1, 2):
        cell = code_cell(page, index)
        expect(cell.locator(".jp-InputPrompt")).to_have_text("[ ]:")
        assert cell.locator(".jp-OutputArea-output").count() == 0


TRANSFER = [
    "data = {'a': [1, 2.5, None], 'b': {'c': 'é\"\\''}}\nitems = [1, 'two', [3], {'x': True}]",
    "%%worker --in data,items --out data2,items2\n"
    "data2 = dict(data, seen=True)\n"
    "items2 = items + [len(items)]",
    "print(data2 == dict(data, seen=True), items2 == items + [4])",
    "%%worker --in 1a\nprint('ran')",
    "s = {1, 2}",
    "%%worker --in s\nprint('ran')",
    "%%worker --in nope\nprint('ran')",
    "%%worker --bogus\nprint('ran')",
    "%%worker -h\nprint('ran')",
]


def test_in_out_round_trip_and_errors(page, lab):
    _open(page, lab, "transfer", TRANSFER)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    run_cell(page, 1, timeout=KERNEL_START_TIMEOUT)
    assert run_cell(page, 2).inner_text().strip() == "True True"

    def error_of(index: int) -> str:
        return run_uncounted_cell(page, index)

    def ran(text: str) -> bool:
        return re.search(r"^ran$", text, re.MULTILINE) is not None

    bad_name = error_of(3)
    assert "'1a' is not a Python variable name" in bad_name
    assert not ran(bad_name)
    run_cell(page, 4)
    not_json = error_of(5)
    assert "--in s: s is a set, which is not JSON-able" in not_json
    assert not ran(not_json)
    missing = error_of(6)
    assert "--in nope: the notebook's kernel has no variable nope" in missing
    usage = error_of(7)
    assert "UsageError: unknown option '--bogus'" in usage
    assert not ran(usage)
    helped = run_uncounted_cell(page, 8)
    assert helped.strip() == USAGE.strip()


def _interval(text: str) -> tuple[float, float]:
    start, end = (float(x) for x in text.split())
    return start, end


NAMED = [
    "%%worker one\nx = 'one'",
    "%%worker two\nx = 'two'",
    "%%worker one\nprint(x)",
    "%%worker two\nprint(x)",
    "%%worker one --background\nimport time\nt0 = time.time()\ntime.sleep(3)\n"
    "print(t0, time.time())",
    "%%worker two --background\nimport time\nt0 = time.time()\ntime.sleep(3)\n"
    "print(t0, time.time())",
    "%worker list",
    "%worker stop two",
    "%worker list",
]


def test_named_workers_are_separate_and_run_in_parallel(page, lab):
    _open(page, lab, "named", NAMED)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    run_cell(page, 1, timeout=KERNEL_START_TIMEOUT)
    assert run_cell(page, 2).inner_text().strip() == "one"
    assert run_cell(page, 3).inner_text().strip() == "two"
    start_cell(page, 4)
    start_cell(page, 5)
    one = _interval(finish_cell(page, 4).inner_text())
    two = _interval(finish_cell(page, 5).inner_text())
    # recorded start/end times of the two cells overlap
    assert one[0] < two[1]
    assert two[0] < one[1]
    listed = run_uncounted_cell(page, 6)
    assert re.search(r"^one\s+idle\s+3$", listed, re.MULTILINE)
    assert re.search(r"^two\s+idle\s+3$", listed, re.MULTILINE)
    assert run_uncounted_cell(page, 7).strip() == "stopped worker 'two'"
    listed = run_uncounted_cell(page, 8)
    assert "one" in listed
    assert "two" not in listed


INTERRUPT = [
    "%%worker\nfrom js import window\nwindow.jwLooping = True\ni = 0\nwhile True:\n    i += 1",
    "%%worker\nprint('still here', i > 0)",
    "%%worker --timeout 1\nwhile True:\n    pass",
    "%%worker --packages no-such-package-jw\nprint('ran')",
    "%%worker\nimport importlib.util\nprint(importlib.util.find_spec('widgetsnbextension'))",
    "%%worker --packages widgetsnbextension\nimport widgetsnbextension\nprint('imported')",
    "%%worker pending\nprint('ran')",
]


def test_interrupt_timeout_and_packages(page, lab):
    _open(page, lab, "interrupt", INTERRUPT)
    start_cell(page, 0)
    # the loop runs once the worker is up: then one click of the toolbar button
    page.wait_for_function("window.jwLooping === true", timeout=KERNEL_START_TIMEOUT)
    interrupt_kernel(page)
    expect(finish_cell(page, 0)).to_contain_text("KeyboardInterrupt")
    assert run_cell(page, 1).inner_text().strip() == "still here True"
    timed_out = run_cell(page, 2).inner_text()
    assert "KeyboardInterrupt" in timed_out
    assert "--timeout: interrupted after 1 s" in timed_out
    missing = run_uncounted_cell(page, 3)
    assert "no-such-package-jw" in missing
    assert re.search(r"micropip asked http://127\.0\.0\.1:\d+/simple/no-such-package-jw/", missing)
    assert not re.search(r"^ran$", missing, re.MULTILINE)
    assert run_cell(page, 4).inner_text().strip() == "None"  # not installed yet
    assert run_cell(page, 5).inner_text().strip() == "imported"
    # interrupted while its worker still loads: the cell does not run
    start_cell(page, 6)
    interrupt_kernel(page)
    cell = code_cell(page, 6)
    expect(cell.locator(".jp-InputPrompt")).to_have_text("[ ]:", timeout=KERNEL_START_TIMEOUT)
    output = cell.locator(".jp-OutputArea").inner_text()
    assert "KeyboardInterrupt: interrupted before it started in worker 'pending'" in output
    assert "ran" not in output


def _answer_stdin(page, index: int, text: str) -> None:
    box = code_cell(page, index).locator(".jp-Stdin-input")
    box.wait_for(timeout=KERNEL_START_TIMEOUT)
    box.fill(text)
    box.press("Enter")


STDIN = [
    "%%worker\nname = input('Name? ')\nprint('hello', name.upper())",
    "%%worker\nimport getpass\nprint(len(getpass.getpass('Secret? ')))",
    "%%worker\ninput('never answered: ')",
    "%%worker\nprint('still', name)",
]


def test_input_and_getpass_in_a_worker_cell(page, lab):
    root = lab.root
    _open(page, lab, "stdin", STDIN)
    start_cell(page, 0)
    expect(code_cell(page, 0).locator(".jp-Stdin-prompt")).to_have_text(
        "Name? ", timeout=KERNEL_START_TIMEOUT
    )
    _answer_stdin(page, 0, "Ada")
    output = finish_cell(page, 0)
    expect(output).to_contain_text("hello ADA")
    start_cell(page, 1)
    expect(code_cell(page, 1).locator("input.jp-Stdin-input[type=password]")).to_be_visible()
    _answer_stdin(page, 1, "s3cret!")
    expect(finish_cell(page, 1)).to_contain_text("7")
    assert "s3cret!" not in code_cell(page, 1).inner_text()

    # interrupted while it waits: KeyboardInterrupt, the box goes, state stays
    start_cell(page, 2)
    code_cell(page, 2).locator(".jp-Stdin-input").wait_for()
    interrupt_kernel(page)
    expect(finish_cell(page, 2, timeout=20_000)).to_contain_text("KeyboardInterrupt")
    expect(code_cell(page, 2).locator(".jp-Stdin-input")).to_have_count(0)
    assert run_cell(page, 3).inner_text().strip() == "still Ada"

    # the prompt and answer are saved with the outputs, as JupyterLab saves a kernel's
    page.keyboard.press("Control+s")
    outputs = _saved_cells(page, root / "stdin.ipynb")[0]["outputs"]
    assert [(o["name"], "".join(o["text"])) for o in outputs] == [
        ("stdin", "Name?  Ada\n"),
        ("stdout", "hello ADA\n"),
    ]


RESTART = [
    "%%worker\nstate = 'kept'",
    "%%worker\nwhile True:\n    pass",
    "%%worker\nprint('state' in globals())",
]


def test_restart_stops_the_busy_worker_and_the_panel_lists_workers(page, lab):
    _open(page, lab, "restart", RESTART)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    start_cell(page, 1)
    page.evaluate("() => { void jupyterapp.commands.execute('jupyter-worker:list-workers'); }")
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("default: ")
    dialog.locator("button", has_text="Close").click()
    expect(dialog).to_have_count(0)
    restart_kernel(page)
    stopped = code_cell(page, 1).locator(".jp-OutputArea")
    expect(stopped).to_contain_text(
        "worker 'default' was stopped: the kernel restarted", timeout=KERNEL_START_TIMEOUT
    )
    # the next cell gets a fresh worker
    assert run_cell(page, 2, timeout=KERNEL_START_TIMEOUT).inner_text().strip() == "False"


LATE = [
    "%%worker\n"
    "from js import document\n"
    "late = document.createElement('button')\n"
    "late.id = 'jw-late'\n"
    "display(late)\n"
    "late.addEventListener('click', lambda event: print('clicked after the cell'))",
    "%%worker\nprint('another cell')",
]


def test_callback_output_after_the_cell_ended_goes_to_that_cell(page, lab):
    _open(page, lab, "late", LATE)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert run_cell(page, 1).inner_text().strip() == "another cell"
    code_cell(page, 0).locator(".jp-WorkerElement #jw-late").click()
    expect(code_cell(page, 0).locator(".jp-OutputArea")).to_contain_text("clicked after the cell")
    expect(code_cell(page, 1).locator(".jp-OutputArea")).not_to_contain_text("clicked")


WIDGETS = [
    "%%worker --packages ipywidgets\n"
    "import ipywidgets as widgets\n"
    "slider = widgets.IntSlider(value=1, min=0, max=10, description='jw')\n"
    "seen = []\n"
    "slider.observe(lambda change: seen.append(change['new']), 'value')\n"
    "slider",
    "%%worker\nprint(seen, slider.value)",
    "%%worker\n@widgets.interact(x=3)\ndef double(x):\n    print('double is', 2 * x)",
    # a running worker cell that sleeps reads the slider's current value
    "%%worker\n"
    "import time\n"
    "for _ in range(400):\n"
    "    if slider.value >= 5:\n"
    "        break\n"
    "    time.sleep(0.05)\n"
    "print(slider.value, seen)",
]


def test_widgets_of_a_worker_cell_display_and_reach_worker_python(page, lab):
    _open(page, lab, "widgets", WIDGETS)
    output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    handle = output.locator(".widget-slider .noUi-handle")
    handle.wait_for(timeout=30_000)
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(output.locator(".widget-readout")).to_have_text("3")
    assert run_cell(page, 1).inner_text().strip() == "[2, 3] 3"
    # interact: its Output widget captures what worker Python prints for it
    interact = run_cell(page, 2)
    expect(interact.locator(".widget-output")).to_contain_text("double is 6")
    interact.locator(".widget-slider .noUi-handle").focus()
    page.keyboard.press("ArrowLeft")
    expect(interact.locator(".widget-output")).to_have_text("double is 4")
    start_cell(page, 3)
    expect(code_cell(page, 3).locator(".jp-InputPrompt")).to_have_text("[*]:")
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(output.locator(".widget-readout")).to_have_text("5")
    # the loop ends as soon as it sees 5, long before its 20 s are up
    assert finish_cell(page, 3).inner_text().strip() == "5 [2, 3, 4, 5]"


SPAWN = [
    "%%worker\nfrom jupyter_worker import Pool, Worker\n"
    "with Worker(name='child') as w:\n    w.exec('x = 6\\ndef times(n):\\n    return x * n')\n"
    "    print(w.call('times', 7))",
    "%%worker\ndef square(x):\n    return x * x\n"
    "with Pool(2) as p:\n    print(list(p.map(square, range(5))))",
]


def test_worker_cells_start_workers_and_pools_of_their_own(page, lab):
    _open(page, lab, "spawn", SPAWN)
    assert run_cell(page, 0, timeout=KERNEL_START_TIMEOUT).inner_text().strip() == "42"
    output = run_cell(page, 1, timeout=KERNEL_START_TIMEOUT)
    assert output.inner_text().strip() == "[0, 1, 4, 9, 16]"


#: A file in the server's contents, for ``Worker("sim.py")``.
SIM = "from jupyter_worker import sync\n\n\ndef step(x):\n    sync.progress(x)\n    return x * 2\n"

SPAWN_MORE = [
    # 0: a worker from a file of the server's contents; sync both ways
    "%%worker\nfrom jupyter_worker import Worker\n"
    "w = Worker('sim.py', name='sim')\nseen = []\n"
    "w.sync.progress = lambda n: seen.append(n) or n\n"
    "print(w.call('step', 21), w.call('abs', -3), seen)",
    # 1: its exceptions arrive with their type, message and its traceback
    "%%worker\ntry:\n    w.exec('{}[\"missing\"]')\nexcept KeyError as error:\n"
    "    print(repr(error), 'raised in worker' in error.__notes__[0])",
    # 2: packages installed there first (from the server's package index)
    "%%worker\nwith Worker(packages=['widgetsnbextension']) as w2:\n"
    "    print(w2.call('eval', \"__import__('widgetsnbextension').__name__\"))",
    # 3: an interrupt of this cell interrupts the child's loop it waits for
    "%%worker\nw.exec('from js import window\\nwindow.jwChildLoops = 1\\nwhile True:\\n    pass')",
    "%%worker\nprint(w.call('step', 2), w.name)",
    # 5: a child that dies fails the call with WorkerCrashed, not this worker
    "%%worker\nw3 = Worker()\n"
    "try:\n    w3.exec('import ctypes\\nctypes.string_at(0xFFFFFFF0, 16)')\n"
    "except Exception as error:\n    print(type(error).__name__, 6 * 7)",
    # 6: PyScript's names
    "%%worker\nfrom pyscript import display, document, sync, when\n"
    "button = document.createElement('button'); button.id = 'jw-ps-button'\n"
    "display(button)\n"
    "@when('click', '#jw-ps-button')\ndef clicked(event):\n    print('clicked', event.type)",
    # 7: busy waiting for its child when the kernel restarts
    "%%worker\nw.exec('from js import window\\nwindow.jwChildLoops = 2\\nwhile True:\\n    pass')",
]


def test_worker_cells_drive_workers_from_files_with_errors_interrupts_and_crashes(
    page, page_log, lab
):
    (lab.root / "sim.py").write_text(SIM, encoding="utf-8")
    workers = _count_workers(page)
    _open(page, lab, "spawn-more", SPAWN_MORE)
    output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert output.inner_text().strip() == "42 3 [21]"
    assert run_cell(page, 1).inner_text().strip() == "KeyError('missing') True"
    output = run_cell(page, 2, timeout=KERNEL_START_TIMEOUT)
    assert output.inner_text().strip() == "widgetsnbextension"
    start_cell(page, 3)
    page.wait_for_function("window.jwChildLoops === 1", timeout=KERNEL_START_TIMEOUT)
    interrupt_kernel(page)
    expect(finish_cell(page, 3, timeout=20_000)).to_contain_text("KeyboardInterrupt")
    assert run_cell(page, 4).inner_text().strip() == "4 sim"
    output = run_cell(page, 5, timeout=KERNEL_START_TIMEOUT)
    assert output.inner_text().strip() == "WorkerCrashed 42"
    # the crash is the one uncaught error, reported before the page stops the
    # worker (started.ts `terminate`)
    page_log.wait_for_error(page, "RuntimeError: memory access out of bounds")
    assert set(page_log.errors) == {"RuntimeError: memory access out of bounds"}
    page_log.errors.clear()
    run_cell(page, 6)
    page.click("#jw-ps-button")
    expect(code_cell(page, 6).locator(".jp-OutputArea")).to_contain_text("clicked click")
    # the cell's worker, sim (w2 and w3 are gone)
    assert len(workers) == 4
    alive = [w for w in page.workers if "pyodide.worker" in w.url]
    assert len(alive) == 2, [w.url for w in alive]
    # a restart stops the busy worker of the cell, and so the worker it started
    start_cell(page, 7)
    page.wait_for_function("window.jwChildLoops === 2")
    restart_kernel(page)
    for _ in range(300):
        if not any("pyodide.worker" in w.url for w in page.workers):
            break
        page.wait_for_timeout(100)  # (Playwright has no wait for a worker count)
    assert [w.url for w in page.workers if "pyodide.worker" in w.url] == []
    expect(code_cell(page, 7).locator(".jp-OutputArea")).to_contain_text(
        "worker 'default' was stopped: the kernel restarted"
    )
