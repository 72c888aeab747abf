"""Interrupts land in the cell's own code, and stop it at once.

- The page raises KeyboardInterrupt only while a cell's own code runs: the
  cell's first statement tells it so (an AST transformer puts that call
  there). Set earlier, from IPython's ``pre_run_cell`` event, an interrupt
  could land in a later ``pre_run_cell`` callback, where IPython's event
  manager catches and prints it, and the cell then ran on.
- A quick traceback for KeyboardInterrupt:

  IPython's usual traceback (syntax-highlighted source around each frame)
  takes 15 to 30 ms to format in Pyodide, most of the time between an
  interrupt and the cell's finished prompt. An interrupt's traceback only
  needs to say where the cell stopped: the plain format takes well under a
  millisecond, and frames marked ``__tracebackhide__`` (this package's own)
  are left out as IPython leaves them out.
"""

from __future__ import annotations

import ast
import builtins
import signal
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..protocol import Bridge

#: What a cell's first statement calls: ``cell_starts()`` of this module.
_CELL_START = "__import__('jupyter_worker.worker.interrupts', fromlist=['_']).cell_starts()"

_tell_page: Callable[[bool], None] = lambda _running: None  # noqa: E731 - set by install
_in_cell = False
_cell_end_hook: Callable[[], None] = lambda: None  # noqa: E731 - set by on_cell_end
_traceback_warm = False  # set by warm_interrupt_traceback


def cell_starts() -> None:
    """Tell the page that a cell's own code runs (its first statement calls this)."""
    global _in_cell  # noqa: PLW0603 - one shell per interpreter
    _in_cell = True
    _tell_page(True)


def cell_ends() -> None:
    """Tell the page that the cell's own code is over (interrupts wait for the next)."""
    global _in_cell  # noqa: PLW0603
    _in_cell = False
    _tell_page(False)
    _cell_end_hook()


def on_cell_end(hook: Callable[[], None]) -> None:
    """Call ``hook`` whenever a cell's own code is over (replaces the last hook).

    The session drops there what a ``with`` block left when an interrupt
    skipped its ``__exit__``: CPython 3.14 leaves the back edge of a loop
    whose body ends with an ``if`` outside the ``with``'s exception handler
    (``dis`` shows the ``JUMP_BACKWARD`` after ``NOT_TAKEN`` in no range of
    the exception table), so KeyboardInterrupt raised there leaves the block
    without running ``__exit__`` (nor a ``finally``).
    """
    global _cell_end_hook  # noqa: PLW0603 - one session per interpreter
    _cell_end_hook = hook


def _cell_ended(_result: object) -> None:
    cell_ends()


class MarkCellStart(ast.NodeTransformer):
    """Put a ``cell_starts()`` call before a cell's first statement.

    Or after its ``from __future__`` imports, which must come first. Code
    transformed while a cell runs (``%timeit`` transforms the statement it
    times) is left alone.
    """

    def visit_Module(self, node: ast.Module) -> ast.Module:
        """Insert the call into a cell's module."""
        if _in_cell:
            return node
        at = 0  # after `from __future__` imports (and a docstring before them)
        for index, statement in enumerate(node.body):
            if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
                at = index + 1
            elif not (index == 0 and _is_string(statement)):
                break
        call = ast.parse(_CELL_START).body[0]
        ast.copy_location(call, node.body[at] if at < len(node.body) else node)
        node.body.insert(at, ast.fix_missing_locations(call))
        return node


def _is_string(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def install_sigint_report(bridge: Bridge) -> None:
    """Raise KeyboardInterrupt on SIGINT as Python does, telling the page it did.

    Python ignores an exception raised in a finalizer (``__del__``: a page
    proxy's runs in any loop that drops proxies), so an interrupt that lands
    in one is handed back to Pyodide (``bridge.interrupt_later``) and comes
    again at a later bytecode.
    """

    def on_sigint(_signum: int, frame: types.FrameType | None) -> None:
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        if in_finalizer(frame):
            bridge.interrupt_later()
            return
        bridge.interrupt_raised()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)


