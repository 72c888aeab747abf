"""Never blocked, always stoppable: input(), interrupts, output floods, restart, crash."""

from __future__ import annotations

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    answer_stdin,
    code_cell,
    finish_cell,
    interrupt_kernel,
    open_notebook,
    restart_kernel,
    result_text,
    run_cell,
    start_cell,
)
from playwright.sync_api import Page, expect
from support.notebooks import lite_notebook
from support.sites import serve

#: 100,000 prints and a 50 MB string: generous, the machine is shared.
FLOOD_TIMEOUT = 300_000


def _open(page: Page, base: str, name: str, *, isolated: bool) -> None:
    open_notebook(page, f"{base}lab/index.html?path={name}.ipynb")
    assert page.evaluate("crossOriginIsolated") is isolated


# input() and getpass(), answered in the notebook's stdin box; an interrupted
# input(); a long synchronous DOM loop, interrupted.
STDIN = [
    "kept = 41",
    "name = input('Your name: ')",
    "name.upper()",
    "import getpass\nsecret = getpass.getpass('Secret: ')",
    "len(secret)",
    "input('Never answered: ')",
    "kept + 1",
    """from js import document
n = 0
while True:
    document.title; n += 1
    if n == 1:
        document.title = 'jw-dom-loop'""",
    "kept + 2 if n > 0 else n",
    """import getpass
try:
    getpass.getpass('Interrupt me: ')
except KeyboardInterrupt:
    caught = 'caught in Python'
caught""",
]
lite_notebook("stdin", STDIN)


# Output floods: many prints, one huge string; the notebook stays usable.
FLOOD = [
    "for i in range(100_000):\n    print(i)",
    "print('x' * (50 * 1024 * 1024), end=''); print('\\nend of big')",
    "'after the flood'",
]
lite_notebook("flood", FLOOD)


# A worker's life: interrupt (restart when not isolated), crashes, restarts.
LIFE = [
    "kept = 41",
    "while True:\n    pass",
    "kept + 1",
    # a Pyodide fatal error: reading memory past the end of the wasm heap
    "import ctypes\nctypes.string_at(0xFFFFFFF0, 16)",
    # the worker thread ends (as when it is killed for memory)
    "from pyodide.code import run_js\nrun_js('close()')",
]
lite_notebook("life", LIFE)


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "not-isolated"])
def test_input_and_getpass_are_answered_in_the_stdin_box(page, lite_site, isolated):
    with serve(lite_site, isolated=isolated) as base:
        _open(page, base, "stdin", isolated=isolated)
        run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        start_cell(page, 1)
        answer_stdin(page, 1, "Ada")
        finish_cell(page, 1)
        assert result_text(run_cell(page, 2)) == "'ADA'"
        start_cell(page, 3)
        expect(code_cell(page, 3).locator("input.jp-Stdin-input[type=password]")).to_be_visible()
        answer_stdin(page, 3, "s3cret!")
        finish_cell(page, 3)
        assert result_text(run_cell(page, 4)) == "7"


def test_interrupt_an_input_and_a_dom_loop_keeps_state(page, isolated_url):
    _open(page, isolated_url, "stdin", isolated=True)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    # input() waiting for an answer that never comes
    start_cell(page, 5)
    code_cell(page, 5).locator(".jp-Stdin-input").wait_for()
    interrupt_kernel(page)
    interrupted = finish_cell(page, 5, timeout=20_000)
    expect(interrupted).to_contain_text("KeyboardInterrupt")
    # raised in Python: the traceback shows the cell's line, no kernel or JavaScript frames
    expect(interrupted).to_contain_text("input('Never answered: ')")
    expect(interrupted).not_to_contain_text(".js")
    expect(interrupted).not_to_contain_text("interpreter.py")
    assert result_text(run_cell(page, 6)) == "42"
    # a long loop of synchronous DOM calls
    start_cell(page, 7)
    page.wait_for_function("document.title === 'jw-dom-loop'")  # it looped once
    interrupt_kernel(page)
    expect(finish_cell(page, 7, timeout=20_000)).to_contain_text("KeyboardInterrupt")
    assert result_text(run_cell(page, 8)) == "43"
    # getpass() too, and the interrupt can be caught where it waits
    start_cell(page, 9)
    code_cell(page, 9).locator(".jp-Stdin-input").wait_for()
    interrupt_kernel(page)
    assert result_text(finish_cell(page, 9, timeout=20_000)) == "'caught in Python'"


#: Scroll the end of an output into view; the last line's text and its box.
LAST_LINE_BOX = """
async (output) => {
  const pre = [...output.querySelectorAll('pre')].at(-1);
  pre.scrollIntoView({ block: 'end' });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const text = pre.lastChild;
  const range = document.createRange();
  range.setStart(text, text.data.length - 6);
  range.setEnd(text, text.data.length - 1);
  const box = range.getBoundingClientRect();
  return { text: range.toString(), width: box.width, top: box.top, bottom: innerHeight };
}
"""


