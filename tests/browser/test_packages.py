"""Packages as upstream's kernel has them: the CDN, PyPI, the site, air-gapped.

The network is stood up locally, each part on its own origin
(``package_origins.py``): a Pyodide-CDN-like folder and a PyPI-like index. The
sites point at them with the options a user has (``cdn_url``, the
``pypiIndexUrls`` setting), whose defaults name the real CDN and PyPI.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
from jupyterlite_pyodide_kernel.constants import PYODIDE_CDN_URL
from notebook import KERNEL_START_TIMEOUT, open_notebook, result_text, run_cell, set_cell_source
from playwright.sync_api import Locator, Page
from support.chromium import ARGS, CHROMIUM
from support.notebooks import SERVER_KERNEL, write_notebook
from support.origins import (
    CDN_PACKAGE,
    CDN_WHEEL,
    PYPI_PACKAGE,
    PYPI_WHEEL,
    Origin,
    Trap,
    make_cdn,
    make_index,
    serve_origin,
    trap,
)
from support.servers import free_port, jupyter_lab
from support.sites import serve

from jupyter_worker.constants import LITE_PYODIDE_DIR
from jupyter_worker.lite.pyodide_bundle import LOCK_FILE
from jupyter_worker.lite.site import build_site

UPSTREAM_KERNEL = ("python", "Python (Pyodide)")

#: Run one at a time: the first starts the kernel (and must fetch nothing).
CELLS = [
    "import sys; sys.version",
    f"import {CDN_PACKAGE}\n{CDN_PACKAGE}.WHERE",
    f"%pip install {PYPI_PACKAGE}",
    f"import {PYPI_PACKAGE}\n{PYPI_PACKAGE}.WHERE",
    "import numpy",
    # matplotlib (from the CDN) draws inline as in upstream's kernel: its backend
    "import os\nos.environ.get('MPLBACKEND')",
    # the start did not import piplite (deferred_imports.set_on_import); it has the site's settings
    "import sys\nbefore = 'piplite.piplite' in sys.modules\nimport piplite.piplite\n"
    "before, piplite.piplite._PIPLITE_DISABLE_PYPI",
]
UPSTREAM_CELLS = [*CELLS[:2], CELLS[5]]
INLINE_BACKEND = "'module://matplotlib_inline.backend_inline'"


@pytest.fixture(scope="module")
def cdn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Origin, Path]]:
    folder = make_cdn(tmp_path_factory.mktemp("cdn"))
    with serve_origin(folder) as origin:
        yield origin, folder


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Origin, Path]]:
    root = tmp_path_factory.mktemp("index")
    make_index(root)
    with serve_origin(root) as origin:
        yield origin, root


def _contents(root: Path) -> Path:
    contents = root / "contents"
    contents.mkdir()
    write_notebook(contents / "packages.ipynb", CELLS)
    write_notebook(contents / "upstream.ipynb", UPSTREAM_CELLS, kernel=UPSTREAM_KERNEL)
    return contents


def _site(root: Path, cdn_url: str, cdn_lock: Path, **settings: object) -> Path:
    """Build a site with the test notebooks whose Pyodide CDN is ``cdn_url``."""
    return build_site(
        root / "site",
        [_contents(root)],
        options=[
            "--no-worker-isolation-fallback",
            f"--JupyterWorkerAddon.cdn_url={cdn_url}",
            f"--JupyterWorkerAddon.cdn_lock={cdn_lock}",
        ],
        plugin_settings={"jupyter-worker:kernel": settings} if settings else None,
    )


@pytest.fixture(scope="module")
def online_site(tmp_path_factory, cdn, index) -> Path:
    """A site as a user builds it, its CDN and PyPI being the local stand-ins."""
    root = tmp_path_factory.mktemp("online")
    return _site(root, cdn[0].url, cdn[1] / LOCK_FILE, pypiIndexUrls=[f"{index[0].url}simple"])


def _stderr(output: Locator) -> str:
    return output.locator("[data-mime-type='application/vnd.jupyter.stderr']").inner_text()


def _start(page: Page, base: str, notebook: str) -> None:
    open_notebook(page, f"{base}lab/index.html?path={notebook}")
    assert result_text(run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)).startswith("'3.14")


@pytest.mark.parametrize(
    "isolation",
    [(True, "credentialless"), (True, "require-corp"), (False, "credentialless")],
    ids=["credentialless", "require-corp", "not-isolated"],
)
def test_worker_kernel_loads_from_the_cdn_and_pypi(page, online_site, cdn, index, isolation):
    isolated, policy = isolation
    cdn[0].requests.clear()
    index[0].requests.clear()
    with serve(online_site, isolated=isolated, embedder_policy=policy) as base:
        _start(page, base, "packages.ipynb")
        assert page.evaluate("crossOriginIsolated") is isolated
        # the kernel started from the site alone
        assert cdn[0].requests == []
        assert index[0].requests == []

        assert result_text(run_cell(page, 1)) == "'from the CDN'"
        assert cdn[0].requests == [f"/{CDN_WHEEL}"]

        run_cell(page, 2)
        assert result_text(run_cell(page, 3)) == "'from the index'"
        assert f"/simple/{PYPI_PACKAGE}/" in index[0].requests
        assert f"/wheels/{PYPI_WHEEL}" in index[0].requests
        assert result_text(run_cell(page, 5)) == INLINE_BACKEND


def test_upstream_kernel_of_the_site_keeps_its_packages(page, online_site, cdn):
    # Not isolated: upstream's isolated transport (its bundled coincident) fails
    # intermittently on its own, which is not ours to test.
    cdn[0].requests.clear()
    with serve(online_site, isolated=False) as base:
        _start(page, base, "upstream.ipynb")
        assert cdn[0].requests == []
        assert result_text(run_cell(page, 1)) == "'from the CDN'"
        assert cdn[0].requests == [f"/{CDN_WHEEL}"]
        assert result_text(run_cell(page, 2)) == INLINE_BACKEND


@pytest.fixture(scope="module")
def unreachable_site(tmp_path_factory, cdn) -> Path:
    """A site whose CDN does not answer (nothing listens on its port)."""
    root = tmp_path_factory.mktemp("unreachable")
    return _site(root, f"http://127.0.0.1:{free_port()}/down/", cdn[1] / LOCK_FILE)


def test_an_unreachable_cdn_fails_the_import_naming_package_and_url(page, unreachable_site):
    with serve(unreachable_site, isolated=True) as base:
        _start(page, base, "packages.ipynb")
        text = _stderr(run_cell(page, 1))
    assert "ModuleNotFoundError" in text
    assert f"the Pyodide package {CDN_PACKAGE} could not be loaded from http://127.0.0.1:" in text
    assert f"/down/{CDN_WHEEL}" in text


@pytest.fixture(scope="module")
def air_gapped_site(tmp_path_factory, cdn, index) -> Path:
    """Air-gapped, shipping the CDN's package (from a folder) and the index's (pip)."""
    root = tmp_path_factory.mktemp("air-gapped")
    pip = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index[1] / "wheels")}
    with mock.patch.dict(os.environ, pip):
        return build_site(
            root / "site",
            [_contents(root)],
            options=[
                "--no-worker-isolation-fallback",
                "--worker-air-gapped",
                f"--JupyterWorkerAddon.cdn_lock={cdn[1] / LOCK_FILE}",
                f"--JupyterWorkerAddon.packages={CDN_PACKAGE}",
                f"--JupyterWorkerAddon.packages={PYPI_PACKAGE}",
                f"--JupyterWorkerAddon.packages_dir={cdn[1]}",
            ],
        )


def test_air_gapped_site_loads_what_it_ships_and_names_what_it_lacks(
    page, air_gapped_site, cdn, index
):
    cdn[0].requests.clear()
    index[0].requests.clear()
    shipped = air_gapped_site / LITE_PYODIDE_DIR
    assert (shipped / CDN_WHEEL).is_file()
    assert (shipped / PYPI_WHEEL).is_file()
    with serve(air_gapped_site, isolated=True) as base:
        _start(page, base, "packages.ipynb")
        assert result_text(run_cell(page, 1)) == "'from the CDN'"
        assert result_text(run_cell(page, 3)) == "'from the index'"
        assert result_text(run_cell(page, 6)) == "(False, True)"  # no PyPI when air-gapped
        missing = _stderr(run_cell(page, 4))
    assert "ModuleNotFoundError" in missing
    assert "numpy is a Pyodide package that this air-gapped site does not ship" in missing
    assert "--worker-packages=numpy" in missing
    assert cdn[0].requests == []
    assert index[0].requests == []


def _package_hosts() -> list[str]:
    """The hosts of the real Pyodide CDN and PyPI (as upstream and pip name them)."""
    from pip._internal.models.index import PyPI

    return [str(urlsplit(PYODIDE_CDN_URL).hostname), PyPI.netloc, PyPI.file_storage_domain]


@pytest.fixture
def trapped(playwright) -> Iterator[tuple[Page, Trap]]:
    """A page whose requests to the real CDN and PyPI connect to a trap (no network).

    Only those hosts: Chromium's own background requests (to other hosts)
    must not count.
    """
    with trap() as caught:
        args = [arg for arg in ARGS if not arg.startswith("--host-resolver-rules")]
        maps = [f"MAP {host} 127.0.0.1:{caught.port}" for host in _package_hosts()]
        rules = "--host-resolver-rules=" + " , ".join(
            [*maps, "MAP * ~NOTFOUND", "EXCLUDE 127.0.0.1"]
        )
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*args, rules])
        try:
            yield browser.new_page(), caught
        finally:
            browser.close()


def test_default_site_starts_offline_and_loads_from_the_real_cdn_url(trapped, lite_site):
    page, caught = trapped
    with serve(lite_site, isolated=True) as base:
        open_notebook(page, f"{base}lab/index.html?path=outputs.ipynb")
        run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        assert caught.connections == []
        # the test site's notebook has no numpy cell: add one at the end
        page.keyboard.press("Escape")
        page.keyboard.press("Control+End")
        cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").count()
        page.keyboard.press("b")
        set_cell_source(page, cells, "import numpy")
        text = _stderr(run_cell(page, cells))
    assert caught.connections != []
    assert "ModuleNotFoundError" in text
    assert f"the Pyodide package numpy could not be loaded from {PYODIDE_CDN_URL}/numpy-" in text


LAB_CELLS = [
    f"%%worker\nimport {CDN_PACKAGE}\nprint({CDN_PACKAGE}.WHERE)",
    f"%%worker --packages {PYPI_PACKAGE}\nimport {PYPI_PACKAGE}\nprint({PYPI_PACKAGE}.WHERE)",
]


def test_worker_cells_in_jupyterlab_load_from_the_cdn_and_pypi(page, tmp_path, cdn, index):
    cdn[0].requests.clear()
    index[0].requests.clear()
    write_notebook(tmp_path / "packages.ipynb", LAB_CELLS, SERVER_KERNEL)
    options = [
        f"--WorkerServerApp.cdn_url={cdn[0].url}",
        f"--WorkerServerApp.cdn_lock={cdn[1] / LOCK_FILE}",
        f"--WorkerServerApp.pypi_index_urls={index[0].url}simple",
    ]
    with jupyter_lab(tmp_path, tmp_path / "lab.log", *options) as url:
        open_notebook(page, f"{url}lab/tree/packages.ipynb")
        assert page.evaluate("crossOriginIsolated") is True
        output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
        assert output.inner_text().strip() == "from the CDN"
        assert cdn[0].requests == [f"/{CDN_WHEEL}"]
        assert run_cell(page, 1).inner_text().strip() == "from the index"
        assert f"/wheels/{PYPI_WHEEL}" in index[0].requests
