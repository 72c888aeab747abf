"""Notebooks the browser tests open, written into the test site's contents.

Each is a list of code cells; the tests run them by index and read outputs.
"""

from __future__ import annotations

from pathlib import Path

from support.notebooks import write_notebook

# A small UI built from Python: button + counter + text input.
UI = [
    # 0
    """from js import document, window
from jupyter_worker import display
box = document.createElement("div")
box.id = "jw-ui"
btn = document.createElement("button"); btn.id = "jw-inc"; btn.textContent = "+1"
count = document.createElement("span"); count.id = "jw-count"; count.textContent = "0"
field = document.createElement("input"); field.id = "jw-field"
echo = document.createElement("span"); echo.id = "jw-echo"
for child in (btn, count, field, echo):
    box.appendChild(child)
state = {"clicks": 0, "typed": ""}
def on_click(event):
    state["clicks"] += 1
    count.textContent = str(state["clicks"])
def on_input(event):
    state["typed"] = event.target.value
    echo.textContent = state["typed"].upper()
btn.addEventListener("click", on_click)
field.addEventListener("input", on_input)
display(box)""",
    # 1
    "state",
]

# Proxy semantics: identity, iteration, errors both ways, conversions.
SEMANTICS = [
    # 0
    """from js import document, window
import jupyter_worker
assert jupyter_worker.document is document and jupyter_worker.window is window
document.title""",
    # 1: identity
    """holder = document.createElement("div"); holder.id = "jw-holder"
document.body.appendChild(holder)
(document.body is document.body, document.getElementById("jw-holder") == holder,
 document.querySelector("#jw-holder") is holder)""",
    # 2: iteration over NodeList / HTMLCollection, len, index, in
    """for i in range(3):
    item = document.createElement("p"); item.textContent = f"item {i}"; holder.appendChild(item)
nodes = document.querySelectorAll("#jw-holder p")
kids = holder.children
(len(nodes), [n.textContent for n in nodes], kids[1].textContent, kids[0] in nodes, len(kids))""",
    # 3: a page exception becomes a Python exception with its name and message
    """try:
    document.querySelector("!!! not a selector")
except jupyter_worker.JsError as error:
    caught = (error.name, "not a valid selector" in error.message)
caught""",
    # 4: None / undefined / null, numbers, strings, bools, lists, dicts, new
    """from pyodide.ffi import jsnull
window.jwData = {"a": [1, 2.5, "x", True, None], "b": {"c": jsnull}}
obj = window.jwData
(obj.a[0], obj.a[1], obj.a[2], obj.a[3], obj.a[4], obj.b.c is jsnull,
 window.jwMissing, window.JSON.stringify(obj), window.Event.new("jw").type,
 window.Array.isArray(obj.a), window.Math.max(3, 9, 4))""",
    # 5: bytes and typed arrays both ways
    """arr = window.Uint8Array.new(bytes(range(10)))
f32 = window.Float32Array.new([1.5, 2.5])
(arr.length, arr[9], arr.to_bytes(), f32.to_bytes() == __import__("struct").pack("<2f", 1.5, 2.5),
 window.TextDecoder.new().decode(b"caf\\xc3\\xa9"))""",
    # 6: promises awaited synchronously
    """from jupyter_worker import run_sync
response = run_sync(window.fetch("jupyter-lite.json"))
text = run_sync(response.text())
(response.status, "jupyter-config-data" in text, run_sync(window.Promise.resolve(42)))""",
    # 7: a rejected promise raises (it rejects later: a promise created rejected and
    # awaited in a later request is an "unhandled rejection" for the page meanwhile)
    """later = "new Promise((_, reject) => setTimeout(() => reject(new RangeError('nope')), 50))"
try:
    run_sync(window.eval(later))
except jupyter_worker.JsError as error:
    rejected = (error.name, error.message)
rejected""",
]

# Callbacks during a blocking wait, declarative preventDefault, errors in callbacks.
CALLBACKS = [
    # 0
    """from js import document
from jupyter_worker import callback, display, wait_for
area = document.createElement("div")
go = document.createElement("button"); go.id = "jw-go"; go.textContent = "go"
tick = document.createElement("button"); tick.id = "jw-tick"; tick.textContent = "tick"
link = document.createElement("a"); link.id = "jw-link"; link.href = "#jw-jumped"
link.textContent = "link"
bad = document.createElement("button"); bad.id = "jw-bad"; bad.textContent = "bad"
for child in (go, tick, link, bad):
    area.appendChild(child)
ticks = []
tick.addEventListener("click", lambda event: ticks.append(event.type))
link.addEventListener("click", callback(lambda event: ticks.append("link"), prevent_default=True))
def broken(event):
    raise ValueError("broken callback")
bad.addEventListener("click", broken)
display(area)""",
    # 1: blocks until #jw-go is clicked; #jw-tick callbacks run meanwhile
    """event = wait_for(go, "click", timeout=60)
(event.type, list(ticks))""",
    # 2
    """from js import window
(window.location.hash, ticks[-1])""",
    # 3: a timeout
    """import jupyter_worker
try:
    wait_for(go, "dblclick", timeout=0.2)
except jupyter_worker.JsError as error:
    timed_out = error.name
timed_out""",
]

