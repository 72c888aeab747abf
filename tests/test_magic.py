"""The ``%%worker`` magic as a kernel sees it: parsing and the fallback error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.testing.globalipapp import get_ipython

from jupyter_worker.magic.magics import NOT_HERE, WorkerCellError, WorkerMagics
from jupyter_worker.magic.options import (
    USAGE,
    CellOptions,
    LineCommand,
    MagicUsageError,
    parse_cell_line,
    parse_line_command,
)


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


#: What lines parse to; labextension/test/options.test.ts checks the browser's parser against it.
LINES = json.loads((Path(__file__).parent / "fixtures" / "magic" / "lines.json").read_text("utf-8"))


def _check(parse: Any, case: dict[str, Any], build: Any) -> None:
    """``parse(line)`` gives what ``case`` says: ``build(**options)``, or the error."""
    if "error" in case:
        with pytest.raises(MagicUsageError) as caught:
            parse(case["line"])
        assert str(caught.value) == case["error"]
    else:
        assert parse(case["line"]) == build(**case["options"])


@pytest.mark.parametrize("case", LINES["cell"], ids=lambda case: repr(case["line"]))
def test_parse_cell_line(case: dict[str, Any]) -> None:
    _check(parse_cell_line, case, CellOptions)


@pytest.mark.parametrize("case", LINES["line"], ids=lambda case: repr(case["line"]))
def test_parse_line_command(case: dict[str, Any]) -> None:
    _check(parse_line_command, case, LineCommand)


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


def test_line_magic_in_kernel(ip: Any, magics: WorkerMagics) -> None:
    with pytest.raises(WorkerCellError):
        ip.run_line_magic("worker", "list")
    with pytest.raises(UsageError, match="not 'frobnicate'"):
        ip.run_line_magic("worker", "frobnicate")


def test_usage_error_runs_nothing(ip: Any, magics: WorkerMagics) -> None:
    ip.user_ns.pop("touched", None)
    with pytest.raises(UsageError) as info:
        ip.run_cell_magic("worker", "--bogus", "touched = 1")
    assert "unknown option '--bogus'" in str(info.value)
    assert USAGE in str(info.value)
    assert not isinstance(info.value, WorkerCellError)
    assert "touched" not in ip.user_ns


def test_help_prints_usage(ip: Any, magics: WorkerMagics, capsys: Any) -> None:
    ip.run_cell_magic("worker", "-h", "pass")
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
