"""Parse the ``%%worker`` / ``%worker`` magic lines.

Pure Python, no IPython: the kernel-side magic uses it, and the browser's
parser (``labextension/src/magic/options.ts``) follows the same grammar and
prints the same usage text (a browser test checks that they agree).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from ..timeouts import MAX_TIMEOUT_S

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

#: The worker used when a cell names none.
DEFAULT_WORKER = "default"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PACKAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:[=<>!~]=?[A-Za-z0-9._*+-]+)?\Z")
#: What ``--timeout`` takes: digits, ``.``, an exponent (as the browser's parser).
_NUMBER = re.compile(r"[0-9.eE+-]+\Z")
_FLAGS = {"--fresh": "fresh", "--background": "background"}
_VALUED = ("--in", "--out", "--timeout", "--packages")


class MagicUsageError(ValueError):
    """A ``%%worker`` line that cannot be run: the message says why."""


@dataclass
class CellOptions:
    """What a ``%%worker`` line asks for."""

    name: str = DEFAULT_WORKER
    fresh: bool = False
    background: bool = False
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    timeout: float | None = None
    packages: list[str] = field(default_factory=list)
    help: bool = False


@dataclass
class LineCommand:
    """What a ``%worker`` line asks for: ``list``, ``stop NAME`` or ``help``."""

    action: str
    name: str = ""


def check_variable(name: str) -> str:
    """Return ``name`` if it is a plain ASCII Python identifier, else raise.

    Parameters
    ----------
    name
        A variable name given to ``--in`` or ``--out``.

    Raises
    ------
    MagicUsageError
        If ``name`` is not an identifier, or is a keyword.
    """
    if not _IDENTIFIER.match(name) or keyword.iskeyword(name):
        raise MagicUsageError(f"'{name}' is not a Python variable name")
    return name


def _split(option: str, value: str) -> list[str]:
    items = value.split(",")
    if not all(items):
        raise MagicUsageError(f"{option} takes a comma-separated list without blanks")
    return items


def _apply(options: CellOptions, option: str, value: str) -> None:
    if option == "--in":
        options.inputs += [check_variable(v) for v in _split(option, value)]
    elif option == "--out":
        options.outputs += [check_variable(v) for v in _split(option, value)]
    elif option == "--packages":
        for package in _split(option, value):
            if not _PACKAGE.match(package):
                raise MagicUsageError(f"'{package}' is not a package requirement")
            options.packages.append(package)
    else:  # --timeout
        try:
            seconds = float(value) if _NUMBER.match(value) else -1.0
        except ValueError:
            seconds = -1.0
        if not seconds > 0 or seconds == float("inf"):
            raise MagicUsageError(f"--timeout takes a positive number of seconds, not '{value}'")
        if seconds > MAX_TIMEOUT_S:
            raise MagicUsageError(
                f"--timeout takes at most {int(MAX_TIMEOUT_S)} seconds (about 24 days), "
                f"not '{value}'"
            )
        options.timeout = seconds


def parse_cell_line(line: str) -> CellOptions:
    """Parse the arguments of a ``%%worker`` line (what follows ``%%worker``).

    Parameters
    ----------
    line
        The rest of the magic line, e.g. ``"plots --in data --timeout 5"``.

    Returns
    -------
    CellOptions
        The options; ``help`` is set for ``-h`` / ``--help``.

    Raises
    ------
    MagicUsageError
        For an unknown option, a missing or malformed value, or a bad name.
    """
    options = CellOptions()
    named = False
    tokens = line.split()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        option, eq, value = token.partition("=")
        if token in ("-h", "--help"):
            options.help = True
        elif token in _FLAGS:
            setattr(options, _FLAGS[token], True)
        elif option in _VALUED:
            if not eq:
                if i >= len(tokens) or tokens[i].startswith("-"):
                    raise MagicUsageError(f"{option} needs a value")
                value = tokens[i]
                i += 1
            _apply(options, option, value)
        elif token.startswith("-"):
            raise MagicUsageError(f"unknown option '{token}'")
        elif named:
            raise MagicUsageError(f"one worker name only, got '{options.name}' and '{token}'")
        elif not _NAME.match(token):
            raise MagicUsageError(f"'{token}' is not a worker name (letters, digits, _ and -)")
        else:
            options.name = token
            named = True
    return options


def parse_line_command(line: str) -> LineCommand:
    """Parse the arguments of a ``%worker`` line magic.

    Parameters
    ----------
    line
        ``"list"``, ``"stop NAME"``, ``"-h"`` or ``"--help"``.

    Returns
    -------
    LineCommand
        The command.

    Raises
    ------
    MagicUsageError
        For anything else.
    """
    tokens = line.split()
    if tokens in (["-h"], ["--help"]):
        return LineCommand("help")
    if tokens == ["list"]:
        return LineCommand("list")
    if len(tokens) == 2 and tokens[0] == "stop" and _NAME.match(tokens[1]):  # noqa: PLR2004
        return LineCommand("stop", tokens[1])
    raise MagicUsageError(f"%worker takes 'list' or 'stop NAME', not '{line.strip()}'")
