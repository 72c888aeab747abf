"""Timeouts that cross to the page: seconds, checked before they are sent.

The page counts them with ``setTimeout``, whose delay is a signed 32-bit
number of milliseconds: a longer one fires at once. ``math.inf`` means no
timeout; a finite timeout above the limit is refused with a clear error.
"""

from __future__ import annotations

import math

#: The longest timeout the page can count (``setTimeout``'s limit), in seconds.
MAX_TIMEOUT_S = (2**31 - 1) / 1000


def checked_timeout(value: float | None, what: str) -> float | None:
    """Return ``value`` as seconds for the page, None for no timeout.

    Parameters
    ----------
    value
        Seconds, ``None`` or ``math.inf`` (no timeout).
    what
        What the timeout is for, named in errors (e.g. ``"wait_for timeout"``).

    Raises
    ------
    TypeError
        If ``value`` is not a number.
    ValueError
        If it is negative, NaN, or finite and longer than :data:`MAX_TIMEOUT_S`.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{what} takes seconds (a number or None), not {type(value).__name__}"
        raise TypeError(msg)
    if math.isnan(value) or value < 0:
        msg = f"{what} must be 0 or more seconds, not {value!r}"
        raise ValueError(msg)
    if math.isinf(value):
        return None
    if value > MAX_TIMEOUT_S:
        msg = (
            f"{what} of {value!r} s is longer than the page can count "
            f"({int(MAX_TIMEOUT_S)} s, about 24 days): use None or math.inf for no timeout"
        )
        raise ValueError(msg)
    return float(value)
