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

#: The usage text of ``%%worker -h`` (identical in ``magic/options.ts``).
USAGE = """\
%%worker [NAME] [--fresh] [--background] [--in A,B] [--out C] [--timeout S] [--packages P,Q]

Run this cell in a browser Pyodide worker instead of the notebook's kernel.

  NAME             the worker (default: "default"); cells of one name share state,
                   different names are separate interpreters that run in parallel
  --fresh          restart the worker before the cell
  --background     do not hold back the next cells while this one runs
  --in A,B         copy JSON-able variables A, B from the kernel into the worker first
  --out C          copy JSON-able variable C from the worker into the kernel after
  --timeout S      interrupt the cell after S seconds
  --packages P,Q   install packages into the worker first (micropip)
  -h, --help       show this help

%worker list         show the running workers
%worker stop NAME    stop a worker"""

#: What asks for the usage text, on a ``%%worker`` or ``%worker`` line.
_HELP = frozenset({"-h", "--help", "help"})

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
        """Run the cell in a browser Pyodide worker (only from the browser extension).

        The kernel runs no ``%%worker`` cell, so it reads no more of the line
        than ``-h``: the browser's parser (``magic/options.ts``) checks the rest.
        """
        if _HELP & set(line.split()):
            print(USAGE)
            return
        self._not_here()

    @line_magic("worker")  # type: ignore[arg-type]
    def worker_command(self, line: str) -> None:
        """List or stop browser workers (only from the browser extension)."""
        if line.strip() in _HELP:
            print(USAGE)
            return
        self._not_here()

    def _not_here(self) -> None:
        if self.on_kernel == "skip":
            print(f"Skipped: {NOT_HERE}", file=sys.stderr)
            return
        raise WorkerCellError(NOT_HERE)
