"""Isolation anywhere: a Lite site on a static server that sends no headers.

The site is built as a user builds it (the service-worker fallback is on by
default) and served by ``python -m http.server``; JupyterLab gets its headers
from the server extension. A second origin (another port) serves an image
without ``Cross-Origin-Resource-Policy`` for the embedder-policy tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from notebook import (
    KERNEL_START_TIMEOUT,
    code_cell,
    restart_kernel,
    result_text,
    run_cell,
    save_notebook,
)
from playwright.sync_api import ConsoleMessage, Error, Page, expect
from support.notebooks import SERVER_KERNEL, write_notebook
from support.servers import image_server, jupyter_lab, plain_http_server
from support.sites import serve

from jupyter_worker.constants import LITE_PYODIDE_DIR
from jupyter_worker.lite.site import build_site

#: What the first code cell of fallback.ipynb leaves on the page, through the proxy.
MARK = "set-from-worker-python"

FALLBACK_CELLS = [
    {"cell_type": "markdown", "source": "Isolated by the service worker."},
    {
        "cell_type": "code",
        "source": f'from js import document\ndocument.body.dataset.jwFallback = "{MARK}"\n'
        "document.body.dataset.jwFallback",
    },
    {
        "cell_type": "code",
        "source": 'with open("fallback-file.txt", "w") as f:\n    f.write("from the kernel")',
    },
]

BLOCKED_CELLS = [
    {"cell_type": "code", "source": "21 * 2"},
    {
        "cell_type": "code",
        "source": "try:\n    from js import document\nexcept RuntimeError as error:\n"
        "    message = str(error)\nprint(message)",
    },
]


def _image_cells(image_url: str) -> list[dict[str, str]]:
    return [{"cell_type": "markdown", "source": f"![pixel]({image_url})"}]


@pytest.fixture(scope="module")
def images() -> Iterator[tuple[str, list[str]]]:
    """The second origin: its URL and the paths it was asked for."""
    with image_server() as served:
        yield served


@pytest.fixture(scope="module")
def site_for(
    tmp_path_factory: pytest.TempPathFactory, images: tuple[str, list[str]]
) -> Callable[[str], Path]:
    """Build (once per embedder policy) a site with the fallback, as a user does."""
    sites: dict[str, Path] = {}

    def build(policy: str) -> Path:
        if policy not in sites:
            root = tmp_path_factory.mktemp(f"fallback-{policy}")
            contents = root / "contents"
            contents.mkdir()
            write_notebook(contents / "fallback.ipynb", FALLBACK_CELLS)
            write_notebook(contents / "blocked.ipynb", BLOCKED_CELLS)
            image_url = f"{images[0]}lite-{policy}/pixel.png"
            write_notebook(contents / "image.ipynb", _image_cells(image_url))
            options = [f"--JupyterWorkerAddon.embedder_policy={policy}"]
            sites[policy] = build_site(root / "site", [contents], options=options)
        return sites[policy]

    return build


@pytest.fixture
def plain_url(site_for: Callable[[str], Path], tmp_path: Path) -> Iterator[str]:
    """The credentialless site on ``python -m http.server`` (no headers at all)."""
    with plain_http_server(site_for("credentialless"), tmp_path / "http.log") as url:
        yield url


def _count_loads(page: Page) -> list[str]:
    loads: list[str] = []
    page.on("domcontentloaded", lambda p: loads.append(p.url))
    return loads


def _wait_until_isolated(page: Page) -> None:
    """Wait (through the one reload) until the page is cross-origin isolated."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if page.evaluate("crossOriginIsolated"):
                return
        except Error:  # the page reloaded under our feet
            pass
        page.wait_for_timeout(200)
    pytest.fail("the page never became cross-origin isolated")


def _visit_again(page: Page, url: str) -> None:
    """Load the notebook's address again, not ``page.reload()`` (see ``notebook.open_notebook``)."""
    page.goto(f"{url}lab/index.html?path=fallback.ipynb")


def _wait_for_cells(page: Page) -> None:
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.wait_for(timeout=60_000)


