"""A small static file server for built JupyterLite sites, with or without isolation headers."""

from __future__ import annotations

import functools
import mimetypes
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from .headers import isolation_headers

# Python's table misses or mislabels a few types browsers are strict about.
_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".ipynb": "application/json",
    ".whl": "application/zip",
}


class SiteHandler(SimpleHTTPRequestHandler):
    """Serve one folder; add the configured extra headers to every response."""

    extra_headers: ClassVar[dict[str, str]] = {}
    quiet = False

    extensions_map: ClassVar[dict[str, str]] = {  # type: ignore[misc]
        **SimpleHTTPRequestHandler.extensions_map,
        **_TYPES,
    }

    def end_headers(self) -> None:
        """Add the extra headers, and forbid caching so rebuilt sites are seen at once."""
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Log requests unless the server is quiet."""
        if not self.quiet:
            super().log_message(format, *args)


def make_server(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    isolated: bool = True,
    embedder_policy: str = "credentialless",
    quiet: bool = False,
) -> ThreadingHTTPServer:
    """Create (but do not start) a server for ``root``.

    Parameters
    ----------
    root
        The folder to serve (a built JupyterLite site).
    host, port
        Where to listen; port 0 picks a free port (read it from ``server_address``).
    isolated
        Send the cross-origin-isolation headers.
    embedder_policy
        The ``Cross-Origin-Embedder-Policy`` when isolated.
    quiet
        Do not log each request.
    """
    if not root.is_dir():
        msg = f"no such folder to serve: {root}"
        raise FileNotFoundError(msg)
    for ext, mime in _TYPES.items():
        mimetypes.add_type(mime, ext)
    handler = type(
        "ConfiguredSiteHandler",
        (SiteHandler,),
        {
            "extra_headers": isolation_headers(embedder_policy) if isolated else {},
            "quiet": quiet,
        },
    )
    return ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(root)))
