"""Kernels started from a memory snapshot (``worker/snapshot.ts``): made in the background once
the first kernel is idle, used by the next visit's kernel, which behaves as a fresh one; a
damaged snapshot is dropped, the kernel starts normally and a new one is made."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    Console,
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
from support.notebooks import write_notebook
from support.sites import serve

from jupyter_worker.lite.site import build_site

CELLS = [
    # 0: where it runs, what it reads, its random state, sys.path
    "import os, random, sys\n"
    "open('data.txt').read(), os.getcwd(), random.random(), sys.path.count(''), "
    "sys.path == sorted(set(sys.path), key=sys.path.index)",
    # 1: the files of the installed packages: metadata, and a module no start imports
    "import importlib.metadata, sys\n"
    "before = 'IPython.lib.backgroundjobs' in sys.modules\n"
    "import IPython.lib.backgroundjobs\n"
    "before, importlib.metadata.version('ipython').split('.')[0].isdigit()",
    # 2: input()
    "name = input('Your name: ')",
    # 3: the page proxy (isolated), or what a page without isolation says
    "try:\n"
    "    from jupyter_worker import document\n"
    "    document.title = 'snap'\n"
    "    got = document.title\n"
    "except Exception as error:\n"
    "    got = type(error).__name__\n"
    "got, name.upper()",
    # 4: a %%worker cell of the restored kernel, with transfers both ways
    "%%worker --in name --out greeting\ngreeting = 'hello ' + name",
    # 5: interrupted
    "while True:\n    pass",
    # 6: after the interrupt
    "greeting",
    # 7: modules a start defers (deferred_imports), not run yet; a class of one, help(),
    # a traceback's context
    "import sys\n"
    "print('waiting:', [m for m in ('pydoc', 'stack_data', 'urllib.request')\n"
    "                   if '__getattr__' in vars(sys.modules[m])])\n"
    "from urllib.request import Request\n"
    "class Req(Request):\n"
    "    pass\n"
    "def fails():\n"
    "    return len(Req('http://example.invalid/').full_url) / 0\n"
    "help(len)\n"
    "fails()",
]

#: What cell 7 shows: help() and a traceback with the failing line in its context.
DEFERRED_SHOWN = [
    "waiting: ['pydoc', 'stack_data', 'urllib.request']",
    "Help on built-in function len",
    "----> 8",
    "return len(Req(",
    "ZeroDivisionError",
]


def _deferred_modules_work(page: Page) -> None:
    start_cell(page, 7)
    output = finish_cell(page, 7)
    for text in DEFERRED_SHOWN:
        expect(output).to_contain_text(text)


STORED = "jupyter-worker: a memory snapshot of the kernel's start is stored"
RESTORED = "jupyter-worker: the kernel starts from its memory snapshot"
NOT_USED = "jupyter-worker: the kernel's memory snapshot was not used"
REUSED = "jupyter-worker: the worker reuses Pyodide's compiled wasm"


@pytest.fixture(scope="module")
def snapshot_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("snapshot")
    folder = root / "contents" / "sub"
    folder.mkdir(parents=True)
    write_notebook(folder / "snap.ipynb", CELLS)
    (folder / "data.txt").write_text("data of sub", encoding="utf-8")
    options = ["--no-worker-isolation-fallback"]
    # no warm spare: each kernel starts its own worker, from the snapshot once there is one
    settings = {"jupyter-worker:kernel": {"warmSpare": False}}
    return build_site(root / "site", [root / "contents"], options=options, plugin_settings=settings)


def _open(page: Page, base: str) -> None:
    open_notebook(page, f"{base}lab/index.html?path=sub/snap.ipynb")


def _first(page: Page) -> tuple[str, str, float, int, bool]:
    return ast.literal_eval(result_text(run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)))


def _stored_snapshots(page: Page) -> int:
    return page.evaluate(
        "async () => (await (await caches.open('jupyter-worker-snapshots')).keys()).length"
    )


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "not-isolated"])
def test_the_next_visit_starts_from_the_snapshot_as_a_fresh_kernel(page, snapshot_site, isolated):
    console = Console(page)
    with serve(snapshot_site, isolated=isolated) as base:
        _open(page, base)
        assert page.evaluate("crossOriginIsolated") is isolated
        first = _first(page)
        assert console.count(RESTORED) == 0  # nothing stored yet
        _deferred_modules_work(page)
        console.wait_for(STORED, 1)  # made while the kernel is idle
        assert _stored_snapshots(page) == 1
        page.reload()
        _open(page, base)
        again = _first(page)
        assert console.count(RESTORED) == 1
        assert console.count(NOT_USED) == 0
        assert again[:2] == ("data of sub", "/drive/sub")  # the drive, the notebook's folder
        assert again[2] != first[2]
        assert again[3:] == (1, True)  # sys.path as in a normal start
        assert result_text(run_cell(page, 1)) == "(False, True)"
        start_cell(page, 2)
        answer_stdin(page, 2, "Ada")
        finish_cell(page, 2)
        expected = "'snap'" if isolated else "'IsolationError'"
        assert result_text(run_cell(page, 3)) == f"({expected}, 'ADA')"
        run_cell(page, 4)
        console.wait_for(RESTORED, 2)  # the %%worker cell's worker started from it too
        _deferred_modules_work(page)
        start_cell(page, 5)
        expect(code_cell(page, 5).locator(".jp-InputPrompt")).to_have_text("[*]:")
        interrupt_kernel(page)
        if isolated:
            expect(finish_cell(page, 5)).to_contain_text("KeyboardInterrupt")
            assert result_text(run_cell(page, 6)) == "'hello Ada'"
            # another kernel from the same snapshot: random is seeded anew for each
            restart_kernel(page)
            expect(page.locator(".jp-Dialog")).to_have_count(0)
            third = _first(page)
            console.wait_for(RESTORED, 3)
            assert third[2] != again[2]
        else:  # (without isolation an interrupt restarts the worker)
            finish_cell(page, 5)
            assert console.count(STORED) == 1  # not made again


#: Ways a stored snapshot goes wrong (JavaScript of the stored bytes), and what the console says.
DAMAGES = {
    "damaged": ("bytes.fill(7, 64, 4096);", "damaged"),
    # the build id in Pyodide's own header of the heap
    "other-pyodide": ("bytes[heapStart + 16] ^= 1;", "build id mismatch"),
    # a package's sha256 in our description: the site was rebuilt with another wheel
    "other-packages": (
        'const m = /"sha256":\\{"[^"]+":"/.exec(meta);'
        "const at = 12 + new TextEncoder().encode(meta.slice(0, m.index + m[0].length)).length;"
        "bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;",
        "is not the one in the snapshot",
    ),
}


#: Rewrite the stored snapshot's bytes with a script of `DAMAGES`.
DAMAGE = """async () => {
    const cache = await caches.open('jupyter-worker-snapshots');
    const [key] = await cache.keys();
    const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
    const words = new Uint32Array(bytes.buffer, 0, 3);
    const align = (n) => Math.ceil(n / 16) * 16;
    const heapStart = align(align(12 + words[1]) + words[2]);
    const meta = new TextDecoder().decode(bytes.subarray(12, 12 + words[1]));
    /* damage */
    await cache.put(key, new Response(bytes));
}"""


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_bad_snapshot_is_dropped_and_the_kernel_starts_normally(page, snapshot_site, damage):
    script, reason = DAMAGES[damage]
    console = Console(page)
    with serve(snapshot_site, isolated=True) as base:
        _open(page, base)
        first = _first(page)
        console.wait_for(STORED, 1)
        reused = console.count(REUSED)  # (the maker reused the first kernel's compiled wasm)
        page.evaluate(DAMAGE.replace("/* damage */", script))
        page.reload()
        _open(page, base)
        again = _first(page)
        console.wait_for(NOT_USED, 1)
        assert reason in next(text for text in console.texts if text.startswith(NOT_USED))
        assert console.count(RESTORED) == 0
        # a snapshot that failed once Pyodide's wasm was instantiated: the normal start reuses it
        assert console.count(REUSED) - reused == (0 if damage == "damaged" else 1)
        assert again[:2] == ("data of sub", "/drive/sub")
        assert again[2] != first[2]
        console.wait_for(STORED, 2)  # made anew
