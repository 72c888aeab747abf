"""PyScript's worker names in a notebook: ``from pyscript import window, document, ...``.

Written into the worker's site-packages as the ``pyscript`` module, so code
written for PyScript's workers runs in a cell of the worker kernel or in a
``%%worker`` cell. Each name keeps PyScript's meaning where it fits a
notebook; the others raise ``NotImplementedError`` naming the notebook way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .spawn import sync

#: In a notebook, worker Python always runs in a worker.
RUNNING_IN_WORKER = True

#: PyScript names with no notebook meaning -> what to use instead.
_NOTEBOOK_WAY = {
    "PyWorker": "jupyter_worker.Worker (a worker of this page, driven from this one)",
    "workers": "jupyter_worker.Worker and jupyter_worker.Pool",
    "config": "the notebook's cells (there is no pyscript.toml here)",
    "js_modules": "js.eval / run_sync(js.eval('import(url)'))",
    "storage": "the notebook's files (open() on /drive) or window.localStorage",
    "fetch": "pyodide.http.pyfetch (await it), or run_sync(window.fetch(url))",
    "ffi": "pyodide.ffi (create_proxy, to_js) in this worker",
    "websocket": "window.WebSocket.new(url)",
    "Event": "jupyter_worker.wait_for / callback",
}


def __getattr__(name: str) -> Any:
    if name in ("window", "document"):
        from .connection import session

        return session().root(name)
    if name in _NOTEBOOK_WAY:
        msg = f"pyscript.{name} has no notebook meaning here: use {_NOTEBOOK_WAY[name]}"
        raise NotImplementedError(msg)
    msg = f"module 'pyscript' has no attribute {name!r}"
    raise AttributeError(msg)


def current_target() -> None:
    """PyScript's id of the running script's element: here ``None``, the cell's output.

    ``display(x, target=current_target())`` so shows ``x`` in the cell's output.
    """
    return


class HTML:
    """HTML text that ``display`` shows as HTML."""

    def __init__(self, html: str) -> None:
        self._html = html

    def _repr_html_(self) -> str:
        return self._html


def _missing(value: Any) -> bool:
    """Whether a page value is ``null`` or ``undefined``."""
    if value is None:
        return True
    from pyodide.ffi import jsnull  # type: ignore[import-not-found]

    return value is jsnull


def _element(target: str) -> Any:
    from .connection import session

    document = session().root("document")
    selector = target if target[:1] in ("#", ".", "[") else f"#{target}"
    element = document.querySelector(selector)
    if _missing(element):
        msg = f"display(target={target!r}): no element {selector!r} on the page"
        raise ValueError(msg)
    return element


def display(*values: Any, target: str | None = None, append: bool = True) -> None:
    """Show ``values``: in the cell's output, or in the page element ``target`` names.

    Page elements (``document.createElement(...)``) are shown live, strings
    as text, other values as the notebook shows them. In ``target``, HTML (``_repr_html_``)
    is inserted as HTML and anything else as text; ``append=False`` first
    empties it.
    """
    from .connection import display as show_element
    from .proxy import JsRef

    if target is None:
        from IPython.display import display as show

        for value in values:
            if isinstance(value, JsRef):
                show_element(value)
            elif isinstance(value, str):  # (as text, as PyScript shows it)
                show({"text/plain": value}, raw=True)  # type: ignore[no-untyped-call]
            else:
                show(value)  # type: ignore[no-untyped-call]
        return
    element = _element(target)
    if not append:
        element.innerHTML = ""
    for value in values:
        if isinstance(value, JsRef):
            element.appendChild(value)
        elif hasattr(value, "_repr_html_"):
            element.insertAdjacentHTML("beforeend", value._repr_html_())
        else:
            element.append(str(value))


def when(
    event_type: str, selector: str | Any, **options: bool
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a function to run on ``event_type`` of the elements ``selector`` names.

    ``selector`` is a CSS selector or an element (or a list of them); the
    function takes the event, or nothing. ``prevent_default=True`` /
    ``stop_propagation=True`` act on the page at once, as with ``callback``.
    A selector that matches nothing yet (an element just displayed reaches the
    page a moment later) is watched through the document's events instead:
    it then matches elements added later, and takes no options.
    """
    from .connection import callback, session

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        document = session().root("document")
        if isinstance(selector, str):
            elements: list[Any] = list(document.querySelectorAll(selector))
        elif isinstance(selector, (list, tuple)):
            elements = list(selector)
        else:
            elements = [selector]
        takes_event = fn.__code__.co_argcount > 0 if hasattr(fn, "__code__") else True

        def handler(event: Any) -> Any:
            return fn(event) if takes_event else fn()

        if elements:
            wrapped = callback(handler, **options)
            for element in elements:
                element.addEventListener(event_type, wrapped)
            return fn
        if not isinstance(selector, str) or options:
            msg = f"@when({event_type!r}, {selector!r}): no element on the page matches"
            raise ValueError(msg)

        # none yet (a displayed element reaches the page a moment later): any
        # element the selector matches, now or later, by the document's events
        def delegated(event: Any) -> Any:
            target = event.target
            if getattr(target, "closest", None) is None or _missing(target.closest(selector)):
                return None
            return handler(event)

        document.addEventListener(event_type, callback(delegated))
        return fn

    return register


def __dir__() -> list[str]:
    return [*globals(), "window", "document"]


__all__ = [
    "HTML",
    "RUNNING_IN_WORKER",
    "current_target",
    "display",
    "document",  # noqa: F822 - module __getattr__
    "sync",
    "when",
    "window",  # noqa: F822 - module __getattr__
]
