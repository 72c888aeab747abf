"""Pixels from Python to a canvas: ``ImageData`` from bytes without JSON."""

from __future__ import annotations

from typing import Any

from .codec import ClampedBytes
from .connection import session


def image_data(data: Any, width: int, height: int) -> Any:
    """A page ``ImageData`` of ``width`` x ``height`` RGBA pixels from Python bytes.

    ``data`` is any buffer of ``width * height * 4`` bytes (``bytes``,
    ``bytearray``, ``memoryview``, a C-contiguous numpy ``uint8`` array). It
    crosses in binary, copied once into the channel's shared memory; in a
    :class:`~jupyter_worker.worker.batching.batch` the ``ImageData`` is queued
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
