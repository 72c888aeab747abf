"""Make ``from js import document, window`` reach the page instead of the worker."""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from .connection import session

PAGE_NAMES = frozenset({"document", "window"})


class PageJsModule(types.ModuleType):
    """Pyodide's ``js`` module, except that ``document`` and ``window`` are the page's.

    Everything else is the worker's global scope, as before. Without
    cross-origin isolation, the two page names raise :class:`IsolationError`,
    which says why and how to fix it.
    """

    def __init__(self, original: Any) -> None:
        super().__init__("js", getattr(original, "__doc__", None))
        object.__setattr__(self, "_original", original)

    def __getattr__(self, name: str) -> Any:
        if name in PAGE_NAMES:
            return session().root(name)
        return getattr(object.__getattribute__(self, "_original"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "_original"), name, value)

    def __dir__(self) -> list[str]:
        return sorted({*dir(object.__getattribute__(self, "_original")), *PAGE_NAMES})


def install_js_module() -> None:
    """Replace Pyodide's ``js`` module in ``sys.modules`` (once).

    Imported first if the start did not: nothing of a kernel's start needs it.
    """
    try:
        current = importlib.import_module("js")
    except ImportError:  # not in Pyodide
        return
    if not isinstance(current, PageJsModule):
        sys.modules["js"] = PageJsModule(current)
