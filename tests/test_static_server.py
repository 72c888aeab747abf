"""``jupyter worker serve``'s server: only the site's files, only for loopback names."""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from jupyter_worker import cli, static_server
from jupyter_worker.static_server import make_server


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "lab").mkdir(parents=True)
    (root / "lab" / "index.html").write_text("<html>lab</html>")
    (root / "empty").mkdir()
    (tmp_path / "secret.txt").write_text("not the site's")
    (root / "out.txt").symlink_to(tmp_path / "secret.txt")
    return root


@contextmanager
def _served(root: Path, host: str = "127.0.0.1") -> Iterator[int]:
    server = make_server(root, host=host, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _get(port: int, path: str, host: str | None = None, address: str = "127.0.0.1") -> int:
    connection = http.client.HTTPConnection(address, port, timeout=10)
    headers = {"Host": host} if host else {}
    connection.request("GET", path, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_site_files_are_served_and_nothing_else(site):
    with _served(site) as port:
        assert _get(port, "/lab/index.html") == 200
        assert _get(port, "/lab/") == 200  # its index.html
        assert _get(port, "/empty/") == 404  # no listing
        assert _get(port, "/out.txt") == 404  # a symlink out of the site
        assert _get(port, "/../secret.txt") == 404
        assert _get(port, "/lab/index.html%00.txt") == 404


def _fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    answer = response.status, dict(response.getheaders()), response.read()
    connection.close()
    return answer


def test_kept_files_are_revalidated_and_a_rebuilt_one_is_seen(site):
    index = site / "lab" / "index.html"
    with _served(site) as port:
        status, headers, body = _fetch(port, "/lab/index.html", {})
        assert (status, body) == (200, b"<html>lab</html>")
        assert headers["Cache-Control"] == "no-cache"
        tag = headers["ETag"]
        status, again, body = _fetch(port, "/lab/index.html", {"If-None-Match": tag})
        assert (status, body, again["ETag"]) == (304, b"", tag)
        assert "Cross-Origin-Embedder-Policy" in again  # (the isolation headers too)
        assert _fetch(port, "/lab/index.html", {"If-None-Match": f'"x", W/{tag}'})[0] == 304
        # rebuilt with an older modification time than the kept copy's
        kept = index.stat()
        index.write_text("<html>rebuilt</html>")
        os.utime(index, ns=(kept.st_atime_ns, kept.st_mtime_ns - 10**9))
        since = headers["Last-Modified"]
        status, _, body = _fetch(
            port, "/lab/index.html", {"If-None-Match": tag, "If-Modified-Since": since}
        )
        assert (status, body) == (200, b"<html>rebuilt</html>")


def test_scripts_named_by_their_contents_are_kept_without_asking(site):
    chunks = {
        "build/jlab_core.a86436d.js": True,
        "extensions/@scope/ext/static/remoteEntry.0123456789abcdef0123.js": True,
        "extensions/ext/static/pyodide.worker.41a790e6951adc4e.js": True,
        "build/bootstrap.js": False,  # no hash: asked each time
        "files/notes.abcdef12.js": False,  # a user's file, whatever its name
        "extensions/ext/static/pyodide/pyodide.asm.wasm": False,
    }
    for name in chunks:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("x")
    with _served(site) as port:
        for name, hashed in chunks.items():
            status, headers, _ = _fetch(port, f"/{name}", {})
            expected = "public, max-age=31536000, immutable" if hashed else "no-cache"
            assert (status, headers["Cache-Control"]) == (200, expected), name
        assert _fetch(port, "/build/gone.a86436d.js", {})[1]["Cache-Control"] == "no-cache"


def test_a_loopback_server_answers_only_loopback_host_names(site):
    with _served(site) as port:
        assert _get(port, "/lab/index.html", host=f"localhost:{port}") == 200
        assert _get(port, "/lab/index.html", host=f"127.0.0.1:{port}") == 200
        # a DNS-rebinding page's requests carry its own host name
        assert _get(port, "/lab/index.html", host=f"attacker.example:{port}") == 421


def test_idle_connections_are_closed(site, monkeypatch):
    monkeypatch.setattr(static_server.SiteHandler, "timeout", 0.5)
    with _served(site) as port:
        idle = socket.create_connection(("127.0.0.1", port))
        idle.settimeout(10)
        start = time.monotonic()
        assert idle.recv(1) == b""  # closed by the server, not by this timeout
        assert time.monotonic() - start < 5
        idle.close()


def _handle(server: static_server.ThreadingHTTPServer, error: Exception) -> None:
    """Have ``server`` handle ``error`` as it handles one raised while serving a request."""

    def serve() -> None:
        raise error

    try:
        serve()
    except Exception:
        server.handle_error(None, ("127.0.0.1", 1))


def test_a_dropped_download_is_not_reported_other_errors_are(site, capsys):
    server = make_server(site, port=0, quiet=True)
    try:
        # a worker that reuses Pyodide's compiled wasm cancels its download
        _handle(server, ConnectionResetError(104, "Connection reset by peer"))
        _handle(server, BrokenPipeError(32, "Broken pipe"))
        assert capsys.readouterr().err == ""
        _handle(server, ValueError("a bug of the server"))
        assert "ValueError: a bug of the server" in capsys.readouterr().err
    finally:
        server.server_close()


def test_ipv6_loopback(site):
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    with _served(site, host="::1") as port:
        assert _get(port, "/lab/index.html", address="::1", host=f"[::1]:{port}") == 200


def test_bad_ports_and_exposed_binds_are_named(site, capsys):
    with pytest.raises(SystemExit):
        cli.main(["serve", str(site), "--port", "70000"])
    assert "not a port number (0-65535): '70000'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="port must be 0-65535"):
        make_server(site, port=70000)
