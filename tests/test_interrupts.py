"""KeyboardInterrupt's quick traceback (``jupyter_worker/worker/interrupts.py``), in CPython."""

from __future__ import annotations

import re
import signal

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.ultratb import FormattedTB

from jupyter_worker.worker import interrupts
from jupyter_worker.worker.interrupts import (
    install_cell_marks,
    install_interrupt_traceback,
    install_sigint_report,
    warm_interrupt_traceback,
)

CELL = """
def machinery():
    __tracebackhide__ = True
    raise KeyboardInterrupt

def users_function():
    machinery()

users_function()
"""


@pytest.fixture
def shell():
    shell = InteractiveShell()
    yield shell
    InteractiveShell.clear_instance()


def test_interrupt_shows_a_plain_traceback_without_hidden_frames(shell, capsys):
    install_interrupt_traceback(shell)
    result = shell.run_cell(CELL)
    assert isinstance(result.error_in_exec, KeyboardInterrupt)
    text = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    assert text.startswith("Traceback (most recent call last):")
    assert "users_function()" in text
    assert "machinery()" in text
    assert "raise KeyboardInterrupt" not in text  # the hidden frame
    assert text.rstrip().endswith("KeyboardInterrupt")


def test_the_first_traceback_is_formatted_once_per_interpreter(shell, monkeypatch):
    # (a kernel started from a memory snapshot made after it does not format it again)
    formatted = []
    original = FormattedTB.structured_traceback

    def counting(self, *args, **kwargs):
        formatted.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FormattedTB, "structured_traceback", counting)
    monkeypatch.setattr(interrupts, "_traceback_warm", False)
    warm_interrupt_traceback(shell)
    assert formatted == [KeyboardInterrupt]
    install_interrupt_traceback(shell)
    warm_interrupt_traceback(shell)
    assert formatted == [KeyboardInterrupt]


def test_other_errors_keep_ipythons_traceback(shell, capsys):
    install_interrupt_traceback(shell)
    shell.run_cell("1 / 0")
    text = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    assert "ZeroDivisionError" in text
    assert "Traceback (most recent call last)" in text  # IPython's own header
    assert "----> 1 1 / 0" in text  # IPython's context format, not the plain one


class FakeBridge:
    """Records what the page is told about cells."""

    def __init__(self) -> None:
        self.calls: list[bool] = []

    def in_cell(self, running: bool) -> None:
        self.calls.append(running)


def test_a_cells_first_statement_tells_the_page_its_code_runs(shell):
    bridge = FakeBridge()
    install_cell_marks(shell, bridge)
    shell.user_ns["bridge"] = bridge
    shell.run_cell("seen = list(bridge.calls)")  # what the page knows as the cell runs
    assert shell.user_ns["seen"] == [True]
    assert bridge.calls == [True, False]


def test_future_imports_and_docstrings_stay_first(shell):
    bridge = FakeBridge()
    install_cell_marks(shell, bridge)
    result = shell.run_cell('"""A cell."""\nfrom __future__ import annotations\nx: int = 1\n')
    assert result.success
    assert shell.user_ns["x"] == 1
    assert bridge.calls == [True, False]


def test_a_cell_that_does_not_compile_never_tells_the_page_it_runs(shell):
    bridge = FakeBridge()
    install_cell_marks(shell, bridge)
    assert not shell.run_cell("1 +").success
    assert True not in bridge.calls


def test_a_cell_of_one_string_still_shows_it(shell):
    install_cell_marks(shell, FakeBridge())
    result = shell.run_cell("'after the flood'")
    assert result.result == "after the flood"


def test_timeit_does_not_time_the_mark(shell):
    bridge = FakeBridge()
    install_cell_marks(shell, bridge)
    assert shell.run_cell("%timeit -n 3 -r 2 pass").success
    assert bridge.calls == [True, False]  # once for the cell, none in the timed loop


class RaisedBridge:
    """Counts the KeyboardInterrupts the page would be told of."""

    def __init__(self) -> None:
        self.raised = 0
        self.later = 0

    def interrupt_raised(self) -> None:
        self.raised += 1

    def interrupt_later(self) -> None:
        self.later += 1


def test_sigint_raises_keyboardinterrupt_and_tells_the_page():
    bridge = RaisedBridge()
    before = signal.getsignal(signal.SIGINT)
    try:
        install_sigint_report(bridge)
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, before)
    assert bridge.raised == 1


class _Finalized:
    """An object whose finalizer is interrupted (as a page proxy's can be)."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGINT)


def test_sigint_in_a_finalizer_is_handed_back_not_lost():
    # Python would print and ignore a KeyboardInterrupt raised in __del__
    bridge = RaisedBridge()
    before = signal.getsignal(signal.SIGINT)
    try:
        install_sigint_report(bridge)
        finalized = _Finalized()
        del finalized
    finally:
        signal.signal(signal.SIGINT, before)
    assert (bridge.raised, bridge.later) == (0, 1)
