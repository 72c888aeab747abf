"""``with batch():`` and pixels from Python, in a real JupyterLite notebook in Chromium."""

from __future__ import annotations

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
from support.notebooks import lite_notebook

BATCH = [
    # 0: a canvas, a list; `trips()` counts the page's answers (round trips)
    """import time
import jupyter_worker as jw
from jupyter_worker import JsError, batch, batched, document, image_data, settled, window
from jupyter_worker.worker import session
canvas = document.createElement("canvas"); canvas.id = "jw-canvas"
canvas.width = 64; canvas.height = 48
document.body.appendChild(canvas)
ctx = canvas.getContext("2d", {"willReadFrequently": True})
log = document.createElement("ul"); log.id = "jw-log"
document.body.appendChild(log)
button = document.createElement("button"); button.id = "jw-go"; button.textContent = "go"
jw.display(button)
def trips():
    return session().stats()["answered"]
base = trips(); overhead = trips() - base  # the answers `trips()` itself costs
overhead""",
    # 1: a thousand sets are one round trip; a read sends them first, in order
    """data = log.dataset
start = trips()
with batch():
    for i in range(1000):
        log.title = str(i)
    seen = log.title
    for i in range(5):
        data.last = str(i)
used = trips() - start - overhead
(seen, data.last, used)""",
    # 2: elements made in a batch work in it and after it
    """with batch():
    items = []
    for i in range(3):
        li = document.createElement("li")
        li.textContent = f"item {i}"
        li.style.color = "red"
        li.classList.add("jw-item")
        log.appendChild(li)
        items.append(li)
    sent_yet = document.querySelectorAll(".jw-item").length
(sent_yet, type(items[0]).__name__, items[0].textContent, items[2].js_type,
 document.querySelectorAll("li.jw-item").length, items[1].style.color,
 settled(items[1]) == items[1])""",
    # 3: the first page error ends the batch, named, at the block's end
    """log.title = ""
try:
    with batch():
        log.title = "a"
        log.appendChild("not a node")
        log.title = "never"
except JsError as error:
    message = str(error)
(log.title, "TypeError" in message, ".appendChild(\\"not a node\\")" in message,
 "queued at line 5" in message, "1 later operation(s) did not run" in message)""",
    # 4: nested blocks and @batched functions send once, at the outermost end
    """@batched
def row(i):
    li = document.createElement("li"); li.textContent = f"row {i}"; li.className = "jw-row"
    log.appendChild(li)
start = trips()
with batch():
    for i in range(50):
        row(i)
    with batch():
        row(50)
(trips() - start - overhead, document.querySelectorAll(".jw-row").length)""",
    # 5: a sleep and a wait send what was queued first
    """with batch():
    log.title = "before the sleep"
    time.sleep(600)""",
    # 6
    """with batch():
    log.title = "before the wait"
    jw.wait_for(button, "click")
    log.title = "after the wait"
log.title""",
    # 7: an interrupted batched loop
    """window.jwLooping = False
with batch():
    i = 0
    while True:
        ctx.fillRect(i % 64, i % 48, 1, 1)
        i += 1
        if i == 25_000:
            window.jwLooping = True""",
    # 8: the kernel goes on, batches work again
    """with batch():
    ctx.fillRect(0, 0, 2, 2)
(session().batch is None, ctx.getImageData(0, 0, 1, 1).data[3])""",
    # 9: pixels from bytes, exact (opaque: no premultiplied alpha rounding)
    """import random
w, h = 64, 48
pixels = bytearray(random.randbytes(w * h * 4))
pixels[3::4] = b"\\xff" * (w * h)
ctx.putImageData(image_data(pixels, w, h), 0, 0)
same = ctx.getImageData(0, 0, w, h).data.to_bytes() == pixels
swapped = bytearray(pixels)  # red and blue swapped
swapped[0::4], swapped[2::4] = pixels[2::4], pixels[0::4]
with batch():
    ctx.putImageData(image_data(memoryview(bytes(swapped)), w, h), 0, 0)
swapped_ok = ctx.getImageData(0, 0, w, h).data.to_bytes() == swapped
try:
    image_data(b"abc", 2, 2)
except ValueError as error:
    wrong = str(error)
print(same, swapped_ok)
wrong""",
    # 10: animation frames: each later than the last; a frame loop stops at an interrupt
    """from jupyter_worker import next_frame
times = [next_frame() for _ in range(3)]
times[0] < times[1] < times[2]""",
    # 11
    """window.jwFrames = 0
while True:
    with batch():
        ctx.fillRect(0, 0, 4, 4)
    next_frame()
    window.jwFrames += 1""",
    # 12: a method called once per row, in one request; the first row that throws is named
    """w = 64
ctx.clearRect(0, 0, w, 48)
ctx.fillStyle = "rgb(255, 0, 0)"
ctx.fillRect.each([(x, 0, 1, 1) for x in range(0, w, 2)])
line = ctx.getImageData(0, 0, w, 1).data.to_bytes()
try:
    log.appendChild.each([(document.createElement("i"),), ("not a node",), (None,)])
except JsError as error:
    failed = str(error)
([line[4 * x] for x in range(w)] == [255, 0] * (w // 2), failed.startswith("TypeError: row 1: "),
 "appendChild" in failed, log.querySelectorAll("i").length)""",
    # 13: the loop's only interrupt check is its back edge after the `if`, which CPython
    # 3.14 leaves outside the `with`'s exception handler: the interrupt skips __exit__
    """window.jwLooping = False
with batch():
    ctx.fillRect(0, 0, 1, 1)
    window.jwLooping = True
    window.jwLooping  # a read: sends the batch
    left = document.createElement("p")  # queued when the interrupt comes
    i = 0
    while True:
        i += 1
        if i == -1:
            ctx.fillRect(0, 0, 1, 1)""",
]
lite_notebook("batch", BATCH)


