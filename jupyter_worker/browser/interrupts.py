"""A quick traceback for KeyboardInterrupt, so that an interrupted cell stops at once.

IPython's usual traceback (syntax-highlighted source around each frame) takes
15 to 30 ms to format in Pyodide, most of the time between an interrupt and
the cell's finished prompt. An interrupt's traceback only needs to say where
the cell stopped: the plain format takes well under a millisecond, and frames
marked ``__tracebackhide__`` (this package's own) are left out as IPython
leaves them out.
"""

from __future__ import annotations

import types
from typing import Any


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
    # format one now: the first takes a tenth of a second (imports, caches)
    try:
        raise KeyboardInterrupt  # noqa: TRY301 - a traceback to format
    except KeyboardInterrupt as error:
        plain.structured_traceback(KeyboardInterrupt, error, error.__traceback__)


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
