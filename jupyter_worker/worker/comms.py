"""Comm messages (widget changes) that reach worker Python while a cell waits.

JupyterLite hands a kernel one message at a time, so a widget's change would
wait for the running cell to end. The page sends such messages over the
channel instead (``WorkerKernel.deliverEarly``), and they arrive here during
the cell's next wait (``time.sleep``, ``wait_for``, ``input()``, ``run_sync``),
so a loop that sleeps reads a slider's current value. Binary buffers (a file
upload's content) come as base64.
"""

from __future__ import annotations

import base64
import sys
from typing import Any

from ..protocol import KernelMessage

#: The comm manager's handler of each message type.
HANDLERS = {"comm_open": "comm_open", "comm_msg": "comm_msg", "comm_close": "comm_close"}


def deliver(message: KernelMessage) -> None:
    """Hand ``message`` to the kernel's comm manager, as upstream's worker does.

    Raises
    ------
    ValueError
        If the message is not a comm message.
    """
    handler = HANDLERS.get(message["msg_type"])
    if handler is None:
        msg = f"not a comm message: {message['msg_type']!r}"
        raise ValueError(msg)
    manager = _comm_manager()
    buffers = [memoryview(base64.b64decode(data)) for data in message.get("buffers", [])]
    full: dict[str, Any] = {**message, "buffers": buffers}
    getattr(manager, handler)(None, None, full)


def _comm_manager() -> Any:
    kernel = sys.modules["pyodide_kernel"].kernel_instance
    return kernel.comm_manager
