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
