"""Notebook files for tests and benchmarks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Kernelspec name and display name of the Lite worker kernel, of upstream's
#: Pyodide kernel and of ipykernel.
WORKER_KERNEL = ("python-worker", "Python (worker)")
PYODIDE_KERNEL = ("python", "Python (Pyodide)")
SERVER_KERNEL = ("python3", "Python 3")

#: A source that starts with this is a markdown cell (the rest is its text).
MARKDOWN = "markdown:"

#: Notebooks of the shared test Lite site (tests/conftest.py's ``lite_site``),
#: by name: each test module registers its own next to the tests that run them.
LITE_NOTEBOOKS: dict[str, Sequence[str | dict[str, Any]]] = {}


def notebook(
    cells: Sequence[str | dict[str, Any]],
    kernel: tuple[str, str] = WORKER_KERNEL,
    name: str = "cell",
) -> dict[str, Any]:
    """A notebook (nbformat 4.5) for ``kernel``; cell ids are ``<name>-<index>``.

    Each cell is a code cell's source (a markdown cell's with the ``MARKDOWN``
    prefix) or a ``{"cell_type", "source"}`` dict.
    """
    full = []
    for index, given in enumerate(cells):
        if isinstance(given, str):
            markdown = given.startswith(MARKDOWN)
            cell = {
                "cell_type": "markdown" if markdown else "code",
                "source": given.removeprefix(MARKDOWN),
            }
        else:
            cell = given
        full_cell: dict[str, Any] = {
            "cell_type": cell["cell_type"],
            "id": f"{name}-{index}",
            "metadata": {},
            "source": cell["source"],
        }
        if cell["cell_type"] == "code":
            full_cell.update(execution_count=None, outputs=[])
        full.append(full_cell)
    return {
        "cells": full,
        "metadata": {
            "kernelspec": {"name": kernel[0], "display_name": kernel[1], "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_notebook(
    path: Path, cells: Sequence[str | dict[str, Any]], kernel: tuple[str, str] = WORKER_KERNEL
) -> None:
    """Write ``notebook(cells, kernel)`` to ``path`` (cell ids from its name)."""
    text = json.dumps(notebook(cells, kernel, path.stem), indent=1)
    path.write_text(text, encoding="utf-8")


def lite_notebook(name: str, cells: Sequence[str | dict[str, Any]]) -> None:
    """Put ``<name>.ipynb`` (worker kernel) into the shared test Lite site."""
    if LITE_NOTEBOOKS.get(name, cells) is not cells:
        msg = f"two test modules register a Lite notebook named {name!r}"
        raise ValueError(msg)
    LITE_NOTEBOOKS[name] = cells


def write_lite_notebooks(folder: Path) -> None:
    """Write every registered Lite notebook into ``folder``."""
    for name, cells in LITE_NOTEBOOKS.items():
        write_notebook(folder / f"{name}.ipynb", cells)
