"""Assemble an offline Pyodide: the npm core plus the wheels the kernel needs at start.

Runs when the Python package is built (see ``hatch_build.py``), never at run
time. It uses the standard library, ``pip download`` and Node (which the
labextension's build needs too), so it works in an isolated build environment.

The npm ``pyodide`` package holds the core and a lock file whose wheels live
on a CDN. The kernel loads a few of those wheels when it starts; this module
takes the same versions from PyPI instead and rewrites the lock entries to
point at them. PyPI's files differ byte for byte from Pyodide's rebuilt ones,
so each entry gets the sha256 of the file actually shipped (browsers enforce
the lock's integrity).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..constants import KERNEL_WHEELS

#: The files of the npm ``pyodide`` package a module worker needs.
CORE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)

LOCK_FILE = "pyodide-lock.json"

#: The bundle's folder of upstream's kernel wheels with bytecode
#: (``kernel_wheels.with_bytecode`` puts them in a site instead of upstream's).
COMPILED_KERNEL_WHEELS = "kernel_wheels"

#: In that folder: wheel file name -> sha256 of upstream's wheel it was made from.
COMPILED_SOURCES = "sources.json"

#: A requirement: its name, its extras, the rest (the version specifier).
_RE_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def normalize(name: str) -> str:
    """Return the PEP 503 normalized form of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_index(lock: Mapping[str, Any]) -> dict[str, str]:
    """Map normalized distribution names to their keys in ``lock["packages"]``."""
    return {normalize(key): key for key in lock["packages"]}


