"""A small static file server for built JupyterLite sites, with or without isolation headers.

It serves only regular files inside the resolved root (no directory listings,
no symlinks out of it), answers bad paths with 404 (never a traceback), drops
connections idle for :data:`IDLE_TIMEOUT_S`, lets a browser drop a download
it no longer wants without a traceback, lets the browser keep the files but
ask whether each changed (``no-cache`` with an ETag of the file's modification
time and size: a rebuilt site is seen at once, and Chromium reuses the wasm
code it compiled and optimized on an earlier visit) except the scripts whose
names hold a hash of their contents (:data:`CONTENT_HASHED`: kept without
asking, a changed one has another name), and, bound to a loopback address,
answers only requests whose ``Host`` is a loopback name: a page of another
site that a DNS-rebinding attack points at 127.0.0.1 cannot read the site.
"""

from __future__ import annotations

import functools
import ipaddress
import mimetypes
import re
import socket
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

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

#: Seconds a connection may stay silent before the server closes it.
IDLE_TIMEOUT_S = 30

#: Scripts whose names hold a hash of their contents (JupyterLab's and the
#: extensions' chunks, paths relative to the site): a rebuilt one has another name.
CONTENT_HASHED = re.compile(r"(build|extensions/.+/static)/[^/]+\.[0-9a-f]{7,32}\.js")

#: How long a browser may keep a content-hashed script without asking (a year).
HASHED_MAX_AGE_S = 365 * 24 * 3600

#: Host names a loopback-bound server answers to.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SiteHandler(SimpleHTTPRequestHandler):
    """Serve one folder; add the configured extra headers to every response."""

    extra_headers: ClassVar[dict[str, str]] = {}
    quiet = False
    #: Only requests for loopback host names (set for loopback binds).
    loopback_only = True
    timeout = IDLE_TIMEOUT_S

    extensions_map: ClassVar[dict[str, str]] = {  # type: ignore[misc]
        **SimpleHTTPRequestHandler.extensions_map,
        **_TYPES,
    }

    #: The ETag of the file being served (this request's).
    _etag: str | None = None
    #: Whether the file being served has a content hash in its name.
    _hashed = False

    def send_head(self) -> Any:
        """Check the ``Host`` and the path, then serve the file (or 404, or 304 if unchanged)."""
        self._etag = None
        self._hashed = False
        if self.loopback_only and not self._host_is_loopback():
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "not a loopback host name")
            return None
        path = self._file_path()
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if path.is_file():
            self._etag = etag(path)
            relative = path.relative_to(Path(self.directory).resolve()).as_posix()
            self._hashed = CONTENT_HASHED.fullmatch(relative) is not None
            listed = _listed_etags(self.headers.get("If-None-Match", ""))
            if self._etag in listed or "*" in listed:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.end_headers()
                return None
        return super().send_head()

    def list_directory(self, path: Any) -> None:  # noqa: ARG002 - no listings
        """Answer 404 instead of listing a folder (one without index.html)."""
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")

    def end_headers(self) -> None:
        """Add the extra headers, and have the browser ask whether a kept file changed.

        Scripts with a content hash in their name are kept without asking.
        """
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        if self._etag:
            self.send_header("ETag", self._etag)
        if self._hashed:
            self.send_header("Cache-Control", f"public, max-age={HASHED_MAX_AGE_S}, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Log requests unless the server is quiet."""
        if not self.quiet:
            super().log_message(format, *args)

    def _host_is_loopback(self) -> bool:
        host = self.headers.get("Host", "")
        name = urlsplit(f"//{host}").hostname or ""
        return is_loopback(name)

    def _file_path(self) -> Path | None:
        """The file or folder the request names, if it is inside the root."""
        raw = unquote(urlsplit(self.path).path)
        if "\x00" in raw:
            return None
        root = Path(self.directory).resolve()
        try:
            target = (root / raw.lstrip("/")).resolve()
        except (OSError, ValueError):
            return None
        if target != root and root not in target.parents:
            return None  # outside the site (a symlink out, or ..)
        return target if target.exists() else None


def etag(path: Path) -> str:
    """The ETag of the file at ``path``: its modification time (ns) and size.

    A rebuilt file gets another one even when its new modification time is
    older (a copy that kept its source's), which ``If-Modified-Since`` misses.
    """
    stat = path.stat()
    return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'


def _listed_etags(header: str) -> set[str]:
    """The ETags an ``If-None-Match`` header lists (weak ones compared as strong)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


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
        Where to listen (IPv4 or IPv6); port 0 picks a free port (read it from
        ``server_address``). A loopback host answers only loopback host names.
    isolated
        Send the cross-origin-isolation headers.
    embedder_policy
        The ``Cross-Origin-Embedder-Policy`` when isolated.
    quiet
        Do not log each request.

    Raises
    ------
    FileNotFoundError
        If ``root`` is not a folder.
    ValueError
        If ``port`` is not a TCP port number.
    """
    if not root.is_dir():
        msg = f"no such folder to serve: {root}"
        raise FileNotFoundError(msg)
    if not 0 <= port <= 65535:  # noqa: PLR2004 - the TCP port range
        msg = f"port must be 0-65535, not {port}"
        raise ValueError(msg)
    for ext, mime in _TYPES.items():
        mimetypes.add_type(mime, ext)
    handler = type(
        "ConfiguredSiteHandler",
        (SiteHandler,),
        {
            "extra_headers": isolation_headers(embedder_policy) if isolated else {},
            "quiet": quiet,
            "loopback_only": is_loopback(host),
        },
    )
    server_class = _IPv6Server if ":" in host else _SiteServer
    return server_class((host, port), functools.partial(handler, directory=str(root.resolve())))


class _SiteServer(ThreadingHTTPServer):
    """The threading server, quiet when a browser drops a download it no longer wants."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Report a request's error, unless the client went away (a cancelled download)."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _IPv6Server(_SiteServer):
    """The threading server on an IPv6 address (``--host ::1``)."""

    address_family = socket.AF_INET6
