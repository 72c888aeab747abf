"""``time.sleep`` that sleeps: Pyodide's busy-waits a core; ours waits on shared memory.

Installed in isolated pages only (``Atomics.wait`` on a SharedArrayBuffer); the
wait ends at once on an interrupt, with KeyboardInterrupt.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, SupportsIndex

if TYPE_CHECKING:
    from ..protocol import Bridge


def install_sleep(bridge: Bridge, before: Callable[[], None]) -> None:
    """Replace ``time.sleep`` with one that waits in ``bridge.sleep`` (no CPU).

    ``bridge.sleep(seconds)`` returns True when an interrupt ended the wait;
    ``before()`` runs first (it sends the page operations a batch queued, so
    that a frame drawn before a sleep shows during it).
    """

    def sleep(seconds: float | SupportsIndex) -> None:
        """Suspend execution for ``seconds`` (without using the CPU)."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        seconds = float(seconds)
        if math.isnan(seconds) or seconds < 0:
            msg = "sleep length must be non-negative"
            raise ValueError(msg)
        before()
        if bridge.sleep(seconds):  # interrupted
            raise KeyboardInterrupt

    sleep.__wrapped__ = time.sleep  # type: ignore[attr-defined]
    time.sleep = sleep
