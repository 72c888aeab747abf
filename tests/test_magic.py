"""The ``%%worker`` magic as a kernel sees it: parsing and the fallback error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.testing.globalipapp import get_ipython

from jupyter_worker.magic.magics import NOT_HERE, WorkerCellError, WorkerMagics
from jupyter_worker.magic.options import (
    USAGE,
    CellOptions,
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


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", CellOptions()),
        ("plots", CellOptions(name="plots")),
        ("w-2 --fresh --background", CellOptions(name="w-2", fresh=True, background=True)),
        ("--in a,b --out c", CellOptions(inputs=["a", "b"], outputs=["c"])),
        ("--in=a --in b", CellOptions(inputs=["a", "b"])),
        ("--timeout 2.5", CellOptions(timeout=2.5)),
        ("--packages attrs,six==1.17.0", CellOptions(packages=["attrs", "six==1.17.0"])),
        ("-h", CellOptions(help=True)),
        ("x --help", CellOptions(name="x", help=True)),
    ],
)
def test_parse_cell_line(line: str, expected: CellOptions) -> None:
    assert parse_cell_line(line) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("--bogus", "unknown option '--bogus'"),
        ("a b", "one worker name only"),
        ("--in", "--in needs a value"),
        ("--in --fresh", "--in needs a value"),
        ("--in a,,b", "comma-separated"),
        ("--in 1a", "'1a' is not a Python variable name"),
        ("--out class", "'class' is not a Python variable name"),
        ("--in a;import_os", "is not a Python variable name"),
        ("--in=é", "is not a Python variable name"),
        ("--timeout 0", "positive number"),
        ("--timeout soon", "positive number"),
        ("--timeout inf", "positive number"),
        ("--timeout 3000000", "at most 2147483 seconds"),
        ("--packages 'x y'", "is not a package requirement"),
        ("bad.name", "is not a worker name"),
    ],
)
def test_parse_cell_line_errors(line: str, message: str) -> None:
    with pytest.raises(MagicUsageError, match=message.replace("(", r"\(")):
        parse_cell_line(line)


def test_parse_line_command() -> None:
    assert parse_line_command("list").action == "list"
    assert parse_line_command(" stop  plots ").name == "plots"
    assert parse_line_command("-h").action == "help"
    for bad in ("", "stop", "stop a b", "kill a", "list all"):
        with pytest.raises(MagicUsageError):
            parse_line_command(bad)


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
