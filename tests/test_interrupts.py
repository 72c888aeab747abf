"""KeyboardInterrupt's quick traceback (``jupyter_worker/browser/interrupts.py``), in CPython."""

from __future__ import annotations

import re

import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_worker.browser.interrupts import install_interrupt_traceback

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


def test_other_errors_keep_ipythons_traceback(shell, capsys):
    install_interrupt_traceback(shell)
    shell.run_cell("1 / 0")
    text = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    assert "ZeroDivisionError" in text
    assert "Traceback (most recent call last)" in text  # IPython's own header
    assert "----> 1 1 / 0" in text  # IPython's context format, not the plain one
