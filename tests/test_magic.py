"""The ``%%worker`` magic as a kernel sees it: the usage text and the fallback error.

The browser parses the line (``labextension/test/options.test.ts``, with
``fixtures/magic/lines.json``); the kernel runs no ``%%worker`` cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.testing.globalipapp import get_ipython

from jupyter_worker.magic.magics import NOT_HERE, USAGE, WorkerCellError, WorkerMagics


@pytest.fixture(scope="module")
def ip() -> Any:
    shell = get_ipython()
    shell.run_line_magic("load_ext", "jupyter_worker")
    return shell


@pytest.fixture
def magics(ip: Any) -> Iterator[WorkerMagics]:
    instance = ip.magics_manager.registry["WorkerMagics"]
    yield instance
    instance.on_kernel = "error"


def test_cell_in_kernel_says_where_it_runs(ip: Any, magics: WorkerMagics) -> None:
    with pytest.raises(WorkerCellError) as info:
        ip.run_cell_magic("worker", "--in a", "print('hi')")
    assert str(info.value) == NOT_HERE
    assert "browser Pyodide worker" in NOT_HERE


def test_run_cell_reports_no_syntax_error(ip: Any, magics: WorkerMagics, capsys: Any) -> None:
    result = ip.run_cell("%%worker\nfrom js import document\nx = (")
    assert isinstance(result.error_in_exec, WorkerCellError)
    assert not isinstance(result.error_in_exec, SyntaxError)
    assert result.error_before_exec is None
    shown = capsys.readouterr().out
    assert "WorkerCellError" in shown
    assert "browser Pyodide worker" in shown


def test_line_magic_in_kernel(ip: Any, magics: WorkerMagics, capsys: Any) -> None:
    for line in ("list", "stop default", "frobnicate"):
        with pytest.raises(WorkerCellError):
            ip.run_line_magic("worker", line)
    ip.run_line_magic("worker", "--help")
    assert capsys.readouterr().out.strip() == USAGE


def test_any_line_runs_nothing_in_the_kernel(ip: Any, magics: WorkerMagics) -> None:
    ip.user_ns.pop("touched", None)
    for line in ("--bogus", "name --in a --timeout 5"):
        with pytest.raises(WorkerCellError):
            ip.run_cell_magic("worker", line, "touched = 1")
    assert isinstance(WorkerCellError(NOT_HERE), UsageError)
    assert "touched" not in ip.user_ns


def test_help_prints_usage(ip: Any, magics: WorkerMagics, capsys: Any) -> None:
    for line in ("-h", "name --help"):
        ip.run_cell_magic("worker", line, "pass")
        assert capsys.readouterr().out.strip() == USAGE


def test_skip_is_configurable(ip: Any, magics: WorkerMagics, capsys: Any) -> None:
    assert WorkerMagics.class_traits()["on_kernel"].metadata["config"]
    magics.on_kernel = "skip"
    ip.user_ns.pop("touched", None)
    ip.run_cell_magic("worker", "", "touched = 1")
    assert capsys.readouterr().err.strip() == f"Skipped: {NOT_HERE}"
    assert "touched" not in ip.user_ns


def test_config_reaches_the_magics() -> None:
    from traitlets.config import Config

    config = Config()
    config.WorkerMagics.on_kernel = "skip"
    assert WorkerMagics(config=config).on_kernel == "skip"


def test_option_is_listed_with_help() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "jupyter_worker.cli", "options"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--WorkerMagics.on_kernel" in result.stdout
    assert "'skip' prints that on stderr" in result.stdout