def in_finalizer(frame: types.FrameType | None) -> bool:
    """Whether ``frame`` runs inside a ``__del__`` method (at any depth)."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def install_cell_marks(shell: Any, bridge: Bridge) -> None:
    """Keep the page told whether a cell's own code runs (``bridge.in_cell``)."""
    global _tell_page  # noqa: PLW0603 - one shell per interpreter
    _tell_page = bridge.in_cell
    shell.ast_transformers.append(MarkCellStart())
    shell.events.register("post_run_cell", _cell_ended)


def install_input_interrupts(shell: Any, bridge: Bridge) -> None:
    """Raise KeyboardInterrupt for an interrupted ``input()`` / ``getpass()`` in Python.

    The kernel sets ``shell.input`` / ``shell.getpass`` (page functions) before
    each cell; an interrupt ends their wait with an empty line and
    ``bridge.input_interrupted()`` true, and the wrappers installed here raise
    then: raising from JavaScript instead took tens of milliseconds and showed
    JavaScript frames in the traceback. Nothing changes if the kernel's
    ``Interpreter`` has no such properties.
    """
    cls = type(shell)
    for name in ("input", "getpass"):
        prop = getattr(cls, name, None)
        if isinstance(prop, property) and prop.fset is not None:
            setattr(cls, name, property(prop.fget, _wrapping_setter(name, prop.fset, bridge)))


def _wrapping_setter(name: str, setter: Any, bridge: Bridge) -> Any:
    def set_reader(self: Any, read: Any) -> None:
        def interruptible(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
            line = read(*args, **kwargs)
            if bridge.input_interrupted():
                bridge.interrupt_raised()
                raise KeyboardInterrupt
            return line

        setter(self, interruptible)
        if name == "input":  # itself, not the kernel's lambda around it (a traceback frame)
            builtins.input = interruptible

    return set_reader


def install_interrupt_traceback(shell: Any) -> None:
    """Show KeyboardInterrupt in ``shell`` with a plain traceback."""
    from IPython.core.ultratb import FormattedTB

    plain = FormattedTB(mode="Plain", theme_name=shell.colors)  # type: ignore[no-untyped-call]

    def handler(
        self: Any, etype: type[BaseException], value: BaseException, tb: Any, tb_offset: Any = None
    ) -> list[str]:
        offset = self.InteractiveTB.tb_offset if tb_offset is None else tb_offset
        for _ in range(offset or 0):
            tb = tb.tb_next if tb is not None else None
        stb: list[str] = plain.structured_traceback(etype, value, visible_frames(tb), tb_offset=0)
        # IPython ignores what a custom handler returns: it shows the traceback itself
        self._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((KeyboardInterrupt,), handler)
    warm_interrupt_traceback(shell)


def warm_interrupt_traceback(shell: Any) -> None:
    """Format a KeyboardInterrupt's plain traceback once, so that the first interrupt is quick.

    The first takes a tenth of a second (imports, caches); once per
    interpreter: a kernel started from a memory snapshot made after it does
    not again (``worker/bridge.ts``, ``importBridgeModules``).
    """
    global _traceback_warm  # noqa: PLW0603 - once per interpreter
    if _traceback_warm:
        return
    from IPython.core.ultratb import FormattedTB

    plain = FormattedTB(mode="Plain", theme_name=shell.colors)  # type: ignore[no-untyped-call]
    try:
        raise KeyboardInterrupt  # noqa: TRY301 - a traceback to format
    except KeyboardInterrupt as error:
        plain.structured_traceback(KeyboardInterrupt, error, error.__traceback__)
    _traceback_warm = True


def visible_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """``tb`` without the frames whose locals set ``__tracebackhide__``."""
    kept = []
    while tb is not None:
        if not tb.tb_frame.f_locals.get("__tracebackhide__", False):
            kept.append(tb)
        tb = tb.tb_next
    rebuilt = None
    for entry in reversed(kept):
        rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt
