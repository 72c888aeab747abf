"""Serve a built JupyterLite site on 127.0.0.1 from a thread (``jupyter worker serve``'s server)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from jupyter_worker.lite.site import build_site
from jupyter_worker.static_server import make_server

from .notebooks import write_notebook


@contextmanager
def serve(root: Path, *, isolated: bool, embedder_policy: str = "credentialless") -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 in a thread; yield its base URL."""
    server = make_server(
        root, port=0, isolated=isolated, embedder_policy=embedder_policy, quiet=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def serve_in_background(root: Path, *, isolated: bool = True) -> str:
    """Serve ``root`` for the rest of the process (benchmarks); return its base URL."""
    server = make_server(root, port=0, isolated=isolated, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def notebook_site(
    root: Path,
    name: str,
    cells: Sequence[str],
    options: Sequence[str] = (),
    files: Mapping[str, str] | None = None,
    *,
    plugin_settings: dict[str, dict[str, object]] | None = None,
) -> Path:
    """Build a Lite site under ``root`` whose contents are one worker-kernel notebook.

    ``name.ipynb`` holds ``cells``, beside ``files`` (name -> text); the site
    has no service-worker fallback (the tests serve it with headers) unless
    ``options`` say otherwise; ``plugin_settings`` go in its ``jupyter-lite.json``.
    """
    contents = root / "contents"
    contents.mkdir()
    write_notebook(contents / f"{name}.ipynb", cells)
    for file_name, text in (files or {}).items():
        (contents / file_name).write_text(text, encoding="utf-8")
    return build_site(
        root / "site",
        [contents],
        options=["--no-worker-isolation-fallback", *options],
        plugin_settings=plugin_settings,
    )


#: Settings of a site whose tests count the page's workers: no warm spare or snapshot maker.
NO_SPARE: dict[str, dict[str, object]] = {
    "jupyter-worker:kernel": {"warmSpare": False, "snapshot": False}
}
