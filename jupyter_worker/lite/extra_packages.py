"""Ship more packages in a site: resolved at build time, loaded with no network.

A name given to ``JupyterWorkerAddon.packages`` is either a package of the
Pyodide lock (numpy, pandas...: its wheel comes from ``packages_dir``, a
folder of Pyodide-built wheels such as an unpacked Pyodide distribution; a
pure-Python one may come from PyPI instead, at the lock's version) or a PyPI
project (pure-Python wheels only, with its dependencies; those that are in the
Pyodide lock are resolved as above). Every wheel lands next to the site's lock
with its own sha256 in it, so Pyodide, micropip and piplite find it there.

Runs at build time only; uses the standard library and ``pip download``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .pyodide_bundle import (
    lock_index,
    normalize,
    pip_download,
    requirement_name,
    sha256,
    wheel_metadata,
    wheel_requirements,
)

#: The file-name endings of wheels that run on any platform.
_PURE_SUFFIXES = ("-none-any.whl",)


class PackageResolutionError(ValueError):
    """A package asked for cannot be shipped; the message says why and what to do."""


@dataclass
class Resolution:
    """What :func:`add_packages` did."""

    #: Lock keys of the packages now shipped (added or replaced).
    shipped: list[str] = field(default_factory=list)
    #: Messages about packages left to load from the network.
    notes: list[str] = field(default_factory=list)


def _pure(file_name: str) -> bool:
    return file_name.endswith(_PURE_SUFFIXES)


def _download_one(requirement: str, dest: Path, python_version: str) -> Path:
    """Download one pure-Python wheel (no dependencies) for ``requirement``."""
    name = requirement_name(requirement)
    with tempfile.TemporaryDirectory(prefix="jupyter-worker-pip-") as scratch:
        try:
            found = pip_download([requirement], Path(scratch), python_version, pure_only=True)
        except RuntimeError as error:
            msg = (
                f"{requirement}: no pure-Python wheel for Python {python_version} could be "
                f"downloaded ({error}). A package compiled for Pyodide must be in the "
                "Pyodide lock and its wheel in JupyterWorkerAddon.packages_dir."
            )
            raise PackageResolutionError(msg) from None
        if name not in found:
            msg = f"{requirement}: pip downloaded {sorted(found)}, not {name}"
            raise PackageResolutionError(msg)
        wheel = found[name]
        target = dest / wheel.name
        shutil.copy2(wheel, target)
    return target


def add_packages(
    lock: dict[str, Any],
    names: Iterable[str],
    dest: Path,
    *,
    packages_dir: Path | None,
    python_version: str,
    air_gapped: bool,
) -> Resolution:
    """Put ``names`` and their dependencies into ``dest`` and ``lock``.

    Parameters
    ----------
    lock
        The site's parsed ``pyodide-lock.json`` (changed in place); its relative
        ``file_name`` s are files in ``dest``.
    names
        Package names or PEP 508 requirements (``name``, ``name==1.0``).
    dest
        The folder of the site's lock.
    packages_dir
        A folder of Pyodide-built wheels named as in the lock, or None.
    python_version
        ``major.minor`` of the Pyodide runtime.
    air_gapped
        A dependency that cannot be shipped is an error (else it is left to
        load from the network, with a note).

    Raises
    ------
    PackageResolutionError
        Naming the package and how to ship it.
    """
    resolver = _Resolver(lock, dest, packages_dir, python_version, air_gapped=air_gapped)
    todo: list[tuple[str, str, str]] = []  # (name, requirement, needed by)
    for requirement in names:
        try:
            name = requirement_name(requirement)
        except ValueError:
            msg = f"not a package name or requirement: {requirement!r}"
            raise PackageResolutionError(msg) from None
        todo.append((name, requirement.strip(), ""))
    done: set[str] = set()
    while todo:
        name, requirement, needed_by = todo.pop(0)
        if name not in done:
            done.add(name)
            todo += resolver.ship(name, requirement, needed_by)
    return resolver.result


@dataclass
class _Resolver:
    """Ships one package at a time; says which dependencies come next."""

    lock: dict[str, Any]
    dest: Path
    packages_dir: Path | None
    python_version: str
    air_gapped: bool
    result: Resolution = field(default_factory=Resolution)

    def ship(self, name: str, requirement: str, needed_by: str) -> list[tuple[str, str, str]]:
        """Ship ``name``; return its dependencies as (name, requirement, needed by)."""
        index = lock_index(self.lock)
        packages = self.lock["packages"]
        if name in index:
            entry = packages[index[name]]
            if not self._ship_lock_entry(entry, needed_by):
                return []
            self.result.shipped.append(index[name])
            return [(normalize(dep), dep, entry["name"]) for dep in entry["depends"]]
        wheel = _download_one(requirement, self.dest, self.python_version)
        imports, _requires = wheel_metadata(wheel)
        requirements = wheel_requirements(wheel)
        packages[name] = {
            "name": name,
            "version": wheel.name.split("-")[1],
            "file_name": wheel.name,
            "sha256": sha256(wheel),
            "imports": imports,
            "depends": [dep for dep, _ in requirements],
            "install_dir": "site",
            "package_type": "package",
            "unvendored_tests": False,
        }
        self.result.shipped.append(name)
        return [(dep, dep_requirement, name) for dep, dep_requirement in requirements]

    def _ship_lock_entry(self, entry: dict[str, Any], needed_by: str) -> bool:
        """Put the wheel of a lock entry into the site; False if it stays on the network."""
        file_name = Path(entry["file_name"]).name
        if (self.dest / file_name).is_file() and entry["file_name"] == file_name:
            return True  # shipped already (a start-up wheel)
        given = self.packages_dir / file_name if self.packages_dir else None
        if given and given.is_file():
            if sha256(given) != entry["sha256"]:
                msg = (
                    f"{given} is not the wheel the Pyodide lock names for {entry['name']} "
                    "(its sha256 differs): take it from the distribution of the same Pyodide"
                )
                raise PackageResolutionError(msg)
            shutil.copy2(given, self.dest / file_name)
            entry["file_name"] = file_name
            return True
        if _pure(file_name):
            requirement = f"{entry['name']}=={entry['version']}"
            wheel = _download_one(requirement, self.dest, self.python_version)
            entry["file_name"] = wheel.name
            entry["sha256"] = sha256(wheel)
            return True
        why = f" (needed by {needed_by})" if needed_by else ""
        where = self.packages_dir or "no JupyterWorkerAddon.packages_dir"
        message = (
            f"{entry['name']}{why} is compiled for Pyodide and {file_name} is not in {where}: "
            "give JupyterWorkerAddon.packages_dir, a folder of Pyodide's wheels (an unpacked "
            "Pyodide distribution of the same version)"
        )
        if self.air_gapped or not needed_by:
            raise PackageResolutionError(message)
        self.result.notes.append(f"{message}; until then it loads from the Pyodide CDN")
        return False
