"""The Pyodide lock a site ships: where each package of it loads from.

The offline Pyodide of jupyter-worker holds the core and the wheels the
kernel needs at start; its lock names every package of the Pyodide release.
A site (a JupyterLite build, or the Pyodide that the server extension serves
to ``%%worker`` cells) loads the wheels it ships from itself and the others
as upstream's kernel does, from the Pyodide CDN of that release: their lock
entries get absolute URLs there. An air-gapped site drops them instead and
keeps their import names, so a cell that imports one learns at once that it
is not shipped and how to ship it.

Only the standard library: the server extension uses it at start.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..constants import NOT_SHIPPED_FILE
from .pyodide_bundle import LOCK_FILE, normalize

__all__ = [
    "NOT_SHIPPED_FILE",
    "base_lock",
    "drop_unshipped",
    "is_absolute_url",
    "missing_local_files",
    "off_site_urls",
    "point_at_cdn",
    "shipped_files",
    "write_json",
]


def is_absolute_url(url: str) -> bool:
    """Whether ``url`` names its own origin (``https://...``, ``//host/...``)."""
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def shipped_files(folder: Path) -> set[str]:
    """The names of the wheels in ``folder``."""
    return {path.name for path in folder.glob("*.whl")}


def base_lock(bundled: Path, cdn_lock: str) -> dict[str, Any]:
    """The lock a site starts from: the bundled Pyodide's, or a CDN mirror's.

    Parameters
    ----------
    bundled
        The folder of the bundled offline Pyodide (its lock and start-up wheels).
    cdn_lock
        A local copy of the lock of a CDN mirror with packages of its own, or
        empty. Its entries for the start-up wheels become the bundled ones
        (the site ships those).
    """
    own = json.loads((bundled / LOCK_FILE).read_text(encoding="utf-8"))
    if not cdn_lock:
        return dict(own)
    lock = dict(json.loads(Path(cdn_lock).read_text(encoding="utf-8")))
    start = shipped_files(bundled)
    for key, entry in own["packages"].items():
        if entry["file_name"] in start:
            lock["packages"][key] = entry
    return lock


def point_at_cdn(lock: Mapping[str, Any], shipped: Iterable[str], cdn_url: str) -> dict[str, Any]:
    """Return a copy of ``lock`` whose unshipped packages load from ``cdn_url``.

    Parameters
    ----------
    lock
        A parsed ``pyodide-lock.json`` whose relative ``file_name`` s are those of
        ``cdn_url`` (Pyodide's own lock for its CDN).
    shipped
        The wheel file names that sit next to the lock (they stay relative).
    cdn_url
        The folder the other wheels load from (absolute URL).

    Raises
    ------
    ValueError
        If ``cdn_url`` is not an absolute URL.
    """
    if not is_absolute_url(cdn_url):
        msg = f"the Pyodide CDN URL must be absolute (https://...), not {cdn_url!r}"
        raise ValueError(msg)
    base = cdn_url.rstrip("/")
    local = set(shipped)
    result = copy.deepcopy(dict(lock))
    for entry in result["packages"].values():
        name = entry["file_name"]
        if name not in local and not is_absolute_url(name):
            entry["file_name"] = f"{base}/{name}"
    return result


def drop_unshipped(
    lock: Mapping[str, Any], shipped: Iterable[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return a copy of ``lock`` with only the shipped packages, and what it dropped.

    Returns
    -------
    tuple
        The new lock, and the dropped packages' import names mapped to their
        package names (for the message of a failed import).

    Raises
    ------
    ValueError
        If a shipped package depends on one that is not shipped (the build put
        an incomplete set into the site).
    """
    local = set(shipped)
    result = copy.deepcopy(dict(lock))
    packages = result["packages"]
    dropped = {key: entry for key, entry in packages.items() if entry["file_name"] not in local}
    for key in dropped:
        del packages[key]
    kept = {normalize(key) for key in packages}
    broken = sorted(
        f"{key} needs {dep}"
        for key, entry in packages.items()
        for dep in entry["depends"]
        if normalize(dep) not in kept
    )
    if broken:
        msg = f"shipped packages depend on packages that are not shipped: {', '.join(broken)}"
        raise ValueError(msg)
    imports = {
        module: entry["name"] for entry in dropped.values() for module in entry.get("imports", [])
    }
    return result, dict(sorted(imports.items()))


def off_site_urls(value: Any, path: str = "") -> list[str]:
    """Every string in a JSON value that is an absolute URL, as ``path: url``."""
    found: list[str] = []
    if isinstance(value, str):
        if is_absolute_url(value) and not value.startswith(("data:", "blob:")):
            found.append(f"{path or '/'}: {value}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found += off_site_urls(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += off_site_urls(item, f"{path}/{index}")
    return found


def missing_local_files(lock: Mapping[str, Any], folder: Path) -> list[str]:
    """The relative ``file_name`` s of ``lock`` that are not files in ``folder``."""
    return sorted(
        entry["file_name"]
        for entry in lock["packages"].values()
        if not is_absolute_url(entry["file_name"]) and not (folder / entry["file_name"]).is_file()
    )


def write_json(path: Path, value: Any) -> None:
    """Write ``value`` as JSON (one way for every file of the site's Pyodide)."""
    path.write_text(json.dumps(value, indent=1, sort_keys=True), encoding="utf-8")
