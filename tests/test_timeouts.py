"""Timeouts sent to the page are checked first (``timeouts.py``)."""

import math

import pytest

from jupyter_worker.timeouts import MAX_TIMEOUT_S, checked_timeout


def test_a_countable_timeout_is_kept_and_infinity_means_none():
    assert checked_timeout(2, "t") == 2.0
    assert checked_timeout(0, "t") == 0.0
    assert checked_timeout(MAX_TIMEOUT_S, "t") == MAX_TIMEOUT_S
    assert checked_timeout(None, "t") is None
    assert checked_timeout(math.inf, "t") is None


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (3_000_000, ValueError, "longer than the page can count"),
        (-1, ValueError, "0 or more seconds"),
        (math.nan, ValueError, "0 or more seconds"),
        ("5", TypeError, "not str"),
        (True, TypeError, "not bool"),
    ],
)
def test_a_bad_timeout_fails_naming_what_it_was_for(value, error, match):
    with pytest.raises(error, match=match) as caught:
        checked_timeout(value, "wait_for timeout")
    assert "wait_for timeout" in str(caught.value)


def test_wait_for_checks_its_timeout_before_it_asks_the_page():
    from jupyter_worker.worker.connection import wait_for
    from jupyter_worker.worker.errors import IsolationError

    with pytest.raises(ValueError, match="wait_for timeout of 3000000 s is longer"):
        wait_for(None, "click", timeout=3_000_000)  # type: ignore[arg-type]
    # an infinite timeout is fine: it gets as far as needing the page
    with pytest.raises((IsolationError, AttributeError)):
        wait_for(None, "click", timeout=math.inf)  # type: ignore[arg-type]