def test_batched_page_operations(page, isolated_url):
    open_notebook(page, f"{isolated_url}lab/index.html?path=batch.ipynb")
    overhead = int(result_text(run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)))
    assert overhead >= 1
    # 1,000 sets sent before the read, the read, 5 sets sent at the end
    assert result_text(run_cell(page, 1)) == "('999', '4', 3)"
    # the query was queued after the appends: it finds them
    assert result_text(run_cell(page, 2)) == (
        "(3, 'JsPending', 'item 0', 'HTMLLIElement', 3, 'red', True)"
    )
    assert result_text(run_cell(page, 3)) == "('a', True, True, True, True)"
    assert result_text(run_cell(page, 4)) == "(1, 51)"


def test_a_sleep_or_wait_in_a_batch_sends_it_first(page, isolated_url):
    open_notebook(page, f"{isolated_url}lab/index.html?path=batch.ipynb")
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    start_cell(page, 5)
    expect(page.locator("#jw-log")).to_have_attribute("title", "before the sleep")
    interrupt_kernel(page)
    expect(finish_cell(page, 5)).to_contain_text("KeyboardInterrupt")
    start_cell(page, 6)
    expect(page.locator("#jw-log")).to_have_attribute("title", "before the wait")
    page.click("#jw-go")
    assert result_text(finish_cell(page, 6)) == "'after the wait'"


def test_an_interrupted_batched_loop_stops_and_batches_work_after(page, isolated_url):
    open_notebook(page, f"{isolated_url}lab/index.html?path=batch.ipynb")
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    start_cell(page, 7)
    page.wait_for_function("window.jwLooping === true")
    interrupt_kernel(page)
    expect(finish_cell(page, 7, timeout=20_000)).to_contain_text("KeyboardInterrupt")
    assert result_text(run_cell(page, 8)) == "(True, 255)"
    assert code_cell(page, 8).locator(".jp-OutputArea-output").count() == 1
    # a block whose __exit__ the interrupt skipped: the batch is dropped at the cell's end
    start_cell(page, 13)
    page.wait_for_function("window.jwLooping === true")
    interrupt_kernel(page)
    expect(finish_cell(page, 13, timeout=20_000)).to_contain_text("if i == -1:")
    assert result_text(run_cell(page, 8)) == "(True, 255)"


def test_pixels_from_python_bytes_arrive_exactly(page, isolated_url):
    open_notebook(page, f"{isolated_url}lab/index.html?path=batch.ipynb")
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    output = run_cell(page, 9)
    expect(output).to_contain_text("True True")
    assert result_text(output) == (
        "'image_data() needs width * height * 4 = 16 bytes of RGBA for 2x2, got 3'"
    )


def test_next_frame_paces_a_loop_and_an_interrupt_ends_it(page, isolated_url):
    open_notebook(page, f"{isolated_url}lab/index.html?path=batch.ipynb")
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert result_text(run_cell(page, 10)) == "True"
    start_cell(page, 11)
    page.wait_for_function("window.jwFrames > 5")
    interrupt_kernel(page)
    expect(finish_cell(page, 11, timeout=20_000)).to_contain_text("KeyboardInterrupt")
    assert result_text(run_cell(page, 8)) == "(True, 255)"


def test_each_calls_a_method_once_per_row(page, isolated_url):
    open_notebook(page, f"{isolated_url}lab/index.html?path=batch.ipynb")
    run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert result_text(run_cell(page, 12)) == "(True, True, True, 1)"
