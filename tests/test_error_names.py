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


def test_errors_are_not_formatted_again_for_a_history_nobody_keeps():
    from IPython.core.interactiveshell import InteractiveShell

    from jupyter_worker.worker.error_names import install_unstored_errors

    shell = InteractiveShell()
    try:
        shell.history_manager.enabled = False
        install_unstored_errors(shell)
        shell.run_cell("raise ValueError('boom')", store_history=True)
        (stored,) = shell.history_manager.exceptions.values()
        assert stored == {"ename": "ValueError", "evalue": "boom", "traceback": []}
        # with history kept, IPython's own formatting stays
        kept = InteractiveShell()
        install_unstored_errors(kept)
        assert "_format_exception_for_storage" not in vars(kept)
    finally:
        InteractiveShell.clear_instance()
