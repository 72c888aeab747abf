"""Stream output rendered in blocks, only where it changed (src/stream/renderer.ts)."""

from __future__ import annotations

import contextlib

from notebook import KERNEL_START_TIMEOUT, code_cell, open_notebook, run_cell, save_notebook
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from support.notebooks import lite_notebook

#: The text of each line of an output, with the colour classes of the span
#: around it (rendermime's `ansi-*` classes).
LINE_COLOURS = """
(output) => {
  const result = {};
  for (const node of output.querySelectorAll('pre span, pre')) {
    for (const child of node.childNodes) {
      if (child.nodeType !== Node.TEXT_NODE) continue;
      for (const line of child.data.split('\\n')) {
        if (line.trim()) result[line.trim()] = node.tagName === 'SPAN' ? node.className : '';
      }
    }
  }
  return result;
}
"""


def _stream_outputs(output: Locator) -> list[tuple[str, str]]:
    """(MIME type, text) of each output of a cell, in order."""
    items = output.locator(".jp-OutputArea-output")
    return [
        (
            items.nth(i).get_attribute("data-mime-type") or "",
            items.nth(i).evaluate("(node) => node.textContent"),
        )
        for i in range(items.count())
    ]


def _rendered(page: Page) -> list[str]:
    """The rendered HTML of every output of cells 1 to 3."""
    return [
        output.inner_html()
        for i in (1, 2, 3)
        for output in code_cell(page, i).locator(".jp-OutputArea-output").all()
    ]


def _save_and_reopen(page: Page, url: str) -> None:
    """Save the notebook and open its address again (see ``open_notebook``)."""
    save_notebook(page)
    with contextlib.suppress(PlaywrightError):  # see test_page_proxy: in-flight fetches
        page.wait_for_load_state("networkidle", timeout=10_000)
    open_notebook(page, url)


# Stream output across messages (a sleep posts what was printed so far): colour
# kept across messages and blocks, a \r progress bar over sealed blocks,
# stdout / stderr order.
STREAM = [
    "import sys, time",
    """print("\\x1b[31m", end="")
for i in range(1200):
    print(f"red {i}")
time.sleep(0.3)
print("still red\\x1b[0m plain")""",
    """for i in range(600):
    print(f"line {i}")
time.sleep(0.3)
for i in range(5):
    print(f"\\rprogress {i}", end="")
    time.sleep(0.3)
print("\\rdone      ")""",
    """print("out 1")
time.sleep(0.3)
print("err 1", file=sys.stderr)
time.sleep(0.3)
print("out 2")""",
]
lite_notebook("stream", STREAM)


def test_stream_output_across_messages(page, isolated_url):
    url = f"{isolated_url}lab/index.html?path=stream.ipynb"
    open_notebook(page, url)
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)

    # colour set in one message, kept across blocks and into the next message
    coloured = run_cell(page, 1)
    blocks = coloured.locator(".jp-WorkerStream-block")
    assert blocks.count() >= 3  # 1,200 lines: blocks of 500
    colours = coloured.evaluate(LINE_COLOURS)
    for line in ("red 0", "red 499", "red 500", "red 1199", "still red"):
        assert colours[line] == "ansi-red-fg", (line, colours[line])
    assert colours["plain"] == ""

    # a \r progress bar rewritten over several messages: only its last state
    progress = run_cell(page, 2)
    text = progress.evaluate("(node) => node.textContent")
    assert text.endswith("line 599\ndone      \n")
    assert "progress" not in text
    assert text.count("\n") == 601

    # stdout and stderr in the order printed, each its own output
    assert _stream_outputs(run_cell(page, 3)) == [
        ("application/vnd.jupyter.stdout", "out 1\n"),
        ("application/vnd.jupyter.stderr", "err 1\n"),
        ("application/vnd.jupyter.stdout", "out 2\n"),
    ]

    # rendered piecemeal while the cells ran == rendered at once from the saved
    # notebook (which has the whole text): the same HTML
    before = _rendered(page)
    _save_and_reopen(page, url)
    for index, count in ((1, 1), (2, 1), (3, 3)):  # cells render as they are reached
        expect(code_cell(page, index).locator(".jp-OutputArea-output")).to_have_count(count)
    after = _rendered(page)
    assert len(after) == len(before) == 5
    for index, (html_after, html_before) in enumerate(zip(after, before, strict=True)):
        assert html_after == html_before, index
