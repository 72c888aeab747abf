"""Packages in the worker: an import that fails says which package and why.

Upstream's kernel loads the Pyodide packages a cell imports before the cell
runs (Pyodide's ``loadPackagesFromImports``). When a wheel cannot be fetched,
Pyodide only logs that to the console, and the cell then fails with a bare
``ModuleNotFoundError``. Here the loader keeps what failed, and the traceback
of a ``ModuleNotFoundError`` gets a note naming the package, the URL tried and
the cause; on an air-gapped site, for a Pyodide package it does not ship, how
to ship it (the build writes their import names next to the site's lock).
micropip's "Can't fetch metadata" (``%pip install``, ``--packages``) gets a
note naming the index URLs it asked.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from ..constants import NOT_SHIPPED_FILE

#: How Pyodide reports a package it could not load (then, the error's message).
_RE_FAILED = re.compile(r"^The following error occurred while loading (\S+):$")

#: How micropip reports a package no index had (or no index answered for).
_RE_NO_METADATA = re.compile(r"^Can't fetch metadata for '([^']+)'")

#: Import name -> why its package could not be loaded.
_FAILED: dict[str, str] = {}

#: Import name -> package name of the Pyodide packages the site does not ship.
_NOT_SHIPPED: dict[str, str] | None = None


async def load_packages_from_imports(code: str) -> None:
    """Load the Pyodide packages ``code`` imports; remember those that failed."""
    import pyodide_js  # type: ignore[import-not-found]
    from pyodide.ffi import create_proxy  # type: ignore[import-not-found]

    messages: list[str] = []
    on_error = create_proxy(messages.append)
    try:
        await pyodide_js.loadPackagesFromImports(code, errorCallback=on_error)
    finally:
        on_error.destroy()
    record_failures(messages, _lock_entry)


def record_failures(messages: list[str], lock_entry: Any) -> None:
    """Remember the packages that Pyodide's ``messages`` say it could not load.

    ``lock_entry(name)`` gives ``(url, import names)`` of a lock package.
    """
    for index, message in enumerate(messages):
        match = _RE_FAILED.match(message.strip())
        if not match:
            continue
        package = match.group(1)
        cause = messages[index + 1].strip() if index + 1 < len(messages) else "unknown error"
        url, imports = lock_entry(package)
        why = f"the Pyodide package {package} could not be loaded from {url}: {cause}"
        for name in imports or [package]:
            _FAILED[name] = why


def note_for(error: ModuleNotFoundError) -> str | None:
    """What a note on ``error`` should say, if its package failed or is not shipped."""
    top = (error.name or "").split(".", 1)[0]
    if not top:
        return None
    if top in _FAILED:
        return _FAILED[top]
    package = not_shipped().get(top)
    if package:
        return (
            f"{package} is a Pyodide package that this air-gapped site does not ship. "
            f"Ship it: jupyter lite build --worker-air-gapped --worker-packages={package} "
            "--worker-packages-dir=<a folder of Pyodide's wheels, e.g. an unpacked Pyodide "
            "distribution of the same version>"
        )
    return None


def note_for_install(error: ValueError, index_urls: list[str]) -> str | None:
    """A note on micropip's "Can't fetch metadata" ``error``: the URLs it asked.

    ``index_urls`` are micropip's (``PYPI`` for PyPI, ``{package_name}``
    placeholders allowed), as its package index formats them.
    """
    match = _RE_NO_METADATA.match(str(error))
    if not match:
        return None
    name = match.group(1)
    urls = []
    for index in index_urls:
        url = index
        if index == "PYPI":  # micropip's name of PyPI
            from micropip import package_index  # type: ignore[import-not-found]

            url = package_index.PYPI_URL
        urls.append(url.format(package_name=name) if "{package_name}" in url else f"{url}/{name}/")
    return (
        f"micropip asked {', '.join(urls) or 'no index'} for {name}: the package is not "
        "there, or the index could not be reached (the browser console names a failed request)"
    )


def not_shipped() -> dict[str, str]:
    """The import names of the Pyodide packages the site does not ship (air-gapped)."""
    global _NOT_SHIPPED  # noqa: PLW0603 - read once, when first needed
    if _NOT_SHIPPED is None:
        _NOT_SHIPPED = {}
        try:
            import js  # type: ignore[import-not-found]
            import pyodide_js
            from pyodide.http import open_url  # type: ignore[import-not-found]

            url = js.URL.new(NOT_SHIPPED_FILE, pyodide_js.lockfileBaseUrl).href
            _NOT_SHIPPED = dict(json.loads(open_url(url).read()))
        except Exception:
            _NOT_SHIPPED = {}
    return _NOT_SHIPPED


def _lock_entry(package: str) -> tuple[str, list[str]]:
    """The URL and import names of a package of the loaded Pyodide lock."""
    import js
    import pyodide_js

    try:
        entry = getattr(pyodide_js.lockfile.packages, package)
        url = js.URL.new(entry.file_name, pyodide_js.lockfileBaseUrl).href
        return str(url), [str(name) for name in entry.imports]
    except Exception:
        return "(its URL is unknown)", []


def install_package_errors(shell: Any) -> None:
    """Load packages with :func:`load_packages_from_imports`; add notes to package errors.

    ``shell`` is the kernel's IPython shell; micropip's failures to find a
    package get :func:`note_for_install`. Upstream's kernel module calls
    ``_load_packages_from_imports`` for each cell; it is replaced here. The
    note is added where IPython shows a cell's error (``showtraceback``), so
    ``importlib.util.find_spec`` probes and caught ImportErrors are untouched.
    """
    kernel = sys.modules.get("pyodide_kernel.kernel")
    if kernel is not None and hasattr(kernel, "_load_packages_from_imports"):
        setattr(kernel, "_load_packages_from_imports", load_packages_from_imports)  # noqa: B010
    show = shell.showtraceback

    def showtraceback(exc_tuple: Any = None, *args: Any, **kwargs: Any) -> Any:
        error = (exc_tuple or sys.exc_info())[1]
        note = None
        if isinstance(error, ModuleNotFoundError):
            note = note_for(error)
        elif isinstance(error, ValueError) and "micropip" in sys.modules:
            manager = sys.modules["micropip"]._package_manager_singleton
            note = note_for_install(error, list(manager.index_urls))
        if error is not None and note and note not in getattr(error, "__notes__", []):
            error.add_note(note)
        return show(exc_tuple, *args, **kwargs)

    shell.showtraceback = showtraceback
