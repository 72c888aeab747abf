"""Modules a kernel's start imports but never uses, made when first used.

``import IPython`` imports ``IPython.terminal.embed`` for one name,
``IPython.embed``; that module brings the terminal shell, prompt_toolkit
and the terminal debugger: 0.7 s of a kernel's start in Pyodide, for a
front end a notebook kernel has no use for. Installed before the kernel
starts (``worker/remote.ts``), :func:`install` makes such a module an empty
one at first: the names the importer takes from it are stand-ins that load
the real module when called, and any other attribute read loads it too
(``from IPython.terminal.embed import InteractiveShellEmbed`` works as
always). Once the kernel has started, :func:`settle` ends the deferring:
the modules still waiting lose their stand-ins, so that a cell importing a
name from one gets the real object, and the modules not imported yet are
imported as usual.

The other modules deferred are each used only when something happens that a
start does not do: ``stack_data`` (with ``executing``, ``asttokens`` and
``pure_eval``) and ``pydoc`` format the first traceback with its context or
``help()``; ``urllib.request`` (``http.client``, ``email``) serves ``%load``
of a URL. Without them ``import pyodide_kernel`` takes 0.29 s instead of
0.34 in Pyodide in Node.

Upstream's start also imports ``piplite.piplite`` (micropip and
``unittest.mock`` with it: 0.3 s) only to set two of its settings, which
``%pip`` reads much later: :func:`set_on_import` sets them when the module is
first imported instead.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any

#: Module -> the names its importers take from it at start (which they only call:
#: a stand-in is a function).
DEFERRED: Mapping[str, Sequence[str]] = {
    "IPython.terminal.embed": ("embed",),
    "stack_data": (),
    "pydoc": (),
    "urllib.request": ("Request", "urlopen"),
}


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the deferred modules (with the path finder) and defers their loading."""

    def __init__(self, deferred: Mapping[str, Sequence[str]]) -> None:
        self.deferred = deferred

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        names = self.deferred.get(fullname)
        if names is None:
            return None
        real = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if real is None or real.loader is None:
            return None
        spec = importlib.machinery.ModuleSpec(fullname, _Loader(real, names), origin=real.origin)
        spec.has_location = real.has_location
        # (a package's submodules are found where the real package's are)
        spec.submodule_search_locations = real.submodule_search_locations
        return spec


class _Loader(importlib.abc.Loader):
    """Makes the module a stand-in; the real loader runs it on first use."""

    def __init__(self, real: importlib.machinery.ModuleSpec, names: Sequence[str]) -> None:
        self.real = real
        self.names = names

    def exec_module(self, module: ModuleType) -> None:
        for name in self.names:
            setattr(module, name, _stand_in(module, name, self.real))

        def __getattr__(name: str) -> Any:  # noqa: N807 - a module's attribute hook
            if name[:2] == "__" and name != "__all__":  # the import system's probes
                raise AttributeError(name)
            _load(module, self.real)
            return getattr(module, name)

        module.__getattr__ = __getattr__  # type: ignore[method-assign]


def _stand_in(
    module: ModuleType, name: str, real: importlib.machinery.ModuleSpec
) -> Callable[..., Any]:
    def stand_in(*args: Any, **kwargs: Any) -> Any:
        _load(module, real)
        return getattr(module, name)(*args, **kwargs)

    stand_in.__name__ = stand_in.__qualname__ = name
    stand_in.__doc__ = f"``{module.__name__}.{name}``, imported when first called."
    return stand_in


def _load(module: ModuleType, real: importlib.machinery.ModuleSpec) -> None:
    """Run the real module's code in the stand-in module (once)."""
    if module.__spec__ is real:
        return
    del module.__getattr__
    module.__spec__ = real
    module.__loader__ = real.loader
    assert real.loader is not None
    real.loader.exec_module(module)


def settle() -> None:
    """End the deferring (once the kernel has started).

    The deferred modules not loaded yet lose their stand-in names: their
    importers at start keep the stand-ins they took, and a later importer of
    such a name (a cell's ``from urllib.request import Request``) loads the
    real module and gets the real object, a class it can subclass. Modules
    not imported yet are imported as usual.
    """
    finders = [finder for finder in sys.meta_path if isinstance(finder, _Finder)]
    for finder in finders:
        for fullname, names in finder.deferred.items():
            module = sys.modules.get(fullname)
            spec = getattr(module, "__spec__", None)
            if spec is not None and isinstance(spec.loader, _Loader):  # (a stand-in still)
                for name in names:
                    vars(module).pop(name, None)
        sys.meta_path.remove(finder)


def install(deferred: Mapping[str, Sequence[str]] = DEFERRED) -> None:
    """Defer the loading of ``deferred``'s modules (before they are first imported)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder(deferred))


class _SetOnImport(importlib.abc.MetaPathFinder):
    """Finds module ``name`` (with the path finder) and sets ``values`` on it once it has run."""

    def __init__(self, name: str, values: Mapping[str, Any]) -> None:
        self.name = name
        self.values = dict(values)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        real = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if real is None or real.loader is None:
            return None
        real.loader = _SettingLoader(real.loader, self.values)
        return real


class _SettingLoader(importlib.abc.Loader):
    """Runs the real loader, gives the module back to it, then sets the values."""

    def __init__(self, real: importlib.abc.Loader, values: Mapping[str, Any]) -> None:
        self.real = real
        self.values = values

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        # tracebacks and inspect read the source through the module's loader
        module.__loader__ = self.real
        if module.__spec__ is not None:
            module.__spec__.loader = self.real
        self.real.exec_module(module)
        for key, value in self.values.items():
            setattr(module, key, value)


def set_on_import(name: str, values: Mapping[str, Any]) -> None:
    """Set ``values`` as attributes of module ``name``: at once if it is imported, else once it is.

    A later call for the same module replaces the values an earlier one set
    up; a module reloaded later gets them again.
    """
    module = sys.modules.get(name)
    if module is not None:
        for key, value in values.items():
            setattr(module, key, value)
        return
    sys.meta_path[:] = [
        finder
        for finder in sys.meta_path
        if not (isinstance(finder, _SetOnImport) and finder.name == name)
    ]
    sys.meta_path.insert(0, _SetOnImport(name, values))
