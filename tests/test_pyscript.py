"""PyScript's names in worker Python (``import pyscript``), what runs without a page (CPython)."""

from __future__ import annotations

import pytest

from jupyter_worker.worker import pyscript, spawn


@pytest.mark.parametrize("name", sorted(pyscript._NOTEBOOK_WAY))
def test_names_with_no_notebook_meaning_say_what_to_use(name: str) -> None:
    with pytest.raises(NotImplementedError, match=f"pyscript.{name} has no notebook meaning"):
        getattr(pyscript, name)


def test_the_notebook_meanings() -> None:
    assert pyscript.current_target() is None  # display's default: the cell output
    assert pyscript.HTML("<b>x</b>")._repr_html_() == "<b>x</b>"
    assert pyscript.sync is spawn.sync
    assert pyscript.RUNNING_IN_WORKER is True
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = pyscript.nope