# Large values and the release of page references.
MEMORY = [
    # 0
    """from js import window
from jupyter_worker.worker.connection import session
big = window.Uint8Array.new(64 * 1024 * 1024)
big.fill(7)
data = big.to_bytes()
after = session().stats()
(len(data), data[0], data[-1], data.count(7) == len(data), after["data"])""",
    # 1: 64 MiB from Python to the page
    """sent = window.Uint8Array.new(bytes(64 * 1024 * 1024))
(sent.length, session().stats()["data"])""",
    # 2
    """import gc
from jupyter_worker import release
del big, sent
gc.collect(); release()
baseline = session().stats()["heap"]
baseline""",
    # 3: a million proxies made and dropped
    """for _ in range(1_000_000):
    window.Object.new()
gc.collect(); release()
session().stats()["heap"] - baseline""",
    # 4: 20 MiB of JSON text each way: the codecs' scratch space does not keep it
    """big = "x" * (20 * 1024 * 1024)
echoed = window.JSON.parse('"' + big + '"')
try:
    window.eval("throw new Error('y'.repeat(20 * 1024 * 1024))")
except Exception as error:
    thrown = str(error)
scratch = session().stats()
(len(echoed), len(thrown) > len(big), scratch["scratch"], scratch["worker_scratch"])""",
]

# Page calls of a Python callback while the worker is busy: bounded, timed out, released.
QUEUE = [
    # 0
    """from js import window
import gc
from jupyter_worker import release
from jupyter_worker.worker.connection import session
ran = []
window.jwQueued = lambda event: ran.append(event.n)
gc.collect(); release()
before = session().stats()
(before["queued"], before["calls"])""",
    # 1: busy (no wait) until the page says so
    """window.jwDone = False
window.jwBusy = True
while not window.jwDone:
    pass
window.jwBusy = False""",
    # 2
    """gc.collect(); release()
after = session().stats()
(len(ran), ran[:1], ran[-1:], after["queued"], after["calls"], after["heap"] - before["heap"])""",
]

# Displayed elements are freed when their outputs go.
ELEMENTS = [
    # 0
    """from js import document
import gc
from jupyter_worker import display, release
from jupyter_worker.worker.connection import session
gc.collect(); release()
baseline = session().stats()["elements"]
baseline""",
    # 1
    """for i in range(20):
    item = document.createElement("div")
    item.className = "jw-item"
    item.textContent = f"item {i}"
    display(item)
del item
session().stats()["elements"] - baseline""",
    # 2: (after the outputs were cleared)
    """gc.collect(); release()""",
    # 3: (after the page collected garbage)
    """session().stats()["elements"] - baseline""",
    # 4: listeners of elements that are then dropped
    """before = session().stats()["worker_callbacks"]
for i in range(100):
    orphan = document.createElement("button")
    orphan.addEventListener("click", lambda event: None)
del orphan
gc.collect(); release()
session().stats()["worker_callbacks"] - before""",
    # 5: (after the page collected garbage) the page told the worker, which let go
    """import time
for _ in range(200):
    if session().stats()["worker_callbacks"] == before:
        break
    time.sleep(0.05)  # (takes the page's events)
(session().stats()["worker_callbacks"] - before, session().stats()["callbacks"])""",
]

# The page waiting on Python callbacks: no deadlock, and a clear error when the worker is busy.
DEADLOCK = [
    # 0: a Promise executor is a Python callback the page calls during `new`
    """from js import window
import time
import jupyter_worker
from jupyter_worker import run_sync
run_sync(window.Promise.new(lambda resolve, reject: resolve(7)))""",
    # 1: a `then` callback runs while the worker waits on the promise
    """run_sync(window.Promise.resolve(2).then(lambda value: value * 10))""",
    # 2: the worker stays busy (no wait) longer than the callback timeout
    """window.jwLate = window.Promise.resolve(1).then(lambda value: value)
end = time.time() + 4
while time.time() < end:
    pass""",
    # 3
    """try:
    run_sync(window.jwLate)
except jupyter_worker.JsError as error:
    late = error.message
("did not run it" in late, "busy" in late)""",
]

