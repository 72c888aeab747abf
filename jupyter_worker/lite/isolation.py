"""Cross-origin isolation for a built JupyterLite site on any static host.

Two ways, both written into the built site by :class:`~.addon.JupyterWorkerAddon`:

- **Header files** for hosts that read them: ``_headers`` (Netlify, Cloudflare
  Pages) and ``.htaccess`` (Apache with ``mod_headers``).
- **The service-worker fallback** for hosts that cannot send headers (GitHub
  Pages, ``python -m http.server``): JupyterLite's own ``service-worker.js``
  gets a prelude that imports our ``sw.js`` (which adds the headers to every
  response it gives; the same prelude, always written, leaves the kernel's
  start files to the browser), and every page gets our ``page.js`` first (which
  registers that worker and reloads once when the page is not isolated). A scope
  holds one service worker, and JupyterLite's serves the drive, so ours cannot
  be a second one (jupyterlite/jupyterlite#1409).

Every edit sits between markers, so a rebuild (or turning an option off)
replaces or removes it and leaves the rest of the file alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..constants import LITE_ISOLATION_DIR
from ..headers import htaccess_file, netlify_headers_file

#: JupyterLite's service worker, at the site root.
SERVICE_WORKER = "service-worker.js"

#: Our scripts, as the labextension build writes them (``labextension/src/isolation``).
SCRIPTS = ("page.js", "sw.js")

#: The attribute that marks our ``<script>`` in a page.
PAGE_MARKER = "data-jupyter-worker-isolation"

_SW_BEGIN = "// >>> jupyter-worker: cross-origin isolation (JupyterWorkerAddon), generated"
_SW_END = "// <<< jupyter-worker"
#: A script's "use strict" directive at its very start (and the line end after it).
_USE_STRICT = re.compile(r"""\A\s*(["'])use strict\1;?\n?""")
#: The prelude's line that hands ``sw.js`` its parts (a JSON object).
_SW_CONFIG = "self.jupyterWorkerServiceWorker = "
_SW_CONFIG_LINE = re.compile(re.escape(_SW_CONFIG) + r"(.*);\n")
_SW_BLOCK = re.compile(re.escape(_SW_BEGIN) + r".*?" + re.escape(_SW_END) + r"\n", re.DOTALL)

_HASH_BEGIN = "# >>> jupyter-worker: cross-origin isolation (JupyterWorkerAddon), generated"
_HASH_END = "# <<< jupyter-worker"
_HASH_BLOCK = re.compile(re.escape(_HASH_BEGIN) + r".*?" + re.escape(_HASH_END) + r"\n", re.DOTALL)

#: Header files by name, each a function of the headers.
HEADER_FILES = {"_headers": netlify_headers_file, ".htaccess": htaccess_file}

_PAGE_TAG = re.compile(r"<script [^>]*" + re.escape(PAGE_MARKER) + r"[^>]*></script>\n?")
_HEAD = re.compile(r"<head\b[^>]*>\n?", re.IGNORECASE)
_LITE_ROOT = re.compile(r'data-jupyter-lite-root="([^"]*)"')

#: Folders of a site that hold no JupyterLite pages (``files`` is the user's content).
_NOT_PAGES = ("files", "extensions", "static", "build", "api")


def patch_service_worker(
    path: Path, headers: dict[str, str] | None, network: str | None = None
) -> None:
    """Put our prelude in JupyterLite's service worker; with neither part, take it out.

    Parameters
    ----------
    path
        The site's ``service-worker.js``.
    headers
        The isolation headers it adds to every response, or ``None``.
    network
        The folder (relative to the site root, ending in ``/``) whose files
        it leaves to the browser (the kernel's start files), or ``None``.

    Raises
    ------
    FileNotFoundError
        If the site has no service worker (not a JupyterLite site).
    """
    if not path.exists():
        msg = f"{path} is missing: the isolation fallback needs JupyterLite's service worker"
        raise FileNotFoundError(msg)
    text = _SW_BLOCK.sub("", path.read_text(encoding="utf-8"))
    if headers is not None or network is not None:
        # After JupyterLite's "use strict" directive (code before it would make
        # the whole worker non-strict); a failed load of ours (a partial deploy)
        # only warns, so JupyterLite's own worker (drive, input()) still starts.
        config = json.dumps({"headers": headers, "network": network})
        prelude = (
            f"{_SW_BEGIN}: the kernel's start files, the isolation headers\n"
            f"{_SW_CONFIG}{config};\n"
            f'try {{ importScripts("./{LITE_ISOLATION_DIR}/sw.js"); }} catch (error) {{\n'
            '  console.warn("jupyter-worker: its service worker script did not load (pages are '
            'not isolated by this service worker):", error);\n'
            "}\n"
            f"{_SW_END}\n"
        )
        directive = _USE_STRICT.match(text)
        head = directive.group(0) if directive else ""
        text = head + prelude + text[len(head) :]
    path.write_text(text, encoding="utf-8")


def service_worker_prelude(path: Path) -> dict[str, object] | None:
    """The parts of our prelude in ``path`` (``headers``, ``network``).

    ``None`` if it has none first after its directive.
    """
    text = path.read_text(encoding="utf-8")
    directive = _USE_STRICT.match(text)
    rest = text[directive.end() :] if directive else text
    match = _SW_CONFIG_LINE.search(rest) if rest.startswith(_SW_BEGIN) else None
    return None if match is None else dict(json.loads(match.group(1)))


def service_worker_is_patched(
    path: Path, headers: dict[str, str] | None, network: str | None = None
) -> bool:
    """Whether ``path`` has the prelude for exactly these parts, first after its directive.

    With neither part: whether it has no prelude at all.
    """
    if headers is None and network is None:
        return _SW_BEGIN not in path.read_text(encoding="utf-8")
    return service_worker_prelude(path) == {"headers": headers, "network": network}


def page_files(output_dir: Path) -> list[Path]:
    """The JupyterLite pages of a built site (every ``index.html`` but the user's files)."""
    return sorted(
        path
        for path in output_dir.rglob("index.html")
        if path.relative_to(output_dir).parts[0] not in _NOT_PAGES
    )


def patch_page(path: Path, service_worker_query: str | None) -> bool:
    """Put ``page.js`` first in a JupyterLite page's ``<head>``; ``None`` takes it out.

    Parameters
    ----------
    path
        An ``index.html`` of the site.
    service_worker_query
        The query JupyterLite registers its service worker with (``enableCache=...``),
        so both register the same URL; ``None`` removes an earlier tag.

    Returns
    -------
    bool
        Whether ``path`` is a JupyterLite page (has ``data-jupyter-lite-root``);
        other pages are left alone.
    """
    text = path.read_text(encoding="utf-8")
    root = _LITE_ROOT.search(text)
    if root is None:
        return False
    text = _PAGE_TAG.sub("", text)
    head = _HEAD.search(text)
    if service_worker_query is not None and head is not None:
        base = root.group(1).rstrip("/") or "."
        tag = (
            f'<script src="{base}/{LITE_ISOLATION_DIR}/page.js" {PAGE_MARKER} '
            f'data-service-worker="{base}/{SERVICE_WORKER}?{service_worker_query}"></script>\n'
        )
        text = text[: head.end()] + tag + text[head.end() :]
    path.write_text(text, encoding="utf-8")
    return True


def page_is_patched(path: Path) -> bool:
    """Whether a page has our tag before any other script."""
    text = path.read_text(encoding="utf-8")
    first = text.find("<script")
    return first >= 0 and PAGE_MARKER in text[first : text.find(">", first)]


def write_header_files(output_dir: Path, headers: dict[str, str] | None) -> None:
    """Write (or, with ``None``, remove) our block in each of :data:`HEADER_FILES`.

    Whatever else those files hold (a user's own rules) is kept.
    """
    for name, render in HEADER_FILES.items():
        path = output_dir / name
        text = _HASH_BLOCK.sub("", path.read_text(encoding="utf-8")) if path.exists() else ""
        if headers is not None:
            text = f"{_HASH_BEGIN}\n{render(headers)}{_HASH_END}\n{text}"
        if text:
            path.write_text(text, encoding="utf-8")
        elif path.exists():
            path.unlink()


def enable_cache_query(config: dict[str, object]) -> str:
    """The query JupyterLite puts on its service worker URL, from ``jupyter-config-data``.

    JupyterLite registers ``service-worker.js?enableCache=<enableServiceWorkerCache>``
    (``"false"`` when unset); registering the same URL keeps one registration.
    """
    value = config.get("enableServiceWorkerCache") or "false"
    return f"enableCache={str(value).lower()}"