def test_output_floods_arrive_whole(page, isolated_url):
    _open(page, isolated_url, "flood", isolated=True)
    lines = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT + FLOOD_TIMEOUT)
    text = lines.evaluate("(node) => node.textContent")
    assert text.count("\n") == 100_000
    assert text.endswith("99998\n99999\n")
    # the last line is laid out and on screen once scrolled to
    last = lines.evaluate(LAST_LINE_BOX)
    assert last["text"] == "99999"
    assert last["width"] > 0
    assert 0 <= last["top"] < last["bottom"]
    big = run_cell(page, 1, timeout=FLOOD_TIMEOUT)
    expect(big).to_contain_text("end of big")
    assert result_text(run_cell(page, 2)) == "'after the flood'"


#: Records every text the worker status item shows, from page load on.
RECORD_STATUS = """
window.jwStatusTexts = [];
new MutationObserver(() => {
  const item = document.querySelector('.jp-WorkerStatus');
  const text = item ? item.textContent : '';
  if (text && window.jwStatusTexts.at(-1) !== text) window.jwStatusTexts.push(text);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def _status(page: Page):
    return page.locator(".jp-WorkerStatus")


def _palette(page: Page, label: str) -> None:
    page.keyboard.press("Control+Shift+C")
    field = page.locator(".lm-CommandPalette-input")
    field.fill(label)
    page.locator(".lm-CommandPalette-item:not(.lm-mod-disabled)", has_text=label).first.click()


def test_status_bar_commands_crashes_and_restarts(page, page_log, isolated_url):
    page.add_init_script(RECORD_STATUS)
    _open(page, isolated_url, "life", isolated=True)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    expect(_status(page)).to_have_text("Worker: idle · isolated")
    assert "synchronously" in (_status(page).get_attribute("title") or "")
    seen = page.evaluate("window.jwStatusTexts")
    # the start's last steps, in order: the first ones, or all of them, may be
    # over before the notebook has a kernel (its worker starts as the page loads)
    steps = [
        f"Worker: loading: {step} · isolated"
        for step in ("loading Pyodide (1/3)", "installing packages (2/3)", "starting IPython (3/3)")
    ]
    loading = [text for text in seen if text.startswith("Worker: loading")]
    assert loading == steps[len(steps) - len(loading) :], seen
    # busy, then stopped from the palette
    start_cell(page, 1)
    expect(_status(page)).to_have_text("Worker: busy · isolated")
    _palette(page, "Interrupt worker")
    expect(finish_cell(page, 1, timeout=20_000)).to_contain_text("KeyboardInterrupt")
    assert result_text(run_cell(page, 2)) == "42"
    # a Pyodide fatal error: the cell says so, the kernel is dead until restarted
    crash = run_cell(page, 3)
    expect(crash).to_contain_text("WorkerCrashed")
    expect(_status(page)).to_have_text("Worker: dead · isolated")
    assert crash.inner_text().count("WorkerCrashed") == 1  # said once, in this cell only
    # the crash itself is the worker's one uncaught error
    assert set(page_log.errors) == {"RuntimeError: memory access out of bounds"}
    page_log.errors.clear()
    expect(run_cell(page, 2)).to_contain_text("WorkerCrashed")
    _palette(page, "Restart worker")
    expect(_status(page)).to_have_text("Worker: idle · isolated", timeout=KERNEL_START_TIMEOUT)
    expect(run_cell(page, 2)).to_contain_text("NameError")  # fresh state
    # the worker thread ends: found out, though no event reports it
    run_cell(page, 0)
    start_cell(page, 4)
    expect(_status(page)).to_have_text("Worker: dead · isolated", timeout=20_000)
    finish_cell(page, 4)
    gone = run_cell(page, 2)
    expect(gone).to_contain_text("worker thread ended")
    assert gone.inner_text().count("WorkerCrashed") == 1
    restart_kernel(page)
    expect(_status(page)).to_have_text("Worker: idle · isolated", timeout=KERNEL_START_TIMEOUT)
    run_cell(page, 0)
    assert result_text(run_cell(page, 2)) == "42"


def test_not_isolated_interrupt_restarts_the_worker_and_says_so(page, plain_url):
    _open(page, plain_url, "life", isolated=False)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    expect(_status(page)).to_have_text("Worker: idle · not isolated")
    assert "Cross-Origin-Opener-Policy" in (_status(page).get_attribute("title") or "")
    start_cell(page, 1)
    expect(_status(page)).to_have_text("Worker: busy · not isolated")
    interrupt_kernel(page)
    output = finish_cell(page, 1, timeout=20_000)
    expect(output).to_contain_text("KeyboardInterrupt")
    expect(output).to_contain_text("state (variables, imports) is lost")
    expect(_status(page)).to_have_text("Worker: idle · not isolated", timeout=KERNEL_START_TIMEOUT)
    expect(run_cell(page, 2)).to_contain_text("NameError")