# Outputs of a displayed element, saved and reopened.
SAVED = [
    """from js import document
from jupyter_worker import display
saved = document.createElement("button")
saved.id = "jw-saved"
saved.textContent = "live button"
saved.setAttribute("onclick", "window.jwRan = true")
display(saved)""",
    # a snapshot larger than what an output keeps
    """huge = document.createElement("pre")
huge.id = "jw-huge"
huge.textContent = "z" * (2 * 1024 * 1024)
display(huge)""",
    # (run after reopening) what the saved file holds
    """import json
with open("saved.ipynb") as f:
    data = [cell["outputs"][0]["data"] for cell in json.load(f)["cells"][:2]]
button, big = data[0]["text/html"], data[1]["text/html"]
(sorted(data[0]["application/vnd.jupyter-worker.element+json"]), "live button" in button,
 "onclick" in button, len(big) < 1000, "more than the" in big)""",
]

# The JupyterLite drive from the kernel (over the channel when isolated).
DRIVE = [
    """import os
with open("written-by-kernel.txt", "w") as f:
    f.write("hello drive")
(os.getcwd(), sorted(n for n in os.listdir(".") if n.startswith("written")))""",
]

# Interrupting a running cell keeps the kernel and its variables.
INTERRUPT = [
    "kept = 41",
    "while True:\n    pass",
    "kept + 1",
    """from js import document
from jupyter_worker import wait_for
wait_for(document.body, "jw-never")""",
    "kept + 2",
    # time.sleep sleeps (no busy wait), accurately
    """import time
start = time.perf_counter(); time.sleep(0.5); slept = time.perf_counter() - start
abs(slept - 0.5) < 0.05""",
    "time.sleep(1000)",
    "kept + 3",
    # 8: an interrupt while a callback waits inside the cell's wait (nested page
    # waits): the callback's wait is interrupted, the cell's goes on
    """from js import document, window
from jupyter_worker import display, run_sync, wait_for
nest = document.createElement("button")
nest.id = "jw-nest"
display(nest)
def inner(event):
    window.jwInner = "waiting"
    try:
        run_sync(window.Promise.new(lambda resolve, reject: None))  # never settles
    except KeyboardInterrupt:
        window.jwInner = "interrupted"
nest.addEventListener("click", inner)
wait_for(document.body, "jw-go").type""",
    "kept + 4",
    # 10: a loop that drops page proxies (their finalizers run all the time)
    """from js import window
window.jwLooping = True
try:
    while True:
        window.Object.new()
finally:
    window.jwLooping = False""",
    # 11: a plain loop interrupted again and again, each KeyboardInterrupt
    # caught (the title says how many so far)
    """from js import document
caught = 0
while caught < 300:
    try:
        document.title = f"jw-caught-{caught}"
        while True:
            pass
    except KeyboardInterrupt:
        caught += 1
caught""",
]

# On a page without isolation: ordinary cells run; the page proxy says why not.
NOT_ISOLATED = [
    "21 * 2",
    """try:
    from js import document
except RuntimeError as error:
    message = str(error)
message""",
]

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
]

# Output floods: many prints, one huge string; the notebook stays usable.
FLOOD = [
    "for i in range(100_000):\n    print(i)",
    "print('x' * (50 * 1024 * 1024), end=''); print('\\nend of big')",
    "'after the flood'",
]

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

# Faults and bad input: each is named, and the kernel lives on.
FAULTS = [
    "from js import window\nimport _jupyter_worker_bridge as bridge\nkept = 41",
    "def deeper(n):\n    return deeper(n + 1)\ndeeper(0)",
    # more than the 4 GiB a wasm32 heap can have
    "hog = [bytearray(1024 ** 3) for _ in range(5)]",
    # a message beyond the channel's 1 GiB
    "window.Uint8Array.new(bytes(1024 ** 3 + 1))",
    # malformed requests are answered with errors (kind 1), and the page goes on serving
    """answers = []
for text in ('{not json', '{"op": "no-such-op"}', '[]'):
    bridge.request(text)
    answers.append(bridge.answer()[:1])
(answers, window.document.title == window.document.title)""",
    "kept + 1",
]

NOTEBOOKS = {
    "ui": UI,
    "semantics": SEMANTICS,
    "callbacks": CALLBACKS,
    "memory": MEMORY,
    "deadlock": DEADLOCK,
    "queue": QUEUE,
    "elements": ELEMENTS,
    "faults": FAULTS,
    "saved": SAVED,
    "drive": DRIVE,
    "interrupt": INTERRUPT,
    "not_isolated": NOT_ISOLATED,
    "stdin": STDIN,
    "flood": FLOOD,
    "stream": STREAM,
    "life": LIFE,
}


def write_notebooks(folder: Path) -> None:
    """Write every notebook as ``<name>.ipynb`` with the worker kernel."""
    for name, cells in NOTEBOOKS.items():
        write_notebook(folder / f"{name}.ipynb", cells)
