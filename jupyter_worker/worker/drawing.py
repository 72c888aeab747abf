"""Drawing from Python: pixels to a canvas without JSON, animation frames."""

from __future__ import annotations

from typing import Any

from .codec import ClampedBytes
from .connection import session


def image_data(data: Any, width: int, height: int) -> Any:
    """A page ``ImageData`` of ``width`` x ``height`` RGBA pixels from Python bytes.

    ``data`` is any buffer of ``width * height * 4`` bytes (``bytes``,
    ``bytearray``, ``memoryview``, a C-contiguous numpy ``uint8`` array). It
    crosses in binary, copied once into the channel's shared memory; in a
    :class:`~jupyter_worker.worker.batches.batch` the ``ImageData`` is queued
    like any call (``ctx.putImageData(image_data(frame, w, h), 0, 0)``).
    """
    view = memoryview(data)
    if not view.c_contiguous:
        msg = "image_data() takes C-contiguous pixels (numpy: np.ascontiguousarray)"
        raise ValueError(msg)
    view = view.cast("B")
    if width <= 0 or height <= 0 or len(view) != width * height * 4:
        msg = (
            f"image_data() needs width * height * 4 = {width * height * 4} bytes "
            f"of RGBA for {width}x{height}, got {len(view)}"
        )
        raise ValueError(msg)
    return session().global_object("ImageData").new(ClampedBytes(view), width, height)


def next_frame() -> float:
    """Block until the page's next animation frame; return its timestamp (ms).

    What a drawing loop waits on between frames (``requestAnimationFrame``):
    the operations a :class:`~jupyter_worker.worker.batches.batch` queued are
    sent first, so the frame shows them. Callbacks run while it waits; an
    interrupt ends the wait. A hidden tab has no frames: the wait lasts until
    it is shown again.
    """
    __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
    return float(session().request({"op": "frame"}))