def start_closure(lock: Mapping[str, Any], roots: Iterable[str]) -> list[str]:
    """Return the lock keys of ``roots`` and everything they depend on, sorted.

    Raises
    ------
    KeyError
        If a root or a dependency is not in the lock.
    """
    index = lock_index(lock)
    seen: set[str] = set()
    todo = [normalize(root) for root in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in index:
            msg = f"{name!r} is not in the Pyodide lock"
            raise KeyError(msg)
        seen.add(name)
        todo.extend(normalize(dep) for dep in lock["packages"][index[name]]["depends"])
    return sorted(index[name] for name in seen)


def sha256(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def wheel_metadata(path: Path) -> tuple[list[str], list[str]]:
    """Return (top-level import names, unconditional requirement names) of a wheel."""
    names, _metadata = _read_wheel(path)
    tops = sorted(
        {
            name.split("/", 1)[0].removesuffix(".py")
            for name in names
            if ".dist-info/" not in name and (name.endswith(".py") or "/" in name)
        }
    )
    return tops, [name for name, _requirement in wheel_requirements(path)]


def wheel_requirements(path: Path) -> list[tuple[str, str]]:
    """Return (normalized name, requirement) of a wheel's unconditional dependencies.

    Those are its ``Requires-Dist`` lines without an environment marker; the
    requirement keeps the version specifier (``six>=1.5``), not the extras.
    """
    _names, metadata = _read_wheel(path)
    found = []
    for line in metadata.splitlines():
        if not line.startswith("Requires-Dist:") or ";" in line:
            continue
        match = _RE_REQUIREMENT.match(line.removeprefix("Requires-Dist:"))
        if match:
            name, _extras, spec = match.groups()
            found.append((normalize(name), f"{name}{spec.strip().strip('()')}"))
    return found


def requirement_name(requirement: str) -> str:
    """The normalized project name of ``requirement`` (``Foo_Bar>=1`` -> ``foo-bar``).

    Raises
    ------
    ValueError
        If ``requirement`` does not start with a project name.
    """
    match = _RE_REQUIREMENT.match(requirement)
    if not match:
        msg = f"not a package requirement: {requirement!r}"
        raise ValueError(msg)
    return normalize(match.group(1))


def _read_wheel(path: Path) -> tuple[list[str], str]:
    """The file names of a wheel and the text of its METADATA."""
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        return names, wheel.read(meta_name).decode("utf-8")


def download_wheels(pins: Mapping[str, str], dest: Path, python_version: str) -> dict[str, Path]:
    """Download pure-Python wheels for ``pins`` (name -> version) into ``dest``.

    Returns a map from normalized name to the downloaded file.

    Raises
    ------
    RuntimeError
        If pip fails or a wheel is missing afterwards.
    """
    requirements = [f"{name}=={version}" for name, version in sorted(pins.items())]
    found = pip_download(requirements, dest, python_version)
    missing = sorted(set(map(normalize, pins)) - set(found))
    if missing:
        msg = f"pip download gave no wheel for {', '.join(missing)}"
        raise RuntimeError(msg)
    return found


def pip_download(
    requirements: Iterable[str], dest: Path, python_version: str, *, pure_only: bool = False
) -> dict[str, Path]:
    """Download wheels (no dependencies) for PEP 508 ``requirements`` into ``dest``.

    ``pure_only`` accepts only wheels for any platform (``*-none-any``), as
    Pyodide can install from PyPI; pip reads its usual configuration (an index
    URL, ``PIP_FIND_LINKS``...). Returns normalized name -> downloaded file.

    Raises
    ------
    RuntimeError
        With pip's message, if pip fails.
    """
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--python-version", python_version, "--dest", str(dest),
    ]  # fmt: skip
    if pure_only:
        cmd += ["--platform", "any", "--implementation", "py", "--abi", "none"]
    cmd += list(requirements)
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        msg = f"pip download failed ({result.returncode}):\n{result.stderr[-4000:]}"
        raise RuntimeError(msg)
    return {normalize(wheel.name.split("-", 1)[0]): wheel for wheel in dest.glob("*.whl")}


def rewrite_lock(
    lock: dict[str, Any], wheels: Mapping[str, Path], extras: Mapping[str, str]
) -> dict[str, Any]:
    """Point lock entries at the shipped wheels; add entries for ``extras``.

    Parameters
    ----------
    lock
        The parsed ``pyodide-lock.json``; changed in place and returned.
    wheels
        Normalized name -> wheel file that will sit next to the lock.
    extras
        Name -> version of packages not in the lock that get a new entry.
    """
    index = lock_index(lock)
    packages = lock["packages"]
    for name, wheel in wheels.items():
        if name in index:
            entry = packages[index[name]]
        else:
            if name not in map(normalize, extras):
                msg = f"{wheel.name} is neither in the Pyodide lock nor an extra package"
                raise KeyError(msg)
            imports, requires = wheel_metadata(wheel)
            entry = packages[name] = {
                "name": name,
                "version": wheel.name.split("-")[1],
                "imports": imports,
                "depends": [dep for dep in requires if dep in index],
                "install_dir": "site",
                "package_type": "package",
                "unvendored_tests": False,
            }
        entry["file_name"] = wheel.name
        entry["sha256"] = sha256(wheel)
    return lock


def build_bundle(
    npm_pyodide: Path,
    dest: Path,
    roots: Iterable[str],
    extras: Mapping[str, str],
    imports: Iterable[str],
    *,
    kernel_wheels: Mapping[str, Path] | None = None,
) -> list[Path]:
    """Write an offline Pyodide distribution into ``dest``.

    Parameters
    ----------
    npm_pyodide
        The installed npm ``pyodide`` package folder.
    dest
        The folder to (re)create: core files, wheels and the rewritten lock.
    roots
        Lock packages the kernel loads at start (their dependencies come too).
    extras
        Name -> version of start packages that are not in the lock.
    imports
        Modules a kernel start imports from them (and from ``kernel_wheels``):
        they and what they import get bytecode (``add_bytecode``).
    kernel_wheels
        Normalized name -> upstream's kernel wheel (:func:`kernel_wheels_in`):
        copies with bytecode go to ``dest``'s ``COMPILED_KERNEL_WHEELS``
        folder, not in its lock (a site names the ones it ships).

    Returns
    -------
    list of Path
        The files written (not those in folders).
    """
    lock = json.loads((npm_pyodide / LOCK_FILE).read_text(encoding="utf-8"))
    python = ".".join(lock["info"]["python"].split(".")[:2])
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in CORE_FILES:
        if name != LOCK_FILE:
            shutil.copy2(npm_pyodide / name, dest / name)
    pins = {key: lock["packages"][key]["version"] for key in start_closure(lock, roots)}
    pins.update(extras)
    wheels = download_wheels(pins, dest, python)
    kernel = {name: dest / wheel.name for name, wheel in (kernel_wheels or {}).items()}
    with_kernel = rewrite_lock(copy.deepcopy(lock), wheels, extras)
    for name, wheel in (kernel_wheels or {}).items():
        shutil.copyfile(wheel, kernel[name])
        # one at a time: the lock's depends name only what is in it already
        rewrite_lock(with_kernel, {name: kernel[name]}, {name: wheel.name.split("-")[1]})
    _write_lock(dest, with_kernel)
    add_bytecode(dest, [*roots, *extras, *kernel], imports)
    if kernel_wheels:
        _keep_compiled(dest, kernel, kernel_wheels)
    _write_lock(dest, rewrite_lock(lock, wheels, extras))  # (the wheels' sha256 changed)
    return sorted(path for path in dest.iterdir() if path.is_file())


def kernel_wheels_in(folder: Path) -> dict[str, Path]:
    """Upstream's kernel wheels (``KERNEL_WHEELS``) in ``folder``: normalized name -> wheel.

    Empty unless it has them all; the newest version of each.
    """
    found = {}
    for name in KERNEL_WHEELS:
        wheels = sorted(folder.glob(f"{name}-*-py3-none-any.whl"))
        if wheels:
            found[normalize(name)] = wheels[-1]
    return found if len(found) == len(KERNEL_WHEELS) else {}


def _keep_compiled(dest: Path, compiled: Mapping[str, Path], sources: Mapping[str, Path]) -> None:
    """Move the ``compiled`` kernel wheels into their folder, with what they were made from."""
    folder = dest / COMPILED_KERNEL_WHEELS
    folder.mkdir()
    made_from = {}
    for name, wheel in compiled.items():
        wheel.rename(folder / wheel.name)
        made_from[wheel.name] = sha256(sources[name])
    (folder / COMPILED_SOURCES).write_text(
        json.dumps(made_from, indent=1, sort_keys=True), encoding="utf-8"
    )


def _write_lock(dest: Path, lock: Mapping[str, Any]) -> None:
    """Write ``lock`` as the lock of the distribution in ``dest``."""
    (dest / LOCK_FILE).write_text(json.dumps(lock, indent=1, sort_keys=True), encoding="utf-8")


def add_bytecode(dist: Path, packages: Iterable[str], imports: Iterable[str]) -> None:
    """Give the modules a kernel start imports bytecode, in ``dist``'s files.

    Runs ``bytecode.mjs`` with Node: that Pyodide loads ``packages`` from
    ``dist``'s lock, imports ``imports`` and rewrites ``dist``'s standard
    library zip and wheels (``bytecode_in_pyodide.py``).

    Raises
    ------
    RuntimeError
        If Node is missing or the script fails.
    """
    node = shutil.which("node")
    if node is None:
        msg = "node (which builds the labextension) is needed to compile the bytecode"
        raise RuntimeError(msg)
    script = Path(__file__).with_name("bytecode.mjs")
    cmd = [node, str(script), str(dist), json.dumps(list(packages)), json.dumps(list(imports))]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        msg = f"compiling the offline Pyodide's bytecode failed:\n{result.stderr[-4000:]}"
        raise RuntimeError(msg)
