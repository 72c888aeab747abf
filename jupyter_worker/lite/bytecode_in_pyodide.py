"""Add Python bytecode to an offline Pyodide's standard library and wheels.

Runs inside Pyodide (in Node, ``bytecode.mjs``) when the Python package is
built, so that the bytecode is the one Pyodide's CPython reads: the files
Pyodide ships hold only sources, and every kernel start compiled the
modules it imports (IPython and the standard library: seconds of a start).
Only the modules a start imports get bytecode (the rest compile when first
imported, as before): the files grow by about half of what all would add
(5.5 MB, not 10).
Sources stay, for tracebacks and ``inspect``.

- The standard library's zip gets ``name.pyc`` beside each ``name.py``
  (where ``zipimport`` looks), hash-based and unchecked: the zip is read only.
- Each wheel gets ``__pycache__/name.<tag>.pyc`` beside each module,
  hash-based and checked against the source at import (cheap: no compile),
  and their lines in its ``RECORD``.

The labextension's build also compiles the worker's own Python files with it
(:func:`worker_bytecode`, ``labextension/scripts/worker-bytecode.mjs``).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import site
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc  # type: ignore[attr-defined]
from pathlib import Path, PurePosixPath
from types import ModuleType

#: Where Pyodide mounts its standard library's zip (the compiled code's file names).
STDLIB_MOUNT = f"/lib/python{sys.version_info[0]}{sys.version_info[1]}.zip"


def compile_pyc(source: bytes, filename: str, *, checked: bool) -> bytes | None:
    """The hash-based ``.pyc`` of ``source``, or None if it is not valid Python."""
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked))


def worker_bytecode(sources: dict[str, str]) -> str:
    """The bytecode of the worker's Python files, as JSON text for its start.

    ``sources`` maps paths below site-packages to the text the worker writes
    there. The JSON holds the ``cacheTag`` (the ``__pycache__`` file names'
    part) and, for each path, its checked hash-based ``.pyc`` in base64.
    """
    files = {}
    for path, text in sources.items():
        pyc = compile_pyc(text.encode(), path, checked=True)
        if pyc is not None:
            files[path] = base64.b64encode(pyc).decode("ascii")
    return json.dumps({"cacheTag": sys.implementation.cache_tag, "files": files}, sort_keys=True)


def add_to_stdlib(path: Path, wanted: set[str]) -> int:
    """Rewrite the standard library's zip at ``path`` with bytecode for ``wanted``.

    ``wanted`` holds paths inside the zip; returns how many got bytecode.
    """
    count = 0
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    names = {info.filename for info, _data in entries}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            out.writestr(info, data)
            pyc_name = f"{info.filename}c"
            if info.filename not in wanted or pyc_name in names:
                continue
            pyc = compile_pyc(data, f"{STDLIB_MOUNT}/{info.filename}", checked=False)
            if pyc is not None:
                out.writestr(_entry(pyc_name, info), pyc)
                count += 1
    return count


def add_to_wheel(path: Path, wanted: set[str]) -> int:
    """Rewrite the wheel at ``path`` with bytecode for its modules in ``wanted``.

    ``wanted`` holds paths below site-packages; returns how many got bytecode.
    """
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    names = {info.filename for info, _data in entries}
    added: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info, data in entries:
        name = PurePosixPath(info.filename)
        cached = name.parent / "__pycache__" / f"{name.stem}.{tag}.pyc"
        if info.filename not in wanted or str(cached) in names:
            continue
        pyc = compile_pyc(data, info.filename, checked=True)
        if pyc is not None:
            added.append((_entry(str(cached), info), pyc))
    # (the wheel spec lets .pyc lines of a RECORD go without hash and size)
    record = "".join(f"{pyc_info.filename},,\n" for pyc_info, _pyc in added).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            is_record = info.filename.endswith(".dist-info/RECORD")
            out.writestr(info, data + record if is_record else data)
        for pyc_info, pyc in added:
            out.writestr(pyc_info, pyc)
    return len(added)


def _entry(name: str, like: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A zip entry called ``name`` dated as ``like`` (the output stays reproducible)."""
    info = zipfile.ZipInfo(name, like.date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = like.external_attr
    return info


def imported_files(modules: list[ModuleType], root: str) -> set[str]:
    """The source files of ``modules`` below ``root``, relative to it."""
    found = set()
    for module in modules:
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and file.startswith(f"{root}/") and file.endswith(".py"):
            found.add(file.removeprefix(f"{root}/"))
    return found


def main(dist: str, stdlib: str, imports: list[str]) -> str:
    """Add bytecode to ``stdlib`` (a zip) and the wheels in ``dist`` for ``imports``.

    The modules that importing ``imports`` loads get bytecode (their wheels
    are installed). Returns a summary.
    """
    for name in imports:
        importlib.import_module(name)
    modules = list(sys.modules.values())
    site_packages = site.getsitepackages()[0]
    in_stdlib = add_to_stdlib(Path(stdlib), imported_files(modules, STDLIB_MOUNT))
    wanted = imported_files(modules, site_packages)
    wheels = sorted(Path(dist).glob("*.whl"))
    in_wheels = sum(add_to_wheel(wheel, wanted) for wheel in wheels)
    return (
        f"bytecode for {in_stdlib} standard library modules and {in_wheels} modules "
        f"of {len(wheels)} wheels ({sys.implementation.cache_tag})"
    )
