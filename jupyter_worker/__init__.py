"""Run notebook cells in browser Pyodide web workers that can reach the page.

This module holds only entry points; the work is done in the submodules.
"""

from __future__ import annotations

from typing import Any

from ._version import __version__
from .constants import LABEXTENSION_NAME

__all__ = ["__version__"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell JupyterLab where the prebuilt labextension lives."""
    return [{"src": "labextension", "dest": LABEXTENSION_NAME}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Tell Jupyter Server which extension app to load."""
    from .serverext import WorkerServerApp

    return [{"module": "jupyter_worker", "app": WorkerServerApp}]
