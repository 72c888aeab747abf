"""``%%worker`` and ``%worker`` as a notebook's own kernel sees them.

With jupyter-worker's JupyterLab/JupyterLite extension, ``%%worker`` cells never
reach the kernel: the browser runs them in a Pyodide worker. A kernel only sees
them when something else executes the notebook (nbclient, ``jupyter nbconvert
--execute``, another editor); then these magics say where such cells run
instead of failing with a ``SyntaxError``.
"""

from __future__ import annotations

import sys

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from traitlets import Enum

from .options import USAGE, MagicUsageError, parse_cell_line, parse_line_command

#: Why the kernel does not run a ``%%worker`` cell, and what to do.
NOT_HERE = (
    "%%worker cells run in a browser Pyodide worker, not in this kernel: run this "
    "notebook in JupyterLab or JupyterLite with jupyter-worker installed "
    "(pip install jupyter-worker). Executed outside a browser (nbclient, "
    "nbconvert --execute), it does not run."
)


class WorkerCellError(UsageError):
    """A ``%%worker`` cell reached the notebook's kernel, which cannot run it."""


@magics_class
class WorkerMagics(Magics):
    """``%%worker`` / ``%worker`` in a kernel: check the line, explain where it runs."""

    on_kernel = Enum(
        ["error", "skip"],
        default_value="error",
        config=True,
        help=(
            "What a %%worker cell does when the notebook's kernel itself executes "
            "it (no jupyter-worker browser extension: nbclient, nbconvert --execute, "
            "another editor). 'error' raises an error that says where such cells "
            "run (a notebook run stops there); 'skip' prints that on stderr and "
            "goes on, so the kernel's other cells still run."
        ),
    )

    @cell_magic
    def worker(self, line: str, cell: str) -> None:  # noqa: ARG002
        """Run the cell in a browser Pyodide worker (only from the browser extension)."""
        try:
            options = parse_cell_line(line)
        except MagicUsageError as error:
            raise UsageError(f"%%worker: {error}\n\n{USAGE}") from None
        if options.help:
            print(USAGE)
            return
        self._not_here()

    @line_magic("worker")  # type: ignore[arg-type]
    def worker_command(self, line: str) -> None:
        """List or stop browser workers (only from the browser extension)."""
        try:
            command = parse_line_command(line)
        except MagicUsageError as error:
            raise UsageError(f"%worker: {error}\n\n{USAGE}") from None
        if command.action == "help":
            print(USAGE)
            return
        self._not_here()

    def _not_here(self) -> None:
        if self.on_kernel == "skip":
            print(f"Skipped: {NOT_HERE}", file=sys.stderr)
            return
        raise WorkerCellError(NOT_HERE)
