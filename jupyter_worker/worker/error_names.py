"""Error outputs name the exception's class, as ipykernel's do.

Upstream's kernel records ``ename`` as ``str(etype)``, so an error output says
``<class 'ValueError'>`` (JupyterLab shows it, nbclient and papermill report
it). ipykernel sends the class name: ``ValueError``.
"""

from __future__ import annotations

from typing import Any


def error_name(etype: Any) -> str:
    """The name an error output gives ``etype`` (a class, or a name already)."""
    return str(getattr(etype, "__name__", etype))


def install_error_names(shell: Any) -> None:
    """Make ``shell`` record errors under their class names."""
    show = shell._showtraceback

    def _showtraceback(etype: Any, evalue: Any, stb: Any) -> Any:
        return show(error_name(etype), evalue, stb)

    shell._showtraceback = _showtraceback


def install_unstored_errors(shell: Any) -> None:
    """Skip IPython's second formatting of each error, when history is off.

    IPython 9 formats every cell's exception again for its history
    (``history_manager.exceptions``, with the full verbose traceback: source
    lines lexed by pygments), after showing it. Upstream's kernel keeps no
    history (its history manager is disabled), so nothing reads them; in
    Pyodide that formatting delayed every error output by ~25 ms (~140 ms for
    the first: an interrupted cell's prompt came back that much later). With
    history off, the stored entry keeps the name and value only.
    """
    history = getattr(shell, "history_manager", None)
    if history is None or getattr(history, "enabled", True):
        return

    def _format_exception_for_storage(exception: BaseException, *_: Any, **__: Any) -> Any:
        return {"ename": error_name(type(exception)), "evalue": str(exception), "traceback": []}

    shell._format_exception_for_storage = _format_exception_for_storage