def test_plain_server_isolates_after_one_reload_and_keeps_the_drive(plain_url, page, page_log):
    loads = _count_loads(page)
    page.goto(f"{plain_url}lab/index.html?path=fallback.ipynb")
    _wait_until_isolated(page)
    _wait_for_cells(page)
    assert len(loads) == 2, f"expected the first visit plus one reload, got {loads}"

    # the synchronous DOM proxy reaches the page
    output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert MARK in output.inner_text()
    assert page.evaluate("document.body.dataset.jwFallback") == MARK

    # JupyterLite's own service worker still answers, now with the headers
    heartbeat = page.evaluate(
        """fetch('/api/service-worker-heartbeat').then(async (r) =>
             [await r.text(), r.headers.get('Cross-Origin-Embedder-Policy')])"""
    )
    assert heartbeat == ["ok", "credentialless"]

    # a file written by the kernel shows up in the file browser
    run_cell(page, 1)
    page.locator("jp-button[data-command='filebrowser:refresh']").first.click()
    listing = page.locator(".jp-DirListing-item", has_text="fallback-file.txt")
    expect(listing).to_have_count(1, timeout=10_000)

    # saved, then reopened on a repeat visit: no second reload, output kept
    save_notebook(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    _visit_again(page, plain_url)
    _wait_for_cells(page)
    assert page.evaluate("crossOriginIsolated") is True
    assert len(loads) == 3, f"a repeat visit reloaded again: {loads}"
    expect(code_cell(page, 0).locator(".jp-OutputArea")).to_contain_text(MARK, timeout=30_000)

    # without the service worker, a reload recovers (one more automatic reload)
    page.evaluate(
        """navigator.serviceWorker.getRegistrations()
             .then((all) => Promise.all(all.map((r) => r.unregister())))"""
    )
    _visit_again(page, plain_url)
    _wait_until_isolated(page)
    _wait_for_cells(page)
    # (Chromium may still serve this reload from the unregistered worker, whose
    # page is its client; otherwise page.js registers it again and reloads.)
    assert len(loads) in (4, 5), f"expected a reload and at most one more, got {loads}"
    assert [e for e in page_log.console_errors if "jupyter-worker" in e] == []


def test_host_headers_isolate_at_once_with_the_fallback_built_in(page, site_for, page_log):
    # Netlify-like: the host sends the headers; JupyterLite's worker (with our
    # prelude) still registers, and nothing reloads.
    loads = _count_loads(page)
    with serve(site_for("credentialless"), isolated=True) as url:
        page.goto(f"{url}lab/index.html?path=fallback.ipynb")
        _wait_for_cells(page)
        assert page.evaluate("crossOriginIsolated") is True
        output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        assert MARK in output.inner_text()
        assert page.evaluate("navigator.serviceWorker.ready.then((r) => !!r.active)") is True
        page.wait_for_function("!!navigator.serviceWorker.controller")
        # a restart's worker asks the service worker for its files, which
        # passes on its bytecode but leaves the kernel's start files (Pyodide's
        # core, the wheels) to the browser
        page_log.service_worker_requests.clear()
        restart_kernel(page)
        assert MARK in run_cell(page, 0, timeout=KERNEL_START_TIMEOUT).inner_text()
        passed_on = page_log.service_worker_requests
        assert any(u.endswith("/jupyter-worker-bytecode.json") for u in passed_on), passed_on
        assert [u for u in passed_on if f"/{LITE_PYODIDE_DIR}/" in u] == []
        _visit_again(page, url)
        _wait_for_cells(page)
        assert page.evaluate("crossOriginIsolated") is True
        page.close()  # before its server goes: the kernel may still be starting
    assert len(loads) == 2, f"only the visit and our own reload: {loads}"


@pytest.mark.parametrize("context_options", [{"service_workers": "block"}])
def test_blocked_service_worker_kernel_runs_and_says_why(plain_url, page, page_log):
    warnings: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "warning" and message.text.startswith("jupyter-worker:"):
            warnings.append(message.text)

    page.on("console", on_console)
    loads = _count_loads(page)
    page.goto(f"{plain_url}lab/index.html?path=blocked.ipynb")
    _wait_for_cells(page)
    output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert result_text(output) == "42"
    assert page.evaluate("crossOriginIsolated") is False
    assert len(loads) == 1, f"no service worker, so no reload: {loads}"

    message = run_cell(page, 1).locator(".jp-OutputArea-output").inner_text()
    assert "not cross-origin isolated" in message
    assert "Cross-Origin-Opener-Policy: same-origin" in message
    assert "service worker" in message
    assert warnings, "page.js said nothing about the missing isolation"
    assert "Cross-Origin-Embedder-Policy" in warnings[0]
    status = page.locator(".jp-WorkerStatus")
    expect(status).to_have_text("Worker: idle · not isolated")
    tip = status.get_attribute("title") or ""
    assert "not cross-origin isolated" in tip
    assert "service worker" in tip
    # JupyterLite itself rejects its service worker manager's `ready` promise with
    # `undefined` when registration fails, and nothing catches it: not ours.
    if ": undefined" in page_log.errors:
        page_log.errors.remove(": undefined")


def _image_state(page: Page) -> dict[str, object]:
    image = page.locator(".jp-MarkdownCell img").first
    image.wait_for(state="attached", timeout=60_000)
    page.wait_for_function(
        "document.querySelector('.jp-MarkdownCell img').complete", timeout=30_000
    )
    return image.evaluate("(img) => ({width: img.naturalWidth, src: img.src})")


def _check_image(state: dict[str, object], policy: str, requested: list[str], path: str) -> None:
    assert path in requested, f"{path} was never requested from the second origin"
    if policy == "credentialless":
        assert state["width"] == 1, f"credentialless should load {state['src']} (no CORP needed)"
    else:
        assert state["width"] == 0, (
            f"require-corp must block {state['src']}: the second origin sends no CORP header"
        )


@pytest.mark.parametrize("policy", ["credentialless", "require-corp"])
def test_lite_cross_origin_image_per_embedder_policy(page, site_for, images, tmp_path, policy):
    with plain_http_server(site_for(policy), tmp_path / "http.log") as url:
        page.goto(f"{url}lab/index.html?path=image.ipynb")
        _wait_until_isolated(page)
        _wait_for_cells(page)
        state = _image_state(page)
        assert page.evaluate("crossOriginIsolated") is True
        page.close()  # before its server goes: the kernel may still be starting
    _check_image(state, policy, images[1], f"/lite-{policy}/pixel.png")


@pytest.mark.parametrize("policy", ["credentialless", "require-corp"])
def test_lab_cross_origin_image_per_embedder_policy(page, images, tmp_path, policy):
    root = tmp_path / "lab"
    root.mkdir()
    write_notebook(
        root / "image.ipynb", _image_cells(f"{images[0]}lab-{policy}/pixel.png"), SERVER_KERNEL
    )
    option = f"--WorkerServerApp.embedder_policy={policy}"
    with jupyter_lab(root, tmp_path / "lab.log", option) as url:
        page.goto(f"{url}lab/tree/image.ipynb")
        _wait_for_cells(page)
        assert page.evaluate("crossOriginIsolated") is True
        state = _image_state(page)
        page.close()  # before its server goes
    _check_image(state, policy, images[1], f"/lab-{policy}/pixel.png")
