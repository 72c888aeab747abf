"""Error outputs name the class (``worker/error_names.py``), in CPython."""

import types

from jupyter_worker.worker.error_names import error_name, install_error_names


class IsolationError(RuntimeError):
    pass


def test_the_class_name_is_recorded_as_ipykernel_does():
    recorded = []
    shell = types.SimpleNamespace(_showtraceback=lambda *args: recorded.append(args))
    install_error_names(shell)
    shell._showtraceback(ValueError, ValueError("boom"), ["tb"])
    shell._showtraceback(IsolationError, IsolationError(), [])
    assert [args[0] for args in recorded] == ["ValueError", "IsolationError"]
    assert error_name(KeyboardInterrupt) == "KeyboardInterrupt"
    assert error_name("AlreadyAName") == "AlreadyAName"
